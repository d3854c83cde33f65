// @ts-check
// The handling of an incoming document on its page (GET /api/documents/:id/handling): the direction
// (bút phê) and who gave it, the lead and cooperating ones by name with their deadlines and status,
// and under each the progress reports (note, who, when, done). Shown to the receiving unit and to
// those named; the issuer gets a 404 and sees nothing here (its tracking has the status).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { fmtDate, t } from './i18n.js';
import { on } from './live.js';
import { html, StatusBadge } from './ui.js';
/** @import { HandlingItem, ProgressReport } from './types' */

/** @param {{ reports: ProgressReport[] }} props */
export function Reports({ reports }) {
  if (reports.length === 0) return html`<p class="muted report-none">${t('noReports')}</p>`;
  return html`<ol class="reports" aria-label=${t('reportsTitle')}>
    ${reports.map((r) => html`<li key=${r.id} class="report" data-done=${r.done ? '1' : '0'}>
      <p class="report-head"><strong>${r.userName}</strong> · <time datetime=${r.at}>${fmtDate(r.at)}</time>${r.done ? html` · <span class="badge badge-completed">${t('reportDoneMark')}</span>` : ''}</p>
      <p class="report-note">${r.note}</p>
      ${r.fileName && html`<p class="muted">${t('reportFile', { name: r.fileName })}</p>`}
    </li>`)}
  </ol>`;
}

/**
 * @param {{ documentId: string, stamp?: unknown }} props `stamp`: anything that changes when the page
 * reloads the document (its events), so the handling is fetched again with it.
 */
export function HandlingView({ documentId, stamp }) {
  const [items, setItems] = useState(/** @type {HandlingItem[] | null} */ (null));
  const load = () => /** @type {Promise<{ items: HandlingItem[] }>} */ (api(`/api/documents/${documentId}/handling`))
    .then((r) => setItems(r.items), (err) => {
      // Nothing for the caller to see here (the issuer, for one): no section.
      if (err instanceof ApiError && err.status === 404) setItems([]);
    });
  useEffect(() => {
    load();
    const offs = [on('assignment:new', (p) => p.documentId === documentId && load()), on('synced', () => load())];
    return () => offs.forEach((off) => off());
  }, [documentId, stamp]);
  if (!items || items.length === 0) return null;
  const several = items.length > 1;
  return html`<section class="panel handling" aria-labelledby="handling-title" data-testid="handling">
    <h2 id="handling-title">${t('handling')}</h2>
    ${items.map((item) => {
      const top = item.assignments.filter((a) => !a.parentId);
      const first = top[0];
      return html`<div key=${item.deliveryId} class="handling-copy">
        ${several && html`<h3>${item.unit.name}</h3>`}
        ${!first ? html`<p class="muted">${t('notAssignedYet')}</p>` : html`
          <blockquote class="direction" data-testid="direction">${first.direction}</blockquote>
          <p class="muted direction-by">${t('directionBy', { name: first.assignedByName, at: fmtDate(first.createdAt) })}</p>
          <ul class="list assignees">
            ${top.map((a) => html`<li key=${a.id} class="card assignee" data-role=${a.role}>
              <p class="assignee-head"><span class="badge">${t(`assignRole.${a.role}`)}</span> <strong class="assignee-name">${a.assigneeName}</strong>
                <${StatusBadge} status=${a.status} prefix="work" /></p>
              ${a.dueDate && html`<p class="doc-meta">${t('deadline')}: ${fmtDate(a.dueDate)}</p>`}
              <${Reports} reports=${a.reports} />
              ${item.assignments.filter((c) => c.parentId === a.id).map((c) => html`<div key=${c.id} class="handed-on">
                <p><span class="muted">${t('handedOn')}:</span> <strong>${c.assigneeName}</strong> <${StatusBadge} status=${c.status} prefix="work" />
                  ${c.dueDate ? ` · ${t('deadline')}: ${fmtDate(c.dueDate)}` : ''}</p>
                <${Reports} reports=${c.reports} />
              </div>`)}
            </li>`)}
          </ul>`}
      </div>`;
    })}
  </section>`;
}
