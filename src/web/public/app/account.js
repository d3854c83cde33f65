// @ts-check
// Log in, and the account page: language, password, the devices that ring (push.js), install, admin screens, log out.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, hasRole, logout, session, sessionExpired, setSession, takeReturn } from './api.js';
import { getLang, t } from './i18n.js';
import { Devices, forgetPushAnswer } from './push.js';
import { ErrorBox, html, onValue, toast, useAction } from './ui.js';
import { NotifySettings } from './notify-settings.js';
/** @import { User } from './types' */

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const [expiredNote] = useState(sessionExpired);
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      try {
        /** @type {{ token: string, user: User }} */
        const r = await api('/api/auth/login', { method: 'POST', body: { username: username.trim(), password } });
        const back = takeReturn(r.user.id);
        setSession(r.token, r.user);
        if (back) location.hash = back;
        else if (!location.hash || location.hash.startsWith('#/login')) location.hash = '#/inbox';
      } catch (err) {
        throw err instanceof ApiError && err.status === 401 ? new Error(t('loginFailed')) : err;
      }
    });
  };
  return html`<section class="view login" aria-labelledby="login-title">
    <img class="login-logo" src="/icons/icon.svg" alt=${t('app')} width="72" height="72" />
    <h1 id="login-title">${t('app')}</h1>
    ${expiredNote && html`<p class="notice" role="status" data-expired="1">${t('sessionExpired')}</p>`}
    <form onSubmit=${submit} class="form">
      <label class="field">${t('username')}
        <input name="username" autocomplete="username" autocapitalize="none" required value=${username} onInput=${onValue(setUsername)} />
      </label>
      <label class="field">${t('password')}
        <input name="password" type="password" autocomplete="current-password" required value=${password} onInput=${onValue(setPassword)} />
      </label>
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('login')}</button>
    </form>
  </section>`;
}

/** @typedef {Event & { prompt(): Promise<unknown> }} InstallPromptEvent Chromium's offer to install the app (not in the DOM types). */
/** @type {InstallPromptEvent | null} */
let installPrompt = null;
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  installPrompt = /** @type {InstallPromptEvent} */ (e);
});

/** @param {{ onLang: (lang: string) => void }} props */
export function Account({ onLang }) {
  const user = session.user;
  // The offer may come after this page is drawn, and can be used once.
  const [install, setInstall] = useState(installPrompt);
  useEffect(() => {
    const offered = () => setInstall(installPrompt);
    window.addEventListener('beforeinstallprompt', offered);
    return () => window.removeEventListener('beforeinstallprompt', offered);
  }, []);
  const installApp = () => {
    installPrompt = null;
    setInstall(null);
    install?.prompt().catch(() => {});
  };
  return html`<section class="view" aria-labelledby="account-title">
    <h1 id="account-title">${t('account')}</h1>
    <div class="card">
      <p class="doc-subject">${user?.fullName}</p>
      <p class="doc-meta">${user?.title ?? ''} · ${user?.username}</p>
      <p class="doc-meta">${t('roles')}: ${(user?.roles ?? []).map((r) => t(`role.${r}`)).join(', ')}</p>
    </div>
    <div class="panel">
      <h2>${t('language')}</h2>
      <div class="row">
        ${['vi', 'en'].map((l) => html`<button type="button" class=${`btn ${getLang() === l ? 'btn-primary' : ''}`} aria-pressed=${getLang() === l}
          onClick=${() => onLang(l)}>${l === 'vi' ? 'Tiếng Việt' : 'English'}</button>`)}
      </div>
    </div>
    <${Devices} />
    ${install && html`<button type="button" class="btn btn-block" onClick=${installApp}>${t('install')}</button>`}
    <${NotifySettings} />
    <${PasswordForm} />
    ${hasRole('admin') && html`<a class="btn btn-block" href="#/admin">${t('adminOpen')}</a>`}
    <${LogoutButton} />
  </section>`;
}

/** Log out, after a confirmation (a mis-tap on a phone must not end the session). */
function LogoutButton() {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) return html`<button type="button" class="btn btn-danger btn-block" onClick=${() => setAsking(true)}>${t('logout')}</button>`;
  return html`<div class="panel" role="group" aria-labelledby="logout-q">
    <p id="logout-q"><strong>${t('logoutConfirm')}</strong></p>
    <div class="row">
      <button type="button" class="btn btn-danger" disabled=${busy} onClick=${() => {
        setBusy(true);
        forgetPushAnswer();
        logout().then(() => (location.hash = '#/login'));
      }}>${t('logout')}</button>
      <button type="button" class="btn" onClick=${() => setAsking(false)}>${t('cancel')}</button>
    </div>
  </div>`;
}

/** POST /api/me/password: the person's other sessions end; this one stays. */
function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      await api('/api/me/password', { method: 'POST', body: { current, next } });
      setCurrent('');
      setNext('');
      toast(t('passwordChanged'));
    });
  };
  return html`<details class="panel">
    <summary>${t('changePassword')}</summary>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('currentPassword')}
        <input name="current-password" type="password" autocomplete="current-password" required value=${current} onInput=${onValue(setCurrent)} />
      </label>
      <label class="field">${t('newPassword')}
        <input name="new-password" type="password" autocomplete="new-password" required minlength="8" value=${next} onInput=${onValue(setNext)} />
      </label>
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !current || next.length < 8}>${t('changePassword')}</button>
    </form>
  </details>`;
}
