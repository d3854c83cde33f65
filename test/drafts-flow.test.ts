// Issue 12 point 1: trình ký. A department of a district UBND drafts for its parent: officer → head
// of department → UBND leader (returns once with a comment; v2 uploaded) → leader signs → clerk
// issues; each person is pushed (real sockets) when it is their turn. A commune runs author →
// leader → clerk. Refusals write nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, testPki } from './helpers/signing.js';
import { connect, listen, syncSince, waitFor, type TestClient } from './helpers/sockets.js';

type Env = TestEnv;
const json = (r: { statusCode: number; body: string }) => JSON.parse(r.body);

async function call(env: Env, who: TestUser, method: string, url: string, payload?: unknown) {
  return env.app.inject({ method: method as 'GET', url, headers: who.auth, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function upload(env: Env, who: TestUser, id: string, pdf: Buffer, role = 'main', name = 'du-thao.pdf') {
  const body = multipart([{ name: 'role', data: role }, { name: 'file', filename: name, data: pdf }]);
  return env.app.inject({ method: 'POST', url: `/api/documents/${id}/files`, headers: { ...who.auth, ...body.headers }, payload: body.payload });
}

/** Rows that a refused request must not change. */
async function snapshot(env: Env, id: string) {
  const rows = await env.db.execute(sql`select
    (select row_to_json(d)::text from documents d where d.id = ${id}) as doc,
    (select count(*)::int from events where document_id = ${id}) as events,
    (select count(*)::int from document_files where document_id = ${id}) as files,
    (select count(*)::int from document_file_versions v join document_files f on f.id = v.file_id where f.document_id = ${id}) as versions`);
  return JSON.stringify(rows);
}

async function district(env: Env) {
  const ubnd = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND' });
  const tckh = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch', shortName: 'TCKH', kind: 'department', parentId: ubnd.id });
  const other = await buildUnit(env, { name: 'Phòng Nội vụ', shortName: 'NV', kind: 'department', parentId: ubnd.id });
  const recipient = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Bao' });
  return {
    ubnd, tckh, recipient,
    officer: await buildUser(env, { unit: tckh, roles: ['officer'], fullName: 'Trần Thị Chuyên Viên' }),
    head: await buildUser(env, { unit: tckh, roles: ['leader'], fullName: 'Lê Văn Trưởng Phòng' }),
    leader: await buildUser(env, { unit: ubnd, roles: ['leader'], fullName: 'Nguyễn Văn Chủ Tịch', title: 'Chủ tịch' }),
    clerk: await buildUser(env, { unit: ubnd, roles: ['clerk'], fullName: 'Phạm Thị Văn Thư' }),
    ubndOfficer: await buildUser(env, { unit: ubnd, roles: ['officer'], fullName: 'Cán bộ UBND' }),
    otherHead: await buildUser(env, { unit: other, roles: ['leader'], fullName: 'Trưởng phòng Nội vụ' }),
    admin: await buildUser(env, { roles: ['admin'] }),
  };
}

test('trình ký in a district: officer → head → leader (returned once, v2) → signed → issued; pushes, versions, timeline, refusals', async (t) => {
  const env = await buildTestEnv(t);
  const w = await district(env);
  const url = await listen(env);
  const sockets: Record<string, TestClient> = {};
  for (const k of ['officer', 'head', 'leader', 'clerk', 'ubndOfficer', 'otherHead'] as const) sockets[k] = await connect(url, w[k].token);
  t.after(() => Object.values(sockets).forEach((s) => s.close()));

  // 1. The officer drafts for the parent UBND: draftingUnitId is the department, set automatically.
  const created = await call(env, w.officer, 'POST', '/api/documents', {
    type: 'CV', subject: 'Về việc lập dự toán ngân sách năm 2027', recipients: [w.recipient.id], issuerUnitId: w.ubnd.id,
    paperRecipients: [w.recipient.id, { name: 'Kho bạc Nhà nước huyện' }],
  });
  assert.equal(created.statusCode, 201, created.body);
  const draft = json(created).document;
  const id = draft.id as string;
  assert.equal(draft.issuerUnitId, w.ubnd.id);
  assert.equal(draft.draftingUnitId, w.tckh.id);
  assert.equal(draft.flowState, 'drafting');
  assert.deepEqual(draft.paperRecipients, [{ unitId: w.recipient.id, name: w.recipient.name }, { unitId: null, name: 'Kho bạc Nhà nước huyện' }]);
  assert.equal(draft.can.edit, true);
  assert.equal(draft.can.submit, false, 'no main file yet');
  // Someone else's unit as issuer, a bad paper recipient, a signer who is no leader of the issuer: 400.
  for (const body of [
    { issuerUnitId: w.recipient.id },
    { paperRecipients: [{ name: '  ' }] },
    { paperRecipients: ['00000000-0000-4000-8000-000000000000'] },
    { signerId: w.head.user.id },
  ]) {
    const r = await call(env, w.officer, 'POST', '/api/documents', { type: 'CV', subject: 'Sai', recipients: [w.recipient.id], issuerUnitId: w.ubnd.id, ...body });
    assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
  }
  // The leader of the issuer may be named signer.
  const named = await call(env, w.officer, 'PATCH', `/api/documents/${id}`, { signerId: w.leader.user.id, urgency: 'urgent' });
  assert.equal(named.statusCode, 200, named.body);
  assert.equal(json(named).document.signerId, w.leader.user.id);

  // Visibility before submission: author and the department's head; not the UBND's leader, clerk or officer, not another department.
  for (const [who, code] of [[w.officer, 200], [w.head, 200], [w.leader, 404], [w.clerk, 404], [w.ubndOfficer, 404], [w.otherHead, 404]] as const) {
    assert.equal((await call(env, who, 'GET', `/api/documents/${id}`)).statusCode, code, `${who.user.fullName} before submission`);
  }
  const outboxHas = async (who: TestUser) => json(await call(env, who, 'GET', '/api/outbox')).items.some((d: { id: string }) => d.id === id);
  assert.equal(await outboxHas(w.officer), true);
  assert.equal(await outboxHas(w.head), true);
  assert.equal(await outboxHas(w.clerk), false);

  // 2. v1 of the main file.
  const v1 = makePdf('Dự thảo phiên bản 1');
  const up1 = await upload(env, w.officer, id, v1);
  assert.equal(up1.statusCode, 201, up1.body);
  const mainId = json(up1).files[0].id as string;

  // 4xx that write nothing: a bad toUserId; a comment on a draft the caller cannot see; approve/return by someone whose turn it is not.
  let before = await snapshot(env, id);
  const bad = await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: w.otherHead.user.id });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.match(json(bad).error.message, /Trưởng phòng Nội vụ không phải lãnh đạo của phòng soạn thảo/);
  assert.equal((await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: w.clerk.user.id })).statusCode, 400);
  assert.equal((await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: '00000000-0000-4000-8000-000000000000' })).statusCode, 400);
  assert.equal((await call(env, w.clerk, 'POST', `/api/documents/${id}/comments`, { text: 'Góp ý lạc chỗ' })).statusCode, 404);
  assert.equal((await call(env, w.head, 'POST', `/api/documents/${id}/submit`, { toUserId: w.leader.user.id })).statusCode, 403);
  assert.equal((await call(env, w.head, 'POST', `/api/documents/${id}/return`, { comment: 'Chưa trình' })).statusCode, 409);
  assert.equal(await snapshot(env, id), before);

  // 3. Submit to the head of the department → review; the head is pushed.
  const sub = await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: w.head.user.id, comment: 'Kính trình anh xem' });
  assert.equal(sub.statusCode, 200, sub.body);
  assert.equal(json(sub).document.flowState, 'review');
  assert.equal(json(sub).document.awaitingUserId, w.head.user.id);
  await waitFor(() => sockets.head!.of('draft:awaiting').some((p) => p.documentId === id), 5000, 'head pushed');
  const toHead = sockets.head!.of('draft:awaiting').find((p) => p.documentId === id);
  assert.equal(toHead.subject, 'Về việc lập dự toán ngân sách năm 2027');
  assert.equal(toHead.from.fullName, 'Trần Thị Chuyên Viên');
  assert.equal(sockets.leader!.of('draft:awaiting').length, 0);
  // "Chờ tôi xử lý" of the head.
  const awaiting = json(await call(env, w.head, 'GET', '/api/documents?awaiting=me')).items;
  assert.deepEqual(awaiting.map((d: { id: string }) => d.id), [id]);
  assert.equal(awaiting[0].from.fullName, 'Trần Thị Chuyên Viên');
  assert.equal(awaiting[0].flowState, 'review');
  assert.equal(awaiting[0].can.approve, true);
  assert.deepEqual(json(await call(env, w.leader, 'GET', '/api/documents?awaiting=me')).items, []);
  // While in review the author cannot submit again; the leader (not awaited) cannot approve or return.
  before = await snapshot(env, id);
  assert.equal((await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: w.leader.user.id })).statusCode, 409);
  assert.equal((await call(env, w.leader, 'POST', `/api/documents/${id}/approve`, { toUserId: w.leader.user.id })).statusCode, 404, 'not visible to the UBND yet');
  assert.equal((await call(env, w.officer, 'POST', `/api/documents/${id}/return`, { comment: 'Tự trả' })).statusCode, 403);
  assert.equal((await call(env, w.head, 'POST', `/api/documents/${id}/approve`, { toUserId: w.otherHead.user.id })).statusCode, 400);
  // Nor can the UBND's leader sign it or its clerk number it before it is handed to them.
  assert.equal((await call(env, w.leader, 'POST', `/api/documents/${id}/sign`, {})).statusCode, 404, 'not signable by the UBND yet');
  assert.equal((await call(env, w.clerk, 'POST', `/api/documents/${id}/issue`, {})).statusCode, 404, 'not issuable by the UBND yet');
  assert.equal(await snapshot(env, id), before);

  // A comment by the head, seen by the author live.
  const c = await call(env, w.head, 'POST', `/api/documents/${id}/comments`, { text: 'Bổ sung số liệu quý III' });
  assert.equal(c.statusCode, 201, c.body);
  await waitFor(() => sockets.officer!.of('draft:updated').some((p) => p.documentId === id && p.event === 'commented'), 5000, 'comment pushed');

  // 4. The head approves it on to the UBND leader → signing; the leader is pushed, and now the UBND's leaders and clerks see it.
  const appr = await call(env, w.head, 'POST', `/api/documents/${id}/approve`, { toUserId: w.leader.user.id, comment: 'Đề nghị Chủ tịch ký' });
  assert.equal(appr.statusCode, 200, appr.body);
  assert.equal(json(appr).document.flowState, 'signing');
  await waitFor(() => sockets.leader!.of('draft:awaiting').some((p) => p.documentId === id), 5000, 'leader pushed');
  assert.equal(sockets.leader!.of('draft:awaiting')[0].from.fullName, 'Lê Văn Trưởng Phòng');
  for (const [who, code] of [[w.leader, 200], [w.clerk, 200], [w.ubndOfficer, 404], [w.otherHead, 404]] as const) {
    assert.equal((await call(env, who, 'GET', `/api/documents/${id}`)).statusCode, code, `${who.user.fullName} in signing`);
  }
  await waitFor(() => sockets.clerk!.of('draft:updated').some((p) => p.documentId === id && p.flowState === 'signing'), 5000, 'clerk sees the step');
  assert.equal(sockets.ubndOfficer!.of('draft:updated').length, 0, 'an officer of the UBND is not told');
  // Nobody but the author or the clerk edits; the head's turn is over.
  assert.equal((await call(env, w.leader, 'PATCH', `/api/documents/${id}`, { subject: 'Lãnh đạo sửa' })).statusCode, 403);
  assert.equal((await call(env, w.head, 'POST', `/api/documents/${id}/return`, { comment: 'Muộn' })).statusCode, 403);

  // 5. The leader returns it with a comment; the author is pushed.
  const ret = await call(env, w.leader, 'POST', `/api/documents/${id}/return`, { comment: 'Sửa lại đoạn 2 cho rõ' });
  assert.equal(ret.statusCode, 200, ret.body);
  assert.equal(json(ret).document.flowState, 'returned');
  assert.equal(json(ret).document.awaitingUserId, null);
  await waitFor(() => sockets.officer!.of('draft:awaiting').some((p) => p.documentId === id && p.comment === 'Sửa lại đoạn 2 cho rõ'), 5000, 'author pushed');

  // 6. v2 of the main file: the row keeps its id.
  const v2 = makePdf('Dự thảo phiên bản 2, đã sửa đoạn 2');
  const up2 = await upload(env, w.officer, id, v2, 'main', 'du-thao-v2.pdf');
  assert.equal(up2.statusCode, 201, up2.body);
  assert.equal(json(up2).files[0].id, mainId);
  // Submitted again, straight to the leader this time.
  const sub2 = await call(env, w.officer, 'POST', `/api/documents/${id}/submit`, { toUserId: w.leader.user.id });
  assert.equal(sub2.statusCode, 200, sub2.body);
  assert.equal(json(sub2).document.flowState, 'signing');
  await waitFor(() => sockets.leader!.of('draft:awaiting').filter((p) => p.documentId === id).length === 2, 5000, 'leader pushed again');

  // 7. The leader signs (server key); the clerk's screen is told.
  const pki = testPki('Ủy ban nhân dân huyện Sơn Hà');
  assert.equal((await addAnchor(env, w.admin, pki.ca)).statusCode, 201);
  assert.equal((await installKey(env, w.leader, pki.leader, pki.ca, 'user')).statusCode, 201);
  assert.equal((await installKey(env, w.clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  const signed = await call(env, w.leader, 'POST', `/api/documents/${id}/sign`, {});
  assert.equal(signed.statusCode, 200, signed.body);
  const afterSign = json(await call(env, w.clerk, 'GET', `/api/documents/${id}`));
  assert.equal(afterSign.document.flowState, 'signed');
  assert.equal(afterSign.document.awaitingUserId, null);
  assert.equal(afterSign.document.can.edit, false);
  assert.equal(afterSign.document.can.issue, true);
  await waitFor(() => sockets.clerk!.of('draft:updated').some((p) => p.documentId === id && p.event === 'signed'), 5000, 'clerk told of the signature');

  // Frozen: PATCH, upload and delete → 409 and nothing written.
  before = await snapshot(env, id);
  const frozen = await call(env, w.officer, 'PATCH', `/api/documents/${id}`, { subject: 'Sửa sau khi ký' });
  assert.equal(frozen.statusCode, 409, frozen.body);
  assert.match(json(frozen).error.message, /trả lại/);
  assert.equal((await upload(env, w.officer, id, makePdf('v3'))).statusCode, 409);
  assert.equal((await call(env, w.clerk, 'DELETE', `/api/documents/${id}`)).statusCode, 409);
  assert.equal((await call(env, w.officer, 'POST', `/api/documents/${id}/return`, { comment: 'Không phải lượt' })).statusCode, 403);
  assert.equal(await snapshot(env, id), before);

  // Versions v1, v2 listed and downloadable.
  const detail = json(await call(env, w.officer, 'GET', `/api/documents/${id}`));
  const main = detail.files.find((f: { role: string }) => f.role === 'main');
  assert.deepEqual(main.versions.map((v: { version: number; name: string }) => [v.version, v.name]), [[1, 'du-thao.pdf'], [2, 'du-thao-v2.pdf']]);
  const dl = await call(env, w.officer, 'GET', `/api/documents/${id}/files/${mainId}/versions/1`);
  assert.equal(dl.statusCode, 200);
  assert.deepEqual(dl.rawPayload, v1);
  assert.equal((await call(env, w.officer, 'GET', `/api/documents/${id}/files/${mainId}/versions/3`)).statusCode, 404);
  assert.equal((await call(env, w.ubndOfficer, 'GET', `/api/documents/${id}/files/${mainId}/versions/1`)).statusCode, 404);

  // 8. The clerk issues.
  const issued = await call(env, w.clerk, 'POST', `/api/documents/${id}/issue`, {});
  assert.equal(issued.statusCode, 200, issued.body);
  assert.equal(json(issued).document.status, 'issued');
  await waitFor(() => sockets.leader!.of('draft:updated').some((p) => p.documentId === id && p.status === 'issued'), 5000, 'issue pushed');

  // The timeline has every step with its comment and names.
  const timeline = json(await call(env, w.officer, 'GET', `/api/documents/${id}`)).events as Array<{ type: string; data: Record<string, unknown> }>;
  const steps = timeline.filter((e) => ['document.submitted', 'document.approved', 'document.returned', 'document.commented'].includes(e.type))
    .map((e) => [e.type, e.data.fromName, e.data.toName ?? null, e.data.comment ?? null]);
  assert.deepEqual(steps, [
    ['document.submitted', 'Trần Thị Chuyên Viên', 'Lê Văn Trưởng Phòng', 'Kính trình anh xem'],
    ['document.commented', 'Lê Văn Trưởng Phòng', null, 'Bổ sung số liệu quý III'],
    ['document.approved', 'Lê Văn Trưởng Phòng', 'Nguyễn Văn Chủ Tịch', 'Đề nghị Chủ tịch ký'],
    ['document.returned', 'Nguyễn Văn Chủ Tịch', 'Trần Thị Chuyên Viên', 'Sửa lại đoạn 2 cho rõ'],
    ['document.submitted', 'Trần Thị Chuyên Viên', 'Nguyễn Văn Chủ Tịch', null],
  ]);
  for (const type of ['document.drafted', 'document.signed', 'document.issued']) assert.ok(timeline.some((e) => e.type === type), type);
  // The recipient reads the issued document but not the internal steps.
  const reader = await buildUser(env, { unit: w.recipient, roles: ['clerk'] });
  const seen = json(await call(env, reader, 'GET', `/api/documents/${id}`));
  assert.equal(seen.events.some((e: { type: string }) => e.type === 'document.commented' || e.type === 'document.returned'), false);

  // Everything pushed comes back through sync (pushesFor is a function of the event row).
  const replay = await syncSince(sockets.leader!, 0);
  assert.equal(replay.events.filter((e: { name: string; data: { documentId: string } }) => e.name === 'draft:awaiting' && e.data.documentId === id).length, 2);
  const replayOfficer = await syncSince(sockets.officer!, 0);
  assert.ok(replayOfficer.events.some((e: { name: string; data: { comment: string } }) => e.name === 'draft:awaiting' && e.data.comment === 'Sửa lại đoạn 2 cho rõ'));
});

test('returning a signed draft voids the signature; a commune runs author → leader → clerk; edit and delete', async (t) => {
  const env = await buildTestEnv(t);
  const xa = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Bao', shortName: 'UBND' });
  const recipient = await buildUnit(env);
  const officer = await buildUser(env, { unit: xa, roles: ['officer'], fullName: 'Công chức Văn phòng' });
  const chairman = await buildUser(env, { unit: xa, roles: ['leader'], fullName: 'Chủ tịch xã', title: 'Chủ tịch' });
  const clerk = await buildUser(env, { unit: xa, roles: ['clerk'] });
  const other = await buildUser(env, { unit: xa, roles: ['officer'] });
  const admin = await buildUser(env, { roles: ['admin'] });
  const pki = testPki('Ủy ban nhân dân xã Sơn Bao');
  await addAnchor(env, admin, pki.ca);
  assert.equal((await installKey(env, chairman, pki.leader, pki.ca, 'user')).statusCode, 201);
  assert.equal((await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);

  const created = json(await call(env, officer, 'POST', '/api/documents', { type: 'TB', subject: 'Thông báo lịch tiếp công dân', recipients: [recipient.id] })).document;
  const id = created.id as string;
  assert.equal(created.draftingUnitId, null);
  // Written inside the unit: its leader and clerk see it from the start; another officer does not.
  assert.equal((await call(env, chairman, 'GET', `/api/documents/${id}`)).statusCode, 200);
  assert.equal((await call(env, clerk, 'GET', `/api/documents/${id}`)).statusCode, 200);
  assert.equal((await call(env, other, 'GET', `/api/documents/${id}`)).statusCode, 404);
  // The clerk edits fields; secret with files → 409.
  const patched = await call(env, clerk, 'PATCH', `/api/documents/${id}`, { subject: 'Thông báo lịch tiếp công dân tháng 12', paperRecipients: [{ name: 'Bảng tin xã' }], dueDate: '2026-12-15' });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(json(patched).document.subject, 'Thông báo lịch tiếp công dân tháng 12');
  assert.deepEqual(json(patched).document.paperRecipients, [{ unitId: null, name: 'Bảng tin xã' }]);
  const pdf = makePdf('Thông báo');
  assert.equal((await upload(env, officer, id, pdf)).statusCode, 201);
  // A rejected upload (not a PDF) leaves the draft editable.
  const notPdf = multipart([{ name: 'file', filename: 'x.pdf', data: Buffer.from('không phải PDF') }]);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${id}/files`, headers: { ...officer.auth, ...notPdf.headers }, payload: notPdf.payload })).statusCode, 415);
  assert.equal(json(await call(env, officer, 'GET', `/api/documents/${id}`)).document.can.edit, true);
  let before = await snapshot(env, id);
  assert.equal((await call(env, officer, 'PATCH', `/api/documents/${id}`, { secrecy: 'secret' })).statusCode, 409);
  assert.equal((await call(env, other, 'PATCH', `/api/documents/${id}`, { subject: 'x' })).statusCode, 404);
  assert.equal(await snapshot(env, id), before);

  // author → leader (signing) → signs.
  assert.equal((await call(env, officer, 'POST', `/api/documents/${id}/submit`, { toUserId: chairman.user.id })).statusCode, 200);
  const signed = await call(env, chairman, 'POST', `/api/documents/${id}/sign`, {});
  assert.equal(signed.statusCode, 200, signed.body);
  const signedDoc = json(await call(env, officer, 'GET', `/api/documents/${id}`));
  assert.equal(signedDoc.document.flowState, 'signed');
  const signedSha = signedDoc.files[0].sha256 as string;
  assert.notEqual(signedSha, signedDoc.files[0].versions[0].sha256);

  // Returning the signed draft voids the signature: the main file is v1's bytes again, no signer of record.
  assert.equal((await call(env, officer, 'POST', `/api/documents/${id}/return`, { comment: 'x' })).statusCode, 403);
  const ret = await call(env, chairman, 'POST', `/api/documents/${id}/return`, { comment: 'Ký nhầm bản, trả lại' });
  assert.equal(ret.statusCode, 200, ret.body);
  const voided = json(await call(env, officer, 'GET', `/api/documents/${id}`));
  assert.equal(voided.document.flowState, 'returned');
  assert.equal(voided.document.signedBy ?? null, null);
  assert.equal(voided.files[0].sha256, voided.files[0].versions[0].sha256);
  assert.equal(voided.signatures.length, 0, 'no leader signature any more');
  assert.equal(voided.document.can.edit, true);
  assert.equal(json(await call(env, chairman, 'GET', `/api/documents/${id}`)).document.can.sign, true);
  const bytes = (await call(env, officer, 'GET', `/api/documents/${id}/files/${voided.files[0].id}`)).rawPayload;
  assert.deepEqual(bytes, pdf);
  assert.doesNotMatch(await pdfsig(bytes), /Signature #1/);
  assert.equal(json(await call(env, officer, 'GET', `/api/documents/${id}`)).events.find((e: { type: string }) => e.type === 'document.returned').data.voidedSignature, true);

  // Author → leader again, signs, clerk issues.
  assert.equal((await call(env, officer, 'POST', `/api/documents/${id}/submit`, { toUserId: chairman.user.id, comment: 'Trình lại' })).statusCode, 200);
  assert.equal((await call(env, chairman, 'POST', `/api/documents/${id}/sign`, {})).statusCode, 200);
  const issued = await call(env, clerk, 'POST', `/api/documents/${id}/issue`, {});
  assert.equal(issued.statusCode, 200, issued.body);
  assert.equal((await call(env, officer, 'DELETE', `/api/documents/${id}`)).statusCode, 409, 'an issued document is never deleted');

  // Delete: a never-issued draft by its author; its files' objects go when nothing else uses them.
  const dead = json(await call(env, officer, 'POST', '/api/documents', { type: 'CV', subject: 'Dự thảo bỏ', recipients: [recipient.id] })).document;
  const uniquePdf = makePdf(`chỉ dự thảo này dùng ${Date.now()}`);
  const up = json(await upload(env, officer, dead.id, uniquePdf));
  const sha = up.files[0].sha256 as string;
  assert.equal((await call(env, other, 'DELETE', `/api/documents/${dead.id}`)).statusCode, 404);
  assert.equal((await call(env, chairman, 'DELETE', `/api/documents/${dead.id}`)).statusCode, 403);
  const del = await call(env, officer, 'DELETE', `/api/documents/${dead.id}`);
  assert.equal(del.statusCode, 204, del.body);
  assert.equal((await call(env, officer, 'GET', `/api/documents/${dead.id}`)).statusCode, 404);
  assert.equal(json(await call(env, officer, 'GET', '/api/outbox')).items.some((d: { id: string }) => d.id === dead.id), false);
  assert.equal(await env.store.stat(sha), null);
  const [{ n }] = (await env.db.execute(sql`select count(*)::int as n from blobs where sha256 = ${sha}`)) as unknown as [{ n: number }];
  assert.equal(n, 0);
  const [{ e }] = (await env.db.execute(sql`select count(*)::int as e from events where document_id = ${dead.id} and type = 'document.deleted'`)) as unknown as [{ e: number }];
  assert.equal(e, 1);
  // A draft another document answers cannot go (409, nothing written).
  const answered = json(await call(env, officer, 'POST', '/api/documents', { type: 'CV', subject: 'Được trả lời', recipients: [recipient.id] })).document;
  const answer = await call(env, officer, 'POST', '/api/documents', { type: 'CV', subject: 'Trả lời', recipients: [recipient.id], respondsTo: answered.id });
  assert.equal(answer.statusCode, 201, answer.body);
  before = await snapshot(env, answered.id);
  assert.equal((await call(env, officer, 'DELETE', `/api/documents/${answered.id}`)).statusCode, 409);
  assert.equal(await snapshot(env, answered.id), before);
  // A file shared with another document stays.
  const keep = json(await call(env, officer, 'POST', '/api/documents', { type: 'CV', subject: 'Giữ', recipients: [recipient.id] })).document;
  const gone = json(await call(env, officer, 'POST', '/api/documents', { type: 'CV', subject: 'Bỏ', recipients: [recipient.id] })).document;
  const shared = makePdf('dùng chung');
  await upload(env, officer, keep.id, shared);
  const sharedSha = json(await upload(env, officer, gone.id, shared)).files[0].sha256;
  assert.equal((await call(env, clerk, 'DELETE', `/api/documents/${gone.id}`)).statusCode, 204);
  assert.ok(await env.store.stat(sharedSha));
});

test('an officer of a department assigned personally (by userId) reads the document and its file; others of the department do not', async (t) => {
  // Defect: before issue 12 only the recipient unit, cooperating units and the issuer could open a
  // document, so an officer of a department whom the recipient's leader assigned by name got 404.
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const ubnd = await buildUnit(env, { name: 'UBND huyện nhận' });
  const phong = await buildUnit(env, { name: 'Phòng Tư pháp', kind: 'department', parentId: ubnd.id });
  const clerkB = await buildUser(env, { unit: ubnd, roles: ['clerk'] });
  const leaderB = await buildUser(env, { unit: ubnd, roles: ['leader'] });
  const officer = await buildUser(env, { unit: phong, roles: ['officer'] });
  const colleague = await buildUser(env, { unit: phong, roles: ['officer'] });
  const created = json(await call(env, issuer, 'POST', '/api/documents', { type: 'CV', subject: 'Đề nghị góp ý dự thảo', recipients: [ubnd.id] })).document;
  assert.equal((await upload(env, issuer, created.id, makePdf('góp ý'))).statusCode, 201);
  const issued = await call(env, issuer, 'POST', `/api/documents/${created.id}/issue`, {});
  assert.equal(issued.statusCode, 200, issued.body);
  const item = json(await call(env, clerkB, 'GET', '/api/inbox')).items[0];
  assert.equal((await call(env, clerkB, 'POST', `/api/deliveries/${item.deliveryId}/accept`)).statusCode, 200);
  const assigned = await call(env, leaderB, 'POST', `/api/deliveries/${item.deliveryId}/assign`, { direction: 'Giao đồng chí xử lý', lead: { userId: officer.user.id } });
  assert.equal(assigned.statusCode, 201, assigned.body);
  const doc = await call(env, officer, 'GET', `/api/documents/${created.id}`);
  assert.equal(doc.statusCode, 200, doc.body);
  const fileId = json(doc).files[0].id;
  assert.equal((await call(env, officer, 'GET', `/api/documents/${created.id}/files/${fileId}`)).statusCode, 200);
  assert.equal((await call(env, colleague, 'GET', `/api/documents/${created.id}`)).statusCode, 404);
});
