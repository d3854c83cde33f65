// @ts-check
// Quản trị (admin only): the unit tree, adding a unit and a unit's settings (place name, Party term); accounts — list by unit, add, edit name,
// title, roles, unit and leadership position, disable/enable, reset a password. A change of roles
// or unit, disabling and a reset log the person out at once (the server ends their sessions).
import { useState } from 'preact/hooks';
import { api, hasRole, units as cachedUnits } from './api.js';
import { fold, t } from './i18n.js';
import { ErrorBox, html, Loading, onChecked, onValue, toast, useAction, useResource } from './ui.js';
/** @import { Role, Unit, User } from './types' */
/** @typedef {User & { position: Position | null, disabled: boolean }} Account */
/** @typedef {'head' | 'deputy' | 'acting' | 'by_order'} Position */

/** @type {Role[]} */
const ROLES = ['clerk', 'leader', 'officer', 'admin'];
/** @type {Position[]} */
const POSITIONS = ['head', 'deputy', 'acting', 'by_order'];
const KINDS = ['government', 'party', 'council', 'department', 'school', 'other'];

/** Our own units (not other systems'), depth-first by name, each with its depth in the tree. */
function ordered(/** @type {Unit[]} */ list) {
  /** @type {Map<string | null, Unit[]>} */
  const children = new Map();
  const ids = new Set(list.map((u) => u.id));
  for (const u of list) {
    const parent = u.parentId && ids.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  /** @type {Array<{ unit: Unit, depth: number }>} */
  const out = [];
  /** @param {string | null} parent @param {number} depth */
  const walk = (parent, depth) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) {
      out.push({ unit: u, depth });
      if (depth < 20) walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

const loadUnits = async () => ordered((/** @type {{ units: Unit[] }} */ (await api('/api/units'))).units.filter((u) => !u.external));

/** @param {{ label: string, value: string, onChange: (id: string) => void, tree: Array<{ unit: Unit, depth: number }>, empty?: string, name?: string }} props */
function UnitSelect({ label, value, onChange, tree, empty, name }) {
  const known = !value || tree.some((x) => x.unit.id === value);
  return html`<label class="field">${label}
    <select name=${name} value=${value} onChange=${onValue(onChange)}>
      ${empty !== undefined && html`<option value="">${empty}</option>`}
      ${!known && html`<option value=${value}>${t('unit')} ${value.slice(0, 8)}</option>`}
      ${tree.map(({ unit, depth }) => html`<option value=${unit.id}>${'\u00a0\u00a0'.repeat(depth)}${unit.name}</option>`)}
    </select>
  </label>`;
}

/** @param {{ roles: Role[], onChange: (roles: Role[]) => void }} props */
function RolePicker({ roles, onChange }) {
  return html`<fieldset class="field"><legend>${t('roles')}</legend>
    ${ROLES.map((r) => html`<label class="check"><input type="checkbox" name=${`role-${r}`} checked=${roles.includes(r)}
      onChange=${onChecked((on) => onChange(on ? [...roles, r] : roles.filter((x) => x !== r)))} /><span>${t(`role.${r}`)}</span></label>`)}
  </fieldset>`;
}

/** @param {{ tab?: string }} props */
export function Admin({ tab }) {
  if (!hasRole('admin')) return html`<section class="view"><h1>${t('admin')}</h1><p class="muted">${t('error', { message: '403' })}</p></section>`;
  const current = tab === 'units' ? 'units' : 'users';
  return html`<section class="view" aria-labelledby="admin-title">
    <h1 id="admin-title">${t('admin')}</h1>
    <div class="tabs" role="tablist">
      ${[['users', 'adminUsers'], ['units', 'adminUnits']].map(([key, label]) => html`<a role="tab" href=${`#/admin/${key}`}
        class=${`tab ${current === key ? 'tab-on' : ''}`} aria-selected=${current === key}>${t(/** @type {string} */ (label))}</a>`)}
    </div>
    ${current === 'units' ? html`<${Units} />` : html`<${Users} />`}
  </section>`;
}

function Units() {
  const tree = useResource(loadUnits, []);
  return html`<div>
    <${NewUnit} tree=${tree.data ?? []} onDone=${() => { cachedUnits(true).catch(() => {}); tree.reload(); }} />
    ${tree.loading && !tree.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${tree.error} onRetry=${tree.reload} />
    <ul class="admin-tree" aria-label=${t('adminUnits')}>
      ${(tree.data ?? []).map(({ unit, depth }) => html`<li key=${unit.id} style=${{ paddingLeft: `${Math.min(depth, 6) * 0.9}rem` }}>
        <span class="doc-subject">${unit.name}</span>
        <span class="doc-meta"> ${unit.shortName} · ${unit.code} · ${t(`kind.${unit.kind}`)}</span>
        <${UnitSettings} unit=${unit} onDone=${() => { cachedUnits(true).catch(() => {}); tree.reload(); }} />
      </li>`)}
    </ul>
  </div>`;
}

/**
 * A unit's settings without history (PATCH /api/units/:id): its place name for the date line and,
 * for a Party unit, its term and the day the term began. Only what changed is sent; an emptied
 * field is cleared. The form is drawn when opened (a district has over a hundred units).
 * @param {{ unit: Unit, onDone: () => void }} props
 */
function UnitSettings({ unit, onDone }) {
  const [open, setOpen] = useState(false);
  return html`<details class="panel unit-settings" data-unit=${unit.code} onToggle=${(/** @type {Event} */ e) => setOpen(/** @type {HTMLDetailsElement} */ (e.currentTarget).open)}>
    <summary aria-label=${t('unitSettingsOf', { name: unit.name })}>${t('unitSettings')}</summary>
    ${open && html`<${UnitSettingsForm} unit=${unit} onDone=${onDone} />`}
  </details>`;
}

/** @param {{ unit: Unit, onDone: () => void }} props */
function UnitSettingsForm({ unit, onDone }) {
  const initial = () => ({ partyTerm: unit.partyTerm ?? '', partyTermStartsOn: unit.partyTermStartsOn ?? '', placeName: unit.placeName ?? '' });
  const [f, setF] = useState(initial);
  const [saved, setSaved] = useState(initial);
  const set = (/** @type {keyof ReturnType<typeof initial>} */ k) => onValue((v) => setF((x) => ({ ...x, [k]: v })));
  const { busy, error, run } = useAction();
  const party = unit.kind === 'party';
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      /** @type {Record<string, string | null>} */
      const body = {};
      for (const k of /** @type {const} */ (['partyTerm', 'partyTermStartsOn', 'placeName'])) {
        if (!party && k !== 'placeName') continue;
        const v = f[k].trim();
        if (v !== saved[k]) body[k] = v || null;
      }
      if (Object.keys(body).length) {
        /** @type {{ unit?: Unit }} */
        const r = await api(`/api/units/${unit.id}`, { method: 'PATCH', body });
        const now = r?.unit;
        const next = now
          ? { partyTerm: now.partyTerm ?? '', partyTermStartsOn: now.partyTermStartsOn ?? '', placeName: now.placeName ?? '' }
          : { partyTerm: f.partyTerm.trim(), partyTermStartsOn: f.partyTermStartsOn.trim(), placeName: f.placeName.trim() };
        setSaved(next);
        setF(next);
        onDone();
      }
      toast(t('saved'));
    });
  };
  return html`<form class="form" onSubmit=${submit}>
    <label class="field">${t('placeName')}<input name="placeName" maxlength="100" value=${f.placeName} onInput=${set('placeName')} /></label>
    ${party && html`<label class="field">${t('partyTerm')}<input name="partyTerm" pattern="[0-9]{4}-[0-9]{4}" maxlength="9" inputmode="numeric" value=${f.partyTerm} onInput=${set('partyTerm')} /></label>
      <label class="field">${t('partyTermStartsOn')}<input name="partyTermStartsOn" type="date" value=${f.partyTermStartsOn} onInput=${set('partyTermStartsOn')} /></label>`}
    <${ErrorBox} error=${error} />
    <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('save')}</button>
  </form>`;
}

/** @param {{ tree: Array<{ unit: Unit, depth: number }>, onDone: () => void }} props */
function NewUnit({ tree, onDone }) {
  const [f, setF] = useState({ code: '', name: '', shortName: '', kind: 'government', parentId: '' });
  const set = (/** @type {keyof typeof f} */ k) => onValue((v) => setF((x) => ({ ...x, [k]: v })));
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      await api('/api/units', { method: 'POST', body: { ...f, code: f.code.trim(), name: f.name.trim(), shortName: f.shortName.trim(), parentId: f.parentId || null } });
      setF({ code: '', name: '', shortName: '', kind: f.kind, parentId: f.parentId });
      toast(t('created'));
      onDone();
    });
  };
  return html`<details class="panel" data-form="new-unit">
    <summary>${t('newUnit')}</summary>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('unitName')}<input name="unit-name" required maxlength="255" value=${f.name} onInput=${set('name')} /></label>
      <label class="field">${t('unitShortName')}<input name="unit-short" required maxlength="20" value=${f.shortName} onInput=${set('shortName')} /></label>
      <label class="field">${t('unitCode')}<input name="unit-code" required maxlength="35" autocapitalize="none" value=${f.code} onInput=${set('code')} /></label>
      <label class="field">${t('unitKind')}
        <select name="unit-kind" value=${f.kind} onChange=${set('kind')}>${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}</select>
      </label>
      <${UnitSelect} label=${t('parentUnit')} name="unit-parent" value=${f.parentId} tree=${tree} empty=${t('noParent')}
        onChange=${(/** @type {string} */ v) => setF((x) => ({ ...x, parentId: v }))} />
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('newUnit')}</button>
    </form>
  </details>`;
}

function Users() {
  const [unitId, setUnitId] = useState('');
  const [q, setQ] = useState('');
  const tree = useResource(loadUnits, []);
  const list = useResource(
    async () => /** @type {{ users: Account[], total: number }} */ (await api(`/api/users?limit=200${unitId ? `&unitId=${unitId}` : ''}`)),
    [unitId],
  );
  const names = new Map((tree.data ?? []).map(({ unit }) => [unit.id, unit.name]));
  const shown = (list.data?.users ?? []).filter((u) => !q.trim() || fold(`${u.fullName} ${u.username}`).includes(fold(q.trim())));
  return html`<div>
    <${NewUser} tree=${tree.data ?? []} unitId=${unitId} onDone=${list.reload} />
    <${UnitSelect} label=${t('filterUnit')} name="filter-unit" value=${unitId} tree=${tree.data ?? []} empty=${t('allUnits')} onChange=${setUnitId} />
    <label class="field">${t('searchUsers')}<input name="search-users" type="search" value=${q} onInput=${onValue(setQ)} /></label>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.data && html`<p class="muted">${t('userCount', { n: list.data.total })}</p>`}
    ${list.data && shown.length === 0 && html`<p class="muted">${t('noUsers')}</p>`}
    <ul class="list" aria-label=${t('adminUsers')}>
      ${shown.map((u) => html`<li key=${u.id}><${UserCard} user=${u} unitName=${names.get(u.unitId) ?? ''} tree=${tree.data ?? []} onChanged=${list.reload} /></li>`)}
    </ul>
  </div>`;
}

/** @param {{ user: Account, unitName: string, tree: Array<{ unit: Unit, depth: number }>, onChanged: () => void }} props */
function UserCard({ user, unitName, tree, onChanged }) {
  return html`<div class="card" data-user=${user.username}>
    <p class="doc-subject">${user.fullName} ${user.disabled && html`<span class="badge badge-refused">${t('disabled')}</span>`}</p>
    <p class="doc-meta">${user.username}${user.title ? ` · ${user.title}` : ''}${user.position ? ` · ${t(`position.${user.position}`)}` : ''}</p>
    <p class="doc-meta">${unitName}${unitName ? ' · ' : ''}${user.roles.map((r) => t(`role.${r}`)).join(', ')}</p>
    <details class="panel">
      <summary>${t('editUser', { name: user.fullName })}</summary>
      <${EditUser} user=${user} tree=${tree} onChanged=${onChanged} />
    </details>
  </div>`;
}

/** @param {{ user: Account, tree: Array<{ unit: Unit, depth: number }>, onChanged: () => void }} props */
function EditUser({ user, tree, onChanged }) {
  const [fullName, setFullName] = useState(user.fullName);
  const [title, setTitle] = useState(user.title);
  const [roles, setRoles] = useState(/** @type {Role[]} */ (user.roles));
  const [unitId, setUnitId] = useState(user.unitId);
  const [position, setPosition] = useState(user.position ?? '');
  const [password, setPassword] = useState('');
  const [askDisable, setAskDisable] = useState(false);
  const { busy, error, run } = useAction();
  const save = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      if (roles.length === 0) throw new Error(t('needRole'));
      /** @type {Record<string, unknown>} */
      const body = {};
      if (fullName.trim() !== user.fullName) body.fullName = fullName.trim();
      if (title.trim() !== user.title) body.title = title.trim();
      if (roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r))) body.roles = roles;
      if (unitId !== user.unitId) body.unitId = unitId;
      if ((position || null) !== user.position) body.position = position || null;
      if (Object.keys(body).length) await api(`/api/users/${user.id}`, { method: 'PATCH', body });
      toast(t('saved'));
      onChanged();
    });
  };
  const act = (/** @type {'disable' | 'enable'} */ what) => run(async () => {
    await api(`/api/users/${user.id}/${what}`, { method: 'POST' });
    setAskDisable(false);
    toast(t('saved'));
    onChanged();
  });
  const reset = () => run(async () => {
    await api(`/api/users/${user.id}/password`, { method: 'POST', body: { password } });
    setPassword('');
    toast(t('saved'));
  });
  return html`<div>
    <form class="form" onSubmit=${save}>
      <label class="field">${t('fullName')}<input name="full-name" required maxlength="255" value=${fullName} onInput=${onValue(setFullName)} /></label>
      <label class="field">${t('jobTitle')}<input name="title" maxlength="255" value=${title} onInput=${onValue(setTitle)} /></label>
      <${UnitSelect} label=${t('unit')} name="unit" value=${unitId} tree=${tree} onChange=${setUnitId} />
      <${RolePicker} roles=${roles} onChange=${setRoles} />
      <label class="field">${t('position')}
        <select name="position" value=${position} onChange=${onValue(setPosition)}>
          <option value="">${t('position.none')}</option>
          ${POSITIONS.map((p) => html`<option value=${p}>${t(`position.${p}`)}</option>`)}
        </select>
      </label>
      <p class="muted">${t('sessionsEndNote')}</p>
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('save')}</button>
    </form>
    <div class="form">
      <label class="field">${t('newPasswordFor', { name: user.fullName })}
        <input name="reset-password" type="password" autocomplete="new-password" minlength="8" value=${password} onInput=${onValue(setPassword)} />
      </label>
      <button type="button" class="btn btn-block" disabled=${busy || password.length < 8} onClick=${reset}>${t('resetPassword')}</button>
    </div>
    ${user.disabled
      ? html`<button type="button" class="btn btn-block" disabled=${busy} onClick=${() => act('enable')}>${t('enable')}</button>`
      : askDisable
        ? html`<div class="notice notice-error" role="group">
            <p>${t('confirmDisable', { name: user.fullName })}</p>
            <div class="row">
              <button type="button" class="btn btn-danger" disabled=${busy} onClick=${() => act('disable')}>${t('disable')}</button>
              <button type="button" class="btn" onClick=${() => setAskDisable(false)}>${t('cancel')}</button>
            </div>
          </div>`
        : html`<button type="button" class="btn btn-danger btn-block" disabled=${busy} onClick=${() => setAskDisable(true)}>${t('disable')}</button>`}
    <${ErrorBox} error=${error} />
  </div>`;
}

/** @param {{ tree: Array<{ unit: Unit, depth: number }>, unitId: string, onDone: () => void }} props */
function NewUser({ tree, unitId, onDone }) {
  const blank = () => ({ username: '', password: '', fullName: '', title: '', unitId });
  const [f, setF] = useState(blank);
  const [roles, setRoles] = useState(/** @type {Role[]} */ (['officer']));
  const set = (/** @type {keyof ReturnType<typeof blank>} */ k) => (/** @type {string} */ v) => setF((x) => ({ ...x, [k]: v }));
  const { busy, error, run } = useAction();
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    run(async () => {
      if (roles.length === 0) throw new Error(t('needRole'));
      const chosen = f.unitId || unitId;
      await api('/api/users', {
        method: 'POST',
        body: { username: f.username.trim().toLowerCase(), password: f.password, fullName: f.fullName.trim(), unitId: chosen, roles, title: f.title.trim() },
      });
      setF(blank());
      setRoles(['officer']);
      toast(t('created'));
      onDone();
    });
  };
  return html`<details class="panel" data-form="new-user">
    <summary>${t('newUser')}</summary>
    <form class="form" onSubmit=${submit}>
      <label class="field">${t('fullName')}<input name="new-full-name" required maxlength="255" value=${f.fullName} onInput=${onValue(set('fullName'))} /></label>
      <label class="field">${t('username')}<input name="new-username" required minlength="3" maxlength="64" autocapitalize="none" autocomplete="off" value=${f.username} onInput=${onValue(set('username'))} /></label>
      <label class="field">${t('newPassword')}<input name="new-password" type="password" required minlength="8" autocomplete="new-password" value=${f.password} onInput=${onValue(set('password'))} /></label>
      <label class="field">${t('jobTitle')}<input name="new-title" maxlength="255" value=${f.title} onInput=${onValue(set('title'))} /></label>
      <${UnitSelect} label=${t('unit')} name="new-unit" value=${f.unitId || unitId} tree=${tree} empty="" onChange=${set('unitId')} />
      <${RolePicker} roles=${roles} onChange=${setRoles} />
      <${ErrorBox} error=${error} />
      <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !(f.unitId || unitId)}>${t('newUser')}</button>
    </form>
  </details>`;
}
