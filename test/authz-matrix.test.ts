// Issue 11 item 14: the authorization matrix. Every route the OpenAPI description lists × every kind
// of caller: nobody, an admin, clerk/leader/officer of the issuing unit A, of a recipient unit B, and
// clerk/leader of a unit C nobody ever addressed. Path parameters are real ids of A's objects.
//
// Every route in /docs/json must be classified in ROUTES below: a route added without a line here
// fails this test with "classify route X" — on purpose, so that nobody adds a route without saying
// who may call it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';

type Kind = 'admin' | 'clerkA' | 'leaderA' | 'officerA' | 'clerkB' | 'leaderB' | 'officerB' | 'clerkC' | 'leaderC';
const KINDS: Kind[] = ['admin', 'clerkA', 'leaderA', 'officerA', 'clerkB', 'leaderB', 'officerB', 'clerkC', 'leaderC'];
const unitOf = (k: Kind) => (k === 'admin' ? 'admin' : k.at(-1)!) as 'admin' | 'A' | 'B' | 'C';

interface World {
  users: Record<Kind, TestUser>;
  /** A user of unit A the admin routes act on (never a caller, so disabling it changes nothing else). */
  victim: TestUser;
  unitA: string;
  draftId: string;
  draftFileId: string;
  docId: string;
  docFileId: string;
  deliveryId: string;
  assignmentId: string;
  delegationId: string;
  /** A's saved recipient group (nhóm nơi nhận). */
  groupId: string;
}

/** A request body: JSON, or a raw payload with its headers (multipart). */
type Body = unknown | { raw: Buffer; headers: Record<string, string> };

interface Target {
  params: Record<string, string>;
  /** Units whose callers must get 403/404 here (C always, for an object of A or B). */
  deny: Array<'A' | 'B' | 'C'>;
}

interface Route {
  /**
   * public: no token needed. user: any signed-in user (what they get depends on their unit).
   * admin: 403 for everyone but an admin. system: the axis' HTTP Basic auth of a connected system;
   * every user token → 401.
   */
  access: 'public' | 'user' | 'admin' | 'system';
  /** Path parameter sets (real ids of A's objects) and who must be refused on each. */
  targets?: (w: World) => Target[];
  body?: (w: World, caller: Kind | null) => Body;
  /** The call ends or changes the caller's session: made with a fresh token each time. */
  freshToken?: boolean;
  /** A query string (without '?') appended to the path. */
  query?: string;
}

const C = ['C'] as const;
const OUTSIDERS_OF_DRAFT = ['B', 'C'] as const;
const OUTSIDERS_OF_DELIVERY = ['A', 'C'] as const;
const obj = (params: Record<string, string>, deny: readonly ('A' | 'B' | 'C')[]): Target => ({ params, deny: [...deny] });
const pdfForm = () => {
  const b = multipart([{ name: 'file', filename: 'phu-luc.pdf', data: makePdf('matrix') }]);
  return { raw: b.payload, headers: b.headers };
};
const junkForm = (fields: Record<string, string>) => {
  const b = multipart([...Object.entries(fields).map(([name, data]) => ({ name, data })), { name: 'file', filename: 'x.bin', type: 'application/octet-stream', data: Buffer.from('not a key, not an image') }]);
  return { raw: b.payload, headers: b.headers };
};
const paperForm = () => {
  const b = multipart([
    { name: 'type', data: 'CV' }, { name: 'subject', data: 'Về việc kiểm tra phân quyền' }, { name: 'senderName', data: 'Ông Nguyễn Văn Ma Trận' },
    { name: 'file', filename: 'van-ban-giay.pdf', data: makePdf('paper') },
  ]);
  return { raw: b.payload, headers: b.headers };
};
let seq = 0;
const RANDOM_UUID = '6f1c1f0e-1111-4111-8111-111111111111';

/** Every route of /docs/json, by `METHOD /path/{param}`. */
const ROUTES: Record<string, Route> = {
  'POST /api/auth/login': { access: 'public', body: () => ({ username: 'khong.co.ai', password: 'sai mật khẩu' }) },
  'POST /api/auth/logout': { access: 'user', freshToken: true },
  'POST /api/me/password': { access: 'user', freshToken: true, body: () => ({ current: 'not-the-password', next: 'mat-khau-moi-rat-dai-123' }) },
  'GET /api/me': { access: 'user' },
  'GET /api/me/notifications': { access: 'user' },
  // Personal, not a unit's: whose they are is checked in push-devices.test.ts (another's id → 404).
  'GET /api/me/push-subscriptions': { access: 'user' },
  'DELETE /api/me/push-subscriptions/{id}': { access: 'user', targets: () => [obj({ id: RANDOM_UUID }, [])] },
  'PUT /api/me/notifications': { access: 'user', body: () => ({ phone: '0912345678', channels: { sms: ['flash_received'] } }) },
  'GET /api/units': { access: 'user' },
  'POST /api/units': { access: 'admin', body: () => ({ code: `MX${++seq}.H41`, name: `Đơn vị ma trận ${seq}`, shortName: 'MT', kind: 'government' }) },
  'GET /api/units/{id}/users': { access: 'user', targets: (w) => [obj({ id: w.unitA }, OUTSIDERS_OF_DRAFT)] },
  'PATCH /api/units/{id}': { access: 'admin', targets: (w) => [obj({ id: w.unitA }, C)], body: () => ({ placeName: 'Sơn Hà' }) },
  // A dry run: the admin's call changes nothing, so the matrix's world stays as it is.
  'POST /api/units/reorganise': { access: 'admin', body: (w) => ({ effectiveOn: '2026-01-01', dryRun: true, changes: [{ kind: 'rename', unitId: w.unitA, shortName: 'MT' }] }) },
  'GET /api/users': { access: 'admin' },
  'POST /api/users': { access: 'admin', body: (w) => ({ username: `matran${++seq}`, password: 'mat-khau-du-dai-123', fullName: 'Người Ma Trận', unitId: w.unitA, roles: ['officer'] }) },
  'PATCH /api/users/{id}': { access: 'admin', targets: (w) => [obj({ id: w.victim.user.id }, C)], body: () => ({ title: 'Chuyên viên chính' }) },
  'POST /api/users/{id}/disable': { access: 'admin', targets: (w) => [obj({ id: w.victim.user.id }, C)] },
  'POST /api/users/{id}/enable': { access: 'admin', targets: (w) => [obj({ id: w.victim.user.id }, C)] },
  'POST /api/users/{id}/password': { access: 'admin', targets: (w) => [obj({ id: w.victim.user.id }, C)], body: () => ({ password: 'mat-khau-dat-lai-456' }) },

  'POST /api/documents': { access: 'user', body: (w) => ({ type: 'CV', subject: 'Về việc kiểm tra phân quyền', recipients: [w.users.clerkB.unit.id] }) },
  'GET /api/documents/{id}': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId }, C)] },
  'POST /api/documents/{id}/files': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId }, OUTSIDERS_OF_DRAFT)], body: pdfForm },
  'GET /api/documents/{id}/files/{fileId}/pages/{page}': {
    access: 'user',
    targets: (w) => [obj({ id: w.draftId, fileId: w.draftFileId, page: '1.jpg' }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId, fileId: w.docFileId, page: '1.jpg' }, C), obj({ id: w.docId, fileId: w.draftFileId, page: '1.jpg' }, ['A', 'B', 'C'])],
  },
  'GET /api/documents/{id}/files/{fileId}/text': {
    access: 'user',
    targets: (w) => [obj({ id: w.draftId, fileId: w.draftFileId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId, fileId: w.docFileId }, C), obj({ id: w.docId, fileId: w.draftFileId }, ['A', 'B', 'C'])],
  },
  'GET /api/documents/{id}/files/{fileId}': {
    access: 'user',
    targets: (w) => [obj({ id: w.draftId, fileId: w.draftFileId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId, fileId: w.docFileId }, C), obj({ id: w.docId, fileId: w.draftFileId }, ['A', 'B', 'C'])],
  },
  'GET /api/documents/{id}/tracking': { access: 'user', targets: (w) => [obj({ id: w.docId }, C), obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)] },
  'GET /api/documents/{id}/tracking.csv': { access: 'user', targets: (w) => [obj({ id: w.docId }, C), obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)] },
  'POST /api/documents/{id}/issue': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId }, OUTSIDERS_OF_DRAFT)] },
  'POST /api/documents/{id}/recall': { access: 'user', targets: (w) => [obj({ id: w.docId }, OUTSIDERS_OF_DRAFT), obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: () => ({ reason: 'Thu hồi để kiểm tra' }) },
  'POST /api/documents/{id}/sign': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId }, OUTSIDERS_OF_DRAFT)], body: () => ({}) },
  'POST /api/documents/{id}/sign/prepare': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: () => ({ certificate: 'MII'.padEnd(200, 'A') }) },
  'POST /api/documents/{id}/sign/complete': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: () => ({ handle: RANDOM_UUID, signature: 'A'.repeat(64) }) },
  'GET /api/documents/{id}/edxml': { access: 'user', targets: (w) => [obj({ id: w.docId }, C), obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)] },
  'GET /api/documents': { access: 'user' },
  'PATCH /api/documents/{id}': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT), obj({ id: w.docId }, OUTSIDERS_OF_DRAFT)], body: () => ({ subject: 'Sửa trích yếu' }) },
  'DELETE /api/documents/{id}': { access: 'user', targets: (w) => [obj({ id: w.docId }, OUTSIDERS_OF_DRAFT)] },
  'POST /api/documents/{id}/submit': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: (w) => ({ toUserId: w.users.leaderA.user.id }) },
  'POST /api/documents/{id}/approve': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: (w) => ({ toUserId: w.users.leaderA.user.id }) },
  'POST /api/documents/{id}/return': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: () => ({ comment: 'Trả lại để sửa' }) },
  'POST /api/documents/{id}/comments': { access: 'user', targets: (w) => [obj({ id: w.draftId }, OUTSIDERS_OF_DRAFT)], body: () => ({ text: 'Góp ý' }) },
  'GET /api/documents/{id}/files/{fileId}/versions/{version}': { access: 'user', targets: (w) => [obj({ id: w.draftId, fileId: w.draftFileId, version: '1' }, OUTSIDERS_OF_DRAFT)] },
  'POST /api/exchange/edxml': { access: 'user' },
  // Any clerk registers a paper document for their own unit; everyone else 403.
  'POST /api/incoming/paper': { access: 'user', body: () => paperForm() },
  'GET /api/outbox': { access: 'user' },
  'GET /api/inbox': { access: 'user' },
  // Search for the words of A's document to B: B finds it, C must not (secrets below).
  'GET /api/search': { access: 'user', query: 'q=van+ban+A+gui+B' },

  'POST /api/deliveries/{id}/read': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)] },
  'POST /api/deliveries/{id}/acknowledge': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)] },
  'POST /api/deliveries/{id}/accept': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)] },
  'POST /api/deliveries/{id}/refuse': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)], body: () => ({ reason: 'Gửi nhầm đơn vị' }) },
  'POST /api/deliveries/{id}/assign': {
    access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)],
    body: (w) => ({ direction: 'Giao xử lý', lead: { userId: w.users.officerB.user.id } }),
  },
  'GET /api/deliveries/{id}/assignable-units': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)] },
  'POST /api/deliveries/{id}/recall/refuse': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)], body: () => ({ reason: 'Đã thực hiện' }) },
  'POST /api/deliveries/{id}/recall/agree': { access: 'user', targets: (w) => [obj({ id: w.deliveryId }, OUTSIDERS_OF_DELIVERY)] },
  'GET /api/assignments': { access: 'user' },
  'GET /api/documents/{id}/handling': { access: 'user', targets: (w) => [obj({ id: w.docId }, OUTSIDERS_OF_DELIVERY)] },
  'POST /api/assignments/{id}/progress': { access: 'user', targets: (w) => [obj({ id: w.assignmentId }, OUTSIDERS_OF_DELIVERY)], body: () => ({ note: 'Đang xử lý' }) },
  'POST /api/assignments/{id}/reassign': { access: 'user', targets: (w) => [obj({ id: w.assignmentId }, OUTSIDERS_OF_DELIVERY)], body: (w) => ({ userId: w.users.officerB.user.id }) },
  'POST /api/delegations': { access: 'user', body: (w, caller) => ({ toUserId: w.users[caller?.startsWith('leader') ? (`officer${caller.at(-1)}` as Kind) : 'officerA']?.user.id ?? w.users.officerA.user.id, startsOn: '2030-01-01', endsOn: '2030-01-05', scopes: ['sign'] }) },
  'GET /api/delegations': { access: 'user' },
  'GET /api/recipient-groups': { access: 'user' },
  'POST /api/recipient-groups': { access: 'user', body: (w) => ({ name: `Nhóm ma trận ${++seq}`, unitIds: [w.unitA] }) },
  'DELETE /api/recipient-groups/{id}': { access: 'user', targets: (w) => [obj({ id: w.groupId }, ['B', 'C'])] },
  'DELETE /api/delegations/{id}': { access: 'user', targets: (w) => [obj({ id: w.delegationId }, ['B', 'C'])] },

  'POST /api/certificates': { access: 'user', body: () => junkForm({ owner: 'user', passphrase: 'x' }) },
  'GET /api/certificates': { access: 'user' },
  'POST /api/signature-images': { access: 'user', body: () => junkForm({ owner: 'user' }) },
  'POST /api/trust-anchors': { access: 'admin', body: () => ({ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }) },
  'GET /api/trust-anchors': { access: 'user' },
  'POST /api/verify': { access: 'user', body: pdfForm },
  'GET /api/push/vapid-public-key': { access: 'user' },
  'POST /api/push/subscriptions': { access: 'user', body: () => ({ endpoint: 'https://push.example.test/matrix', keys: { p256dh: 'A'.repeat(87), auth: 'A'.repeat(22) } }) },
  'DELETE /api/push/subscriptions': { access: 'user', body: () => ({ endpoint: 'https://push.example.test/matrix' }) },
  'GET /api/registers/outgoing': { access: 'user' },
  'GET /api/registers/incoming': { access: 'user' },
  'GET /api/registers/follow-up': { access: 'user' },
  'POST /api/registers/secret': { access: 'user', body: () => ({ direction: 'incoming', type: 'CV', subject: 'Về việc kiểm tra sổ mật', counterpart: 'Công an tỉnh', secrecy: 'confidential' }) },
  'GET /api/registers/secret': { access: 'user' },
  'GET /api/dashboard': { access: 'user' },

  'POST /api/axis/systems': { access: 'admin', body: () => ({ systemId: `matrix-${++seq}`, name: 'Hệ thống ma trận' }) },
  'GET /api/axis/systems': { access: 'admin' },
  'DELETE /api/axis/systems/{systemId}': { access: 'admin', targets: () => [obj({ systemId: 'khong-co' }, C)] },
  'PUT /axis/v1/directory': { access: 'system', body: () => ({ units: [] }) },
  'GET /axis/v1/directory': { access: 'system' },
  'POST /axis/v1/edocs': { access: 'system' },
  'GET /axis/v1/edocs': { access: 'system' },
  'GET /axis/v1/edocs/{docId}': { access: 'system', targets: () => [obj({ docId: RANDOM_UUID }, C)] },
  'POST /axis/v1/edocs/{docId}/done': { access: 'system', targets: () => [obj({ docId: RANDOM_UUID }, C)] },
  'GET /axis/v1/sent': { access: 'system' },
};

async function world(env: TestEnv): Promise<World> {
  const [A, B, Cu] = [await buildUnit(env, { name: 'Sở A' }), await buildUnit(env, { name: 'Sở B' }), await buildUnit(env, { name: 'Sở C' })];
  const users = {
    admin: await buildUser(env, { roles: ['admin'] }),
    clerkA: await buildUser(env, { unit: A, roles: ['clerk'] }),
    leaderA: await buildUser(env, { unit: A, roles: ['leader'] }),
    officerA: await buildUser(env, { unit: A, roles: ['officer'] }),
    clerkB: await buildUser(env, { unit: B, roles: ['clerk'] }),
    leaderB: await buildUser(env, { unit: B, roles: ['leader'] }),
    officerB: await buildUser(env, { unit: B, roles: ['officer'] }),
    clerkC: await buildUser(env, { unit: Cu, roles: ['clerk'] }),
    leaderC: await buildUser(env, { unit: Cu, roles: ['leader'] }),
  } satisfies Record<Kind, TestUser>;
  const victim = await buildUser(env, { unit: A, roles: ['officer'] });
  const { doc: draft } = await buildDocument(env, { author: users.clerkA, recipients: [B.id], subject: 'Dự thảo mật của A' });
  const { doc } = await buildDocument(env, { author: users.clerkA, recipients: [B.id], subject: 'Văn bản A gửi B' });
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: users.clerkA.auth });
  assert.equal(issued.statusCode, 200, issued.body);
  const fileOf = async (id: string) => (await env.app.inject({ url: `/api/documents/${id}`, headers: users.clerkA.auth })).json().files[0].id as string;
  const item = (await env.app.inject({ url: '/api/inbox', headers: users.clerkB.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === doc.id);
  assert.ok(item, 'the delivery reached B');
  const accepted = await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: users.clerkB.auth });
  assert.equal(accepted.statusCode, 200, accepted.body);
  const assigned = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${item.deliveryId}/assign`, headers: users.leaderB.auth,
    payload: { direction: 'Giao chuyên viên xử lý', lead: { userId: users.officerB.user.id } },
  });
  assert.equal(assigned.statusCode, 201, assigned.body);
  const delegated = await env.app.inject({
    method: 'POST', url: '/api/delegations', headers: users.leaderA.auth,
    payload: { toUserId: users.officerA.user.id, startsOn: '2031-01-01', endsOn: '2031-01-10', scopes: ['sign'] },
  });
  assert.equal(delegated.statusCode, 201, delegated.body);
  const group = await env.app.inject({ method: 'POST', url: '/api/recipient-groups', headers: users.clerkA.auth, payload: { name: 'Nhóm của A', unitIds: [B.id] } });
  assert.equal(group.statusCode, 201, group.body);
  return {
    users, victim, unitA: A.id,
    draftId: draft.id, draftFileId: await fileOf(draft.id), docId: doc.id, docFileId: await fileOf(doc.id),
    deliveryId: item.deliveryId, assignmentId: assigned.json().assignments[0].id, delegationId: delegated.json().delegation.id,
    groupId: group.json().group.id,
  };
}

const fill = (path: string, params: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, k: string) => {
  assert.ok(params[k], `no value for {${k}} in ${path}`);
  return params[k]!;
});

test('authorization matrix: every route × every kind of caller', async (t) => {
  const env = await buildTestEnv(t, { axis: true });
  const spec = (await env.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const listed: string[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) listed.push(`${method.toUpperCase()} ${path}`);
  }
  const unclassified = listed.filter((r) => !ROUTES[r]);
  assert.deepEqual(unclassified.map((r) => `classify route ${r}`), [], 'every route in /docs/json needs a line in ROUTES (test/authz-matrix.test.ts)');
  const stale = Object.keys(ROUTES).filter((r) => !listed.includes(r));
  assert.deepEqual(stale, [], 'ROUTES names routes /docs/json does not list (removed or renamed?)');

  const w = await world(env);
  const secrets = [w.draftId, w.docId, w.deliveryId, w.assignmentId, w.delegationId, w.groupId, w.draftFileId, w.docFileId, 'Dự thảo mật của A', 'Văn bản A gửi B'];
  const problems: string[] = [];
  let calls = 0;
  let refusals = 0;
  const slow = new Map<string, number>();

  async function call(key: string, route: Route, target: Target | null, caller: Kind | null) {
    const [method, path] = key.split(' ') as [string, string];
    const url = `${target ? fill(path, target.params) : path}${route.query ? `?${route.query}` : ''}`;
    let who = caller ? w.users[caller] : null;
    if (who && route.freshToken) who = await refreshToken(env, who);
    const body = route.body?.(w, caller);
    const raw = body && typeof body === 'object' && 'raw' in body ? (body as { raw: Buffer; headers: Record<string, string> }) : null;
    const headers: Record<string, string> = { ...(who?.auth ?? {}), ...(raw?.headers ?? {}) };
    if (body !== undefined && !raw) headers['content-type'] = 'application/json';
    calls++;
    const started = performance.now();
    const res = await env.app.inject({ method: method as 'GET', url, headers, payload: raw ? raw.raw : body === undefined ? undefined : JSON.stringify(body) });
    slow.set(key, (slow.get(key) ?? 0) + performance.now() - started);
    const label = `${key} ${target ? JSON.stringify(target.params) : ''} as ${caller ?? 'nobody'} → ${res.statusCode}`;
    if (res.statusCode >= 500) problems.push(`${label} (5xx): ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400 && res.statusCode < 500) {
      let ok = false;
      try {
        const e = res.json().error;
        ok = typeof e?.code === 'string' && typeof e?.message === 'string' && e.message.length > 0;
      } catch { /* not JSON */ }
      if (!ok) problems.push(`${label}: a 4xx without {error:{code,message}}: ${res.body.slice(0, 200)}`);
    }
    return { res, label };
  }

  for (const [key, route] of Object.entries(ROUTES).filter(([k]) => listed.includes(k))) {
    const targets = route.targets?.(w) ?? [null];
    // 1. Nobody: 401 unless public.
    for (const target of targets) {
      const { res, label } = await call(key, route, target, null);
      if (route.access !== 'public' && res.statusCode !== 401) problems.push(`${label}: expected 401 without a token`);
    }
    // 2. Refusals first, on the objects as set up (before A's and B's own calls change their state).
    for (const caller of KINDS) {
      for (const target of targets) {
        const unit = unitOf(caller);
        const mustRefuse = route.access === 'admin' ? caller !== 'admin' : route.access === 'system' ? true : unit !== 'admin' && !!target?.deny.includes(unit);
        if (!mustRefuse) continue;
        const { res, label } = await call(key, route, target, caller);
        refusals++;
        const expected = route.access === 'admin' ? [403] : route.access === 'system' ? [401] : [403, 404];
        if (!expected.includes(res.statusCode)) problems.push(`${label}: expected ${expected.join(' or ')}`);
      }
    }
    // 3. Everyone else: never a 5xx; what C gets back never shows A's or B's objects. A public route
    // ignores the token: one signed-in caller is enough (login costs an argon2 hash per call).
    for (const caller of route.access === 'public' ? (['clerkC'] as Kind[]) : KINDS) {
      for (const target of targets) {
        const unit = unitOf(caller);
        const refused = route.access === 'admin' ? caller !== 'admin' : route.access === 'system' ? true : unit !== 'admin' && !!target?.deny.includes(unit);
        if (refused) continue;
        const { res, label } = await call(key, route, target, caller);
        if (unit === 'C' && res.statusCode < 300) {
          const leaked = secrets.filter((s) => res.body.includes(s));
          if (leaked.length) problems.push(`${label}: shows C objects of A/B: ${leaked.join(', ')}`);
        }
      }
    }
  }
  t.diagnostic(`authz matrix: ${listed.length} routes, ${calls} calls (${refusals} that must be refused), ${problems.length} problems`);
  t.diagnostic(`slowest: ${[...slow].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, ms]) => `${k} ${Math.round(ms)} ms`).join('; ')}`);
  assert.deepEqual(problems, []);
});
