// @ts-check
// Recipient groups at the top of the picker: one tap picks every People's Committee of the communes,
// every commune Party committee, every school, every department of the district People's Committee,
// everything under one's own unit, or one of the unit's saved groups (nhóm nơi nhận, kept on the
// server per unit). A group already wholly chosen is pressed; tapping it again takes it out.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorBox, html, onValue, useAction, useResource } from './ui.js';
/** @import { RecipientGroup, Unit } from './types' */

/**
 * The built-in groups over the units one may pick (ours, not one's own unit), in the order shown;
 * empty ones are left out.
 * @param {Unit[]} pickable
 * @param {Map<string, Unit>} byId every unit, one's own included
 * @param {string | undefined} ownId
 * @returns {Array<{ key: string, label: string, ids: string[] }>}
 */
export function builtInGroups(pickable, byId, ownId) {
  const ours = pickable.filter((u) => !u.external);
  const parentOf = (/** @type {Unit} */ u) => (u.parentId ? byId.get(u.parentId) : undefined);
  /** @type {Array<[string, (u: Unit) => boolean]>} */
  const defs = [
    ['all', () => true],
    ['communeGov', (u) => u.level === 'commune' && u.kind === 'government'],
    ['communeParty', (u) => u.level === 'commune' && u.kind === 'party'],
    ['schools', (u) => u.kind === 'school'],
    ['departments', (u) => u.kind === 'department' && parentOf(u)?.kind === 'government' && parentOf(u)?.level === 'district'],
    ['below', (u) => Boolean(ownId) && u.parentId === ownId],
  ];
  return defs
    .map(([key, f]) => {
      const ids = ours.filter(f).map((u) => u.id);
      return { key, label: t(`group.${key}`, { n: ids.length }), ids };
    })
    .filter((g) => g.ids.length > 0);
}

/**
 * @param {{ pickable: Unit[], byId: Map<string, Unit>, ownId: string | undefined, selected: string[], onChange: (ids: string[]) => void }} props
 */
export function GroupBar({ pickable, byId, ownId, selected, onChange }) {
  const saved = useResource(() => /** @type {Promise<{ groups: RecipientGroup[], can: { edit: boolean } }>} */ (api('/api/recipient-groups')), []);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const known = new Set(pickable.map((u) => u.id));
  const chosen = new Set(selected);
  const mayEdit = Boolean(saved.data?.can.edit);
  /** @type {Array<{ key: string, label: string, ids: string[], saved?: RecipientGroup }>} */
  const groups = [
    ...builtInGroups(pickable, byId, ownId),
    ...(saved.data?.groups ?? []).map((g) => {
      const ids = g.unitIds.filter((id) => known.has(id));
      return { key: `saved:${g.id}`, label: t('group.saved', { name: g.name, n: ids.length }), ids, saved: g };
    }),
  ];
  /** @param {string[]} ids */
  const tap = (ids) => {
    const all = ids.every((id) => chosen.has(id));
    const drop = new Set(ids);
    onChange(all ? selected.filter((id) => !drop.has(id)) : [...new Set([...selected, ...ids])]);
  };
  const save = () => run(async () => {
    await api('/api/recipient-groups', { method: 'POST', body: { name: name.trim(), unitIds: selected } });
    setNaming(false);
    setName('');
    await saved.reload();
  });
  /** @param {RecipientGroup} g */
  const remove = (g) => run(async () => {
    if (!confirm(t('group.confirmDelete', { name: g.name }))) return;
    await api(`/api/recipient-groups/${g.id}`, { method: 'DELETE' });
    await saved.reload();
  });
  return html`<div class="pick-groups" role="group" aria-label=${t('group.title')}>
    ${groups.map((g) => {
      const on = g.ids.length > 0 && g.ids.every((id) => chosen.has(id));
      return html`<span class="pick-group" key=${g.key}>
        <button type="button" class=${`btn btn-small chip-group${on ? ' chip-on' : ''}`} aria-pressed=${on} data-group=${g.key}
          disabled=${g.ids.length === 0} onClick=${() => tap(g.ids)}>${on ? '✓ ' : ''}${g.label}</button>
        ${g.saved && mayEdit && html`<button type="button" class="btn btn-small btn-icon" aria-label=${t('group.delete', { name: g.saved.name })}
          disabled=${busy} onClick=${() => g.saved && remove(g.saved)}>×</button>`}
      </span>`;
    })}
    ${mayEdit && selected.length > 0 && !naming && html`<button type="button" class="btn btn-link" onClick=${() => setNaming(true)}>${t('group.saveAs')}</button>`}
    ${naming && html`<span class="pick-group-save">
      <label class="field">${t('group.name')}
        <input type="text" maxlength="100" value=${name} onInput=${onValue(setName)}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter') { e.preventDefault(); if (name.trim()) save(); } }} />
      </label>
      <button type="button" class="btn btn-small" disabled=${busy || !name.trim()} onClick=${save}>${t('group.save', { n: selected.length })}</button>
      <button type="button" class="btn btn-small btn-link" onClick=${() => setNaming(false)}>${t('cancel')}</button>
    </span>`}
    <${ErrorBox} error=${error ?? saved.error} />
  </div>`;
}
