// @ts-check
// The app shell: session, hash routes, header with connection state and language, bottom navigation.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Account, Login } from './account.js';
import { Admin } from './admin.js';
import { AlarmOverlay, clearAlarms, reconcile, UnlockBanner } from './alarm.js';
import { api, hasRole, onSession, session, setSession } from './api.js';
import { Compose } from './compose.js';
import { Awaiting, AwaitingBadge } from './drafts.js';
import { getLang, setLang, t } from './i18n.js';
import { Inbox } from './inbox.js';
import { NewMeeting } from './meeting-new.js';
import { MeetingPage, MeetingPaper } from './meeting-view.js';
import { MeetingBanner, MeetingsWeek } from './meetings.js';
import * as live from './live.js';
import { Outbox, Tracking } from './outbox.js';
import { PaperForm } from './paper.js';
import { PushPrompt, pushPromptAnswered, pushPromptDue } from './push.js';
import { Reader } from './reader.js';
import { SecretRegister } from './secret.js';
import { go, html, Loading, Toasts, useRoute } from './ui.js';
import { Work } from './work.js';
/** @import { Route } from './ui.js' */
/** @import { User } from './types' */

/** @type {Record<string, string>} */
const ICONS = {
  inbox: 'M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z',
  outbox: 'M3 11l18-8-8 18-2-8z',
  new: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
  work: 'M9 6h11M9 12h11M9 18h11M4 6h1M4 12h1M4 18h1',
  awaiting: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
  account: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6',
  meetings: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
};
const Icon = (/** @type {{ name: string }} */ { name }) => html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${ICONS[name]} /></svg>`;
/** @type {Array<[key: string, label: string]>} */
const NAV = [['inbox', 'navInbox'], ['outbox', 'navOutbox'], ['awaiting', 'navAwaiting'], ['new', 'navNew'], ['work', 'navWork'], ['meetings', 'navMeetings']];

/** @param {{ route: Route, onLang: (lang: string) => void }} props */
function View({ route, onLang }) {
  const [name, id] = route.path;
  switch (name) {
    case 'documents': return html`<${Reader} id=${id} deliveryId=${route.query.d} />`;
    case 'outbox': return html`<${Outbox} />`;
    case 'awaiting': return html`<${Awaiting} />`;
    case 'tracking': return html`<${Tracking} id=${id} />`;
    case 'new': return html`<${Compose} />`;
    case 'work': return html`<${Work} tab=${route.query.tab} />`;
    case 'meetings':
      if (id === 'new') return html`<${NewMeeting} />`;
      if (id && route.path[2] === 'files' && route.path[3]) return html`<${MeetingPaper} id=${id} fileId=${route.path[3]} />`;
      return id ? html`<${MeetingPage} id=${id} />` : html`<${MeetingsWeek} week=${route.query.week} />`;
    case 'account': return html`<${Account} onLang=${onLang} />`;
    case 'admin': return html`<${Admin} tab=${id} />`;
    case 'paper': return html`<${PaperForm} />`;
    case 'secret': return html`<${SecretRegister} />`;
    default: return html`<${Inbox} />`;
  }
}

/** @param {{ state: typeof live.status }} props */
function Connection({ state }) {
  if (!state.online) return html`<p class="conn conn-off" role="status">${t('offline')}</p>`;
  if (state.lost) return html`<p class="conn conn-wait" role="status">${t('reconnecting')}</p>`;
  if (!state.connected) return null;
  return html`<span class="conn-dot" role="status" aria-label=${t('online')} title=${t('online')}></span>`;
}

function App() {
  const [user, setUser] = useState(session.user);
  const [, setLangState] = useState(getLang());
  const [conn, setConn] = useState({ ...live.status });
  // The one-time "allow notifications" screen, after logging in on this browser.
  // `null` while finding out (a moment, the first time only).
  const [prompt, setPrompt] = useState(/** @type {boolean | null} */ (pushPromptAnswered() ? false : null));
  const route = useRoute();
  useEffect(() => {
    let stale = false;
    if (!user || pushPromptAnswered()) setPrompt(false);
    else {
      setPrompt(null);
      pushPromptDue().then((due) => !stale && setPrompt(due));
    }
    return () => void (stale = true);
  }, [user?.id]);

  useEffect(() => {
    /** @type {string | null} */
    let started = null;
    const begin = (/** @type {string} */ token) => {
      if (token === started) return;
      started = token;
      live.start();
      reconcile();
    };
    const offSession = onSession((s) => {
      setUser(s.user);
      if (s.token) return begin(s.token);
      started = null;
      live.stop();
      clearAlarms();
      go('#/login');
    });
    const offStatus = live.on('status', setConn);
    if (session.token) {
      begin(session.token);
      // Roles or unit may have changed since the last visit.
      /** @type {Promise<{ user: User }>} */ (api('/api/me')).then((r) => session.token && setSession(session.token, r.user), () => {});
    }
    return () => {
      offSession();
      offStatus();
    };
  }, []);

  const changeLang = (/** @type {string} */ l) => {
    setLang(l);
    setLangState(getLang());
  };
  const langButton = html`<button type="button" class="btn btn-small btn-lang" aria-label=${t('langToggleLabel')}
    onClick=${() => changeLang(getLang() === 'vi' ? 'en' : 'vi')}>${getLang() === 'vi' ? 'EN' : 'VI'}</button>`;

  if (!user) {
    return html`<div class="shell">
      <header class="top"><span class="brand">${t('app')}</span>${langButton}</header>
      <main id="main"><${Login} /></main>
      <${Toasts} />
    </div>`;
  }
  const current = route.path[0] ?? 'inbox';
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/inbox"><span class="brand-long">${t('app')}</span><span class="brand-short">${t('appShort')}</span></a>
      <${Connection} state=${conn} />
      ${langButton}
      <a class=${`btn btn-small ${current === 'account' ? 'btn-primary' : ''}`} href="#/account" aria-label=${t('navMenu')}><${Icon} name="account" /></a>
    </header>
    <${UnlockBanner} />
    <${MeetingBanner} />
    <main id="main">${prompt === null ? html`<${Loading} />` : prompt ? html`<${PushPrompt} onDone=${() => setPrompt(false)} />` : html`<${View} route=${route} onLang=${changeLang} />`}</main>
    <nav class="bottom" aria-label=${t('app')}>
      ${NAV.filter(([key]) => key !== 'awaiting' || hasRole('leader', 'officer', 'clerk')).map(([key, label]) => html`<a href=${`#/${key}`} class=${`nav-item ${current === key ? 'nav-on' : ''}`}
        aria-current=${current === key ? 'page' : undefined}><${Icon} name=${key} /><span>${t(label)}</span>${key === 'awaiting' && html`<${AwaitingBadge} />`}</a>`)}
    </nav>
    <${AlarmOverlay} />
    <${Toasts} />
  </div>`;
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  navigator.serviceWorker.addEventListener('message', (e) => {
    if (e.data?.type === 'open' && typeof e.data.url === 'string' && e.data.url.startsWith('/#/')) location.hash = e.data.url.slice(2);
  });
}
if (!session.token && !location.hash.startsWith('#/login')) location.hash = '#/login';
const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.textContent = ''; // the "Đang tải…" placeholder
render(html`<${App} />`, root);
