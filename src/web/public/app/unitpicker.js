// @ts-check
// Recipients: search (ignoring diacritics) at the top, then one-tap groups (pickgroups.js: all
// communes' People's Committees, all schools, saved groups …), then the unit tree to browse by
// expanding. One's own unit stays in the tree, unpickable, with its units under it (not as roots).
// What is chosen is a count that opens to chips ("xem"); a few are shown at once. Only expanded
// branches are drawn, so a province's 3,000 communes stay light. The units of other systems on the
// exchange axis (liên thông) come after ours, one collapsible group per system, marked "hệ thống
// khác"; they are chosen like any unit.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { session, units } from './api.js';
import { fold, getLang, t } from './i18n.js';
import { GroupBar } from './pickgroups.js';
import { ErrorBox, html, Loading, onChecked, onValue } from './ui.js';
/** @import { Unit } from './types' */

const MAX_RESULTS = 60;
/** Up to this many chosen units are shown as chips at once; more collapse to a count with "xem". */
const CHIPS_OPEN = 5;

/** The name of the system a unit of another system belongs to (its group). @param {Unit} u */
export const systemOf = (u) => u.systemName || u.systemId || t('otherSystem');

/** @param {{ selected: string[], onChange: (ids: string[]) => void }} props */
export function UnitPicker({ selected, onChange }) {
  const [all, setAll] = useState(/** @type {Unit[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(() => /** @type {Set<string>} */ (new Set()));
  const [showChips, setShowChips] = useState(/** @type {boolean | null} */ (null));
  const ownId = session.user?.unitId;
  useEffect(() => {
    units().then(setAll, setError);
  }, []);

  const index = useMemo(() => {
    if (!all) return null;
    const byId = new Map(all.map((u) => [u.id, u]));
    /**
     * Children by parent id: '' for our top units, `sys:<name>` for the top units of another
     * system (a unit's parent counts only within the same side: ours, or that system).
     * @type {Map<string, Unit[]>}
     */
    const children = new Map();
    /** @type {Map<string, number>} how many units each other system has */
    const systems = new Map();
    for (const u of all) {
      const p = u.parentId ? byId.get(u.parentId) : undefined;
      const sameSide = p && Boolean(p.external) === Boolean(u.external) && (!u.external || systemOf(p) === systemOf(u));
      const parent = sameSide ? /** @type {Unit} */ (p).id : u.external ? `sys:${systemOf(u)}` : '';
      const list = children.get(parent);
      if (list) list.push(u);
      else children.set(parent, [u]);
      if (u.external) systems.set(systemOf(u), (systems.get(systemOf(u)) ?? 0) + 1);
    }
    const compare = new Intl.Collator(getLang()).compare;
    for (const list of children.values()) list.sort((a, b) => compare(a.name, b.name));
    const groups = [...systems].map(([name, count]) => ({ name, count })).sort((a, b) => compare(a.name, b.name));
    const keys = new Map(all.map((u) => [u.id, fold(`${u.name} ${u.shortName} ${u.code}${u.external ? ` ${systemOf(u)}` : ''}`)]));
    // Everything but one's own unit may be picked (it is in the tree only to hold its units).
    const pickable = all.filter((u) => u.id !== ownId);
    return { byId, children, groups, keys, pickable };
  }, [all]);

  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!index) return html`<${Loading} />`;
  const chosen = new Set(selected);
  const toggle = (/** @type {string} */ id, /** @type {boolean} */ on) => onChange(on ? [...chosen, id] : selected.filter((x) => x !== id));
  const toggleOpen = (/** @type {string} */ id) => {
    const next = new Set(open);
    next.has(id) ? next.delete(id) : next.add(id);
    setOpen(next);
  };
  /** "Select all" above an opened branch's units. @param {Unit[]} kids */
  const selectAll = (kids) => {
    const ids = kids.filter((k) => k.id !== ownId).map((k) => k.id);
    return html`<li><button type="button" class="btn btn-link" onClick=${() => onChange([...new Set([...selected, ...ids])])}>
      ${t('selectAllBelow', { n: ids.length })}</button></li>`;
  };

  /**
   * @param {Unit} u
   * @param {number} depth
   * @param {boolean} showParent a search result: its parent's name (and another system's mark), no expanding
   * @returns {ReturnType<typeof html>}
   */
  const row = (u, depth, showParent) => {
    const kids = index.children.get(u.id) ?? [];
    const isOpen = open.has(u.id);
    const parent = u.parentId ? index.byId.get(u.parentId) : undefined;
    const own = u.id === ownId;
    return html`<li key=${u.id} style=${{ paddingLeft: `${Math.min(depth, 4) * 14}px` }} data-own=${own ? '1' : undefined}>
      <div class="unit-row">
        ${own ? html`<span class="check own-unit"><span>${u.name} <small class="muted">(${t('ownUnit')})</small></span></span>` : html`<label class="check">
          <input type="checkbox" checked=${chosen.has(u.id)} onChange=${onChecked((on) => toggle(u.id, on))} data-code=${u.code}
            data-external=${u.external ? '1' : undefined} />
          <span>${u.name}${showParent && parent ? html`<small class="muted"> — ${parent.name}</small>` : ''}
            ${showParent && u.external && html` <small class="ext-mark">${systemOf(u)} · ${t('otherSystem')}</small>`}</span>
        </label>`}
        ${!showParent && kids.length > 0 && html`<button type="button" class="btn btn-small btn-icon" aria-expanded=${isOpen}
          aria-label=${t(isOpen ? 'collapse' : 'expand', { name: u.name })} onClick=${() => toggleOpen(u.id)}>${isOpen ? '−' : '+'}</button>`}
      </div>
      ${!showParent && isOpen && html`<ul class="unit-tree">
        ${selectAll(kids)}
        ${kids.map((k) => row(k, depth + 1, false))}
      </ul>`}
    </li>`;
  };

  /** One other system: a collapsible group of its units. @param {{ name: string, count: number }} g */
  const group = (g) => {
    const key = `sys:${g.name}`;
    const isOpen = open.has(key);
    const roots = index.children.get(key) ?? [];
    return html`<li key=${key} class="sys-group" data-system=${g.name}>
      <button type="button" class="btn sys-toggle" aria-expanded=${isOpen} onClick=${() => toggleOpen(key)}>
        <span class="sys-sign" aria-hidden="true">${isOpen ? '−' : '+'}</span>
        <span class="sys-name">${g.name}</span>
        <span class="badge badge-ext">${t('otherSystem')}</span>
        <span class="sys-count">${t('systemUnits', { n: g.count })}</span>
      </button>
      ${isOpen && html`<ul class="unit-tree">
        ${roots.length > 1 && selectAll(roots)}
        ${roots.map((k) => row(k, 1, false))}
      </ul>`}
    </li>`;
  };

  const q = fold(query.trim());
  const matches = q ? index.pickable.filter((u) => index.keys.get(u.id)?.includes(q)) : null;
  const chipsOpen = showChips ?? selected.length <= CHIPS_OPEN;
  return html`<div class="picker">
    <label class="field">${t('searchUnits')}
      <input type="search" value=${query} onInput=${onValue(setQuery)} autocomplete="off" />
    </label>
    ${selected.length > 0 && html`<div class="picked" aria-live="polite" data-picked=${selected.length}>
      <span>${t('selected', { n: selected.length })}</span>
      <button type="button" class="btn btn-link" aria-expanded=${chipsOpen} onClick=${() => setShowChips(!chipsOpen)}>${t(chipsOpen ? 'hideChosen' : 'showChosen')}</button>
      <button type="button" class="btn btn-link" onClick=${() => onChange([])}>${t('clearChosen')}</button>
      ${chipsOpen && html`<p class="chips">
        ${selected.map((id) => index.byId.get(id)).filter((u) => u !== undefined).map((u) => html`<button type="button" class="chip" key=${u.id}
          aria-label=${t('remove', { name: u.name })} onClick=${() => toggle(u.id, false)}>${u.name}${u.external ? ` (${systemOf(u)})` : ''} ×</button>`)}</p>`}
    </div>`}
    ${!matches && html`<${GroupBar} pickable=${index.pickable} byId=${index.byId} ownId=${ownId} selected=${selected} onChange=${onChange} />`}
    <ul class="unit-tree" aria-label=${t('recipients')}>
      ${matches
        ? matches.length === 0 ? html`<li class="muted">${t('noMatch')}</li>` : matches.slice(0, MAX_RESULTS).map((u) => row(u, 0, true))
        : (index.children.get('') ?? []).map((u) => row(u, 0, false))}
      ${matches && matches.length > MAX_RESULTS && html`<li class="muted">${t('tooMany', { shown: MAX_RESULTS, total: matches.length })}</li>`}
      ${!matches && index.groups.length > 0 && html`<li class="sys-heading">${t('otherSystems')}</li>`}
      ${!matches && index.groups.map(group)}
    </ul>
  </div>`;
}
