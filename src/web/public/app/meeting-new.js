// @ts-check
// Tạo cuộc họp (a leader or clerk of the host unit): title, day and times (Vietnam time), place or
// online link, chair, participants — units from the recipient picker with its groups (each unit's
// leaders are invited by default) plus people of one's own unit — and the agenda, each item with
// its PDFs, uploaded once the meeting exists. The server's errors are shown as it words them.
import { useEffect, useState } from 'preact/hooks';
import { api, session, upload } from './api.js';
import { t, vnToday } from './i18n.js';
import { ErrorBox, go, html, onChecked, onValue, Progress, toast, useAction } from './ui.js';
import { UnitPicker } from './unitpicker.js';
/** @import { Document, Meeting, Page, Secrecy, UnitPerson } from './types' */
/** @typedef {{ title: string, files: File[], documentIds: string[], secretTitles: string }} ItemDraft */
/** @type {Secrecy[]} */
const SECRECIES = ['none', 'confidential', 'secret', 'top_secret'];

/** An instant from a Vietnam date and time. @param {string} day @param {string} time */
const vnInstant = (day, time) => new Date(`${day}T${time}:00+07:00`).toISOString();

export function NewMeeting() {
  const [title, setTitle] = useState('');
  const [day, setDay] = useState(vnToday(1));
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('10:00');
  const [place, setPlace] = useState('');
  const [link, setLink] = useState('');
  const [chair, setChair] = useState('');
  const [unitIds, setUnitIds] = useState(/** @type {string[]} */ ([]));
  const [userIds, setUserIds] = useState(/** @type {string[]} */ ([]));
  const [people, setPeople] = useState(/** @type {UnitPerson[]} */ ([]));
  const [secrecy, setSecrecy] = useState(/** @type {Secrecy} */ ('none'));
  const [agenda, setAgenda] = useState(/** @type {ItemDraft[]} */ ([{ title: '', files: [], documentIds: [], secretTitles: '' }]));
  // The unit's issued documents, to read at the meeting (participants open those addressed to them).
  const [issued, setIssued] = useState(/** @type {Document[]} */ ([]));
  const [progress, setProgress] = useState(/** @type {{ name: string, value: number } | null} */ (null));
  const [created, setCreated] = useState(/** @type {string | null} */ (null));
  const { busy, error, run } = useAction();
  useEffect(() => {
    /** @type {Promise<{ users: UnitPerson[] }>} */ (api(`/api/units/${session.user?.unitId}/users`)).then((r) => {
      setPeople(r.users);
      const head = r.users.find((u) => u.roles.includes('leader'));
      if (head) setChair((c) => c || head.id);
    }, () => {});
    /** @type {Promise<Page<Document>>} */ (api('/api/outbox?limit=50')).then((r) => setIssued(r.items.filter((d) => d.status === 'issued')), () => {});
  }, []);
  const setItem = (/** @type {number} */ i, /** @type {Partial<ItemDraft>} */ patch) =>
    setAgenda(agenda.map((a, j) => (j === i ? { ...a, ...patch } : a)));

  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      let id = created;
      if (!id) {
        const body = {
          title: title.trim(),
          startsAt: vnInstant(day, start),
          ...(end ? { endsAt: vnInstant(day, end) } : {}),
          ...(place.trim() ? { place: place.trim() } : {}),
          ...(link.trim() ? { link: link.trim() } : {}),
          ...(chair ? { chairUserId: chair } : {}),
          ...(secrecy !== 'none' ? { secrecy } : {}),
          participants: [...unitIds.map((unitId) => ({ unitId })), ...userIds.map((userId) => ({ userId }))],
          agenda: agenda.filter((a) => a.title.trim()).map((a) => ({ title: a.title.trim(), ...(a.documentIds.length ? { documentIds: a.documentIds } : {}) })),
        };
        /** @type {{ meeting: Meeting }} */
        const r = await api('/api/meetings', { method: 'POST', body });
        id = r.meeting.id;
        setCreated(id);
      }
      // Each item's papers, in the order of the items kept (empty titles were left out).
      const kept = agenda.filter((a) => a.title.trim());
      for (const [i, a] of kept.entries()) {
        // A secret meeting's papers: listed by title, never uploaded.
        const titles = secrecy === 'none' ? [] : a.secretTitles.split('\n').map((x) => x.trim()).filter(Boolean);
        if (titles.length) {
          const form = new FormData();
          form.append('agendaIndex', String(i));
          for (const title of titles) form.append('title', title);
          await api(`/api/meetings/${id}/files`, { method: 'POST', body: form });
          setItem(agenda.indexOf(a), { secretTitles: '' });
        }
        for (const f of secrecy === 'none' ? a.files : []) {
          const form = new FormData();
          form.append('agendaIndex', String(i));
          form.append('file', f, f.name);
          setProgress({ name: f.name, value: 0 });
          await upload(`/api/meetings/${id}/files`, form, (value) => setProgress({ name: f.name, value }));
        }
        setItem(agenda.indexOf(a), { files: [] });
      }
      toast(t('mt.created'));
      go(`#/meetings/${id}`);
    });
  };

  return html`<section class="view" aria-labelledby="new-meeting-title">
    <p class="back"><a class="btn btn-link" href="#/meetings">← ${t('mt.title')}</a></p>
    <h1 id="new-meeting-title">${t('mt.new')}</h1>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('mt.fTitle')}<textarea required maxlength="500" rows="2" value=${title} onInput=${onValue(setTitle)} disabled=${Boolean(created)}></textarea></label>
      <label class="field">${t('mt.fDay')}<input type="date" required value=${day} onInput=${onValue(setDay)} disabled=${Boolean(created)} /></label>
      <div class="two">
        <label class="field">${t('mt.fStart')}<input type="time" required value=${start} onInput=${onValue(setStart)} disabled=${Boolean(created)} /></label>
        <label class="field">${t('mt.fEnd')}<input type="time" value=${end} onInput=${onValue(setEnd)} disabled=${Boolean(created)} /></label>
      </div>
      <label class="field">${t('mt.place')}<input type="text" maxlength="500" value=${place} onInput=${onValue(setPlace)} disabled=${Boolean(created)} /></label>
      <label class="field">${t('mt.fLink')}<input type="url" inputmode="url" value=${link} onInput=${onValue(setLink)} disabled=${Boolean(created)} placeholder="https://" /></label>
      <label class="field">${t('mt.chair')}
        <select value=${chair} onChange=${onValue(setChair)} disabled=${Boolean(created)}>
          <option value="">${t('mt.noChair')}</option>
          ${people.map((u) => html`<option value=${u.id}>${u.fullName}${u.title ? ` — ${u.title}` : ''}</option>`)}
        </select>
      </label>
      <label class="field">${t('secrecy')}
        <select value=${secrecy} onChange=${onValue((v) => setSecrecy(/** @type {Secrecy} */ (v)))} disabled=${Boolean(created)}>
          ${SECRECIES.map((x) => html`<option value=${x}>${t(`secrecy.${x}`)}</option>`)}
        </select>
      </label>
      ${secrecy !== 'none' && html`<p class="notice notice-error">${t('mt.secretPapers')}</p>`}
      <fieldset class="field" disabled=${Boolean(created)}>
        <legend>${t('mt.fUnits')}</legend>
        <p class="muted field-sub">${t('mt.fUnitsHint')}</p>
        <${UnitPicker} selected=${unitIds} onChange=${(/** @type {string[]} */ ids) => setUnitIds(ids)} />
      </fieldset>
      ${people.length > 0 && html`<fieldset class="field" disabled=${Boolean(created)}>
        <legend>${t('mt.fPeople')}</legend>
        ${people.map((u) => html`<label class="check" key=${u.id}>
          <input type="checkbox" checked=${userIds.includes(u.id)} onChange=${onChecked((on) => setUserIds(on ? [...userIds, u.id] : userIds.filter((x) => x !== u.id)))} />
          <span>${u.fullName}${u.title ? html` <small class="muted">— ${u.title}</small>` : ''}</span>
        </label>`)}
      </fieldset>`}
      <fieldset class="field">
        <legend>${t('mt.agenda')}</legend>
        ${agenda.map((a, i) => html`<div class="panel agenda-edit" key=${i}>
          <label class="field">${t('mt.fItem', { n: i + 1 })}
            <input type="text" maxlength="500" value=${a.title} onInput=${onValue((v) => setItem(i, { title: v }))} disabled=${Boolean(created)} />
          </label>
          ${secrecy === 'none' ? html`<label class="field">${t('mt.fPapers', { n: i + 1 })}
            <input type="file" accept="application/pdf,.pdf" multiple
              onChange=${(/** @type {Event} */ e) => setItem(i, { files: [.../** @type {HTMLInputElement} */ (e.currentTarget).files ?? []] })} />
          </label>` : html`<label class="field">${t('mt.fSecretTitles', { n: i + 1 })}
            <textarea rows="2" value=${a.secretTitles} onInput=${onValue((v) => setItem(i, { secretTitles: v }))}></textarea>
          </label>`}
          ${issued.length > 0 && html`<label class="field">${t('mt.fDocs', { n: i + 1 })}
            <select value="" disabled=${Boolean(created)} onChange=${onValue((v) => v && !a.documentIds.includes(v) && setItem(i, { documentIds: [...a.documentIds, v] }))}>
              <option value="">${t('mt.chooseDoc')}</option>
              ${issued.filter((d) => !a.documentIds.includes(d.id)).map((d) => html`<option value=${d.id}>${d.notation ? `${d.notation} — ` : ''}${d.subject}</option>`)}
            </select>
          </label>`}
          ${a.documentIds.length > 0 && html`<p class="chips">${a.documentIds.map((id) => {
            const d = issued.find((x) => x.id === id);
            return html`<button type="button" class="chip" key=${id} disabled=${Boolean(created)} aria-label=${t('remove', { name: d?.subject ?? id })}
              onClick=${() => setItem(i, { documentIds: a.documentIds.filter((x) => x !== id) })}>${d?.notation ?? d?.subject ?? id} ×</button>`;
          })}</p>`}
          ${agenda.length > 1 && !created && html`<button type="button" class="btn btn-link" onClick=${() => setAgenda(agenda.filter((_, j) => j !== i))}>${t('mt.removeItem', { n: i + 1 })}</button>`}
        </div>`)}
        ${!created && html`<button type="button" class="btn" onClick=${() => setAgenda([...agenda, { title: '', files: [], documentIds: [], secretTitles: '' }])}>${t('mt.addItem')}</button>`}
      </fieldset>
      ${progress && html`<${Progress} value=${progress.value} label=${t('uploading', { name: progress.name })} />`}
      ${created && error && html`<p class="notice" data-meeting-kept=${created}>${t('mt.keptRetry')}</p>`}
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${created ? t('retryUpload') : t('mt.create')}</button>
    </form>
  </section>`;
}
