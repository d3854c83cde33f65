// Issue 11 item 14: keep the adversarial campaign running. A few hundred generated bad inputs per
// run against the real app — JSON bodies, query strings and path parameters, multipart forms, PDFs
// uploaded to a draft, socket.io events — each answered below 500, a 4xx with the
// `{error:{code,message}}` body, and a 4xx writes nothing (every table's content and the store,
// staging included, are the same before and after).
//
// Seeded: the seed is printed; FUZZ_SEED=<n> npm test -- fuzz replays a run exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { connect, listen, type TestClient } from './helpers/sockets.js';
import { catchUpIndex } from '../src/modules/search/indexer.js';
import { deriveNotifications } from '../src/modules/notify/derive.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;

/** mulberry32: small, fast, good enough to pick mutations. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

// ---------------------------------------------------------------- what nothing-written means

/** Tables a 4xx may legitimately change: failed logins are counted (that is the point of them). */
const MAY_CHANGE = new Set(['login_throttle']);

async function snapshotter(env: TestEnv) {
  const tables = ((await env.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`)) as unknown as Array<{ tablename: string }>)
    .map((r) => r.tablename)
    .filter((t) => !MAY_CHANGE.has(t));
  // One round trip: a hash of each table's whole content (the test database is small).
  const query = sql.join(
    tables.map((t) => sql`(select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from ${sql.identifier(t)} x) as ${sql.identifier(t)}`),
    sql`, `,
  );
  // Fast path: a transaction that writes gets a transaction id, a read-only one does not. While the
  // next id to assign is unchanged, nothing in the cluster was written: the last hashes still hold.
  let last: { xmax: string; row: Record<string, string> } | null = null;
  const xmax = async () => ((await env.db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)) as unknown as [{ x: string }])[0].x;
  return async () => {
  // The search index is derived from committed events in the background: brought up to date first,
  // so rows an earlier (accepted) request led to are not taken for this one's writes.
    await catchUpIndex(env.db);
    // So are the notifier's cursor and queue (modules/notify).
    while ((await deriveNotifications(env.deps)).more);
    const x = await xmax();
    if (last?.xmax !== x) {
      const [row] = (await env.db.execute(sql`select ${query}`)) as unknown as [Record<string, string>];
      // The id read before hashing: a write during the hashing makes the next call hash again.
      last = { xmax: x, row };
    }
    const row = last.row;
    const objects: string[] = [];
    for await (const sha of env.store.list()) objects.push(sha);
    let staging = 0;
    for await (const _ of env.store.listStaging()) staging++;
    return JSON.stringify({ ...row, objects: objects.sort(), staging });
  };
}

function diff(a: string, b: string): string {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  return Object.keys({ ...x, ...y }).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).join(', ');
}

// ---------------------------------------------------------------- the world the inputs aim at

async function world(env: TestEnv) {
  const A = await buildUnit(env, { name: 'Sở A' });
  const B = await buildUnit(env, { name: 'Sở B' });
  const u = {
    admin: await buildUser(env, { roles: ['admin'] }),
    clerkA: await buildUser(env, { unit: A, roles: ['clerk'] }),
    leaderA: await buildUser(env, { unit: A, roles: ['leader'] }),
    officerA: await buildUser(env, { unit: A, roles: ['officer'] }),
    clerkB: await buildUser(env, { unit: B, roles: ['clerk'] }),
    leaderB: await buildUser(env, { unit: B, roles: ['leader'] }),
    officerB: await buildUser(env, { unit: B, roles: ['officer'] }),
  };
  const { doc: draft } = await buildDocument(env, { author: u.clerkA, recipients: [B.id] });
  const { doc } = await buildDocument(env, { author: u.clerkA, recipients: [B.id] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: u.clerkA.auth })).statusCode, 200);
  const item = (await env.app.inject({ url: '/api/inbox', headers: u.clerkB.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === doc.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: u.clerkB.auth })).statusCode, 200);
  const assigned = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${item.deliveryId}/assign`, headers: u.leaderB.auth,
    payload: { direction: 'Giao xử lý', lead: { userId: u.officerB.user.id } },
  });
  assert.equal(assigned.statusCode, 201, assigned.body);
  return { u, A, B, draftId: draft.id, docId: doc.id, deliveryId: item.deliveryId as string, assignmentId: assigned.json().assignments[0].id as string };
}
type World = Awaited<ReturnType<typeof world>>;

// ---------------------------------------------------------------- generators

interface Input {
  kind: 'json' | 'query' | 'multipart' | 'pdf';
  what: string;
  method: string;
  url: string;
  who: TestUser | null;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

/** Valid requests the JSON fuzzer starts from (path ids are real). */
function jsonRoutes(w: World) {
  const { u } = w;
  return [
    { method: 'POST', url: '/api/auth/login', who: null, body: { username: 'khong.co', password: 'sai' } },
    { method: 'POST', url: '/api/documents', who: u.clerkA, body: { type: 'CV', subject: 'Về việc thử', recipients: [w.B.id], urgency: 'normal', dueDate: '2030-01-01' } },
    { method: 'POST', url: `/api/documents/${w.docId}/recall`, who: u.clerkA, body: { reason: 'Thu hồi' } },
    { method: 'POST', url: `/api/deliveries/${w.deliveryId}/refuse`, who: u.clerkB, body: { reason: 'Nhầm' } },
    { method: 'POST', url: `/api/deliveries/${w.deliveryId}/assign`, who: u.leaderB, body: { direction: 'Giao', lead: { userId: u.officerB.user.id, dueDate: '2030-01-01' }, cooperating: [{ unitId: w.A.id }] } },
    { method: 'POST', url: `/api/assignments/${w.assignmentId}/progress`, who: u.officerB, body: { note: 'Đang làm', done: false } },
    { method: 'POST', url: `/api/assignments/${w.assignmentId}/reassign`, who: u.leaderB, body: { userId: u.officerB.user.id, dueDate: null } },
    { method: 'POST', url: `/api/deliveries/${w.deliveryId}/recall/refuse`, who: u.clerkB, body: { reason: 'Không' } },
    { method: 'POST', url: '/api/delegations', who: u.leaderA, body: { toUserId: u.officerA.user.id, startsOn: '2030-01-01', endsOn: '2030-01-02', scopes: ['sign'] } },
    { method: 'POST', url: '/api/units', who: u.admin, body: { code: 'FZ.H41', name: 'Đơn vị', shortName: 'DV', kind: 'government', parentId: w.A.id } },
    { method: 'POST', url: '/api/users', who: u.admin, body: { username: 'fuzz', password: 'mat-khau-du-dai', fullName: 'Người', unitId: w.A.id, roles: ['officer'], title: 'CV' } },
    { method: 'PATCH', url: `/api/users/${u.officerA.user.id}`, who: u.admin, body: { fullName: 'Tên', title: 'CV', roles: ['officer'], unitId: w.A.id } },
    { method: 'POST', url: `/api/users/${u.officerA.user.id}/password`, who: u.admin, body: { password: 'mat-khau-moi-dai' } },
    { method: 'POST', url: '/api/me/password', who: u.officerA, body: { current: 'sai', next: 'mat-khau-moi-dai' } },
    { method: 'POST', url: '/api/push/subscriptions', who: u.clerkA, body: { endpoint: 'https://push.example.test/x', keys: { p256dh: 'A'.repeat(87), auth: 'A'.repeat(22) } } },
    { method: 'POST', url: '/api/trust-anchors', who: u.admin, body: { pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' } },
    { method: 'POST', url: `/api/documents/${w.draftId}/sign/prepare`, who: u.leaderA, body: { certificate: 'M'.repeat(200), placement: { page: 1, x: 10, y: 10 } } },
    { method: 'POST', url: `/api/documents/${w.draftId}/sign/complete`, who: u.leaderA, body: { handle: '6f1c1f0e-1111-4111-8111-111111111111', signature: 'A'.repeat(64), chain: [] } },
    { method: 'POST', url: `/api/documents/${w.draftId}/sign`, who: u.leaderA, body: { placement: { page: 1, x: 10, y: 10 } } },
    {
      method: 'POST', url: '/api/meetings', who: u.leaderA,
      body: { title: 'Họp', startsAt: '2031-01-05T02:00:00Z', endsAt: '2031-01-05T04:00:00Z', place: 'Hội trường', link: 'https://hop.example.test/a', participants: [{ unitId: w.B.id }, { userId: u.officerA.user.id }], agenda: [{ title: 'Mục 1', documentIds: [w.docId] }], secrecy: 'none' },
    },
  ];
}

const NUL = 'a\u0000b';
const LONE = ['\ud800', 'x\udfff', '\ude00\ud83d'];
const BAD_VALUES = (r: Rng): unknown[] => [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, '', ' ', NUL, r.pick(LONE), 'not-a-uuid', '00000000-0000-0000-0000-000000000000',
  '6f1c1f0e-1111-4111-8111-11111111111', "'; drop table documents; --", '../../etc/passwd', '<script>alert(1)</script>', '2026-13-45', '0000-00-00',
  '9999-12-31T99:99:99Z', 'x'.repeat(5000), 'ệ'.repeat(20_000), [], {}, [null], [NUL], { $gt: '' }, { __proto__: { admin: true } }, ['x'.repeat(100)],
  '\u202e\u200b', '١٢٣', '🙂'.repeat(300),
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== 'object') return [at];
  const out: Array<Array<string | number>> = at.length ? [at] : [];
  for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, Array.isArray(v) ? Number(k) : k]));
  return out;
}
function setAt(root: unknown, p: Array<string | number>, value: unknown, remove = false): unknown {
  if (!p.length) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let o = copy;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  if (remove) delete o[p.at(-1)!];
  else o[p.at(-1)!] = value;
  return copy;
}
function nest(depth: number, inner: unknown, obj: boolean): string {
  return (obj ? '{"a":' : '[').repeat(depth) + JSON.stringify(inner) + (obj ? '}' : ']').repeat(depth);
}

function jsonInput(r: Rng, w: World): Input {
  const base = r.pick(jsonRoutes(w));
  let url = base.url;
  let text: string;
  let what: string;
  let contentType = 'application/json';
  const op = r.int(11);
  const p = r.pick(paths(base.body));
  if (op <= 2) {
    const v = r.pick(BAD_VALUES(r));
    what = `${p.join('.')} = ${JSON.stringify(v)?.slice(0, 40)}`;
    text = JSON.stringify(setAt(base.body, p, v));
  } else if (op === 3) {
    what = `without ${p.join('.')}`;
    text = JSON.stringify(setAt(base.body, p, undefined, true));
  } else if (op === 4) {
    const key = r.chance(0.5) ? r.pick(PROTO_KEYS) : r.chance(0.5) ? NUL : `extra${r.int(100)}`;
    const value = r.chance(0.5) ? { admin: true, polluted: 1 } : 1;
    what = `extra key ${JSON.stringify(key)}`;
    // Written by hand: JSON.stringify drops a __proto__ set by assignment.
    const inner = JSON.stringify(base.body).slice(1);
    text = `{${JSON.stringify(key)}:${JSON.stringify(value)},${inner}`;
  } else if (op === 5) {
    const depth = r.pick([50, 1000, 20_000]);
    what = `nested ${depth} deep at ${p.join('.')}`;
    text = JSON.stringify(setAt(base.body, p, '__NEST__')).replace('"__NEST__"', nest(depth, r.chance(0.5) ? NUL : 1, r.chance(0.5)));
  } else if (op === 6) {
    const size = r.pick([70_000, 300_000]);
    what = `huge string (${size}) at ${p.join('.')}`;
    text = JSON.stringify(setAt(base.body, p, 'x'.repeat(size)));
  } else if (op === 7) {
    const good = JSON.stringify(base.body);
    const cut = r.int(good.length);
    what = `broken JSON (cut at ${cut} / byte changed)`;
    text = r.chance(0.5) ? good.slice(0, cut) : good.slice(0, cut) + String.fromCharCode(r.int(128)) + good.slice(cut + 1);
  } else if (op === 8) {
    const v = r.pick<unknown>([[], 'text', 42, null, [base.body], true]);
    what = `body is ${JSON.stringify(v)?.slice(0, 30)}`;
    text = JSON.stringify(v);
  } else if (op === 9) {
    contentType = r.pick(['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1', '']);
    what = `content-type ${JSON.stringify(contentType)}`;
    text = JSON.stringify(base.body);
  } else {
    // A path parameter that is not an id of ours.
    const bad = r.pick(['not-a-uuid', '00000000-0000-0000-0000-000000000000', 'a%00b', '%ED%A0%80', '%', 'x'.repeat(300), '..%2F..%2Fetc', w.A.id, '6f1c1f0e-1111-4111-8111-111111111111']);
    const m = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(url);
    url = m ? url.replace(m[0], bad) : `${url}/${bad}`;
    what = `path parameter ${bad.slice(0, 30)}`;
    text = JSON.stringify(base.body);
  }
  const headers: Record<string, string> = { ...(base.who?.auth ?? {}) };
  if (contentType) headers['content-type'] = contentType;
  return { kind: 'json', what, method: base.method, url, who: base.who, headers, payload: text };
}

function queryInput(r: Rng, w: World): Input {
  const { u } = w;
  const routes: Array<[string, TestUser, string[]]> = [
    ['/api/inbox', u.clerkB, ['status', 'urgency', 'cursor', 'limit']],
    ['/api/outbox', u.clerkA, ['cursor', 'limit']],
    ['/api/assignments', u.officerB, ['mine', 'overdue', 'status', 'limit']],
    ['/api/registers/outgoing', u.clerkA, ['from', 'to', 'format']],
    ['/api/registers/incoming', u.clerkB, ['from', 'to', 'format']],
    ['/api/registers/follow-up', u.clerkB, ['from', 'to', 'format']],
    ['/api/units', u.clerkA, ['external']],
    ['/api/users', u.admin, ['unitId', 'q', 'limit', 'offset']],
    [`/api/documents/${w.docId}/files/${w.docId}`, u.clerkA, ['download']],
  ];
  const [path, who, names] = r.pick(routes);
  const values = ['', '-1', '0', '1e9', 'abc', 'a%00b', '%ED%A0%80', '%', '%ZZ', 'x'.repeat(3000), '2026-02-30', '1900-01-01', '9999-99-99', 'csv', 'pdf', 'exe', 'true', '[]', '{}', 'null', '__proto__', encodeURIComponent('🙂'.repeat(50))];
  const parts: string[] = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) parts.push(`${r.chance(0.85) ? r.pick(names) : r.pick(['__proto__', 'constructor', 'lang', 'x'])}=${r.pick(values)}`);
  if (r.chance(0.2)) parts.push(parts[0]!);
  const headers: Record<string, string> = { ...who.auth };
  if (path.includes('/files/')) headers.range = r.pick(['bytes=0-', 'bytes=-1', 'bytes=99999999-', 'bytes=5-1', 'bytes=abc', 'items=0-1', `bytes=${'1'.repeat(400)}-`]);
  return { kind: 'query', what: parts.join('&').slice(0, 80), method: 'GET', url: `${path}?${parts.join('&')}`, who, headers };
}

function multipartInput(r: Rng, w: World): Input {
  const { u } = w;
  const routes: Array<[string, TestUser, Array<{ name: string; filename?: string; type?: string; data: Buffer | string }>]> = [
    ['/api/verify', u.clerkA, [{ name: 'file', filename: 'a.pdf', data: makePdf('verify') }]],
    ['/api/certificates', u.leaderA, [{ name: 'owner', data: 'user' }, { name: 'passphrase', data: 'x' }, { name: 'file', filename: 'k.p12', type: 'application/x-pkcs12', data: Buffer.from('0\u0082\u0001junk', 'latin1') }]],
    ['/api/signature-images', u.leaderA, [{ name: 'owner', data: 'user' }, { name: 'file', filename: 's.png', type: 'image/png', data: Buffer.from('\u0089PNG\r\n\u001a\njunk', 'latin1') }]],
    [`/api/assignments/${w.assignmentId}/progress`, u.officerB, [{ name: 'note', data: 'Báo cáo' }, { name: 'done', data: 'false' }, { name: 'file', filename: 'bc.pdf', data: makePdf('bc') }]],
    [`/api/documents/${w.draftId}/files`, u.clerkA, [{ name: 'role', data: 'appendix' }, { name: 'file', filename: 'pl.pdf', data: makePdf('pl') }]],
  ];
  const [url, who, parts] = r.pick(routes);
  const good = multipart(parts);
  const boundary = /boundary=(.*)$/.exec(good.headers['content-type'])![1]!;
  let payload = good.payload;
  let contentType = good.headers['content-type'];
  let what: string;
  const op = r.int(12);
  if (op === 0) {
    contentType = r.pick(['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=nothere', `multipart/form-data; boundary=${'b'.repeat(r.pick([71, 257, 1000]))}`, `multipart/form-data; boundary="${boundary}`, 'multipart/mixed; boundary=x', 'multipart/form-data; boundary=a; boundary=b', 'application/json', 'text/plain']);
    what = `content-type ${contentType.slice(0, 60)}`;
  } else if (op === 1) {
    const cut = r.int(payload.length);
    payload = payload.subarray(0, cut);
    what = `truncated at ${cut}/${good.payload.length}`;
  } else if (op === 2) {
    payload = payload.subarray(0, payload.length - `--${boundary}--\r\n`.length);
    what = 'no closing line';
  } else if (op === 3) {
    payload = Buffer.from(payload);
    const n = 1 + r.int(8);
    for (let i = 0; i < n; i++) payload[r.int(Math.min(payload.length, 400))] = r.int(256);
    what = `${n} bytes changed in the part headers`;
  } else if (op === 4) {
    payload = Buffer.from(payload);
    const n = 1 + r.int(20);
    for (let i = 0; i < n; i++) payload[r.int(payload.length)] = r.int(256);
    what = `${n} bytes changed anywhere`;
  } else if (op === 5) {
    const n = r.pick([25, 61, 200]);
    const b = multipart(Array.from({ length: n }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    payload = b.payload;
    contentType = b.headers['content-type'];
    what = `${n} fields`;
  } else if (op === 6) {
    const n = r.pick([21, 40]);
    const b = multipart(Array.from({ length: n }, (_, i) => ({ name: 'file', filename: `${i}.pdf`, data: makePdf(`${i}`) })));
    payload = b.payload;
    contentType = b.headers['content-type'];
    what = `${n} files`;
  } else if (op === 7) {
    const b = multipart([...parts.filter((p) => !p.filename), { name: 'note', data: 'x'.repeat(70 * 1024) }, ...parts.filter((p) => p.filename)]);
    payload = b.payload;
    contentType = b.headers['content-type'];
    what = 'a field over fieldSize';
  } else if (op === 8) {
    const bad = r.pick([NUL, 'a\u0000', '\u0000']);
    const where = r.pick(['value', 'name', 'filename']);
    const b = multipart(parts.map((p, i) => (i !== 0 && where !== 'filename') || (where === 'filename' && !p.filename) ? p : where === 'value' ? { ...p, data: p.filename ? p.data : `${String(p.data)}${bad}` } : where === 'name' ? { ...p, name: `${p.name}${bad}` } : { ...p, filename: `x${bad}.pdf` }));
    payload = b.payload;
    contentType = b.headers['content-type'];
    what = `NUL in a ${where}`;
  } else if (op === 9) {
    const b = multipart([{ name: 'file', filename: r.pick(['../../../etc/passwd', '', 'a'.repeat(1000), 'con.pdf', '.pdf']), type: r.pick(['application/pdf', 'text/html', '']), data: makePdf('x') }]);
    payload = b.payload;
    contentType = b.headers['content-type'];
    what = 'odd file name or type';
  } else if (op === 10) {
    // A JSON part with a part content-type (the plugin parses it), possibly not JSON.
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\nContent-Type: application/json\r\n\r\n${r.pick(['{"a":', '"a\\u0000b"', '{"__proto__":{"x":1}}', '"\\ud800"', '[1,2'])}\r\n--${boundary}--\r\n`;
    payload = Buffer.from(body);
    what = 'a JSON part';
  } else {
    payload = Buffer.concat([payload.subarray(0, r.int(payload.length)), Buffer.from(r.pick(['\r\n', `--${boundary}\r\n`, '\r\n\r\n', `--${boundary}--`, 'Content-Disposition: form-data\r\n'])), payload.subarray(r.int(payload.length))]);
    what = 'framing inserted';
  }
  return { kind: 'multipart', what, method: 'POST', url, who, headers: { ...who.auth, 'content-type': contentType }, payload };
}

function mutatePdf(r: Rng, pdf: Buffer): { bytes: Buffer; what: string } {
  const b = Buffer.from(pdf);
  const op = r.int(6);
  if (op === 0) {
    const cut = 1 + r.int(b.length - 1);
    return { bytes: b.subarray(0, cut), what: `truncated at ${cut}/${b.length}` };
  }
  if (op === 1) {
    const n = 1 + r.int(10);
    for (let i = 0; i < n; i++) b[r.int(b.length)] = r.int(256);
    return { bytes: b, what: `${n} random bytes` };
  }
  if (op === 2) {
    // Numbers drive a PDF reader (offsets, lengths, counts, generation numbers): change one.
    const text = b.toString('latin1');
    const nums = [...text.matchAll(/\d+/g)];
    const m = r.pick(nums);
    const v = r.pick(['0', '-1', '999999999', '4294967296', '1e10', String(Number(m[0]) + 1), '00000000000000000000001']);
    return { bytes: Buffer.from(text.slice(0, m.index) + v + text.slice(m.index! + m[0].length), 'latin1'), what: `number ${m[0]} → ${v}` };
  }
  if (op === 3) {
    const text = b.toString('latin1');
    const key = r.pick(['/Root', '/Pages', '/Kids', '/Count', '/Type', '/Length', 'startxref', 'xref', 'trailer', 'endobj', 'obj', 'stream', 'endstream', '%%EOF', '/Size', 'R']);
    const repl = r.pick(['', '/Foo', '[', '<<', '(', '0 0 R', key + key]);
    return { bytes: Buffer.from(text.replace(key, repl), 'latin1'), what: `${key} → ${JSON.stringify(repl)}` };
  }
  if (op === 4) {
    const at = r.int(b.length);
    const len = 1 + r.int(200);
    return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + len))]), what: `${len} bytes cut at ${at}` };
  }
  const at = r.int(b.length);
  const junk = r.pick([Buffer.alloc(50, 0), Buffer.from('<<'.repeat(3000)), Buffer.from('[ '.repeat(5000)), Buffer.from('1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n'), Buffer.from('\nxref\n0 1\n0000000000 65535 f \n')]);
  return { bytes: Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]), what: `${junk.length} bytes inserted at ${at}` };
}

function pdfInput(r: Rng, w: World, base: Buffer): Input & { pdf: Buffer } {
  const { bytes, what } = mutatePdf(r, base);
  const b = multipart([{ name: 'role', data: 'appendix' }, { name: 'file', filename: 'mutated.pdf', data: bytes }]);
  return { kind: 'pdf', what, method: 'POST', url: `/api/documents/${w.draftId}/files`, who: w.u.clerkA, headers: { ...w.u.clerkA.auth, ...b.headers }, payload: b.payload, pdf: bytes };
}

// ---------------------------------------------------------------- the run

test(`fuzz: generated bad inputs never get a 5xx and a 4xx writes nothing (FUZZ_SEED=${SEED})`, async (t) => {
  t.diagnostic(`FUZZ_SEED=${SEED}`);
  console.log(`fuzz: FUZZ_SEED=${SEED}`);
  const started = Date.now();
  const env = await buildTestEnv(t, { maxJsonBytes: 256 * 1024, maxUploadBytes: 1024 * 1024 });
  const w = await world(env);
  const snapshot = await snapshotter(env);
  const r = rng(SEED);
  const problems: string[] = [];
  const tally = { inputs: 0, s2xx: 0, s4xx: 0, s5xx: 0, written: 0, socket: 0 };
  let snapshotMs = 0;
  let before = await snapshot();
  const accepted: Buffer[] = [];
  // A PDF richer than makePdf's: two pages, an xref the mutations can break.
  const basePdf = makePdf('Văn bản gốc để làm hỏng', 2000);

  async function run(input: Input) {
    tally.inputs++;
    const res = await env.app.inject({ method: input.method as 'POST', url: input.url, headers: input.headers, payload: input.payload });
    const label = `[${input.kind}] ${input.method} ${input.url.slice(0, 90)} — ${input.what} → ${res.statusCode}`;
    const t0 = performance.now();
    const after = await snapshot();
    snapshotMs += performance.now() - t0;
    if (res.statusCode >= 500) {
      tally.s5xx++;
      problems.push(`${label}: ${res.body.slice(0, 200)}`);
    } else if (res.statusCode >= 400) {
      tally.s4xx++;
      let e: { code?: unknown; message?: unknown } | undefined;
      try {
        e = res.json().error;
      } catch { /* not JSON */ }
      if (typeof e?.code !== 'string' || typeof e?.message !== 'string' || !e.message) problems.push(`${label}: a 4xx without {error:{code,message}}: ${res.body.slice(0, 200)}`);
      if (after !== before) {
        tally.written++;
        problems.push(`${label}: a refused request wrote (${diff(before, after)})`);
      }
    } else {
      tally.s2xx++;
    }
    before = after;
    return res;
  }

  const N = { json: 200, query: 40, multipart: 110, pdf: 60 };
  const phases: string[] = [];
  let mark = Date.now();
  const phase = (name: string) => {
    phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  phase('setup');
  for (let i = 0; i < N.json; i++) await run(jsonInput(r, w));
  phase('json');
  for (let i = 0; i < N.query; i++) await run(queryInput(r, w));
  phase('query');
  for (let i = 0; i < N.multipart; i++) await run(multipartInput(r, w));
  phase('multipart');
  for (let i = 0; i < N.pdf; i++) {
    const input = pdfInput(r, w, basePdf);
    const res = await run(input);
    if (res.statusCode === 201 && accepted.length < 6) accepted.push(input.pdf);
  }
  // A mutated PDF the upload accepted must also survive issuing (the unit seal signs it): no 5xx.
  for (const pdf of accepted) {
    const { doc } = await buildDocument(env, { author: w.u.clerkA, recipients: [w.B.id], files: [pdf] });
    before = await snapshot();
    await run({ kind: 'pdf', what: 'issue a draft whose main file is an accepted mutation', method: 'POST', url: `/api/documents/${doc.id}/issue`, who: w.u.clerkA, headers: w.u.clerkA.auth });
  }

  phase('pdf');
  // Socket events: bad `sync` payloads, unknown events, huge payloads, bad handshakes.
  const url = await listen(env);
  let client: TestClient = await connect(url, w.u.clerkB.token);
  const syncPayloads = (): unknown[] => [
    undefined, null, 0, -1, 'x', NUL, r.pick(LONE), [], {}, { sinceEventId: null }, { sinceEventId: '1' }, { sinceEventId: -5 }, { sinceEventId: 1.5 },
    { sinceEventId: 2 ** 60 }, { sinceEventId: Number.MAX_SAFE_INTEGER }, { sinceEventId: [1] }, { sinceEventId: { $gt: 0 } }, { sinceEventId: 0, extra: NUL },
    { sinceEventId: 0, [r.pick(PROTO_KEYS)]: { admin: true } }, { sinceEventId: 'x'.repeat(10_000) }, JSON.parse(nest(500, 0, r.chance(0.5))),
  ];
  for (let i = 0; i < 60; i++) {
    tally.inputs++;
    tally.socket++;
    const op = r.int(5);
    if (!client.socket.connected) client = await connect(url, w.u.clerkB.token);
    if (op <= 2) {
      const payload = r.pick(syncPayloads());
      const reply = await client.socket.timeout(5000).emitWithAck('sync', payload).catch((err: Error) => ({ timeout: err.message }));
      const code = (reply as { error?: { code?: string } }).error?.code;
      const ok = Array.isArray((reply as { events?: unknown }).events) || (code !== undefined && code !== 'internal');
      if (!ok) {
        tally.s5xx += code === 'internal' ? 1 : 0;
        problems.push(`[socket] sync ${JSON.stringify(payload)?.slice(0, 80)} → ${JSON.stringify(reply).slice(0, 200)}`);
      }
    } else if (op === 3) {
      const name = r.pick(['join', 'leave', 'subscribe', 'rooms', 'sync ', 'SYNC', '__proto__', 'constructor', 'x'.repeat(1000), 'error']);
      client.socket.emit(name, r.pick(syncPayloads()), () => undefined);
      // Without an ack function, sync must answer nothing and break nothing.
      client.socket.emit('sync', { sinceEventId: 0 });
    } else {
      // Over maxHttpBufferSize: the server drops that connection (its own one here), and only that one.
      const big = await connect(url, w.u.clerkB.token);
      const gone = new Promise<boolean>((res) => {
        big.socket.once('disconnect', () => res(true));
        setTimeout(() => res(false), 5000);
      });
      big.socket.emit('sync', { sinceEventId: 0, pad: 'x'.repeat(r.pick([70_000, 500_000])) }, () => undefined);
      if (!(await gone)) problems.push('[socket] a payload over maxHttpBufferSize kept its connection');
      big.close();
    }
  }
  // Bad handshakes: refused, the server keeps serving.
  for (const token of [NUL, '\ud800', 'x'.repeat(5000), '', 'Bearer x', `${w.u.clerkB.token}x`]) {
    tally.inputs++;
    tally.socket++;
    const refused = await connect(url, token).then((c) => (c.close(), false), () => true);
    if (!refused) problems.push(`[socket] handshake with token ${JSON.stringify(token.slice(0, 20))} accepted`);
  }
  if (!client.socket.connected) client = await connect(url, w.u.clerkB.token);
  const alive = await client.socket.timeout(5000).emitWithAck('sync', { sinceEventId: 0 });
  assert.ok(Array.isArray(alive.events), 'a good sync still works after the bad ones');
  client.close();
  const failedSyncs = env.logs.filter((l) => l.includes('sync failed'));
  if (failedSyncs.length) problems.push(`[socket] ${failedSyncs.length} sync calls failed on the server: ${failedSyncs[0]!.slice(0, 300)}`);
  const after = await snapshot();
  if (after !== before) problems.push(`[socket] socket events wrote (${diff(before, after)})`);

  phase('socket');
  t.diagnostic(`time: ${phases.join(', ')}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const figures = `fuzz (FUZZ_SEED=${SEED}): ${tally.inputs} inputs (${tally.socket} socket), ${tally.s2xx} 2xx, ${tally.s4xx} 4xx, ${tally.s5xx} 5xx, ${tally.written} refused-but-written, ${seconds} s (${(snapshotMs / 1000).toFixed(1)} s checking writes)`;
  t.diagnostic(figures);
  console.log(figures);
  assert.deepEqual(problems, [], `replay with FUZZ_SEED=${SEED}`);
});
