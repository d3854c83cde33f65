// @ts-check
// The leader's actions: sign a draft (key on the server, or a USB token in two steps) and write a
// direction (bút phê) assigning a lead department or person and cooperating ones with deadlines.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { fold, t, vnToday } from './i18n.js';
import { ErrorBox, html, onChecked, onValue, toast, useAction } from './ui.js';
/** @import { Competence, PreparedSignature, UnitPerson } from './types' */

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

/** @type {Array<'' | Competence | 'none'>} '' = from the signer's position (the server's default) */
const COMPETENCES = ['', 'TM', 'KT', 'Q', 'TL', 'TUQ', 'none'];

/**
 * Sign with the key kept on the server. One request per panel: a second tap while it is on its way
 * (or after it succeeded) sends nothing; once signed the panel says so at once and `onDone` reloads
 * the page, whose `can.sign` is then false. The competence line (TM./KT./Q./TL./TUQ./none) comes
 * from the signer's position unless overridden under "Tùy chọn nâng cao".
 * @param {{ documentId: string, onDone: () => void }} props
 */
export function SignPanel({ documentId, onDone }) {
  const { busy, error, run } = useAction();
  const [competence, setCompetence] = useState(/** @type {'' | Competence | 'none'} */ (''));
  const [done, setDone] = useState(false);
  const sending = useRef(false);
  const signServer = async () => {
    if (sending.current) return;
    sending.current = true;
    const body = competence === '' ? {} : { competence: competence === 'none' ? null : competence };
    const ok = await run(async () => {
      await api(`/api/documents/${documentId}/sign`, { method: 'POST', body });
      return true;
    });
    if (!ok) {
      sending.current = false; // refused: the leader may try again
      return;
    }
    setDone(true);
    toast(t('signed'));
    onDone();
  };
  if (done) return html`<p class="notice notice-info" role="status" data-signed="1">${t('signedWait')}</p>`;
  return html`<section class="panel" aria-labelledby="sign-title">
    <h2 id="sign-title">${t('sign')}</h2>
    <button type="button" class="btn btn-primary btn-block" disabled=${busy} aria-busy=${busy} onClick=${signServer}>${t('signServer')}</button>
    <details class="panel sign-options">
      <summary>${t('signOptions')}</summary>
      <label class="field">${t('competence')}
        <select value=${competence} onChange=${onValue((v) => setCompetence(/** @type {'' | Competence | 'none'} */ (v)))}>
          ${COMPETENCES.map((c) => html`<option value=${c}>${t(`competence.${c || 'default'}`)}</option>`)}
        </select>
      </label>
    </details>
    <${ErrorBox} error=${error} />
    <${TokenSigning} documentId=${documentId} onDone=${() => { setDone(true); onDone(); }} />
  </section>`;
}

/**
 * A unit the leader may name (GET /api/deliveries/:id/assignable-units): a department may lead; any
 * may cooperate — its subtree, or a unit under the same parent — and will then read the document.
 * @typedef {{ id: string, code: string, name: string, shortName: string, parentId: string | null, relation: 'department' | 'subtree' | 'sibling' }} AssignableUnit
 */

/** At most this many people are listed at once; typing narrows the list. */
const PEOPLE_SHOWN = 8;

/**
 * People of the unit, searchable by name or title ignoring diacritics ("huong" finds "Hương"): one
 * (radio, the lead) or several (checkboxes, cooperating). The chosen ones stay listed whatever is typed.
 * @param {{ people: UnitPerson[], legend: string, name: string, multiple?: boolean, chosen: string[], onChange: (ids: string[]) => void, testid: string }} props
 */
function PeoplePicker({ people, legend, name, multiple = false, chosen, onChange, testid }) {
  const [query, setQuery] = useState('');
  const q = fold(query.trim());
  const matching = people.filter((p) => !q || fold(`${p.fullName} ${p.title}`).includes(q));
  const shown = [...people.filter((p) => chosen.includes(p.id)), ...matching.filter((p) => !chosen.includes(p.id)).slice(0, PEOPLE_SHOWN)];
  const hidden = matching.filter((p) => !chosen.includes(p.id)).length - (shown.length - chosen.length);
  return html`<fieldset class="field" data-testid=${testid}>
    <legend>${legend}</legend>
    <label class="field field-sub">${t('searchPeople')}
      <input type="search" value=${query} onInput=${onValue(setQuery)} autocomplete="off" />
    </label>
    ${shown.map((p) => html`<label class="check" key=${p.id}>
      <input type=${multiple ? 'checkbox' : 'radio'} name=${name} value=${p.id} checked=${chosen.includes(p.id)}
        onChange=${onChecked((on) => onChange(multiple ? (on ? [...chosen, p.id] : chosen.filter((x) => x !== p.id)) : on ? [p.id] : []))} />
      <span>${p.fullName}${p.title ? html` <span class="muted">— ${p.title}</span>` : ''}</span>
    </label>`)}
    ${matching.length === 0 && html`<p class="muted">${t('noPeopleMatch')}</p>`}
    ${hidden > 0 && html`<p class="muted">${t('morePeople', { n: hidden })}</p>`}
  </fieldset>`;
}

/**
 * The direction (bút phê) and who handles it: the lead is a department of the unit or one of its
 * people (a commune has no departments: its people only); cooperating units and people, each with
 * the deadline. The form is emptied after a successful assignment.
 * @param {{ deliveryId: string, dueDate?: string | null, onDone: () => void }} props
 */
export function AssignForm({ deliveryId, dueDate, onDone }) {
  const [candidates, setCandidates] = useState(/** @type {AssignableUnit[] | null} */ (null));
  const [people, setPeople] = useState(/** @type {UnitPerson[] | null} */ (null));
  const [direction, setDirection] = useState('');
  const [leadUnit, setLeadUnit] = useState('');
  const [leadUser, setLeadUser] = useState(/** @type {string[]} */ ([]));
  const [deadline, setDeadline] = useState(dueDate ?? vnToday(7));
  const [coop, setCoop] = useState(/** @type {string[]} */ ([]));
  const [coopPeople, setCoopPeople] = useState(/** @type {string[]} */ ([]));
  const { busy, error, run, setError } = useAction();
  useEffect(() => {
    /** @type {Promise<{ units: AssignableUnit[] }>} */ (api(`/api/deliveries/${deliveryId}/assignable-units`)).then((r) => setCandidates(r.units), setError);
    const unitId = session.user?.unitId;
    if (unitId) {
      /** @type {Promise<{ users: UnitPerson[] }>} */ (api(`/api/units/${unitId}/users`))
        .then((r) => setPeople(r.users.filter((u) => u.id !== session.user?.id)), setError);
    }
  }, [deliveryId]);
  const departments = candidates?.filter((u) => u.relation === 'department') ?? null;
  const reset = () => {
    setDirection('');
    setLeadUnit('');
    setLeadUser([]);
    setCoop([]);
    setCoopPeople([]);
    setDeadline(dueDate ?? vnToday(7));
  };
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      const due = deadline || null;
      const leadId = leadUser[0] ?? leadUnit;
      const lead = leadUser[0] ? { userId: leadUser[0], dueDate: due } : { unitId: leadUnit, dueDate: due };
      const cooperating = [
        ...coop.filter((id) => id !== leadId).map((unitId) => ({ unitId, dueDate: due })),
        ...coopPeople.filter((id) => id !== leadId).map((userId) => ({ userId, dueDate: due })),
      ];
      await api(`/api/deliveries/${deliveryId}/assign`, { method: 'POST', body: { direction, lead, cooperating } });
      toast(t('assigned'));
      reset();
      onDone();
    });
  };
  if (!candidates || !people) return error ? html`<${ErrorBox} error=${error} />` : null;
  if (departments?.length === 0 && people.length === 0) return html`<p class="muted">${t('noAssignees')}</p>`;
  const hasLead = Boolean(leadUnit || leadUser[0]);
  const others = candidates.filter((u) => u.id !== leadUnit);
  const otherPeople = people.filter((p) => p.id !== leadUser[0]);
  return html`<form class="panel" onSubmit=${submit} aria-labelledby="assign-title">
    <h2 id="assign-title">${t('assign')}</h2>
    <label class="field">${t('direction')}
      <textarea required rows="3" value=${direction} onInput=${onValue(setDirection)}></textarea>
    </label>
    ${departments && departments.length > 0 && html`<label class="field">${t('lead')}
      <select value=${leadUnit} onChange=${(/** @type {Event} */ e) => {
        setLeadUnit(/** @type {HTMLSelectElement} */ (e.currentTarget).value);
        setLeadUser([]);
      }}>
        <option value="">${t('chooseLead')}</option>
        ${departments.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
      </select>
    </label>`}
    ${people.length > 0 && html`<${PeoplePicker} people=${people} legend=${departments?.length ? t('leadPersonOr') : t('leadPerson')} name=${`lead-${deliveryId}`}
      chosen=${leadUser} testid="lead-person" onChange=${(/** @type {string[]} */ ids) => {
        setLeadUser(ids);
        if (ids.length) setLeadUnit('');
      }} />`}
    <label class="field">${t('deadline')}
      <input type="date" value=${deadline} onInput=${onValue(setDeadline)} />
    </label>
    ${others.length > 0 && html`<fieldset class="field" data-testid="cooperating">
      <legend>${t('cooperating')}</legend>
      ${others.map((u) => html`<label class="check" data-relation=${u.relation}>
        <input type="checkbox" value=${u.id} checked=${coop.includes(u.id)} onChange=${onChecked((on) => setCoop(on ? [...coop, u.id] : coop.filter((x) => x !== u.id)))} />
        <span>${u.name}</span>
      </label>`)}
    </fieldset>`}
    ${otherPeople.length > 0 && html`<${PeoplePicker} people=${otherPeople} legend=${t('cooperatingPeople')} name=${`coop-${deliveryId}`} multiple
      chosen=${coopPeople} testid="cooperating-people" onChange=${setCoopPeople} />`}
    <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !hasLead || !direction.trim()}>${t('assign')}</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
