// @ts-check
// Web Push on this browser: the one-time screen after login asking to allow notifications (flash
// dispatches at night must wake the phone), and the account page's list of the person's devices
// that will ring (GET/DELETE /api/me/push-subscriptions).
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { fmtDate, t } from './i18n.js';
import { ErrorBox, html, toast, useAction, useResource } from './ui.js';

/** localStorage: 'later' (Để sau) or 'done' — the prompt is shown once per browser. */
const PROMPT_KEY = 'lt.pushPrompt';

/** @param {string} base64url */
function keyBytes(base64url) {
  const s = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
/** iPhone/iPad Safari, where Web Push exists only for an app added to the home screen (iOS 16.4+). */
const onIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
const standalone = () => matchMedia('(display-mode: standalone)').matches || /** @type {{ standalone?: boolean }} */ (navigator).standalone === true;

/** This browser's push subscription, if any. */
export async function currentSubscription() {
  if (!supported()) return null;
  const reg = await navigator.serviceWorker.getRegistration();
  return (await reg?.pushManager?.getSubscription()) ?? null;
}

/** Subscribes this browser to Web Push (flash alarms arrive even when the app is closed). */
export async function enablePush() {
  if (!supported()) throw new Error(t('pushUnsupported'));
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(t('pushDenied'));
  const reg = await navigator.serviceWorker.ready;
  /** @type {{ publicKey: string }} */
  const { publicKey } = await api('/api/push/vapid-public-key');
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  await api('/api/push/subscriptions', { method: 'POST', body: sub.toJSON() });
  localStorage.setItem(PROMPT_KEY, 'done');
}

/** Answered on this browser before (allowed, or "Để sau"): known at once, so the screen does not flicker. */
export const pushPromptAnswered = () => localStorage.getItem(PROMPT_KEY) !== null;

/** Logging out unsubscribes this browser: the next person to log in here is asked again. */
export function forgetPushAnswer() {
  if (localStorage.getItem(PROMPT_KEY) === 'done') localStorage.removeItem(PROMPT_KEY);
}

/** Whether the prompt is still to be shown (never answered on this browser, push not on). */
export async function pushPromptDue() {
  if (pushPromptAnswered()) return false;
  try {
    if (supported() && Notification.permission === 'granted' && (await currentSubscription())) {
      localStorage.setItem(PROMPT_KEY, 'done');
      return false;
    }
  } catch {}
  return true;
}

/** What this browser can do about push: the prompt's variant. */
function situation() {
  if (onIos() && !standalone()) return 'ios';
  if (!window.isSecureContext) return 'insecure';
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return 'ask';
}

/** The screen after login: why notifications, and one tap to allow them (or the way to get there). @param {{ onDone: () => void }} props */
export function PushPrompt({ onDone }) {
  const { busy, error, run } = useAction();
  const kind = situation();
  const later = () => {
    localStorage.setItem(PROMPT_KEY, 'later');
    onDone();
  };
  const allow = () => run(async () => {
    await enablePush();
    toast(t('pushOn'));
    onDone();
  });
  return html`<section class="view push-prompt" data-push-prompt=${kind} aria-labelledby="push-title">
    <h1 id="push-title">${t('pushPromptTitle')}</h1>
    <p>${t('pushPromptWhy')}</p>
    ${kind === 'ios' && html`<div class="notice notice-info">
      <p><strong>${t('pushIosTitle')}</strong></p>
      <ol class="push-steps"><li>${t('pushIosStep1')}</li><li>${t('pushIosStep2')}</li><li>${t('pushIosStep3')}</li></ol>
    </div>`}
    ${kind === 'insecure' && html`<p class="notice">${t('pushInsecure')}</p>`}
    ${kind === 'unsupported' && html`<p class="notice">${t('pushUnsupported')}</p>`}
    ${kind === 'denied' && html`<p class="notice">${t('pushBlocked')}</p>`}
    <${ErrorBox} error=${error} />
    ${kind === 'ask' && html`<button type="button" class="btn btn-primary btn-block" disabled=${busy} onClick=${allow}>${t('pushAllow')}</button>`}
    <button type="button" class="btn btn-block" disabled=${busy} onClick=${later}>${t('pushLater')}</button>
  </section>`;
}

/** @typedef {{ id: string, createdAt: string, label: string, userAgent: string | null, thisDevice: boolean }} Device */

/** The account page: this browser's switch, and every device of the person that will ring. */
export function Devices() {
  const [endpoint, setEndpoint] = useState(/** @type {string | null | undefined} */ (undefined));
  useEffect(() => {
    currentSubscription().then((s) => setEndpoint(s?.endpoint ?? null), () => setEndpoint(null));
  }, []);
  const list = useResource(async () => {
    if (endpoint === undefined) return null;
    const q = endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : '';
    return /** @type {{ subscriptions: Device[] }} */ (await api(`/api/me/push-subscriptions${q}`)).subscriptions;
  }, [endpoint]);
  const { busy, error, run } = useAction();
  const devices = list.data ?? [];
  const here = devices.some((d) => d.thisDevice);
  const turnOn = () => run(async () => {
    await enablePush();
    toast(t('pushOn'));
    setEndpoint((await currentSubscription())?.endpoint ?? null);
    await list.reload();
  });
  const remove = (/** @type {Device} */ d) => run(async () => {
    await api(`/api/me/push-subscriptions/${d.id}`, { method: 'DELETE' });
    if (d.thisDevice) await (await currentSubscription())?.unsubscribe();
    await list.reload();
  });
  return html`<div class="panel" data-devices=${devices.length}>
    <h2>${t('devicesTitle')}</h2>
    ${list.data && devices.length === 0 && html`<p class="notice">${t('devicesNone')}</p>`}
    <ul class="devices">
      ${devices.map((d) => html`<li key=${d.id} class="device" data-this=${d.thisDevice ? '1' : '0'}>
        <span><strong>${d.label}</strong>${d.thisDevice ? ` — ${t('deviceThis')}` : ''}<br /><span class="muted">${t('deviceSince', { date: fmtDate(d.createdAt) })}</span></span>
        <button type="button" class="btn btn-small" disabled=${busy} aria-label=${t('deviceRemove', { name: d.label })} onClick=${() => remove(d)}>${t('deviceRemoveShort')}</button>
      </li>`)}
    </ul>
    ${!here && html`<button type="button" class="btn btn-block" disabled=${busy} onClick=${turnOn}>${t('push')}</button>`}
    <${ErrorBox} error=${error ?? list.error} />
  </div>`;
}
