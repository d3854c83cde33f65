// @ts-check
// "Tin nhắn và thư điện tử" on the account page: a phone and an email, which events reach me by
// which channel, quiet hours (GET/PUT /api/me/notifications). Hỏa tốc ignores quiet hours.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorBox, html, onValue, toast, useAction, useResource } from './ui.js';

const EVENTS = /** @type {const} */ (['flash_received', 'flash_escalated', 'due_tomorrow', 'overdue', 'meeting_reminder']);
/** @typedef {typeof EVENTS[number]} NotifyEvent */
/**
 * @typedef {{ phone: string | null, email: string | null, channels: { sms: string[], email: string[] },
 *   quietHours: { from: string, to: string } | null, available: { sms: boolean, email: boolean } }} NotifySettings
 */

export function NotifySettings() {
  const loaded = useResource(() => /** @type {Promise<NotifySettings>} */ (api('/api/me/notifications')), []);
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [sms, setSms] = useState(/** @type {string[]} */ ([]));
  const [mail, setMail] = useState(/** @type {string[]} */ ([]));
  const [quiet, setQuiet] = useState(false);
  const [from, setFrom] = useState('22:00');
  const [to, setTo] = useState('06:00');
  const { busy, error, run } = useAction();
  useEffect(() => {
    const s = loaded.data;
    if (!s) return;
    setPhone(s.phone ?? '');
    setEmail(s.email ?? '');
    setSms(s.channels.sms);
    setMail(s.channels.email);
    setQuiet(Boolean(s.quietHours));
    if (s.quietHours) {
      setFrom(s.quietHours.from);
      setTo(s.quietHours.to);
    }
  }, [loaded.data]);
  const toggle = (/** @type {string[]} */ list, /** @type {(v: string[]) => void} */ set, /** @type {string} */ ev) =>
    set(list.includes(ev) ? list.filter((x) => x !== ev) : [...list, ev]);
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      /** @type {NotifySettings} */
      const saved = await api('/api/me/notifications', {
        method: 'PUT',
        body: { phone: phone.trim() || null, email: email.trim() || null, channels: { sms, email: mail }, quietHours: quiet ? { from, to } : null },
      });
      setPhone(saved.phone ?? '');
      toast(t('notifySaved'));
    });
  };
  const available = loaded.data?.available;
  return html`<details class="panel" id="notify-settings">
    <summary>${t('notifyTitle')}</summary>
    <p class="muted">${t('notifyIntro')}</p>
    ${available && !available.sms && !available.email && html`<p class="notice">${t('notifyNone')}</p>`}
    <${ErrorBox} error=${loaded.error} onRetry=${loaded.reload} />
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('notifyPhone')}
        <input name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="0912 345 678" value=${phone} onInput=${onValue(setPhone)} />
      </label>
      <label class="field">${t('notifyEmail')}
        <input name="email" type="email" autocomplete="email" value=${email} onInput=${onValue(setEmail)} />
      </label>
      <table class="notify-table">
        <thead><tr><th scope="col">${t('notifyEvent')}</th><th scope="col">SMS</th><th scope="col">${t('notifyEmailShort')}</th></tr></thead>
        <tbody>
          ${EVENTS.map((ev) => html`<tr key=${ev}>
            <th scope="row">${t(`notifyEv.${ev}`)}</th>
            <td><input type="checkbox" aria-label=${`${t(`notifyEv.${ev}`)} — SMS`} checked=${sms.includes(ev)} disabled=${available && !available.sms} onChange=${() => toggle(sms, setSms, ev)} /></td>
            <td><input type="checkbox" aria-label=${`${t(`notifyEv.${ev}`)} — ${t('notifyEmailShort')}`} checked=${mail.includes(ev)} disabled=${available && !available.email} onChange=${() => toggle(mail, setMail, ev)} /></td>
          </tr>`)}
        </tbody>
      </table>
      <label class="check"><input type="checkbox" name="quiet" checked=${quiet} onChange=${() => setQuiet(!quiet)} /> ${t('notifyQuiet')}</label>
      ${quiet && html`<div class="row">
        <label class="field">${t('notifyQuietFrom')}<input name="quiet-from" type="time" required value=${from} onInput=${onValue(setFrom)} /></label>
        <label class="field">${t('notifyQuietTo')}<input name="quiet-to" type="time" required value=${to} onInput=${onValue(setTo)} /></label>
      </div>
      <p class="muted">${t('notifyQuietHint')}</p>`}
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !loaded.data}>${t('save')}</button>
    </form>
  </details>`;
}
