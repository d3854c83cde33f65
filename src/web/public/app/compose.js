// @ts-check
// Soạn văn bản đi: the draft's fields, recipients from the unit tree, PDFs uploaded with a progress
// bar; then the draft page offers trình ký, signing and issuing, as the server's `can` allows. An
// officer of a department may draft for its parent unit ("Soạn cho"); paper addressees (units or
// names) are listed apart. A refused upload keeps the draft and every field editable: the next
// try saves the fields (PATCH) and uploads again; after success the form is empty again.
import { useEffect, useState } from 'preact/hooks';
import { api, session, units, upload } from './api.js';
import { docTypeName, docTypesFor, t } from './i18n.js';
import { ErrorBox, go, html, onValue, Progress, toast, useAction } from './ui.js';
import { UnitPicker } from './unitpicker.js';
/** @import { Document, PaperRecipient, Secrecy, Unit, Urgency } from './types' */

/** @type {Urgency[]} */
const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'];
/** @type {Secrecy[]} */
const SECRECIES = ['none', 'confidential', 'secret', 'top_secret'];

export function Compose() {
  const [type, setType] = useState('CV');
  const [subject, setSubject] = useState('');
  const [urgency, setUrgency] = useState(/** @type {Urgency} */ ('normal'));
  const [secrecy, setSecrecy] = useState(/** @type {Secrecy} */ ('none'));
  const [dueDate, setDueDate] = useState('');
  const [recipients, setRecipients] = useState(/** @type {string[]} */ ([]));
  const [files, setFiles] = useState(/** @type {File[]} */ ([]));
  const [progress, setProgress] = useState(/** @type {{ name: string, value: number } | null} */ (null));
  const [draftId, setDraftId] = useState(/** @type {string | null} */ (null));
  const [issuerUnitId, setIssuerUnitId] = useState('');
  const [paper, setPaper] = useState(/** @type {PaperRecipient[]} */ ([]));
  const [paperUnit, setPaperUnit] = useState('');
  const [paperName, setPaperName] = useState('');
  const [fileKey, setFileKey] = useState(0);
  const { busy, error, run, setError } = useAction();
  // Units of other systems among the recipients: their copy leaves as an edXML package over the axis.
  const [external, setExternal] = useState(() => /** @type {Set<string>} */ (new Set()));
  const [ours, setOurs] = useState(/** @type {Unit[]} */ ([]));
  useEffect(() => {
    units().then((all) => {
      setExternal(new Set(all.filter((u) => u.external).map((u) => u.id)));
      setOurs(all.filter((u) => !u.external));
    }, () => {});
  }, []);
  const viaAxis = recipients.filter((id) => external.has(id)).length;
  // A department drafts for itself or for its parent unit (issuer = parent, drafting unit = the department).
  const own = ours.find((u) => u.id === session.user?.unitId);
  const parent = own?.kind === 'department' && own.parentId ? ours.find((u) => u.id === own.parentId) : undefined;
  const addPaper = () => {
    const unit = ours.find((u) => u.id === paperUnit);
    const name = paperName.trim();
    const next = unit ? { unitId: unit.id, name: unit.name } : name ? { unitId: null, name } : null;
    if (!next || paper.some((p) => (next.unitId ? p.unitId === next.unitId : !p.unitId && p.name === next.name))) return;
    setPaper([...paper, next]);
    setPaperUnit('');
    setPaperName('');
  };
  const reset = () => {
    setType('CV');
    setSubject('');
    setUrgency('normal');
    setSecrecy('none');
    setDueDate('');
    setRecipients([]);
    setFiles([]);
    setProgress(null);
    setDraftId(null);
    setIssuerUnitId('');
    setPaper([]);
    setFileKey((k) => k + 1);
  };

  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (!subject.trim()) return setError(new Error(t('needSubject')));
    if (recipients.length === 0) return setError(new Error(t('needRecipients')));
    run(async () => {
      const paperRecipients = paper.map((p) => (p.unitId ? p.unitId : { name: p.name }));
      const fields = { type, subject: subject.trim(), recipients, urgency, secrecy, ...(paper.length ? { paperRecipients } : {}) };
      // A retry after a failed upload reuses the draft already created, with the fields as they are now.
      let id = draftId;
      if (!id) {
        const body = { ...fields, ...(dueDate ? { dueDate } : {}), ...(issuerUnitId ? { issuerUnitId } : {}) };
        /** @type {{ document: Document }} */
        const created = await api('/api/documents', { method: 'POST', body });
        id = created.document.id;
        setDraftId(id);
      } else {
        await api(`/api/documents/${id}`, { method: 'PATCH', body: { ...fields, dueDate: dueDate || null } });
      }
      if (secrecy === 'none' && files.length > 0) {
        // One request, all or nothing: the first file becomes the main one, the others appendices.
        const form = new FormData();
        for (const f of files) form.append('file', f, f.name);
        const name = files.map((f) => f.name).join(', ');
        setProgress({ name, value: 0 });
        await upload(`/api/documents/${id}/files`, form, (value) => setProgress({ name, value }));
      }
      toast(t('uploadDone'));
      go(`#/documents/${id}`);
      reset();
    });
  };

  return html`<section class="view" aria-labelledby="compose-title">
    <h1 id="compose-title">${t('newDoc')}</h1>
    <form onSubmit=${submit} class="form">
      ${parent && own && html`<label class="field">${t('issueFor')}
        <select value=${issuerUnitId} onChange=${onValue(setIssuerUnitId)} disabled=${Boolean(draftId)}>
          <option value="">${own.name}</option>
          <option value=${parent.id}>${parent.name}</option>
        </select>
      </label>`}
      <label class="field">${t('type')}
        <select value=${type} onChange=${onValue(setType)}>
          ${docTypesFor((issuerUnitId ? parent : own)?.kind).map(([code]) => html`<option value=${code}>${docTypeName(code)}${code === 'CV' ? '' : ` (${code})`}</option>`)}
        </select>
      </label>
      <label class="field">${t('subject')}
        <textarea required maxlength="500" rows="3" value=${subject} onInput=${onValue(setSubject)}></textarea>
      </label>
      <fieldset class="field">
        <legend>${t('urgency')}</legend>
        <div class="segmented">
          ${URGENCIES.map((u) => html`<label class=${`seg ${urgency === u ? 'seg-on' : ''} seg-${u}`}>
            <input type="radio" name="urgency" value=${u} checked=${urgency === u} onChange=${() => setUrgency(u)} />
            <span>${t(`urgency.${u}`)}</span>
          </label>`)}
        </div>
      </fieldset>
      <label class="field">${t('secrecy')}
        <select value=${secrecy} onChange=${onValue((v) => setSecrecy(/** @type {Secrecy} */ (v)))}>
          ${SECRECIES.map((s) => html`<option value=${s}>${t(`secrecy.${s}`)}</option>`)}
        </select>
      </label>
      ${secrecy !== 'none' && html`<p class="notice notice-error">${t('secretWarning')}</p>`}
      <label class="field">${t('dueDate')}
        <input type="date" value=${dueDate} onInput=${onValue(setDueDate)} />
      </label>
      <fieldset class="field">
        <legend>${t('recipients')}</legend>
        <${UnitPicker} selected=${recipients} onChange=${(/** @type {string[]} */ ids) => setRecipients(ids)} />
        ${viaAxis > 0 && html`<p class="notice notice-info" data-via-axis=${viaAxis}>${t('viaAxisNote', { n: viaAxis })}</p>`}
      </fieldset>
      <fieldset class="field" data-testid="paper-recipients">
        <legend>${t('paperRecipients')}</legend>
        ${paper.length > 0 && html`<div class="paper-list">${paper.map((p, i) => html`<button type="button" class="chip" aria-label=${t('remove', { name: p.name })}
          onClick=${() => setPaper(paper.filter((_, j) => j !== i))}>${p.name} ✕</button>`)}</div>`}
        <label class="field">${t('paperUnit')}
          <select value=${paperUnit} onChange=${onValue(setPaperUnit)}>
            <option value="">${t('choosePaperUnit')}</option>
            ${ours.filter((u) => u.id !== session.user?.unitId).map((u) => html`<option value=${u.id}>${u.name}</option>`)}
          </select>
        </label>
        <label class="field">${t('paperName')}
          <input type="text" maxlength="200" value=${paperName} onInput=${onValue(setPaperName)}
            onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter') { e.preventDefault(); addPaper(); } }} />
        </label>
        <button type="button" class="btn" disabled=${!paperUnit && !paperName.trim()} onClick=${addPaper}>${t('addPaper')}</button>
      </fieldset>
      ${secrecy === 'none' && html`<label class="field">${t('chooseFiles')}
        <input key=${fileKey} type="file" accept="application/pdf,.pdf" multiple onChange=${(/** @type {Event} */ e) => setFiles([.../** @type {HTMLInputElement} */ (e.currentTarget).files ?? []])} />
      </label>`}
      ${files.length > 0 && html`<ul class="file-list">${files.map((f, i) => html`<li>${i === 0 ? t('mainFile') : t('appendix')}: ${f.name} (${Math.ceil(f.size / 1024)} KB)</li>`)}</ul>`}
      ${progress && html`<${Progress} value=${progress.value} label=${t('uploading', { name: progress.name })} />`}
      ${draftId && error && html`<p class="notice" data-draft-kept=${draftId}>${t('draftKept')}</p>`}
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${draftId ? t('retryUpload') : t('createDraft')}</button>
    </form>
  </section>`;
}
