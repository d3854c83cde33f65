// @ts-check
// Đăng ký văn bản giấy (clerk): an incoming document that came on paper from a sender on no system —
// its type, subject, sender, number/notation, date and urgency, and photos taken with the phone's
// camera (or a PDF) — posted as multipart to POST /api/incoming/paper, which makes one PDF of the
// photos (in the order taken), registers it with the next số đến and hands it to the usual handling; the new document
// opens at once.
import { useState } from 'preact/hooks';
import { upload } from './api.js';
import { ALL_DOC_TYPES, docTypeName, t } from './i18n.js';
import { docHref, ErrorBox, go, html, onValue, Progress, toast, useAction } from './ui.js';

const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'];
const blank = () => ({ type: 'CV', subject: '', senderName: '', notation: '', signedOn: '', urgency: 'normal' });

export function PaperForm() {
  const [f, setF] = useState(blank);
  const [files, setFiles] = useState(/** @type {File[]} */ ([]));
  const [progress, setProgress] = useState(/** @type {number | null} */ (null));
  const [inputKey, setInputKey] = useState(0);
  const { busy, error, run } = useAction();
  const set = (/** @type {keyof ReturnType<typeof blank>} */ k) => onValue((v) => setF((x) => ({ ...x, [k]: v })));
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      if (files.length === 0) throw new Error(t('needFiles'));
      const form = new FormData();
      form.append('type', f.type);
      form.append('subject', f.subject.trim());
      form.append('senderName', f.senderName.trim());
      const notation = f.notation.trim();
      // "15/QĐ-UBND" as printed: the number is its leading digits.
      const number = /^0*(\d{1,9})\b/.exec(notation)?.[1];
      if (number) form.append('number', number);
      if (notation) form.append('notation', notation);
      if (f.signedOn) form.append('signedOn', f.signedOn);
      form.append('urgency', f.urgency);
      for (const file of files) form.append('file', file, file.name);
      setProgress(0);
      try {
        /** @type {{ documentId: string, deliveryId: string, incomingNumber: number }} */
        const r = await upload('/api/incoming/paper', form, setProgress);
        toast(t('accepted', { n: r.incomingNumber }));
        setF(blank());
        setFiles([]);
        setInputKey((k) => k + 1);
        go(docHref(r.documentId, r.deliveryId));
      } finally {
        setProgress(null);
      }
    });
  };
  return html`<section class="view" aria-labelledby="paper-title">
    <p class="back"><a class="btn btn-link" href="#/inbox">← ${t('back')}</a></p>
    <h1 id="paper-title">${t('paperTitle')}</h1>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('type')}
        <select name="type" value=${f.type} onChange=${set('type')}>${ALL_DOC_TYPES.map(([code]) => html`<option value=${code}>${docTypeName(code, true)}</option>`)}</select>
      </label>
      <label class="field">${t('subject')}<textarea name="subject" required maxlength="500" rows="3" value=${f.subject} onInput=${set('subject')}></textarea></label>
      <label class="field">${t('senderName')}<input name="senderName" required maxlength="300" value=${f.senderName} onInput=${set('senderName')} /></label>
      <label class="field">${t('paperNotation')}<input name="notation" maxlength="64" placeholder="15/QĐ-UBND" value=${f.notation} onInput=${set('notation')} /></label>
      <label class="field">${t('signedOn')}<input name="signedOn" type="date" value=${f.signedOn} onInput=${set('signedOn')} /></label>
      <label class="field">${t('urgency')}
        <select name="urgency" value=${f.urgency} onChange=${set('urgency')}>${URGENCIES.map((u) => html`<option value=${u}>${t(`urgency.${u}`)}</option>`)}</select>
      </label>
      <label class="field">${t('scanFiles')}
        <input key=${inputKey} name="file" type="file" accept="image/*,application/pdf" capture="environment" multiple
          onChange=${(/** @type {Event} */ e) => {
            // A phone's camera gives one photo per pick: each pick adds to those already chosen.
            const input = /** @type {HTMLInputElement} */ (e.currentTarget);
            const picked = [...(input.files ?? [])];
            setFiles((xs) => [...xs, ...picked]);
            setInputKey((k) => k + 1);
          }} />
      </label>
      <p class="muted">${t('paperHint')}</p>
      ${files.length > 0 && html`<div data-testid="paper-files">
        <p class="muted">${t('filesChosen', { n: files.length })}</p>
        <ol class="chosen-files">${files.map((x, i) => html`<li key=${`${i}-${x.name}`}><span>${x.name}</span>
          <button type="button" class="btn btn-small" onClick=${() => setFiles((xs) => xs.filter((_, j) => j !== i))}>${t('remove', { name: x.name })}</button></li>`)}</ol>
      </div>`}
      ${progress !== null && html`<${Progress} value=${progress} label=${t('uploading', { name: files.length === 1 ? files[0]?.name : t('filesChosen', { n: files.length }) })} />`}
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !f.subject.trim() || !f.senderName.trim() || files.length === 0}>${t('paperSubmit')}</button>
    </form>
  </section>`;
}
