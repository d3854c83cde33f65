// @ts-check
// Sổ văn bản mật (the unit's clerks and leaders): the register of secret documents with its own
// number series (GET /api/registers/secret) and, for the clerk, an entry form (POST
// /api/registers/secret) — metadata only: no file and no content of a secret document is ever
// stored or sent (QĐ 28/2018).
import { useState } from 'preact/hooks';
import { api, hasRole } from './api.js';
import { ALL_DOC_TYPES, docTypeName, fmtDate, t } from './i18n.js';
import { ErrorBox, html, Loading, onValue, toast, useAction, useResource } from './ui.js';
/** @import { SecretEntry } from './types' */

const SECRECIES = ['confidential', 'secret', 'top_secret'];
const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'];
const blank = () => ({
  direction: /** @type {'incoming' | 'outgoing'} */ ('incoming'), type: 'CV', notation: '', subject: '', counterpart: '', secrecy: 'confidential',
  urgency: 'normal', signedOn: '', signerName: '', copies: '', holder: '', note: '',
});

/** @param {{ onDone: () => void }} props */
function SecretForm({ onDone }) {
  const [f, setF] = useState(blank);
  const set = (/** @type {keyof ReturnType<typeof blank>} */ k) => onValue((v) => setF((x) => ({ ...x, [k]: v })));
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      /** @type {Record<string, unknown>} */
      const body = { direction: f.direction, type: f.type, subject: f.subject.trim(), counterpart: f.counterpart.trim(), secrecy: f.secrecy, urgency: f.urgency };
      // An outgoing secret document's number and notation are given by the register, never typed.
      const optional = f.direction === 'outgoing' ? /** @type {const} */ (['signedOn', 'signerName', 'holder', 'note']) : /** @type {const} */ (['notation', 'signedOn', 'holder', 'note']);
      for (const k of optional) if (f[k].trim()) body[k] = f[k].trim();
      if (f.direction === 'outgoing' && f.copies.trim()) body.copies = Number(f.copies);
      /** @type {{ entry: SecretEntry }} */
      const r = await api('/api/registers/secret', { method: 'POST', body });
      toast(t('secretRegistered', { n: r.entry.number }));
      setF(blank());
      onDone();
    });
  };
  const out = f.direction === 'outgoing';
  return html`<details class="panel" data-form="secret-entry">
    <summary>${t('secretNew')}</summary>
    <p class="notice secret-warning" role="note">${t('secretNoFile')}</p>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('secretDirection')}
        <select name="direction" value=${f.direction} onChange=${set('direction')}>
          ${['incoming', 'outgoing'].map((d) => html`<option value=${d}>${t(`secretDir.${d}`)}</option>`)}
        </select>
      </label>
      <label class="field">${t('type')}
        <select name="type" value=${f.type} onChange=${set('type')}>${ALL_DOC_TYPES.map(([code]) => html`<option value=${code}>${docTypeName(code, true)}</option>`)}</select>
      </label>
      ${!out && html`<label class="field">${t('notation')}<input name="notation" maxlength="64" value=${f.notation} onInput=${set('notation')} /></label>`}
      <label class="field">${t('subject')}<textarea name="subject" required maxlength="500" rows="3" value=${f.subject} onInput=${set('subject')}></textarea></label>
      <label class="field">${out ? t('counterpartOut') : t('counterpartIn')}<input name="counterpart" required maxlength="500" value=${f.counterpart} onInput=${set('counterpart')} /></label>
      <label class="field">${t('secrecy')}
        <select name="secrecy" value=${f.secrecy} onChange=${set('secrecy')}>${SECRECIES.map((s) => html`<option value=${s}>${t(`secrecy.${s}`)}</option>`)}</select>
      </label>
      <label class="field">${t('urgency')}
        <select name="urgency" value=${f.urgency} onChange=${set('urgency')}>${URGENCIES.map((u) => html`<option value=${u}>${t(`urgency.${u}`)}</option>`)}</select>
      </label>
      <label class="field">${t('signedOn')}<input name="signedOn" type="date" value=${f.signedOn} onInput=${set('signedOn')} /></label>
      ${out && html`<label class="field">${t('signerName')}<input name="signerName" maxlength="255" value=${f.signerName} onInput=${set('signerName')} /></label>`}
      ${out && html`<label class="field">${t('copies')}<input name="copies" type="number" min="1" max="9999" inputmode="numeric" value=${f.copies} onInput=${set('copies')} /></label>`}
      <label class="field">${t('holder')}<input name="holder" maxlength="255" value=${f.holder} onInput=${set('holder')} /></label>
      <label class="field">${t('note')}<input name="note" maxlength="1000" value=${f.note} onInput=${set('note')} /></label>
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !f.subject.trim() || !f.counterpart.trim()}>${t('secretNew')}</button>
    </form>
  </details>`;
}

export function SecretRegister() {
  const list = useResource(async () => {
    /** @type {{ entries?: SecretEntry[], items?: SecretEntry[] }} */
    const r = await api('/api/registers/secret');
    return r.entries ?? r.items ?? [];
  }, []);
  return html`<section class="view" aria-labelledby="secret-title">
    <p class="back"><a class="btn btn-link" href="#/inbox">← ${t('back')}</a></p>
    <h1 id="secret-title">${t('secretTitle')}</h1>
    ${hasRole('clerk') && html`<${SecretForm} onDone=${list.reload} />`}
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${!list.data ? (list.error ? null : html`<${Loading} />`) : list.data.length === 0 ? html`<p class="muted">${t('secretEmpty')}</p>` : html`<ul class="list" aria-label=${t('secretTitle')}>
      ${list.data.map((e) => html`<li key=${e.id} class="card secret-entry" data-direction=${e.direction}>
        <p class="doc-badges"><span class="badge badge-flash">${t(`secrecy.${e.secrecy}`)}</span> <span class="badge">${t(`secretDir.${e.direction}`)}</span></p>
        <p class="doc-subject">${t('number')} ${e.number}${e.notation ? ` · ${e.notation}` : ''} — ${e.typeName ?? e.type}: ${e.subject}</p>
        <p class="doc-meta">${e.direction === 'outgoing' ? t('counterpartOut') : t('counterpartIn')}: ${e.counterpart}</p>
        ${e.signedOn && html`<p class="doc-meta">${t('signedOn')}: ${fmtDate(e.signedOn)}</p>`}
        <p class="doc-meta">${t('registeredAt')}: ${fmtDate(e.registeredAt)}</p>
      </li>`)}
    </ul>`}
  </section>`;
}
