// Issue 12 point 5: Party numbering (HD 36-HD/VPTW) — the Party type list (KL, QĐi, TT …) only for
// Party units, each type its own series through the term; the term counted from partyTermStartsOn
// (PATCH /api/units/:id, admin) or, without it, by the congress-year rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { documents } from '../src/modules/documents/tables.js';
import { partyTermFor, seriesFor } from '../src/modules/documents/numbering.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';

const buildEnv = (t: Parameters<typeof buildTestEnv>[0]) => buildTestEnv(t, { tokenTtlSeconds: 400 * 86_400 });

async function issueType(env: TestEnv, clerk: TestUser, type: string) {
  const { doc } = await buildDocument(env, { author: clerk, type });
  return env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth, payload: {} });
}
async function notation(env: TestEnv, clerk: TestUser, type: string): Promise<string> {
  const r = await issueType(env, clerk, type);
  assert.equal(r.statusCode, 200, `${type}: ${r.body}`);
  return r.json().document.notation;
}

test('a Party unit issues KL and QĐi as 01-KL/HU, 01-QĐi/HU (each type its own series); Party-only types are refused for a State unit and State-only ones for a Party unit, naming the type, nothing numbered', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2026-06-01T02:00:00Z');
  const hu = await buildUnit(env, { name: 'Huyện ủy Sơn Tây', shortName: 'HU', kind: 'party' });
  const clerk = await buildUser(env, { unit: hu, roles: ['clerk'] });
  const recipient = await buildUnit(env);

  // Through the API end to end once: draft (POST /api/documents, type "QDi" typed without Đ), main PDF, issue.
  const created = await env.app.inject({ method: 'POST', url: '/api/documents', headers: clerk.auth, payload: { type: 'QDi', subject: 'Quy định về chế độ làm việc', recipients: [recipient.id] } });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().document.type, 'QĐi');
  const form = multipart([{ name: 'role', data: 'main' }, { name: 'file', filename: 'qd.pdf', type: 'application/pdf', data: makePdf('quy định') }]);
  const up = await env.app.inject({ method: 'POST', url: `/api/documents/${created.json().document.id}/files`, headers: { ...clerk.auth, ...form.headers }, payload: form.payload });
  assert.equal(up.statusCode, 201, up.body);
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${created.json().document.id}/issue`, headers: clerk.auth, payload: {} });
  assert.equal(issued.statusCode, 200, issued.body);
  assert.equal(issued.json().document.notation, '01-QĐi/HU');

  assert.equal(await notation(env, clerk, 'KL'), '01-KL/HU');
  assert.equal(await notation(env, clerk, 'KL'), '02-KL/HU');
  assert.equal(await notation(env, clerk, 'TT'), '01-TT/HU');
  assert.equal(await notation(env, clerk, 'QĐi'), '02-QĐi/HU');
  assert.equal(await notation(env, clerk, 'CV'), '01-CV/HU');

  // A State-only type (QyĐ: a State quy định) for a Party unit: refused when drafted (400 naming it,
  // and the hint), and when a draft is changed to it; nothing written.
  const draftOf = (who: TestUser, type: string, lang = 'vi') => env.app.inject({
    method: 'POST', url: '/api/documents', headers: { ...who.auth, 'accept-language': lang }, payload: { type, subject: 'Loại không đúng kiểu', recipients: [recipient.id] },
  });
  const countDrafts = async (unitId: string) => (await env.db.select({ id: documents.id }).from(documents).where(eq(documents.issuerUnitId, unitId))).length;
  const huDrafts = await countDrafts(hu.id);
  const stateType = await draftOf(clerk, 'QyĐ');
  assert.equal(stateType.statusCode, 400, stateType.body);
  assert.match(stateType.json().error.message, /"QyĐ".*QĐi/);
  const cv = (await draftOf(clerk, 'CV')).json().document;
  const patched = await env.app.inject({ method: 'PATCH', url: `/api/documents/${cv.id}`, headers: clerk.auth, payload: { type: 'QyĐ' } });
  assert.equal(patched.statusCode, 400, patched.body);
  assert.equal((await env.db.select({ type: documents.type }).from(documents).where(eq(documents.id, cv.id)))[0]!.type, 'CV');
  assert.equal(await countDrafts(hu.id), huDrafts + 1, 'only the good draft was written');

  // Party-only types for a State unit: 400 naming the type at draft; the unit's series is untouched.
  const ubnd = await buildUnit(env, { shortName: 'UBND' });
  const stateClerk = await buildUser(env, { unit: ubnd, roles: ['clerk'] });
  for (const type of ['KL', 'QĐi', 'TT']) {
    const r = await draftOf(stateClerk, type);
    assert.equal(r.statusCode, 400, `${type}: ${r.body}`);
    assert.ok(r.json().error.message.includes(`"${type}"`), r.json().error.message);
    assert.match((await draftOf(stateClerk, type, 'en')).json().error.message, /Party document type only/);
  }
  assert.equal(await countDrafts(ubnd.id), 0, 'no refused draft was written');
  assert.equal(await notation(env, stateClerk, 'QĐ'), '01/QĐ-UBND');
});

test('PATCH /api/units/:id (admin): partyTerm, partyTermStartsOn, placeName; documents before the start day stay in the previous term’s series, after it a new series starts at 01; without it the term changes on 1 January of a congress year', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2025-10-10T02:00:00Z');
  const admin = await buildUser(env, { roles: ['admin'] });
  const hu = await buildUnit(env, { name: 'Huyện ủy Sơn Tây', shortName: 'HU', kind: 'party' });
  const ubnd = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Hà', shortName: 'UBND' });
  let clerk = await buildUser(env, { unit: hu, roles: ['clerk'] });
  const patch = (who: TestUser, id: string, body: unknown) => env.app.inject({ method: 'PATCH', url: `/api/units/${id}`, headers: who.auth, payload: body as object });

  // Before the congress closes the term 2020-2025 goes on: the unit had given KL 01 and 02 in it.
  const r = await patch(admin, hu.id, { partyTerm: '2025-2030', partyTermStartsOn: '2025-10-16', placeName: 'Sơn Tây' });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(
    { partyTerm: r.json().unit.partyTerm, partyTermStartsOn: r.json().unit.partyTermStartsOn, placeName: r.json().unit.placeName },
    { partyTerm: '2025-2030', partyTermStartsOn: '2025-10-16', placeName: 'Sơn Tây' },
  );
  const listed = (await env.app.inject({ url: '/api/units', headers: clerk.auth })).json().units.find((u: { id: string }) => u.id === hu.id);
  assert.deepEqual([listed.partyTerm, listed.partyTermStartsOn, listed.placeName], ['2025-2030', '2025-10-16', 'Sơn Tây']);

  assert.equal(await notation(env, clerk, 'KL'), '01-KL/HU');
  assert.equal(await notation(env, clerk, 'KL'), '02-KL/HU');
  env.clock.set('2025-10-15T16:59:00Z'); // 23:59 on 15/10 in Vietnam: still the old term
  assert.equal(await notation(env, clerk, 'KL'), '03-KL/HU');
  env.clock.set('2025-10-15T17:00:00Z'); // 00:00 on 16/10 in Vietnam: the new term
  assert.equal(await notation(env, clerk, 'KL'), '01-KL/HU');
  assert.equal(await notation(env, clerk, 'NQ'), '01-NQ/HU');
  env.clock.set('2026-01-05T02:00:00Z'); // a new calendar year changes nothing in a Party series
  clerk = await refreshToken(env, clerk);
  assert.equal(await notation(env, clerk, 'KL'), '02-KL/HU');
  const series = await env.db.select({ series: documents.series, notation: documents.notation }).from(documents).where(eq(documents.issuerUnitId, hu.id));
  assert.deepEqual(new Set(series.map((s) => s.series)), new Set(['party:2020-2025:KL', 'party:2025-2030:KL', 'party:2025-2030:NQ']));

  // Bad input: 400 naming the field, nothing changed; non-admins 403; structural fields refused.
  const bad: Array<[unknown, RegExp, string?]> = [
    [{ partyTerm: '2025' }, /partyTerm/],
    [{ partyTerm: '2030-2025' }, /partyTerm/],
    [{ partyTermStartsOn: '2025-02-30' }, /partyTermStartsOn/],
    [{ partyTermStartsOn: '2026-01-10' }, /partyTermStartsOn/], // not in the first year of 2025-2030
    [{ placeName: 'x'.repeat(101) }, /placeName/],
    [{ name: 'Tên mới' }, /name/],
    [{ shortName: 'HU2' }, /shortName/],
    [{ partyTerm: '2025-2030' }, /party/, ubnd.id],
  ];
  for (const [body, pattern, id] of bad) {
    const res = await patch(admin, id ?? hu.id, body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    assert.match(res.json().error.message, pattern);
  }
  assert.equal((await patch(clerk, hu.id, { placeName: 'Khác' })).statusCode, 403);
  assert.equal((await patch(admin, '6f1c1f0e-1111-4111-8111-111111111111', { placeName: 'Khác' })).statusCode, 404);
  const unchanged = (await env.app.inject({ url: '/api/units', headers: clerk.auth })).json().units.find((u: { id: string }) => u.id === hu.id);
  assert.deepEqual([unchanged.name, unchanged.partyTerm, unchanged.partyTermStartsOn, unchanged.placeName], ['Huyện ủy Sơn Tây', '2025-2030', '2025-10-16', 'Sơn Tây']);
  // A State unit may have its place name; null clears it.
  assert.equal((await patch(admin, ubnd.id, { placeName: '  Sơn Hà ' })).json().unit.placeName, 'Sơn Hà');
  assert.equal((await patch(admin, ubnd.id, { placeName: null })).json().unit.placeName, null);
});

test('the term rule as a function: partyTermStartsOn splits at the Vietnam day; without it partyTerm holds, and with neither the term changes on 1 January of a congress year', () => {
  const unit = { kind: 'party', shortName: 'HU', partyTerm: '2025-2030', partyTermStartsOn: '2025-10-16' };
  assert.equal(partyTermFor(unit, new Date('2025-10-15T16:59:59Z')), '2020-2025');
  assert.equal(partyTermFor(unit, new Date('2025-10-15T17:00:00Z')), '2025-2030');
  assert.equal(partyTermFor({ partyTerm: null, partyTermStartsOn: '2030-09-21' }, new Date('2030-09-25T00:00:00Z')), '2030-2035');
  assert.equal(partyTermFor({ partyTerm: null, partyTermStartsOn: '2030-09-21' }, new Date('2030-09-01T00:00:00Z')), '2025-2030');
  assert.equal(partyTermFor({ partyTerm: '2025-2030', partyTermStartsOn: null }, new Date('2031-03-01T00:00:00Z')), '2025-2030');
  // The congress-year rule (no term data): 31/12/2029 23:30 and 01/01/2030 00:00 in Vietnam.
  assert.equal(partyTermFor({ partyTerm: null }, new Date('2029-12-31T16:30:00Z')), '2025-2030');
  assert.equal(partyTermFor({ partyTerm: null }, new Date('2029-12-31T17:00:00Z')), '2030-2035');
  assert.equal(seriesFor(unit, 'KL', true, new Date('2026-01-01T00:00:00Z')), 'party:2025-2030:KL:secret');
  assert.throws(() => seriesFor({ kind: 'government', shortName: 'UBND', partyTerm: null }, 'TT', false, new Date()), /"TT"/);
});
