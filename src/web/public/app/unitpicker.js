// @ts-check
// Recipients from the unit tree: browse by expanding, or search ignoring diacritics; chips list
// what is chosen. Only expanded branches are drawn, so a province's 3,000 communes stay light.
// The units of other systems on the exchange axis (liên thông) come after ours, one collapsible
// group per system, marked "hệ thống khác"; they are chosen like any unit.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { session, units } from './api.js';
import { fold, getLang, t } from './i18n.js';
import { ErrorBox, html, Loading, onChecked, onValue } from './ui.js';
/** @import { Unit } from './types' */

const MAX_RESULTS = 60;

/** The name of the system a unit of another system belongs to (its group). @param {Unit} u */
export const systemOf = (u) => u.systemName || u.systemId || t('otherSystem');

/** @param {{ selected: string[], onChange: (ids: string[]) => void }} props */
export function UnitPicker({ selected, onChange }) {
  const [all, setAll] = useState(/** @type {Unit[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(() => /** @type {Set<string>} */ (new Set()));
  useEffect(() => {
    units().then((list) => setAll(list.filter((u) => u.id !== session.user?.unitId)), setError);
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
    return { byId, children, groups, keys };
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
  const selectAll = (kids) => html`<li><button type="button" class="btn btn-link" onClick=${() => onChange([...new Set([...selected, ...kids.map((k) => k.id)])])}>
    ${t('selectAllBelow', { n: kids.length })}</button></li>`;

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
    return html`<li key=${u.id} style=${{ paddingLeft: `${Math.min(depth, 4) * 14}px` }}>
      <div class="unit-row">
        <label class="check">
          <input type="checkbox" checked=${chosen.has(u.id)} onChange=${onChecked((on) => toggle(u.id, on))} data-code=${u.code}
            data-external=${u.external ? '1' : undefined} />
          <span>${u.name}${showParent && parent ? html`<small class="muted"> — ${parent.name}</small>` : ''}
            ${showParent && u.external && html` <small class="ext-mark">${systemOf(u)} · ${t('otherSystem')}</small>`}</span>
        </label>
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
  const matches = q && all ? all.filter((u) => index.keys.get(u.id)?.includes(q)) : null;
  return html`<div class="picker">
    ${selected.length > 0 && html`<p class="chips" aria-live="polite"><span>${t('selected', { n: selected.length })}:</span>
      ${selected.map((id) => index.byId.get(id)).filter((u) => u !== undefined).map((u) => html`<button type="button" class="chip" key=${u.id}
        aria-label=${t('remove', { name: u.name })} onClick=${() => toggle(u.id, false)}>${u.name}${u.external ? ` (${systemOf(u)})` : ''} ×</button>`)}</p>`}
    <label class="field">${t('searchUnits')}
      <input type="search" value=${query} onInput=${onValue(setQuery)} autocomplete="off" />
    </label>
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
