// @ts-check
// Recipients from the unit tree: browse by expanding, or search ignoring diacritics; chips list
// what is chosen. Only expanded branches are drawn, so a province's 3,000 communes stay light.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { session, units } from './api.js';
import { fold, getLang, t } from './i18n.js';
import { ErrorBox, html, Loading, onChecked, onValue } from './ui.js';
/** @import { Unit } from './types' */

const MAX_RESULTS = 60;

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
    /** @type {Map<string, Unit[]>} children by parent id ('' for the top) */
    const children = new Map();
    for (const u of all) {
      const parent = u.parentId && byId.has(u.parentId) ? u.parentId : '';
      const list = children.get(parent);
      if (list) list.push(u);
      else children.set(parent, [u]);
    }
    const compare = new Intl.Collator(getLang()).compare;
    for (const list of children.values()) list.sort((a, b) => compare(a.name, b.name));
    const keys = new Map(all.map((u) => [u.id, fold(`${u.name} ${u.shortName} ${u.code}`)]));
    return { byId, children, keys };
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

  /**
   * @param {Unit} u
   * @param {number} depth
   * @param {boolean} showParent a search result: its parent's name, no expanding
   * @returns {ReturnType<typeof html>}
   */
  const row = (u, depth, showParent) => {
    const kids = index.children.get(u.id) ?? [];
    const isOpen = open.has(u.id);
    const parent = u.parentId ? index.byId.get(u.parentId) : undefined;
    return html`<li key=${u.id} style=${{ paddingLeft: `${Math.min(depth, 4) * 14}px` }}>
      <div class="unit-row">
        <label class="check">
          <input type="checkbox" checked=${chosen.has(u.id)} onChange=${onChecked((on) => toggle(u.id, on))} data-code=${u.code} />
          <span>${u.name}${showParent && parent ? html`<small class="muted"> — ${parent.name}</small>` : ''}</span>
        </label>
        ${!showParent && kids.length > 0 && html`<button type="button" class="btn btn-small btn-icon" aria-expanded=${isOpen}
          aria-label=${t(isOpen ? 'collapse' : 'expand', { name: u.name })} onClick=${() => toggleOpen(u.id)}>${isOpen ? '−' : '+'}</button>`}
      </div>
      ${!showParent && isOpen && html`<ul class="unit-tree">
        <li><button type="button" class="btn btn-link" onClick=${() => onChange([...new Set([...selected, ...kids.map((k) => k.id)])])}>
          ${t('selectAllBelow', { n: kids.length })}</button></li>
        ${kids.map((k) => row(k, depth + 1, false))}
      </ul>`}
    </li>`;
  };

  const q = fold(query.trim());
  const matches = q && all ? all.filter((u) => index.keys.get(u.id)?.includes(q)) : null;
  return html`<div class="picker">
    ${selected.length > 0 && html`<p class="chips" aria-live="polite"><span>${t('selected', { n: selected.length })}:</span>
      ${selected.map((id) => index.byId.get(id)).filter((u) => u !== undefined).map((u) => html`<button type="button" class="chip" key=${u.id}
        aria-label=${t('remove', { name: u.name })} onClick=${() => toggle(u.id, false)}>${u.name} ×</button>`)}</p>`}
    <label class="field">${t('searchUnits')}
      <input type="search" value=${query} onInput=${onValue(setQuery)} autocomplete="off" />
    </label>
    <ul class="unit-tree" aria-label=${t('recipients')}>
      ${matches
        ? matches.length === 0 ? html`<li class="muted">${t('noMatch')}</li>` : matches.slice(0, MAX_RESULTS).map((u) => row(u, 0, true))
        : (index.children.get('') ?? []).map((u) => row(u, 0, false))}
      ${matches && matches.length > MAX_RESULTS && html`<li class="muted">${t('tooMany', { shown: MAX_RESULTS, total: matches.length })}</li>`}
    </ul>
  </div>`;
}
