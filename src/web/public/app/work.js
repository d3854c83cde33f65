// @ts-check
// Công việc: what is assigned to me or my unit, the unit's overdue work (deadline passed, Vietnam
// date) and, for leaders and clerks, all of the unit's assignments, each with the assignee's name,
// the document, the direction and who gave it, and the reports already sent; a progress report
// inline where the server's `can.report` allows it (the form empties after each report).
import { useEffect, useState } from 'preact/hooks';
import { api, hasRole } from './api.js';
import { Reports } from './handling-view.js';
import { fmtDate, t } from './i18n.js';
import { on } from './live.js';
import { docHref, ErrorBox, html, Loading, onChecked, onValue, StatusBadge, toast, UrgencyBadge, useAction, useResource } from './ui.js';
/** @import { AppEventName, Assignment } from './types' */

/** @type {Array<[tab: string, label: string, query: string]>} */
const TABS = [
  ['mine', 'workMine', 'mine=1'],
  ['overdue', 'workOverdue', 'overdue=1'],
  ['unit', 'workUnit', ''],
];

/** @param {{ assignment: Assignment, onDone: () => void }} props */
function ReportForm({ assignment, onDone }) {
  const [note, setNote] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      await api(`/api/assignments/${assignment.id}/progress`, { method: 'POST', body: { note, done } });
      toast(t('sent'));
      setNote('');
      setDone(false);
      onDone();
    });
  };
  return html`<details class="panel">
    <summary>${t('report')}</summary>
    <form onSubmit=${submit}>
      <label class="field">${t('reportNote')}<textarea required rows="2" value=${note} onInput=${onValue(setNote)}></textarea></label>
      <label class="check"><input type="checkbox" checked=${done} onChange=${onChecked(setDone)} /><span>${t('reportDone')}</span></label>
      <button type="submit" class="btn btn-primary" disabled=${busy || !note.trim()}>${t('report')}</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`;
}

/** @param {{ tab?: string }} props */
export function Work({ tab: initial }) {
  const leaderOrClerk = hasRole('leader', 'clerk');
  const tabs = TABS.filter(([k]) => k !== 'unit' || leaderOrClerk);
  const [tab, setTab] = useState(tabs.some(([k]) => k === initial) ? initial : leaderOrClerk && hasRole('leader') ? 'overdue' : 'mine');
  const query = TABS.find(([k]) => k === tab)?.[2] ?? '';
  const { data, error, reload } = useResource(() => /** @type {Promise<{ items: Assignment[] }>} */ (api(`/api/assignments?${query}`)), [tab]);
  useEffect(() => {
    /** @type {AppEventName[]} */
    const events = ['assignment:new', 'synced'];
    const offs = events.map((n) => on(n, () => reload()));
    return () => offs.forEach((off) => off());
  }, [tab]);

  return html`<section class="view" aria-labelledby="work-title">
    <h1 id="work-title">${t('navWork')}</h1>
    <div class="tabs" role="tablist">
      ${tabs.map(([k, label]) => html`<button type="button" role="tab" aria-selected=${tab === k} class=${`tab ${tab === k ? 'tab-on' : ''}`}
        onClick=${() => setTab(k)}>${t(label)}</button>`)}
    </div>
    <${ErrorBox} error=${error} onRetry=${reload} />
    ${!data ? (error ? null : html`<${Loading} />`) : data.items.length === 0 ? html`<p class="muted">${t('noWork')}</p>` : html`<ul class="list" data-tab=${tab}>
      ${data.items.map((a) => html`<li key=${a.id} class=${`card work-item ${a.overdue ? 'card-flash' : ''}`} data-overdue=${a.overdue ? '1' : '0'}>
        <span class="doc-badges"><${UrgencyBadge} urgency=${a.document.urgency} />
          <${StatusBadge} status=${a.status} prefix="work" />
          ${a.overdue && html`<span class="badge badge-flash">${t('overdue')}</span>`}</span>
        <a class="doc-subject" href=${docHref(a.documentId, a.deliveryId)}>${a.document.notation ? `${a.document.notation} — ` : ''}${a.document.subject}</a>
        <span class="doc-meta">${t('assignee')}: <strong class="assignee-name">${a.assigneeName}</strong> · ${t(`assignRole.${a.role}`)}</span>
        ${a.dueDate && html`<span class=${`doc-meta ${a.overdue ? 'text-danger' : ''}`}>${t('deadline')}: ${fmtDate(a.dueDate)}</span>`}
        ${a.direction && html`<blockquote class="direction">${a.direction}</blockquote>`}
        ${a.direction && a.assignedByName && html`<span class="doc-meta">${t('directionBy', { name: a.assignedByName, at: fmtDate(a.createdAt) })}</span>`}
        ${a.reports.length > 0 && html`<details class="panel reports-panel" open>
          <summary>${t('reportsTitle')} (${a.reports.length})</summary>
          <${Reports} reports=${a.reports} />
        </details>`}
        ${a.can?.report && html`<${ReportForm} assignment=${a} onDone=${reload} />`}
      </li>`)}
    </ul>`}
  </section>`;
}
