// @ts-check
// A draft's trình ký on its page: where it stands in words (Đang soạn, Chờ trưởng phòng duyệt, Chờ
// lãnh đạo ký, Đã ký — chờ văn thư cấp số, Bị trả lại), whose turn it is and what to do; the steps
// the server's `can` allows (submit to a reviewer or signer, pass on to a leader, return with a
// comment); editing its fields, a new version of the main file, deleting it; and below the file the
// versions (v1, v2 …) and the timeline with the comments. The page reloads on `draft:updated`.
import { useEffect, useState } from 'preact/hooks';
import { api, session, units, upload } from './api.js';
import { ALL_DOC_TYPES, docTypeName, fmtDate, t } from './i18n.js';
import { signal } from './live.js';
import { PdfViewer } from './pdfview.js';
import { ErrorBox, go, html, onValue, Progress, toast, useAction } from './ui.js';
import { UnitPicker } from './unitpicker.js';
/** @import { DocumentDetail, DocumentEvent, FlowState, UnitPerson, Urgency } from './types' */

/** @type {Urgency[]} */
const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'];
/** The events of a draft's timeline, in words (`ev.<type>`). */
const TIMELINE = new Set(['document.drafted', 'document.files_added', 'document.submitted', 'document.approved', 'document.returned',
  'document.commented', 'document.signed', 'document.edited', 'document.updated', 'document.issued']);

/**
 * Drafts this screen is leaving (returned: they go back to their author and out of the returner's
 * sight): the document page does not fetch them again on the push the step itself causes.
 * @type {Set<string>}
 */
export const leaving = new Set();

/** @param {DocumentEvent['data'] | undefined} data @param {string} key */
const text = (data, key) => (data && typeof data[key] === 'string' ? /** @type {string} */ (data[key]) : '');

/**
 * The leaders a draft may be handed to: those of the drafting department (review; `submit` only)
 * and of the issuing unit (signing), each with their unit's name; never the caller.
 * @param {DocumentDetail['document']} doc
 */
function useCandidates(doc) {
  const [people, setPeople] = useState(/** @type {Array<UnitPerson & { unitName: string, review: boolean }> | null} */ (null));
  const ids = [...new Set([doc.draftingUnitId, doc.issuerUnitId].filter(/** @returns {u is string} */ (u) => Boolean(u)))];
  useEffect(() => {
    let live = true;
    Promise.all([
      units().catch(() => []),
      ...ids.map((u) => /** @type {Promise<{ users: UnitPerson[] }>} */ (api(`/api/units/${u}/users`)).then((r) => r.users, () => [])),
    ]).then(([all, ...lists]) => {
      if (!live) return;
      const names = new Map(/** @type {import('./types').Unit[]} */ (all).map((u) => [u.id, u.name]));
      const out = lists.flatMap((list, i) => /** @type {UnitPerson[]} */ (list)
        .filter((p) => p.roles.includes('leader') && p.id !== session.user?.id)
        .map((p) => ({ ...p, unitName: names.get(ids[i] ?? '') ?? '', review: ids[i] !== doc.issuerUnitId })));
      setPeople(out);
    });
    return () => {
      live = false;
    };
  }, [doc.id, ids.join()]);
  return people;
}

/**
 * A name for a person of the draft: from the timeline (the names the server wrote into its steps)
 * or the candidate lists.
 * @param {DocumentEvent[]} events
 * @param {UnitPerson[] | null} people
 * @param {string | null | undefined} id
 */
function nameOf(events, people, id) {
  if (!id) return '';
  const found = people?.find((p) => p.id === id);
  if (found) return found.fullName;
  for (let i = events.length - 1; i >= 0; i--) {
    const d = events[i]?.data;
    if (d?.toUserId === id && text(d, 'toName')) return text(d, 'toName');
    if (events[i]?.actorUserId === id && text(d, 'fromName')) return text(d, 'fromName');
  }
  return id === session.user?.id ? session.user.fullName : '';
}

/**
 * Submit (to a reviewer or signer) or approve (pass on to a leader of the issuer): pick the person,
 * an optional comment.
 * @param {{ kind: 'submit' | 'approve', doc: DocumentDetail['document'], people: Array<UnitPerson & { unitName: string, review: boolean }> | null, onDone: () => void }} props
 */
function HandOnForm({ kind, doc, people, onDone }) {
  const [to, setTo] = useState('');
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAction();
  const list = (people ?? []).filter((p) => kind === 'submit' || !p.review);
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (busy || !to) return;
    run(async () => {
      await api(`/api/documents/${doc.id}/${kind}`, { method: 'POST', body: { toUserId: to, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
      const name = list.find((p) => p.id === to)?.fullName ?? '';
      setTo('');
      setComment('');
      toast(t(kind === 'submit' ? 'submittedTo' : 'approvedTo', { name }));
      signal('drafts-changed', { documentId: doc.id });
      onDone();
    });
  };
  const label = kind === 'submit' ? t('submitTo') : t('approveTo');
  return html`<form class="panel" onSubmit=${submit} data-step=${kind}>
    <label class="field">${label}
      <select required value=${to} onChange=${onValue(setTo)}>
        <option value="">${kind === 'submit' ? t('chooseReviewer') : t('chooseSigner')}</option>
        ${list.map((p) => html`<option value=${p.id}>${t('candidateUnit', { name: `${p.fullName}${p.title ? ` (${p.title})` : ''}`, unit: p.unitName })}</option>`)}
      </select>
    </label>
    ${people && list.length === 0 && html`<p class="notice">${t('noCandidates')}</p>`}
    <label class="field">${t('commentOptional')}
      <textarea rows="2" maxlength="2000" value=${comment} onInput=${onValue(setComment)}></textarea>
    </label>
    <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !to}>${kind === 'submit' ? t('submitDraft') : t('approveDraft')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

/** Back to the author: the comment is required. @param {{ doc: DocumentDetail['document'] }} props */
function ReturnForm({ doc }) {
  const [comment, setComment] = useState('');
  const { busy, error, run, setError } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (busy) return;
    if (!comment.trim()) return setError(new Error(t('needComment')));
    run(async () => {
      leaving.add(doc.id);
      try {
        await api(`/api/documents/${doc.id}/return`, { method: 'POST', body: { comment: comment.trim() } });
      } catch (err) {
        leaving.delete(doc.id);
        throw err;
      }
      setComment('');
      toast(t('returnedDone'));
      signal('drafts-changed', { documentId: doc.id });
      // Back with its author, the draft usually leaves the returner's sight: on to what is left to do.
      go('#/awaiting');
    });
  };
  return html`<details class="panel" data-step="return">
    <summary>${t('returnDraft')}</summary>
    <form onSubmit=${submit}>
      <label class="field">${t('returnComment')}
        <textarea required rows="3" maxlength="2000" value=${comment} onInput=${onValue(setComment)}></textarea>
      </label>
      <button type="submit" class="btn btn-danger btn-block" disabled=${busy || !comment.trim()}>${t('returnDraft')}</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`;
}

/** The draft's fields (PATCH), while its `can.edit` allows. @param {{ doc: DocumentDetail['document'], onDone: () => void }} props */
function EditForm({ doc, onDone }) {
  const [type, setType] = useState(doc.type);
  const [subject, setSubject] = useState(doc.subject);
  const [urgency, setUrgency] = useState(doc.urgency);
  const [dueDate, setDueDate] = useState(doc.dueDate ?? '');
  const [recipients, setRecipients] = useState(doc.recipients);
  const { busy, error, run, setError } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (!subject.trim()) return setError(new Error(t('needSubject')));
    run(async () => {
      await api(`/api/documents/${doc.id}`, { method: 'PATCH', body: { type, subject: subject.trim(), urgency, dueDate: dueDate || null, recipients } });
      toast(t('saved'));
      onDone();
    });
  };
  return html`<details class="panel" data-edit="1">
    <summary>${t('editDraft')}</summary>
    <form onSubmit=${submit} class="form">
      <label class="field">${t('type')}
        <select value=${type} onChange=${onValue(setType)}>
          ${ALL_DOC_TYPES.map(([code]) => html`<option value=${code}>${docTypeName(code, true)}${code === 'CV' ? '' : ` (${code})`}</option>`)}
        </select>
      </label>
      <label class="field">${t('subject')}
        <textarea required maxlength="500" rows="3" value=${subject} onInput=${onValue(setSubject)}></textarea>
      </label>
      <label class="field">${t('urgency')}
        <select value=${urgency} onChange=${onValue((v) => setUrgency(/** @type {Urgency} */ (v)))}>
          ${URGENCIES.map((u) => html`<option value=${u}>${t(`urgency.${u}`)}</option>`)}
        </select>
      </label>
      <label class="field">${t('dueDate')}
        <input type="date" value=${dueDate} onInput=${onValue(setDueDate)} />
      </label>
      <fieldset class="field">
        <legend>${t('recipients')}</legend>
        <${UnitPicker} selected=${recipients} onChange=${setRecipients} />
      </fieldset>
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('saveChanges')}</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`;
}

/**
 * A new version of the main file (or the first files of a draft that has none). A refused upload
 * keeps the chosen file: the person may pick another and send again.
 * @param {{ doc: DocumentDetail['document'], hasMain: boolean, onDone: () => void }} props
 */
function UploadForm({ doc, hasMain, onDone }) {
  const [files, setFiles] = useState(/** @type {File[]} */ ([]));
  const [progress, setProgress] = useState(/** @type {number | null} */ (null));
  const [key, setKey] = useState(0);
  const { busy, error, run } = useAction();
  const send = () => run(async () => {
    const form = new FormData();
    if (hasMain) form.append('role', 'main');
    for (const f of files) form.append('file', f, f.name);
    setProgress(0);
    try {
      await upload(`/api/documents/${doc.id}/files`, form, setProgress);
    } finally {
      setProgress(null);
    }
    setFiles([]);
    setKey((k) => k + 1); // a fresh, empty file input
    toast(t(hasMain ? 'versionUploaded' : 'uploadDone'));
    onDone();
  });
  return html`<div class="panel" data-upload=${hasMain ? 'version' : 'files'}>
    <label class="field">${hasMain ? t('uploadVersion') : t('uploadFiles')}
      <input key=${key} type="file" accept="application/pdf,.pdf" multiple=${!hasMain}
        onChange=${(/** @type {Event} */ e) => setFiles([.../** @type {HTMLInputElement} */ (e.currentTarget).files ?? []])} />
    </label>
    ${progress !== null && html`<${Progress} value=${progress} label=${t('uploading', { name: files.map((f) => f.name).join(', ') })} />`}
    <button type="button" class="btn btn-block" disabled=${busy || files.length === 0} onClick=${send}>${t('uploadButton')}</button>
    <${ErrorBox} error=${error} />
  </div>`;
}

/**
 * The flow's state, whose turn it is, what to do, and the steps the caller may take now.
 * @param {{ data: DocumentDetail, onChange: () => void }} props
 */
export function DraftFlow({ data, onChange }) {
  const doc = data.document;
  const can = doc.can ?? {};
  const people = useCandidates(doc);
  const { busy, error, run } = useAction();
  if (doc.status !== 'draft') return null;
  const state = /** @type {FlowState} */ (doc.flowState ?? 'drafting');
  const me = session.user?.id;
  const withAuthor = state === 'drafting' || state === 'returned';
  const turnId = withAuthor ? doc.authorId ?? null : doc.awaitingUserId ?? null;
  const mine = state === 'signed' ? Boolean(can.issue) : Boolean(turnId && turnId === me);
  const turn = mine ? t('turnYou') : state === 'signed' ? t('turnClerk') : turnId ? t('turnOf', { name: nameOf(data.events, people, turnId) }) : '';
  const todo = mine || state === 'signed' ? t(`todo.${state}`) : t('todo.wait');
  const lastReturn = [...data.events].reverse().find((e) => e.type === 'document.returned');
  const main = data.files.find((f) => f.role === 'main');
  const remove = () => run(async () => {
    if (!confirm(t('confirmDelete', { subject: doc.subject }))) return;
    await api(`/api/documents/${doc.id}`, { method: 'DELETE' });
    toast(t('deleted'));
    signal('drafts-changed', { documentId: doc.id });
    go('#/outbox');
  });
  return html`<section class="panel flow" aria-labelledby="flow-title" data-flow=${state} data-my-turn=${mine ? '1' : '0'}>
    <h2 id="flow-title">${t('flowTitle')}: <span class=${`badge badge-flow badge-flow-${state}`}>${t(`flow.${state}`)}</span></h2>
    ${turn && html`<p class="flow-turn">${turn}</p>`}
    <p class="flow-todo muted">${todo}</p>
    ${state === 'returned' && lastReturn && text(lastReturn.data, 'comment') && html`<blockquote class="direction flow-return">
      ${text(lastReturn.data, 'fromName') ? `${text(lastReturn.data, 'fromName')}: ` : ''}${text(lastReturn.data, 'comment')}</blockquote>`}
    ${can.submit && html`<${HandOnForm} kind="submit" doc=${doc} people=${people} onDone=${onChange} />`}
    ${can.approve && html`<${HandOnForm} kind="approve" doc=${doc} people=${people} onDone=${onChange} />`}
    ${can.return && html`<${ReturnForm} doc=${doc} />`}
    ${can.edit && html`<${UploadForm} key=${`${doc.id}-${main?.sha256 ?? ''}`} doc=${doc} hasMain=${Boolean(main)} onDone=${onChange} />`}
    ${can.edit && html`<${EditForm} key=${doc.id} doc=${doc} onDone=${onChange} />`}
    ${can.delete && html`<button type="button" class="btn btn-block btn-delete" disabled=${busy} onClick=${remove}>${t('deleteDraft')}</button>`}
    <${ErrorBox} error=${error} />
  </section>`;
}

/** A comment on the draft; the form empties after it is sent. @param {{ documentId: string, onDone: () => void }} props */
function CommentForm({ documentId, onDone }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (busy || !text.trim()) return;
    run(async () => {
      await api(`/api/documents/${documentId}/comments`, { method: 'POST', body: { text: text.trim() } });
      setText('');
      toast(t('commentSent'));
      onDone();
    });
  };
  return html`<form class="panel" onSubmit=${submit} data-step="comment">
    <label class="field">${t('commentText')}
      <textarea required rows="2" maxlength="2000" value=${text} onInput=${onValue(setText)}></textarea>
    </label>
    <button type="submit" class="btn btn-block" disabled=${busy || !text.trim()}>${t('addComment')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

/**
 * Below the file: the versions of the main file (each viewable) and the timeline with comments.
 * @param {{ data: DocumentDetail, onChange: () => void }} props
 */
export function DraftHistory({ data, onChange }) {
  const doc = data.document;
  const [open, setOpen] = useState(/** @type {number | null} */ (null));
  const main = data.files.find((f) => f.role === 'main');
  const versions = main?.versions ?? [];
  const steps = data.events.filter((e) => TIMELINE.has(e.type));
  const shown = versions.find((v) => v.version === open);
  if (doc.status !== 'draft' && steps.every((e) => e.type === 'document.drafted' || e.type === 'document.files_added' || e.type === 'document.issued' || e.type === 'document.signed')) return null;
  return html`<section class="draft-history" aria-labelledby="history-title">
    ${main && versions.length > 0 && html`<div class="panel versions" data-versions=${versions.length}>
      <h2>${t('versions')}</h2>
      <ul class="list">${versions.map((v, i) => html`<li key=${v.version}>
        <button type="button" class=${`tab version ${open === v.version ? 'tab-on' : ''}`} aria-pressed=${open === v.version}
          aria-label=${t('versionOpen', { n: v.version })} data-version=${v.version} onClick=${() => setOpen(open === v.version ? null : v.version)}>
          v${v.version} · ${v.name} · ${fmtDate(v.createdAt)}${i === versions.length - 1 ? ` (${t('currentVersion')})` : ''}</button>
      </li>`)}</ul>
      ${shown && main && html`<${PdfViewer} key=${`v${shown.version}`} url=${`/api/documents/${doc.id}/files/${main.id}/versions/${shown.version}?v=${shown.sha256}`} name=${`v${shown.version}-${shown.name}`} />`}
    </div>`}
    <h2 id="history-title">${t('timeline')}</h2>
    <ol class="timeline">${steps.map((e) => {
      const comment = text(e.data, 'comment') || text(e.data, 'text');
      const who = text(e.data, 'fromName');
      const to = text(e.data, 'toName');
      return html`<li key=${e.id} class="timeline-item" data-event=${e.type}>
        <span class="timeline-head"><strong>${t(`ev.${e.type}`) === `ev.${e.type}` ? t('ev.other') : t(`ev.${e.type}`)}</strong>${who ? ` — ${who}` : ''}${to ? ` ${t('evTo', { name: to })}` : ''}</span>
        <span class="doc-meta">${fmtDate(e.at)}</span>
        ${comment && html`<blockquote class="direction">${comment}</blockquote>`}
      </li>`;
    })}</ol>
    ${doc.can?.comment && html`<${CommentForm} documentId=${doc.id} onDone=${onChange} />`}
  </section>`;
}
