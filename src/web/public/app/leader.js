// @ts-check
// The leader's actions: sign a draft (key on the server, or a USB token in two steps) and write a
// direction (bút phê) assigning a lead department and cooperating ones with deadlines.
import { useEffect, useState } from 'preact/hooks';
import { api, session, units } from './api.js';
import { t, vnToday } from './i18n.js';
import { ErrorBox, html, onChecked, onValue, toast, useAction } from './ui.js';
/** @import { PreparedSignature, Unit } from './types' */

/** A certificate file (PEM or DER) as PEM text. @param {Blob} file */
async function certificatePem(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `-----BEGIN CERTIFICATE-----\n${btoa(bin).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

/** @param {{ documentId: string, onDone: () => void }} props */
function TokenSigning({ documentId, onDone }) {
  const [pem, setPem] = useState('');
  const [prepared, setPrepared] = useState(/** @type {PreparedSignature | null} */ (null));
  const [signature, setSignature] = useState('');
  const [chain, setChain] = useState('');
  const { busy, error, run } = useAction();
  const prepare = () => run(async () => setPrepared(await api(`/api/documents/${documentId}/sign/prepare`, { method: 'POST', body: { certificate: pem } })));
  const complete = () => run(async () => {
    if (!prepared) return;
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    await api(`/api/documents/${documentId}/sign/complete`, {
      method: 'POST',
      body: { handle: prepared.handle, signature: signature.replace(/\s+/g, ''), ...(blocks.length ? { chain: blocks } : {}) },
    });
    toast(t('signed'));
    onDone();
  });
  const copy = () => prepared && navigator.clipboard?.writeText(prepared.signedAttributes).then(() => toast(t('copied')), () => {});
  return html`<details class="panel">
    <summary>${t('signToken')}</summary>
    <label class="field">${t('tokenCert')}
      <input type="file" accept=".cer,.crt,.pem,.der" onChange=${async (/** @type {Event} */ e) => {
        const file = /** @type {HTMLInputElement} */ (e.currentTarget).files?.[0];
        if (file) setPem(await certificatePem(file));
      }} />
    </label>
    <button type="button" class="btn" disabled=${busy || !pem} onClick=${prepare}>${t('tokenPrepare')}</button>
    ${prepared && html`
      <label class="field">${t('tokenData')}
        <textarea readonly rows="4" value=${prepared.signedAttributes}></textarea>
      </label>
      <button type="button" class="btn btn-small" onClick=${copy}>${t('copy')}</button>
      <label class="field">${t('tokenSignature')}
        <textarea rows="3" value=${signature} onInput=${onValue(setSignature)}></textarea>
      </label>
      <label class="field">${t('tokenChain')}
        <textarea rows="3" value=${chain} onInput=${onValue(setChain)}></textarea>
      </label>
      <button type="button" class="btn btn-primary" disabled=${busy || signature.length < 16} onClick=${complete}>${t('tokenComplete')}</button>`}
    <${ErrorBox} error=${error} />
  </details>`;
}

/** @param {{ documentId: string, onDone: () => void }} props */
export function SignPanel({ documentId, onDone }) {
  const { busy, error, run } = useAction();
  const signServer = () => run(async () => {
    await api(`/api/documents/${documentId}/sign`, { method: 'POST' });
    toast(t('signed'));
    onDone();
  });
  return html`<section class="panel" aria-labelledby="sign-title">
    <h2 id="sign-title">${t('sign')}</h2>
    <button type="button" class="btn btn-primary btn-block" disabled=${busy} onClick=${signServer}>${t('signServer')}</button>
    <${ErrorBox} error=${error} />
    <${TokenSigning} documentId=${documentId} onDone=${onDone} />
  </section>`;
}

/** @param {{ deliveryId: string, dueDate?: string | null, onDone: () => void }} props */
export function AssignForm({ deliveryId, dueDate, onDone }) {
  const [departments, setDepartments] = useState(/** @type {Unit[] | null} */ (null));
  const [direction, setDirection] = useState('');
  const [lead, setLead] = useState('');
  const [deadline, setDeadline] = useState(dueDate ?? vnToday(7));
  const [coop, setCoop] = useState(/** @type {string[]} */ ([]));
  const { busy, error, run, setError } = useAction();
  useEffect(() => {
    units().then((all) => setDepartments(all.filter((u) => !u.external && u.parentId === session.user?.unitId)), setError);
  }, []);
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      const due = deadline || null;
      await api(`/api/deliveries/${deliveryId}/assign`, {
        method: 'POST',
        body: { direction, lead: { unitId: lead, dueDate: due }, cooperating: coop.filter((id) => id !== lead).map((unitId) => ({ unitId, dueDate: due })) },
      });
      toast(t('assigned'));
      onDone();
    });
  };
  if (departments && departments.length === 0) return html`<p class="muted">${t('noDepartments')}</p>`;
  return html`<form class="panel" onSubmit=${submit} aria-labelledby="assign-title">
    <h2 id="assign-title">${t('assign')}</h2>
    <label class="field">${t('direction')}
      <textarea required rows="3" value=${direction} onInput=${onValue(setDirection)}></textarea>
    </label>
    <label class="field">${t('lead')}
      <select required value=${lead} onChange=${onValue(setLead)}>
        <option value="">${t('chooseLead')}</option>
        ${(departments ?? []).map((u) => html`<option value=${u.id}>${u.name}</option>`)}
      </select>
    </label>
    <label class="field">${t('deadline')}
      <input type="date" value=${deadline} onInput=${onValue(setDeadline)} />
    </label>
    ${departments && departments.length > 1 && html`<fieldset class="field">
      <legend>${t('cooperating')}</legend>
      ${departments.filter((u) => u.id !== lead).map((u) => html`<label class="check">
        <input type="checkbox" checked=${coop.includes(u.id)} onChange=${onChecked((on) => setCoop(on ? [...coop, u.id] : coop.filter((x) => x !== u.id)))} />
        <span>${u.name}</span>
      </label>`)}
    </fieldset>`}
    <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !lead || !direction.trim()}>${t('assign')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
