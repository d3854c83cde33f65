// @ts-check
// One meeting: time, place or online link, chair and host; the answer (Tham dự / Không tham dự /
// Cử người thay — for a unit, its leader or clerk answers; the substitute is one of the unit's
// people); "Có mặt" from a little before the start; the agenda with its papers (files, and
// documents already in the system, opened in the reader) and the comments on each item (góp ý dự
// thảo); who is invited and what each answered; the minutes and conclusion once issued. Opening it
// stores its papers on the phone for reading with no signal ("Đã lưu để đọc ngoại tuyến").
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { fmtDate, t } from './i18n.js';
import { on } from './live.js';
import { meetingFileUrl, papersSaved, savePapers } from './meeting-offline.js';
import { AnswerBadge, dayName, hhmm, timeRange, vnDay } from './meetings.js';
import { PdfViewer } from './pdfview.js';
import { ErrorBox, go, html, Loading, Meta, onValue, StatusBadge, toast, useAction } from './ui.js';
/** @import { AgendaItem, Document, LinkedDocumentRef, MeetingAnswer, MeetingComment, MeetingDetail, MeetingFull, MeetingParticipant, MeetingTask, Page, UnitPerson } from './types' */

/** Which document types each linked role takes (GM; BB; TB or KL). */
const LINK_TYPES = /** @type {const} */ ({ minutes: ['BB'], conclusion: ['TB', 'KL'] });

/** The meeting's details, again when it changes (`meeting:changed`) or after a catch-up. @param {string} id */
function useMeeting(id) {
  const [data, setData] = useState(/** @type {MeetingDetail | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const current = useRef(id);
  current.current = id;
  const load = async () => {
    const asked = id;
    try {
      /** @type {MeetingDetail} */
      const r = await api(`/api/meetings/${id}`);
      if (current.current !== asked) return;
      setData(r);
      setError(null);
    } catch (err) {
      if (current.current === asked) setError(err);
    }
  };
  useEffect(() => {
    setData(null);
    setError(null);
    load();
    const offs = [
      on('meeting:changed', (p) => p.meetingId === id && load()),
      on('meeting:updated', (p) => p.meetingId === id && load()),
      on('synced', () => load()),
    ];
    return () => offs.forEach((off) => off());
  }, [id]);
  return { data, error, load };
}

/** The participant rows that stand for me: invited myself, my unit, or sent as a substitute. @param {MeetingParticipant[]} list */
const mine = (list) => list.filter((p) => p.mine);

/** @param {{ id: string }} props */
export function MeetingPage({ id }) {
  const { data, error, load } = useMeeting(id);
  if (error && !data) return html`<section class="view"><${ErrorBox} error=${error} onRetry=${load} /></section>`;
  if (!data) return html`<section class="view"><${Loading} /></section>`;
  const m = data.meeting;
  const can = m.can ?? {};
  const me = mine(m.participants);
  const answerable = me.find((p) => p.userId === session.user?.id) ?? me.find((p) => p.unitId === session.user?.unitId) ?? null;
  const when = `${dayName(vnDay(m.startsAt))}/${vnDay(m.startsAt).slice(0, 4)}, ${timeRange(m)}`;
  const cancelled = m.status === 'cancelled';
  return html`<article class="view meeting" aria-labelledby="meeting-title" data-meeting=${m.id}>
    <p class="back"><a class="btn btn-link" href=${`#/meetings?week=${vnDay(m.startsAt)}`}>← ${t('mt.title')}</a></p>
    <p class="doc-badges">
      ${cancelled && html`<span class="badge badge-cancelled">${t('mt.cancelled')}</span>`}
      ${m.secrecy && m.secrecy !== 'none' && html`<span class="badge badge-flash">${t(`secrecy.${m.secrecy}`)}</span>`}
    </p>
    <h1 id="meeting-title" class="doc-title">${m.title}</h1>
    <div class="metas">
      <${Meta} label=${t('mt.when')} value=${when} />
      <${Meta} label=${t('mt.place')} value=${m.place} />
      ${m.link && html`<div class="meta"><span class="meta-label">${t('mt.link')}</span><a href=${m.link} target="_blank" rel="noopener noreferrer">${m.link}</a></div>`}
      <${Meta} label=${t('mt.chair')} value=${m.chair?.fullName} />
      <${Meta} label=${t('mt.host')} value=${m.hostUnit?.name} />
    </div>
    <${OfflineState} detail=${data} />
    ${can.answer && answerable && html`<${Answer} meetingId=${m.id} p=${answerable} onDone=${load} />`}
    ${can.attend && html`<${Attend} meetingId=${m.id} me=${me} onDone=${load} />`}
    <${Outcome} documents=${m.documents} />
    ${(can.edit || can.linkDocuments) && html`<${HostTools} m=${m} onDone=${load} />`}
    <${Tasks} tasks=${m.tasks ?? []} />
    <h2>${t('mt.agenda')}</h2>
    ${m.agenda.length === 0 && html`<p class="muted">${t('mt.noAgenda')}</p>`}
    <ol class="agenda">${m.agenda.map((item, i) => html`<${Item} key=${i} meetingId=${m.id} item=${item} index=${item.index ?? i}
      comments=${m.comments.filter((c) => c.agendaIndex === (item.index ?? i))} mayComment=${Boolean(can.comment)} onDone=${load} />`)}</ol>
    <${Participants} list=${m.participants} meetingId=${m.id} mark=${Boolean(can.markAttendance)} onDone=${load} />
  </article>`;
}

/** The papers kept on this phone for reading offline. @param {{ detail: MeetingDetail }} props */
function OfflineState({ detail }) {
  const [state, setState] = useState(/** @type {'' | 'saving' | 'saved' | 'failed' | 'none'} */ (''));
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const id = detail.meeting.id;
  const secret = Boolean(detail.meeting.secrecy && detail.meeting.secrecy !== 'none');
  // Once per opening (and again when the papers change): the ones already here are not fetched again.
  const key = detail.meeting.agenda.map((a) => `${a.files?.map((f) => f.id).join(',')}|${a.documents?.map((d) => d.id).join(',')}`).join(';');
  useEffect(() => {
    if (secret) return undefined;
    let stopped = false;
    (async () => {
      if (!navigator.onLine) return setState((await papersSaved(id)) ? 'saved' : 'failed');
      setState('saving');
      try {
        const n = await savePapers(detail, (done, total) => !stopped && setProgress({ done, total }), () => stopped);
        if (!stopped) setState(n === 0 ? 'none' : 'saved');
      } catch {
        if (!stopped) setState((await papersSaved(id)) ? 'saved' : 'failed');
      }
    })();
    return () => { stopped = true; };
  }, [id, key]);
  if (secret) return html`<p class="notice" data-offline-papers="secret">${t('mt.secretPapers')}</p>`;
  if (state === 'saved') return html`<p class="notice notice-ok" role="status" data-offline-papers="saved">✔ ${t('mt.savedOffline')}</p>`;
  if (state === 'saving') {
    return html`<p class="muted" role="status" data-offline-papers="saving">${progress.total ? t('mt.savingOffline', { done: progress.done, total: progress.total }) : t('mt.savingStart')}</p>`;
  }
  if (state === 'failed') return html`<p class="notice" role="status" data-offline-papers="failed">${t('mt.notSavedOffline')}</p>`;
  return null;
}

/**
 * Tham dự / Không tham dự / Cử người thay, for me or for my unit.
 * @param {{ meetingId: string, p: MeetingParticipant, onDone: () => void }} props
 */
function Answer({ meetingId, p, onDone }) {
  const { busy, error, run } = useAction();
  const [picking, setPicking] = useState(false);
  const [people, setPeople] = useState(/** @type {UnitPerson[] | null} */ (null));
  const [substitute, setSubstitute] = useState('');
  useEffect(() => {
    if (!picking || people) return;
    /** @type {Promise<{ users: UnitPerson[] }>} */ (api(`/api/units/${session.user?.unitId}/users`))
      .then((r) => setPeople(r.users.filter((u) => u.id !== session.user?.id)), () => setPeople([]));
  }, [picking]);
  /** @param {MeetingAnswer} answer @param {string} [substituteUserId] */
  const send = (answer, substituteUserId) => run(async () => {
    await api(`/api/meetings/${meetingId}/rsvp`, { method: 'POST', body: { answer, ...(p.unitId ? { unitId: p.unitId } : {}), ...(substituteUserId ? { substituteUserId } : {}) } });
    toast(t(`mt.answered.${answer}`));
    setPicking(false);
    onDone();
  });
  const forUnit = Boolean(p.unitId);
  return html`<section class="panel answer" aria-labelledby="answer-title" data-answer-for=${forUnit ? 'unit' : 'me'}>
    <h2 id="answer-title">${forUnit ? t('mt.answerForUnit', { name: p.name }) : t('mt.answerForMe')}</h2>
    <p class="state-line"><${AnswerBadge} answer=${p.answer ?? null} />
      ${p.answer === 'substitute' && p.substitute && html`<span>${t('mt.substituteIs', { name: p.substitute.fullName })}</span>`}
      ${p.answeredAt && html`<span class="muted">${fmtDate(p.answeredAt)}</span>`}</p>
    <div class="row">
      <button type="button" class=${`btn ${p.answer === 'yes' ? 'btn-primary' : ''}`} aria-pressed=${p.answer === 'yes'} disabled=${busy} onClick=${() => send('yes')}>${t('mt.yes')}</button>
      <button type="button" class=${`btn ${p.answer === 'no' ? 'btn-primary' : ''}`} aria-pressed=${p.answer === 'no'} disabled=${busy} onClick=${() => send('no')}>${t('mt.no')}</button>
      <button type="button" class=${`btn ${p.answer === 'substitute' ? 'btn-primary' : ''}`} aria-expanded=${picking} disabled=${busy} onClick=${() => setPicking(!picking)}>${t('mt.substitute')}</button>
    </div>
    ${picking && html`<form class="form" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); if (substitute) send('substitute', substitute); }}>
      <label class="field">${t('mt.substitutePick')}
        <select value=${substitute} onChange=${onValue(setSubstitute)} required>
          <option value="">${people ? t('mt.choosePerson') : t('loading')}</option>
          ${(people ?? []).map((u) => html`<option value=${u.id}>${u.fullName}${u.title ? ` — ${u.title}` : ''}</option>`)}
        </select>
      </label>
      <button type="submit" class="btn btn-primary" disabled=${busy || !substitute}>${t('mt.sendSubstitute')}</button>
    </form>`}
    <${ErrorBox} error=${error} />
  </section>`;
}

/** "Có mặt": attendance at the door. @param {{ meetingId: string, me: MeetingParticipant[], onDone: () => void }} props */
function Attend({ meetingId, me, onDone }) {
  const { busy, error, run } = useAction();
  const there = me.find((p) => p.present && (p.presentUser?.id === session.user?.id || p.userId === session.user?.id));
  if (there) return html`<p class="notice notice-ok" data-present="1">✔ ${t('mt.presentAt', { at: hhmm(there.attendanceAt) })}</p>`;
  return html`<div class="actions">
    <button type="button" class="btn btn-primary btn-block" disabled=${busy} onClick=${() => run(async () => {
      await api(`/api/meetings/${meetingId}/attendance`, { method: 'POST', body: {} });
      toast(t('mt.presentDone'));
      onDone();
    })}>${t('mt.present')}</button>
    <${ErrorBox} error=${error} />
  </div>`;
}

/** Links to the invitation, the minutes and the conclusion once issued (those the caller may read). @param {{ documents: MeetingFull['documents'] | undefined }} props */
function Outcome({ documents }) {
  const links = /** @type {Array<[string, LinkedDocumentRef | null | undefined]>} */ ([
    ['mt.invitation', documents?.invitation], ['mt.minutes', documents?.minutes], ['mt.conclusion', documents?.conclusion],
  ]).filter(([, d]) => d?.readable);
  if (links.length === 0) return null;
  return html`<p class="row outcome">${links.map(([k, d]) => html`<a class="btn" href=${`#/documents/${d?.id}`} data-outcome=${k}>${t(k)}</a>`)}</p>`;
}

/**
 * The host's leader or clerk: draft the giấy mời (then the normal flow: file, trình ký, sign, issue),
 * and link the minutes (BB) and the conclusion (TB, KL) from the unit's documents.
 * @param {{ m: MeetingFull, onDone: () => void }} props
 */
function HostTools({ m, onDone }) {
  const { busy, error, run } = useAction();
  const [docs, setDocs] = useState(/** @type {Document[] | null} */ (null));
  const [role, setRole] = useState(/** @type {'minutes' | 'conclusion'} */ ('minutes'));
  const [docId, setDocId] = useState('');
  const open = () => {
    if (docs) return;
    /** @type {Promise<Page<Document>>} */ (api('/api/outbox?limit=50')).then((r) => setDocs(r.items), () => setDocs([]));
  };
  const fit = (docs ?? []).filter((d) => /** @type {readonly string[]} */ (LINK_TYPES[role]).includes(d.type));
  const invite = () => run(async () => {
    /** @type {{ document: Document }} */
    const r = await api(`/api/meetings/${m.id}/invitation`, { method: 'POST', body: {} });
    toast(t('mt.invitationDrafted'));
    go(`#/documents/${r.document.id}`);
  });
  const link = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      await api(`/api/meetings/${m.id}/documents`, { method: 'POST', body: { documentId: docId, role } });
      toast(t('mt.linked'));
      setDocId('');
      onDone();
    });
  };
  return html`<details class="panel host-tools" onToggle=${open}>
    <summary>${t('mt.hostTools')}</summary>
    ${!m.invitationDocumentId && m.can?.edit && html`<button type="button" class="btn btn-block" disabled=${busy} onClick=${invite}>${t('mt.draftInvitation')}</button>`}
    ${m.can?.linkDocuments && html`<form class="form" onSubmit=${link}>
      <label class="field">${t('mt.linkRole')}
        <select value=${role} onChange=${onValue((v) => { setRole(v === 'conclusion' ? 'conclusion' : 'minutes'); setDocId(''); })}>
          <option value="minutes">${t('mt.minutes')}</option>
          <option value="conclusion">${t('mt.conclusion')}</option>
        </select>
      </label>
      <label class="field">${t('mt.linkDoc')}
        <select value=${docId} onChange=${onValue(setDocId)}>
          <option value="">${docs ? (fit.length ? t('mt.chooseDoc') : t('mt.noDocOfType')) : t('loading')}</option>
          ${fit.map((d) => html`<option value=${d.id}>${d.notation ?? t('doc.draft')} — ${d.subject}</option>`)}
        </select>
      </label>
      <button type="submit" class="btn" disabled=${busy || !docId}>${t('mt.linkSubmit')}</button>
    </form>`}
    <${ErrorBox} error=${error} />
  </details>`;
}

/** The conclusion's tasks: who, what, by when, and where each stands. @param {{ tasks: MeetingTask[] }} props */
function Tasks({ tasks }) {
  if (tasks.length === 0) return null;
  return html`<section aria-labelledby="tasks-title">
    <h2 id="tasks-title">${t('mt.tasks')}</h2>
    <ul class="list">${tasks.map((x) => html`<li key=${x.assignmentId} class="card" data-task=${x.assignmentId}>
      <span class="doc-badges"><${StatusBadge} status=${x.status} prefix="work" /></span>
      <span class="doc-subject">${x.text}</span>
      <span class="doc-meta">${x.assignee}${x.dueDate ? ` · ${t('deadline')}: ${fmtDate(x.dueDate)}` : ''}</span>
    </li>`)}</ul>
  </section>`;
}

/**
 * An agenda item: its papers and the comments on it, with a box to add one.
 * @param {{ meetingId: string, item: AgendaItem, index: number, comments: MeetingComment[], mayComment: boolean, onDone: () => void }} props
 */
function Item({ meetingId, item, index, comments, mayComment, onDone }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      await api(`/api/meetings/${meetingId}/comments`, { method: 'POST', body: { agendaIndex: index, text: text.trim() } });
      toast(t('mt.commentSent'));
      setText('');
      onDone();
    });
  };
  const files = item.files ?? [];
  const docs = item.documents ?? [];
  return html`<li class="agenda-item" data-agenda=${index}>
    <h3>${item.title}</h3>
    ${files.length + docs.length > 0 && html`<ul class="papers">
      ${files.map((f) => html`<li key=${f.id}>${f.sha256
        ? html`<a class="paper" href=${`#/meetings/${meetingId}/files/${f.id}`} data-paper=${f.id}>${f.name}</a>`
        : html`<span class="paper paper-secret">${f.name} <small class="muted">(${t('mt.secretPaper')})</small></span>`}</li>`)}
      ${docs.map((d) => html`<li key=${d.id}>${d.readable
        ? html`<a class="paper" href=${`#/documents/${d.id}`} data-paper-doc=${d.id}>${d.notation ? `${d.notation} — ` : ''}${d.subject ?? ''}</a>`
        : html`<span class="paper muted">${t('mt.notReadable')}</span>`}</li>`)}
    </ul>`}
    ${comments.length > 0 && html`<ul class="comments" aria-label=${t('mt.comments')}>
      ${comments.map((c) => html`<li key=${c.id} class="comment" data-comment=${c.id}>
        <p class="muted">${[c.user?.fullName, c.unit?.name].filter(Boolean).join(' — ')} · ${fmtDate(c.createdAt)}</p>
        <p>${c.text}</p>
      </li>`)}
    </ul>`}
    ${mayComment && html`<form class="comment-form" onSubmit=${submit}>
      <label class="field">${t('mt.commentOn', { n: index + 1 })}
        <textarea rows="2" maxlength="5000" value=${text} onInput=${onValue(setText)}></textarea>
      </label>
      <button type="submit" class="btn" disabled=${busy || !text.trim()}>${t('mt.sendComment')}</button>
      <${ErrorBox} error=${error} />
    </form>`}
  </li>`;
}

/**
 * Who is invited and what each answered, with the counts; the host marks who came (`mark`).
 * @param {{ list: MeetingParticipant[], meetingId: string, mark: boolean, onDone: () => void }} props
 */
function Participants({ list, meetingId, mark, onDone }) {
  const { busy, error, run } = useAction();
  const markPresent = (/** @type {MeetingParticipant} */ p) => run(async () => {
    await api(`/api/meetings/${meetingId}/attendance`, { method: 'POST', body: p.unitId ? { unitId: p.unitId } : { userId: p.userId } });
    onDone();
  });
  const count = (/** @type {MeetingAnswer | null} */ a) => list.filter((p) => (p.answer ?? null) === a).length;
  return html`<section class="participants" aria-labelledby="participants-title">
    <h2 id="participants-title">${t('mt.participants', { n: list.length })}</h2>
    <p class="muted" data-counts="1">${t('mt.counts', { yes: count('yes'), no: count('no'), substitute: count('substitute'), none: count(null) })}</p>
    <ul class="list">${list.map((p) => html`<li key=${p.id ?? p.unitId ?? p.userId} class="participant" data-participant=${p.unitId ?? p.userId}>
      <span class="participant-name">${p.name}</span>
      <span class="doc-badges"><${AnswerBadge} answer=${p.answer ?? null} />
        ${p.present && html`<span class="badge badge-done">${t('mt.presentBadge')}</span>`}</span>
      ${p.answer === 'substitute' && p.substitute && html`<span class="doc-meta">${t('mt.substituteIs', { name: p.substitute.fullName })}</span>`}
      ${p.answeredAt && html`<span class="doc-meta">${t('mt.answeredAt', { at: fmtDate(p.answeredAt) })}</span>`}
      ${p.present && p.presentUser && p.unitId && html`<span class="doc-meta">${t('mt.presentWho', { name: p.presentUser.fullName, at: hhmm(p.attendanceAt) })}</span>`}
      ${mark && !p.present && html`<button type="button" class="btn btn-small" disabled=${busy} aria-label=${t('mt.markPresentOf', { name: p.name })}
        onClick=${() => markPresent(p)}>${t('mt.markPresent')}</button>`}
    </li>`)}</ul>
    <${ErrorBox} error=${error} />
  </section>`;
}

/** A paper of the meeting in the reader (offline from the copy stored when the meeting was opened). @param {{ id: string, fileId: string }} props */
export function MeetingPaper({ id, fileId }) {
  const { data, error, load } = useMeeting(id);
  if (error && !data) return html`<section class="view"><${ErrorBox} error=${error} onRetry=${load} offlineText=${t('notCachedOffline')} /></section>`;
  if (!data) return html`<section class="view"><${Loading} /></section>`;
  const file = data.meeting.agenda.flatMap((a) => a.files ?? []).find((f) => f.id === fileId);
  return html`<article class="view reader" aria-labelledby="paper-title">
    <p class="back"><a class="btn btn-link" href=${`#/meetings/${id}`}>← ${data.meeting.title}</a></p>
    <h1 id="paper-title" class="doc-title">${file?.name ?? t('mt.paperMissing')}</h1>
    ${file?.sha256 && html`<${PdfViewer} key=${file.id} url=${meetingFileUrl(id, file)} name=${file.name} size=${file.size ?? undefined} />`}
  </article>`;
}
