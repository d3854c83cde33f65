// @ts-check
// The flash (hỏa tốc) alarm: a full-screen red dialog with sound and vibration that stays until
// someone taps "Đã nhận" (POST /api/deliveries/:id/acknowledge).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { t } from './i18n.js';
import { on, signal } from './live.js';
import { isUnlocked, onUnlock, startRinging, stopRinging, unlock } from './alarm-sound.js';
import { docHref, errorMessage, go, html } from './ui.js';
/** @import { InboxItem, Page } from './types' */

/** @typedef {{ deliveryId: string, documentId: string, subject: string, issuer?: string }} Alarm */

/** @type {Map<string, Alarm>} */
const queue = new Map();
/** @type {Set<(alarms: Alarm[]) => void>} */
const subscribers = new Set();
const changed = () => {
  if (queue.size === 0) stopRinging();
  subscribers.forEach((fn) => fn([...queue.values()]));
};

/** Rings while any alarm waits: the siren, vibration and wake lock of alarm-sound.js. */
const ring = () => startRinging();

/**
 * Shows the alarm for a flash delivery (idempotent per delivery; rings again on repeats).
 * @param {{ deliveryId: string, documentId: string, subject?: string, issuer?: string }} alarm
 */
export function raise({ deliveryId, documentId, subject, issuer }) {
  if (!deliveryId) return;
  const known = queue.get(deliveryId);
  queue.set(deliveryId, { deliveryId, documentId, subject: subject ?? known?.subject ?? '', issuer: issuer ?? known?.issuer });
  if (!known) changed();
  ring();
}

/** @param {string} deliveryId */
function dismiss(deliveryId) {
  if (queue.delete(deliveryId)) changed();
}

/** The unit's flash deliveries nobody has acknowledged yet, from the server (after start and every catch-up). */
export async function reconcile() {
  if (!session.token) return;
  let items;
  try {
    items = (/** @type {Page<InboxItem>} */ (await api('/api/inbox?urgency=flash&limit=50'))).items;
  } catch {
    return;
  }
  const pending = items.filter((i) => !i.acknowledgedAt && !['refused', 'recalled'].includes(i.status));
  const ids = new Set(pending.map((i) => i.deliveryId));
  for (const id of [...queue.keys()]) if (!ids.has(id)) queue.delete(id);
  for (const i of pending) {
    if (!queue.has(i.deliveryId)) {
      queue.set(i.deliveryId, { deliveryId: i.deliveryId, documentId: i.document.id, subject: i.document.subject, issuer: i.document.issuer?.name });
      ring();
    }
  }
  changed();
}

export function clearAlarms() {
  queue.clear();
  changed();
}

/**
 * "Bật chuông cảnh báo": shown on every screen while this page has had no tap yet (opened from
 * the home screen, reloaded), since until then a flash dispatch would only show a silent screen.
 */
export function UnlockBanner() {
  const [unlocked, setUnlocked] = useState(isUnlocked());
  useEffect(() => onUnlock(setUnlocked), []);
  if (unlocked) return null;
  return html`<div class="unlock-banner" role="region" aria-label=${t('unlockTitle')}>
    <p>${t('unlockText')}</p>
    <button type="button" class="btn btn-primary btn-block" onClick=${unlock}>${t('unlockButton')}</button>
  </div>`;
}

on('urgent:alarm', (p) => p.live && raise(p));
on('delivery:new', (p) => p.live && p.urgency === 'flash' && raise({ ...p, issuer: p.issuer?.name }));
on('synced', () => reconcile());
// A colleague of the unit acknowledged (or registered, refused …) it: the server tells every phone
// of the unit at once, so this one stops ringing without waiting for its next reconcile.
on('delivery:updated', (p) => {
  if (p.event === 'acknowledged' || ['accepted', 'refused', 'assigned', 'in_progress', 'completed', 'recalled'].includes(p.status)) dismiss(p.deliveryId);
});

export function AlarmOverlay() {
  const [items, setItems] = useState([...queue.values()]);
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const button = useRef(/** @type {HTMLButtonElement | null} */ (null));
  useEffect(() => {
    subscribers.add(setItems);
    return () => void subscribers.delete(setItems);
  }, []);
  const first = items[0];
  useEffect(() => {
    if (!first) return undefined;
    button.current?.focus();
    // Nothing behind the alarm can be reached until it is answered.
    const behind = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('.shell > header, .shell > .unlock-banner, .shell > main, .shell > nav')]);
    behind.forEach((el) => (el.inert = true));
    // Keep ringing until answered; a colleague's acknowledgement (seen by reconcile) closes it here too.
    ring();
    const timer = setInterval(reconcile, 15000);
    return () => {
      clearInterval(timer);
      behind.forEach((el) => (el.inert = false));
    };
  }, [first?.deliveryId]);
  if (!first) return null;

  const acknowledge = async (/** @type {boolean} */ open) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/deliveries/${first.deliveryId}/acknowledge`, { method: 'POST' });
      dismiss(first.deliveryId);
      signal('inbox-changed', { deliveryId: first.deliveryId });
      if (open) go(docHref(first.documentId, first.deliveryId));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="alarm" role="alertdialog" aria-modal="true" aria-labelledby="alarm-title" aria-describedby="alarm-subject">
    <div class="alarm-inner">
      <p class="alarm-kicker" id="alarm-title">${t('alarmTitle')}</p>
      <p class="alarm-subject" id="alarm-subject" aria-live="assertive">${first.subject}</p>
      ${first.issuer && html`<p class="alarm-from">${t('from')}: ${first.issuer}</p>`}
      <button type="button" ref=${button} class="btn-alarm" disabled=${busy} onClick=${() => acknowledge(false)}>${t('ackButton')}</button>
      <button type="button" class="btn-alarm-secondary" disabled=${busy} onClick=${() => acknowledge(true)}>${t('ackAndOpen')}</button>
      ${error && html`<p class="alarm-error" role="alert">${error}</p>`}
      ${items.length > 1 && html`<p class="alarm-count">${t('alarmCount', { n: items.length - 1 })}</p>`}
      <p class="alarm-hint">${t('alarmHint')}</p>
    </div>
  </div>`;
}
