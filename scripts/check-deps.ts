// npm run check:deps — architecture checker (rules: docs/architecture.md).
//
//   tsx scripts/check-deps.ts [--root <dir>] [--graph] [--allow-type-imports]
//
// Prints every violation as `file:line  rule  detail`, then one summary line; exits 1 on any violation.
// --graph first prints the module import graph (mutual pairs, longer cycles, edges).
// Imports and writes are found with the TypeScript compiler API, not with regexes over the source.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// ---------------------------------------------------------------- options

interface Options {
  root: string;
  graph: boolean;
  allowTypeImports: boolean;
}

function usage(): string {
  return 'usage: tsx scripts/check-deps.ts [--root <dir>] [--graph] [--allow-type-imports]';
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    graph: false,
    allowTypeImports: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--graph') opts.graph = true;
    else if (a === '--allow-type-imports') opts.allowTypeImports = true;
    else if (a === '--root') {
      const v = argv[++i];
      if (!v) throw new UsageError('--root needs a directory');
      opts.root = path.resolve(v);
    } else if (a.startsWith('--root=')) opts.root = path.resolve(a.slice('--root='.length));
    else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else throw new UsageError(`unknown argument: ${a}`);
  }
  return opts;
}

class UsageError extends Error {}

// ---------------------------------------------------------------- layers

type Layer =
  | 'module'
  | 'workflows'
  | 'jobs'
  | 'cli'
  | 'server'
  | 'app'
  | 'main'
  | 'web'
  | 'lib'
  | 'db'
  | 'storage'
  | 'http'
  | 'config'
  | 'other';

interface Place {
  layer: Layer;
  module?: string;
}

const LOWER: ReadonlySet<Layer> = new Set(['lib', 'db', 'storage', 'http', 'config']);
/** What each layer must not import. */
const FORBIDDEN: Partial<Record<Layer, { rule: string; targets: ReadonlySet<Layer> }>> = {};
{
  const upper: Layer[] = ['module', 'workflows', 'jobs', 'cli', 'server', 'app', 'main', 'web'];
  for (const l of LOWER) FORBIDDEN[l] = { rule: 'lower-imports-upper', targets: new Set(upper) };
  FORBIDDEN.module = { rule: 'module-imports-upper', targets: new Set(['workflows', 'jobs', 'cli', 'server', 'app', 'main', 'web']) };
  FORBIDDEN.workflows = { rule: 'workflow-imports-upper', targets: new Set(['jobs', 'cli', 'server', 'app', 'main', 'web']) };
}

/** `rel` is a posix path relative to the root. */
function classify(rel: string): Place {
  const parts = rel.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return { layer: 'other' };
  const top = parts[1]!;
  if (top === 'modules') return parts.length >= 4 ? { layer: 'module', module: parts[2]! } : { layer: 'other' };
  const dirLayers: Record<string, Layer> = {
    workflows: 'workflows', jobs: 'jobs', cli: 'cli', web: 'web', lib: 'lib', db: 'db', storage: 'storage', http: 'http',
    server: 'server', app: 'app', main: 'main', config: 'config',
  };
  if (parts.length >= 3 && dirLayers[top]) return { layer: dirLayers[top]! };
  if (parts.length === 2) {
    const base = top.replace(/\.(ts|tsx|mts|cts)$/, '');
    if (base !== top && ['server', 'app', 'main', 'config'].includes(base)) return { layer: base as Layer };
  }
  return { layer: 'other' };
}

function label(p: Place): string {
  return p.layer === 'module' ? `modules/${p.module}` : p.layer;
}

function isModuleTablesFile(rel: string): boolean {
  return /^src\/modules\/[^/]+\/tables\.(ts|tsx|mts|cts)$/.test(rel);
}

// ---------------------------------------------------------------- files

const TS_EXT = /\.(ts|tsx|mts|cts)$/;

function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && TS_EXT.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(path.join(root, 'src'));
  return out.sort();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Resolves a relative specifier the way NodeNext + tsx do (`.js` → `.ts`); null for packages. */
function resolveSpecifier(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates: string[] = [];
  const m = /\.(js|jsx|mjs|cjs)$/.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    const map: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
    for (const ext of map[m[0]]!) candidates.push(stem + ext);
    candidates.push(base);
  } else if (TS_EXT.test(base)) candidates.push(base);
  else candidates.push(base + '.ts', base + '.tsx', path.join(base, 'index.ts'), base);
  for (const c of candidates) if (isFile(c)) return c;
  // Missing target: still place it in its layer, so a broken import cannot hide a violation.
  return candidates[0]!;
}

// ---------------------------------------------------------------- parsing

interface ImportEdge {
  spec: string;
  target: string; // absolute path
  line: number;
  typeOnly: boolean;
  kind: 'import' | 'export' | 'dynamic' | 'import-type';
}

type Binding = { kind: 'named'; file: string; name: string } | { kind: 'namespace'; file: string };

interface TableDef {
  name: string; // exported identifier
  sqlName: string;
  file: string;
  owner: string | null; // module name
}

interface FileInfo {
  file: string;
  rel: string;
  sf: ts.SourceFile;
  place: Place;
  imports: ImportEdge[];
  bindings: Map<string, Binding>;
  /** exported name → local name */
  localExports: Map<string, string>;
  /** exported name → (file, name) re-exported from elsewhere */
  reExports: Map<string, { file: string; name: string }>;
  starExports: string[];
  /** local variable name → table */
  localTables: Map<string, TableDef>;
  /** pgTable( calls: for the location rule */
  tableCalls: { line: number; sqlName: string | null }[];
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

function stringValue(node: ts.Node | undefined): string | null {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return null;
}

function isPgTableCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (ts.isIdentifier(callee) && callee.text === 'pgTable') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'pgTable');
}

function isDynamicImport(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword;
}

function parseFile(file: string, root: string): FileInfo {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(root, file).split(path.sep).join('/');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const info: FileInfo = {
    file, rel, sf, place: classify(rel), imports: [], bindings: new Map(), localExports: new Map(), reExports: new Map(),
    starExports: [], localTables: new Map(), tableCalls: [],
  };
  const owner = isModuleTablesFile(rel) ? info.place.module ?? null : null;

  const addImport = (specNode: ts.Node | undefined, at: ts.Node, typeOnly: boolean, kind: ImportEdge['kind']): string | null => {
    const spec = stringValue(specNode);
    if (spec === null) return null;
    const target = resolveSpecifier(file, spec);
    if (target === null) return null;
    info.imports.push({ spec, target, line: lineOf(sf, at.getStart(sf)), typeOnly, kind });
    return target;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause) {
        const named = clause.namedBindings;
        typeOnly =
          clause.isTypeOnly ||
          (!clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      }
      const target = addImport(node.moduleSpecifier, node, typeOnly, 'import');
      if (target && clause?.namedBindings) {
        const nb = clause.namedBindings;
        if (ts.isNamespaceImport(nb)) info.bindings.set(nb.name.text, { kind: 'namespace', file: target });
        else for (const el of nb.elements) info.bindings.set(el.name.text, { kind: 'named', file: target, name: (el.propertyName ?? el.name).text });
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const target = addImport(node.moduleReference.expression, node, node.isTypeOnly, 'import');
      if (target) info.bindings.set(node.name.text, { kind: 'namespace', file: target });
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) {
        const ec0 = node.exportClause;
        const typeOnly =
          node.isTypeOnly || (!!ec0 && ts.isNamedExports(ec0) && ec0.elements.length > 0 && ec0.elements.every((e) => e.isTypeOnly));
        const target = addImport(node.moduleSpecifier, node, typeOnly, 'export');
        if (target) {
          const ec = node.exportClause;
          if (!ec) info.starExports.push(target);
          else if (ts.isNamedExports(ec))
            for (const el of ec.elements) info.reExports.set(el.name.text, { file: target, name: (el.propertyName ?? el.name).text });
        }
      } else if (node.exportClause && ts.isNamedExports(node.exportClause)) {
        for (const el of node.exportClause.elements) info.localExports.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    } else if (isDynamicImport(node)) {
      const target = addImport(node.arguments[0], node, false, 'dynamic');
      // const { users } = await import('../orgs/tables.js')  /  const t = await import(...)
      let parent: ts.Node = node.parent;
      while (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent)) parent = parent.parent;
      if (target && ts.isVariableDeclaration(parent)) {
        if (ts.isIdentifier(parent.name)) info.bindings.set(parent.name.text, { kind: 'namespace', file: target });
        else if (ts.isObjectBindingPattern(parent.name))
          for (const el of parent.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            info.bindings.set(el.name.text, { kind: 'named', file: target, name: prop });
          }
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) addImport(arg.literal, node, true, 'import-type');
    } else if (isPgTableCall(node)) {
      const sqlName = stringValue(node.arguments[0]);
      info.tableCalls.push({ line: lineOf(sf, node.getStart(sf)), sqlName });
      const decl = node.parent;
      if (sqlName !== null && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
        const name = decl.name.text;
        info.localTables.set(name, { name, sqlName, file, owner });
        const stmt = decl.parent?.parent;
        if (stmt && ts.isVariableStatement(stmt) && stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
          info.localExports.set(name, name);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return info;
}

// ---------------------------------------------------------------- project

interface Violation {
  file: string;
  line: number;
  rule: string;
  detail: string;
}

class Project {
  readonly files = new Map<string, FileInfo>();
  constructor(readonly root: string) {
    for (const f of listSources(root)) this.files.set(f, parseFile(f, root));
  }

  rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  /** Follows re-exports (e.g. src/db/schema.ts `export *`) to a table definition. */
  resolveExport(file: string, name: string, seen = new Set<string>()): TableDef | null {
    const key = `${file}#${name}`;
    if (seen.has(key)) return null;
    seen.add(key);
    const info = this.files.get(file);
    if (!info) return null;
    const local = info.localExports.get(name);
    if (local !== undefined) {
      const t = info.localTables.get(local);
      if (t) return t;
      const b = info.bindings.get(local);
      if (b?.kind === 'named') return this.resolveExport(b.file, b.name, seen);
    }
    const re = info.reExports.get(name);
    if (re) return this.resolveExport(re.file, re.name, seen);
    for (const star of info.starExports) {
      const t = this.resolveExport(star, name, seen);
      if (t) return t;
    }
    return null;
  }

  /** The table an expression (identifier, or namespace.member) in `info` refers to. */
  tableRef(info: FileInfo, expr: ts.Expression): TableDef | null {
    while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) expr = expr.expression;
    if (ts.isIdentifier(expr)) {
      const local = info.localTables.get(expr.text);
      if (local) return local;
      const b = info.bindings.get(expr.text);
      if (b?.kind === 'named') return this.resolveExport(b.file, b.name);
      return null;
    }
    if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) {
      const b = info.bindings.get(expr.expression.text);
      if (b?.kind === 'namespace') return this.resolveExport(b.file, expr.name.text);
      if (b?.kind === 'named') return null;
    }
    return null;
  }

  allTables(): TableDef[] {
    const out: TableDef[] = [];
    for (const info of this.files.values()) for (const t of info.localTables.values()) out.push(t);
    return out;
  }
}

// ---------------------------------------------------------------- rules

function checkTableLocations(p: Project, out: Violation[]): void {
  for (const info of p.files.values()) {
    if (isModuleTablesFile(info.rel)) continue;
    for (const c of info.tableCalls)
      out.push({
        file: info.rel, line: c.line, rule: 'table-outside-tables-file',
        detail: `pgTable(${c.sqlName === null ? '…' : `'${c.sqlName}'`}) belongs in src/modules/<name>/tables.ts`,
      });
  }
}

function checkLayers(p: Project, opts: Options, out: Violation[]): void {
  for (const info of p.files.values()) {
    const forbidden = FORBIDDEN[info.place.layer];
    for (const imp of info.imports) {
      if (imp.typeOnly && opts.allowTypeImports) continue;
      const to = classify(p.rel(imp.target));
      let rule: string;
      if (forbidden?.targets.has(to.layer)) {
        if (info.rel === 'src/db/schema.ts' && isModuleTablesFile(p.rel(imp.target))) continue;
        rule = forbidden.rule;
      } else if ((to.layer === 'cli' && info.place.layer !== 'cli' && info.place.layer !== 'main') || (to.layer === 'main' && info.place.layer !== 'main')) {
        // src/cli and src/main.ts are entry points: only they import src/cli, nothing imports src/main.ts.
        rule = 'imports-entry-point';
      } else continue;
      out.push({
        file: info.rel, line: imp.line, rule,
        detail: `${label(info.place)} → ${label(to)} (${describeImport(imp)} '${imp.spec}')`,
      });
    }
  }
}

function describeImport(imp: ImportEdge): string {
  if (imp.kind === 'dynamic') return 'dynamic import';
  if (imp.kind === 'import-type') return 'import() type';
  if (imp.kind === 'export') return imp.typeOnly ? 'export type … from' : 'export … from';
  return imp.typeOnly ? 'import type' : 'import';
}

// SQL written in template strings: insert into t / update t set / delete from t.
const IDENT = String.raw`(?:"?public"?\.)?(?:"([A-Za-z_][\w$]*)"|([A-Za-z_][\w$]*)|\u0001(\d+)\u0001)(?![\w$])`;
const SQL_WRITES: { verb: string; re: RegExp }[] = [
  { verb: 'insert into', re: new RegExp(String.raw`\binsert\s+into\s+` + IDENT, 'gi') },
  { verb: 'update', re: new RegExp(String.raw`\bupdate\s+(?:only\s+)?` + IDENT + String.raw`(?:\s+(?:as\s+)?[A-Za-z_]\w*)?\s+set\b`, 'gi') },
  { verb: 'delete from', re: new RegExp(String.raw`\bdelete\s+from\s+(?:only\s+)?` + IDENT, 'gi') },
];

interface Write {
  line: number;
  table: TableDef;
  how: string;
}

function findWrites(p: Project, info: FileInfo, bySqlName: Map<string, TableDef>): Write[] {
  const sf = info.sf;
  const src = sf.text;
  const writes: Write[] = [];

  const scanSql = (segments: { text: string; pos: number }[], exprs: ts.Expression[]) => {
    // Placeholders become \u0001<n>\u0001 so `insert into ${table}` is seen too.
    let combined = '';
    const map: { at: number; pos: number }[] = [];
    segments.forEach((s, i) => {
      map.push({ at: combined.length, pos: s.pos });
      combined += s.text;
      if (i < segments.length - 1) combined += `\u0001${i}\u0001`;
    });
    const posOf = (offset: number) => {
      let m = map[0]!;
      for (const e of map) if (e.at <= offset) m = e;
      return m.pos + Math.max(0, offset - m.at);
    };
    for (const { verb, re } of SQL_WRITES) {
      re.lastIndex = 0;
      for (let m = re.exec(combined); m; m = re.exec(combined)) {
        let table: TableDef | null | undefined = null;
        if (m[3] !== undefined) {
          const e = exprs[Number(m[3])];
          table = e ? p.tableRef(info, e) : null;
        } else table = bySqlName.get((m[1] ?? m[2] ?? '').toLowerCase());
        if (table) writes.push({ line: lineOf(sf, posOf(m.index)), table, how: `raw SQL ${verb} ${table.sqlName}` });
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments.length >= 1) {
      const method = node.expression.name.text;
      if (method === 'insert' || method === 'update' || method === 'delete') {
        const table = p.tableRef(info, node.arguments[0]!);
        if (table)
          writes.push({ line: lineOf(sf, node.expression.name.getStart(sf)), table, how: `.${method}(${node.arguments[0]!.getText(sf)})` });
      }
      // sql.raw('delete from x'), db.execute('...'), client.unsafe('...')
      if (['raw', 'execute', 'unsafe', 'query'].includes(method)) {
        const a = node.arguments[0]!;
        if (ts.isStringLiteral(a)) scanSql([{ text: src.slice(a.getStart(sf) + 1, a.getEnd() - 1), pos: a.getStart(sf) + 1 }], []);
      }
    }
    if (ts.isNoSubstitutionTemplateLiteral(node)) {
      scanSql([{ text: src.slice(node.getStart(sf) + 1, node.getEnd() - 1), pos: node.getStart(sf) + 1 }], []);
    } else if (ts.isTemplateExpression(node)) {
      const segs: { text: string; pos: number }[] = [];
      const h = node.head;
      segs.push({ text: src.slice(h.getStart(sf) + 1, h.getEnd() - 2), pos: h.getStart(sf) + 1 });
      for (const span of node.templateSpans) {
        const lit = span.literal;
        const end = ts.isTemplateTail(lit) ? lit.getEnd() - 1 : lit.getEnd() - 2;
        segs.push({ text: src.slice(lit.getStart(sf) + 1, end), pos: lit.getStart(sf) + 1 });
      }
      scanSql(segs, node.templateSpans.map((s) => s.expression));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return writes;
}

function checkWrites(p: Project, out: Violation[]): void {
  const bySqlName = new Map<string, TableDef>();
  for (const t of p.allTables()) if (t.owner !== null || !bySqlName.has(t.sqlName.toLowerCase())) bySqlName.set(t.sqlName.toLowerCase(), t);
  for (const info of p.files.values()) {
    for (const w of findWrites(p, info, bySqlName)) {
      if (w.table.owner === null) continue; // reported by table-outside-tables-file
      if (info.place.layer === 'module' && info.place.module === w.table.owner) continue;
      const owner = `modules/${w.table.owner}`;
      if (info.place.layer === 'module')
        out.push({ file: info.rel, line: w.line, rule: 'cross-module-write', detail: `${label(info.place)} writes ${w.table.sqlName} (owned by ${owner}): ${w.how}` });
      else
        out.push({ file: info.rel, line: w.line, rule: 'write-outside-module', detail: `${label(info.place)} writes ${w.table.sqlName} (owned by ${owner}): ${w.how}` });
    }
  }
}

// ---------------------------------------------------------------- module graph

interface Site {
  file: string;
  line: number;
}

type Graph = Map<string, Map<string, Site[]>>;

function moduleGraph(p: Project, opts: Options): Graph {
  const g: Graph = new Map();
  const ensure = (m: string) => {
    let e = g.get(m);
    if (!e) g.set(m, (e = new Map()));
    return e;
  };
  for (const info of p.files.values()) {
    if (info.place.layer !== 'module') continue;
    const from = info.place.module!;
    const edges = ensure(from);
    for (const imp of info.imports) {
      if (imp.typeOnly && opts.allowTypeImports) continue;
      const to = classify(p.rel(imp.target));
      if (to.layer !== 'module' || to.module === from) continue;
      ensure(to.module!);
      let sites = edges.get(to.module!);
      if (!sites) edges.set(to.module!, (sites = []));
      sites.push({ file: info.rel, line: imp.line });
    }
  }
  return g;
}

function mutualPairs(g: Graph): [string, string][] {
  const pairs: [string, string][] = [];
  const names = [...g.keys()].sort();
  for (const a of names) for (const b of names) if (a < b && g.get(a)!.has(b) && g.get(b)!.has(a)) pairs.push([a, b]);
  return pairs;
}

const CYCLE_LIMIT = 10_000;

/** Elementary cycles of length ≥ 3, each starting at its smallest module name. */
function longerCycles(g: Graph): { cycles: string[][]; truncated: boolean } {
  const names = [...g.keys()].sort();
  const cycles: string[][] = [];
  let truncated = false;
  for (const start of names) {
    const stack = [start];
    const onStack = new Set([start]);
    const dfs = (node: string): void => {
      for (const next of [...g.get(node)!.keys()].sort()) {
        if (truncated) return;
        if (next === start) {
          if (stack.length >= 3) {
            cycles.push([...stack]);
            if (cycles.length >= CYCLE_LIMIT) truncated = true;
          }
        } else if (next > start && !onStack.has(next)) {
          stack.push(next);
          onStack.add(next);
          dfs(next);
          stack.pop();
          onStack.delete(next);
        }
      }
    };
    dfs(start);
  }
  cycles.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
  return { cycles, truncated };
}

function siteText(s: Site): string {
  return `${s.file}:${s.line}`;
}

function checkModuleCycles(g: Graph, out: Violation[]): { pairs: [string, string][]; cycles: string[][]; truncated: boolean } {
  const pairs = mutualPairs(g);
  for (const [a, b] of pairs) {
    const ab = g.get(a)!.get(b)!;
    const ba = g.get(b)!.get(a)!;
    out.push({
      file: ab[0]!.file, line: ab[0]!.line, rule: 'mutual-import',
      detail: `${a} ↔ ${b}: ${a}→${b} ${ab.length} import(s), ${b}→${a} ${ba.length} (e.g. ${siteText(ba[0]!)})`,
    });
  }
  const { cycles, truncated } = longerCycles(g);
  for (const c of cycles) {
    const first = g.get(c[0]!)!.get(c[1]!)![0]!;
    out.push({ file: first.file, line: first.line, rule: 'module-cycle', detail: [...c, c[0]].join(' → ') });
  }
  if (truncated) out.push({ file: 'src/modules', line: 0, rule: 'module-cycle', detail: `more than ${CYCLE_LIMIT} cycles; listing stopped` });
  return { pairs, cycles, truncated };
}

function printGraph(g: Graph, pairs: [string, string][], cycles: string[][], truncated: boolean): void {
  console.log(`mutual pairs: ${pairs.length}`);
  for (const [a, b] of pairs) console.log(`  ${a} ↔ ${b}  (${a}→${b} ${g.get(a)!.get(b)!.length}, ${b}→${a} ${g.get(b)!.get(a)!.length})`);
  console.log(`longer cycles (3+ modules): ${cycles.length}${truncated ? '+' : ''}`);
  for (const c of cycles) console.log(`  ${[...c, c[0]].join(' → ')}`);
  console.log('module graph (module → modules it imports, with import count):');
  for (const m of [...g.keys()].sort()) {
    const edges = [...g.get(m)!.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(`  ${m} → ${edges.length ? edges.map(([to, s]) => `${to} (${s.length})`).join(', ') : '(none)'}`);
  }
  console.log('');
}

// ---------------------------------------------------------------- main

function main(): number {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`check-deps: ${e.message}\n${usage()}`);
      return 2;
    }
    throw e;
  }
  if (!fs.existsSync(path.join(opts.root, 'src'))) {
    console.error(`check-deps: no src/ under ${opts.root}`);
    return 2;
  }
  const project = new Project(opts.root);
  const violations: Violation[] = [];
  checkTableLocations(project, violations);
  checkWrites(project, violations);
  checkLayers(project, opts, violations);
  const graph = moduleGraph(project, opts);
  const { pairs, cycles, truncated } = checkModuleCycles(graph, violations);

  if (opts.graph) printGraph(graph, pairs, cycles, truncated);

  const ruleOrder = ['table-outside-tables-file', 'cross-module-write', 'write-outside-module', 'mutual-import', 'module-cycle', 'lower-imports-upper', 'module-imports-upper', 'workflow-imports-upper', 'imports-entry-point'];
  violations.sort((a, b) => ruleOrder.indexOf(a.rule) - ruleOrder.indexOf(b.rule) || a.file.localeCompare(b.file) || a.line - b.line);
  for (const v of violations) console.log(`${v.file}:${v.line}  ${v.rule}  ${v.detail}`);

  const counts = new Map<string, number>();
  for (const v of violations) counts.set(v.rule, (counts.get(v.rule) ?? 0) + 1);
  const byRule = ruleOrder.filter((r) => counts.has(r)).map((r) => `${r}: ${counts.get(r)}`).join(', ');
  const scanned = `${project.files.size} files checked${opts.allowTypeImports ? ', type-only imports allowed' : ''}`;
  if (violations.length === 0) console.log(`check:deps: OK, no violations (${scanned})`);
  else console.log(`check:deps: ${violations.length} violation(s) — ${byRule} (${scanned})`);
  return violations.length === 0 ? 0 : 1;
}

process.exitCode = main();
