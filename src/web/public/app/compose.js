// @ts-check
// Soạn văn bản đi: the draft's fields, recipients from the unit tree, PDFs uploaded with a progress
// bar; then the draft page offers signing and issuing, as the server's `can` allows.
import { useEffect, useState } from 'preact/hooks';
import { api, units, upload } from './api.js';
import { DOC_TYPES, t } from './i18n.js';
import { ErrorBox, go, html, onValue, Progress, toast, useAction } from './ui.js';
import { UnitPicker } from './unitpicker.js';
/** @import { Document, Secrecy, Urgency } from './types' */

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
  const { busy, error, run, setError } = useAction();
  // Units of other systems among the recipients: their copy leaves as an edXML package over the axis.
  const [external, setExternal] = useState(() => /** @type {Set<string>} */ (new Set()));
  useEffect(() => {
    units().then((all) => setExternal(new Set(all.filter((u) => u.external).map((u) => u.id))), () => {});
  }, []);
  const viaAxis = recipients.filter((id) => external.has(id)).length;

  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (!subject.trim()) return setError(new Error(t('needSubject')));
    if (recipients.length === 0) return setError(new Error(t('needRecipients')));
    run(async () => {
      // A retry after a failed upload reuses the draft already created.
      let id = draftId;
      if (!id) {
        const body = { type, subject: subject.trim(), recipients, urgency, secrecy, ...(dueDate ? { dueDate } : {}) };
        /** @type {{ document: Document }} */
        const created = await api('/api/documents', { method: 'POST', body });
        id = created.document.id;
        setDraftId(id);
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
    });
  };

  return html`<section class="view" aria-labelledby="compose-title">
    <h1 id="compose-title">${t('newDoc')}</h1>
    <form onSubmit=${submit} class="form">
      <label class="field">${t('type')}
        <select value=${type} onChange=${onValue(setType)} disabled=${Boolean(draftId)}>
          ${DOC_TYPES.map(([code, name]) => html`<option value=${code}>${name}${code === 'CV' ? '' : ` (${code})`}</option>`)}
        </select>
      </label>
      <label class="field">${t('subject')}
        <textarea required maxlength="500" rows="3" value=${subject} onInput=${onValue(setSubject)} disabled=${Boolean(draftId)}></textarea>
      </label>
      <fieldset class="field">
        <legend>${t('urgency')}</legend>
        <div class="segmented">
          ${URGENCIES.map((u) => html`<label class=${`seg ${urgency === u ? 'seg-on' : ''} seg-${u}`}>
            <input type="radio" name="urgency" value=${u} checked=${urgency === u} onChange=${() => setUrgency(u)} disabled=${Boolean(draftId)} />
            <span>${t(`urgency.${u}`)}</span>
          </label>`)}
        </div>
      </fieldset>
      <label class="field">${t('secrecy')}
        <select value=${secrecy} onChange=${onValue((v) => setSecrecy(/** @type {Secrecy} */ (v)))} disabled=${Boolean(draftId)}>
          ${SECRECIES.map((s) => html`<option value=${s}>${t(`secrecy.${s}`)}</option>`)}
        </select>
      </label>
      ${secrecy !== 'none' && html`<p class="notice notice-error">${t('secretWarning')}</p>`}
      <label class="field">${t('dueDate')}
        <input type="date" value=${dueDate} onInput=${onValue(setDueDate)} disabled=${Boolean(draftId)} />
      </label>
      <fieldset class="field">
        <legend>${t('recipients')}</legend>
        <${UnitPicker} selected=${recipients} onChange=${(/** @type {string[]} */ ids) => !draftId && setRecipients(ids)} />
        ${viaAxis > 0 && html`<p class="notice notice-info" data-via-axis=${viaAxis}>${t('viaAxisNote', { n: viaAxis })}</p>`}
      </fieldset>
      ${secrecy === 'none' && html`<label class="field">${t('chooseFiles')}
        <input type="file" accept="application/pdf,.pdf" multiple onChange=${(/** @type {Event} */ e) => setFiles([.../** @type {HTMLInputElement} */ (e.currentTarget).files ?? []])} />
      </label>`}
      ${files.length > 0 && html`<ul class="file-list">${files.map((f, i) => html`<li>${i === 0 ? t('mainFile') : t('appendix')}: ${f.name} (${Math.ceil(f.size / 1024)} KB)</li>`)}</ul>`}
      ${progress && html`<${Progress} value=${progress.value} label=${t('uploading', { name: progress.name })} />`}
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('createDraft')}</button>
    </form>
  </section>`;
}
