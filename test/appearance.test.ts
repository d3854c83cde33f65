// The leader's signature per NĐ 30 appendix I: image only between the printed position and name
// of a Decree 30-layout page (positions compared with the text layer), the seal over the left
// third of it, the competence (TM./KT./Q./TL./TUQ.) from the signer's position or a delegation,
// overridable per signature, and the signer of record kept with the signature.
import assert from 'node:assert/strict';
import { createHash, sign } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PDFDocument, PDFSignature } from 'pdf-lib';
import { vnDate } from '../src/lib/time.js';
import { competenceLines, defaultCompetence, headTitleFor } from '../src/modules/signing/competence.js';
import { findSignatureBlock, imageOnlyRect, sealRect } from '../src/modules/signing/layout.js';
import { textLines } from '../src/modules/signing/pdf/text-layer.js';
import { demoSealPng, demoSignaturePng } from '../src/workflows/demo/demo-images.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { decree30Pdf } from './helpers/decree30.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, pem, run, testPki } from './helpers/signing.js';

type Rect = [number, number, number, number];

async function download(env: TestEnv, who: TestUser, docId: string) {
  const detail = (await env.app.inject({ url: `/api/documents/${docId}`, headers: who.auth })).json();
  const file = detail.files.find((f: { role: string }) => f.role === 'main');
  return { detail, file, bytes: (await env.app.inject({ url: `/api/documents/${docId}/files/${file.id}`, headers: who.auth })).rawPayload };
}

/** The widget rectangle of a signature field, read from the PDF itself. */
async function widgetRect(pdf: Buffer, fieldName: string): Promise<Rect> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const field = doc.getForm().getFields().find((f) => f.getName() === fieldName);
  assert.ok(field instanceof PDFSignature, `no signature field ${fieldName}`);
  const r = field.acroField.getWidgets()[0]!.getRectangle();
  return [r.x, r.y, r.x + r.width, r.y + r.height];
}

async function pdftotext(pdf: Buffer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'appearance-'));
  try {
    await fs.writeFile(path.join(dir, 'a.pdf'), pdf);
    return (await run('pdftotext', [path.join(dir, 'a.pdf'), '-'])).stdout;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const count = (s: string, what: string) => s.split(what).length - 1;

async function setPosition(env: TestEnv, admin: TestUser, who: TestUser, position: string | null) {
  const r = await env.app.inject({ method: 'PATCH', url: `/api/users/${who.user.id}`, headers: admin.auth, payload: { position } });
  assert.equal(r.statusCode, 200, r.body);
}

async function installImage(env: TestEnv, who: TestUser, png: Buffer, owner: 'user' | 'unit') {
  const b = multipart([{ name: 'owner', data: owner }, { name: 'file', filename: 'a.png', type: 'image/png', data: png }]);
  const r = await env.app.inject({ method: 'POST', url: '/api/signature-images', headers: { ...who.auth, ...b.headers }, payload: b.payload });
  assert.equal(r.statusCode, 201, r.body);
}

/** A commune People's Committee with its chairman (head), a clerk holding the seal, a recipient. */
async function commune(env: TestEnv, o: { leaderImage: boolean }) {
  const pki = testPki('Ủy ban nhân dân xã Sơn Hà');
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Hà', shortName: 'UBND', kind: 'government' });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn An', title: 'Chủ tịch' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const other = await buildUnit(env);
  await setPosition(env, admin, leader, 'head');
  assert.equal((await addAnchor(env, admin, pki.ca)).statusCode, 201);
  assert.equal((await installKey(env, leader, pki.leader, pki.ca, 'user')).statusCode, 201);
  assert.equal((await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  if (o.leaderImage) await installImage(env, leader, demoSignaturePng(7), 'user');
  await installImage(env, clerk, demoSealPng(), 'unit');
  return { pki, admin, unit, leader, clerk, other };
}

test('Decree 30 page: the leader signs with defaults — the image alone between "CHỦ TỊCH" and the name, the name printed once, TM. recorded; the seal overlaps its left third; pdfsig validates both', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env, { leaderImage: true });
  const d30 = await decree30Pdf();
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.other.id], files: [d30.pdf] });

  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: w.leader.auth });
  assert.equal(signed.statusCode, 200, signed.body);
  const body = signed.json();
  assert.equal(body.document.signedBy, w.leader.user.id);
  assert.equal(body.document.signerCompetence, 'TM');
  assert.equal(body.document.flowState, 'signed');
  assert.ok(body.document.signedAt);
  assert.deepEqual(
    { userId: body.signer.userId, fullName: body.signer.fullName, competence: body.signer.competence, appearance: body.signer.appearance },
    { userId: w.leader.user.id, fullName: 'Nguyễn Văn An', competence: 'TM', appearance: 'image' },
  );

  const { bytes } = await download(env, w.clerk, doc.id);
  // Where the page prints the block, from the signed file's own text layer.
  const lines = await textLines(bytes, { pages: [-1] });
  const position = lines.find((l) => l.text === 'CHỦ TỊCH')!;
  const name = lines.find((l) => l.text === 'Nguyễn Văn An')!;
  assert.ok(position && name);
  const leader = await widgetRect(bytes, 'LanhDaoKy');
  assert.ok(leader[1] > name.y + name.height * 0.5, `the signature (${leader}) is above the name's baseline ${name.y}`);
  assert.ok(leader[3] < position.y, `the signature (${leader}) is below the position's baseline ${position.y}`);
  const centre = (leader[0] + leader[2]) / 2;
  assert.ok(Math.abs(centre - (name.x + name.width / 2)) < 10, 'centred on the block');
  assert.ok(leader[3] - leader[1] >= 40, 'a signature of a useful height');
  // The name is the page's own: the appearance draws no text at all.
  assert.equal(count(await pdftotext(bytes), 'Nguyễn Văn An'), 1);
  const report = await pdfsig(bytes, w.pki.ca);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 1, report);

  // Signed once: a second signature is a 409 and changes nothing.
  const again = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: w.leader.auth, payload: { competence: 'KT' } });
  assert.equal(again.statusCode, 409, again.body);

  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: w.clerk.auth, payload: {} });
  assert.equal(issued.statusCode, 200, issued.body);
  const after = await download(env, w.clerk, doc.id);
  const seal = await widgetRect(after.bytes, 'DonViKy');
  const third = leader[0] + (leader[2] - leader[0]) / 3;
  assert.ok(seal[0] < leader[0] && Math.abs(seal[2] - third) < 0.5, `the seal (${seal}) ends a third into the signature (${leader})`);
  assert.ok(seal[1] < leader[3] && seal[3] > leader[1], 'the seal overlaps it vertically');
  assert.equal(count(await pdftotext(after.bytes), 'Nguyễn Văn An'), 1);
  const both = await pdfsig(after.bytes, w.pki.ca);
  assert.equal((both.match(/Signature is Valid/g) ?? []).length, 2, both);
  // GET says who signed, with the competence, after issue too.
  assert.equal(after.detail.document.signedBy, w.leader.user.id);
  assert.equal(after.detail.document.signerCompetence, 'TM');
  assert.equal(after.detail.events.find((e: { type: string }) => e.type === 'document.signed')?.data?.competence, 'TM');
  // edXML SignerInfo (QCVN 102) carries the signer of record with the competence line.
  const pkg = await env.app.inject({ url: `/api/documents/${doc.id}/edxml`, headers: w.clerk.auth });
  assert.equal(pkg.statusCode, 200, pkg.body.slice(0, 300));
  const info = /<(?:edXML:)?SignerInfo>([\s\S]*?)<\/(?:edXML:)?SignerInfo>/.exec(pkg.body)?.[1] ?? '';
  assert.match(info, /Competence>TM\. ỦY BAN NHÂN DÂN</);
  assert.match(info, /Position>Chủ tịch</);
  assert.match(info, /FullName>Nguyễn Văn An</);
});

test('no handwritten image installed: the printed block gets a short "Đã ký" in blue, never the title and name again', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env, { leaderImage: false });
  const d30 = await decree30Pdf();
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.other.id], files: [d30.pdf] });
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: w.leader.auth, payload: {} });
  assert.equal(signed.statusCode, 200, signed.body);
  const { bytes } = await download(env, w.clerk, doc.id);
  const text = await pdftotext(bytes);
  assert.equal(count(text, 'Nguyễn Văn An'), 1);
  assert.equal(count(text, 'Đã ký'), 1);
  assert.equal(count(text, 'CHỦ TỊCH'), count(await pdftotext(d30.pdf), 'CHỦ TỊCH'));
  const rect = await widgetRect(bytes, 'LanhDaoKy');
  assert.ok(rect[1] > d30.nameLine.y && rect[3] < d30.positionLine.y, `${rect} in the gap`);
});

test('a page without the printed block (or an explicit placement): the TEXT mode writes the competence lines, the image and the name', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env, { leaderImage: true });
  const { doc } = await buildDocument(env, { author: w.clerk, recipients: [w.other.id], files: [makePdf('Cong van khong co khoi chu ky')] });
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: w.leader.auth });
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json().signer.appearance, 'text');
  const { bytes } = await download(env, w.clerk, doc.id);
  const text = await pdftotext(bytes);
  assert.match(text, /TM\. ỦY BAN NHÂN DÂN\s+CHỦ TỊCH/);
  assert.equal(count(text, 'Nguyễn Văn An'), 1);

  // A Decree 30 page with an explicit placement: the box is where it was asked, with the full block.
  const d30 = await decree30Pdf();
  const placed = await buildDocument(env, { author: w.clerk, recipients: [w.other.id], files: [d30.pdf] });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${placed.doc.id}/sign`, headers: w.leader.auth, payload: { placement: { page: 0, x: 300, y: 60 } } });
  assert.equal(r.statusCode, 200, r.body);
  const rect = await widgetRect((await download(env, w.clerk, placed.doc.id)).bytes, 'LanhDaoKy');
  assert.deepEqual(rect.slice(0, 2), [300, 60]);
});

test('competence: defaults from the position (head of a collective TM., deputy KT., acting Q., by order TL., a delegation TUQ., head of a department none); the override; a bad value is 400 and writes nothing', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const ubnd = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND', kind: 'government' });
  const dept = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch', shortName: 'TCKH', kind: 'department', parentId: ubnd.id });
  const clerk = await buildUser(env, { unit: ubnd, roles: ['clerk'] });
  const other = await buildUnit(env);
  const person = async (unit: typeof ubnd, fullName: string, title: string, position: string | null, roles: Array<'leader' | 'officer'> = ['leader']) => {
    const u = await buildUser(env, { unit, roles, fullName, title });
    await setPosition(env, admin, u, position);
    assert.equal((await installKey(env, u, pki.issue({ commonName: fullName }), pki.ca, 'user')).statusCode, 201);
    return u;
  };
  const chair = await person(ubnd, 'Nguyễn Văn Chủ', 'Chủ tịch', 'head');
  const deputy = await person(ubnd, 'Trần Văn Phó', 'Phó Chủ tịch', 'deputy');
  const acting = await person(ubnd, 'Lê Văn Quyền', 'Phó Chủ tịch', 'acting');
  const byOrder = await person(ubnd, 'Phạm Thị Lệnh', 'Chánh Văn phòng', 'by_order');
  const officer = await person(ubnd, 'Đỗ Văn Ủy', 'Phó Chánh Văn phòng', null, ['officer']);
  const deptHead = await person(dept, 'Vũ Thị Trưởng', 'Trưởng phòng', 'head');
  const deptClerk = await buildUser(env, { unit: dept, roles: ['clerk'] });
  await addAnchor(env, admin, pki.ca);

  const draft = async (author = clerk) => (await buildDocument(env, { author, recipients: [other.id], files: [makePdf('Cong van')] })).doc;
  // (The deputy under a delegation signs a draft it wrote itself here; one the clerk wrote: the last test.)
  const signAs = async (who: TestUser, body?: object) => {
    const doc = await draft(who.unit.id === dept.id ? deptClerk : who.user.roles.includes('leader') ? clerk : who);
    const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: who.auth, ...(body ? { payload: body } : {}) });
    return { doc, r };
  };
  const expectSigned = async (who: TestUser, competence: string | null, text: RegExp[], body?: object) => {
    const { doc, r } = await signAs(who, body);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().document.signerCompetence, competence, who.user.fullName);
    assert.equal(r.json().document.signedBy, who.user.id);
    const pdf = (await download(env, who.unit.id === dept.id ? deptClerk : clerk, doc.id)).bytes;
    const words = (await pdftotext(pdf)).replace(/\s+/g, ' ');
    for (const re of text) assert.match(words, re, `${who.user.fullName}: ${words}`);
    return doc;
  };

  await expectSigned(chair, 'TM', [/TM\. ỦY BAN NHÂN DÂN CHỦ TỊCH .*Nguyễn Văn Chủ/]);
  await expectSigned(deputy, 'KT', [/TM\. ỦY BAN NHÂN DÂN KT\. CHỦ TỊCH PHÓ CHỦ TỊCH .*Trần Văn Phó/]);
  await expectSigned(acting, 'Q', [/TM\. ỦY BAN NHÂN DÂN Q\. CHỦ TỊCH .*Lê Văn Quyền/]);
  await expectSigned(byOrder, 'TL', [/TL\. CHỦ TỊCH CHÁNH VĂN PHÒNG .*Phạm Thị Lệnh/]);
  await expectSigned(deptHead, null, [/TRƯỞNG PHÒNG .*Vũ Thị Trưởng/]);
  // Overrides: another competence, or none at all.
  await expectSigned(deputy, 'TL', [/TL\. CHỦ TỊCH PHÓ CHỦ TỊCH/], { competence: 'TL' });
  const none = await expectSigned(chair, null, [/CHỦ TỊCH .*Nguyễn Văn Chủ/], { competence: null });
  assert.doesNotMatch((await pdftotext((await download(env, clerk, none.id)).bytes)), /TM\./);

  // A deputy holding the chairman's "sign" delegation today signs TUQ.; the signer of record is the deputy.
  const today = vnDate(env.clock());
  const del = await env.app.inject({ method: 'POST', url: '/api/delegations', headers: chair.auth, payload: { toUserId: officer.user.id, startsOn: today, endsOn: today, scopes: ['sign'] } });
  assert.equal(del.statusCode, 201, del.body);
  const tuq = await expectSigned(officer, 'TUQ', [/TUQ\. CHỦ TỊCH PHÓ CHÁNH VĂN PHÒNG .*Đỗ Văn Ủy/]);
  const detail = (await env.app.inject({ url: `/api/documents/${tuq.id}`, headers: clerk.auth })).json();
  assert.equal(detail.document.signedBy, officer.user.id);
  const event = detail.events.find((e: { type: string }) => e.type === 'document.signed');
  assert.equal(event.data.onBehalfOf, chair.user.id);
  assert.equal(event.data.competence, 'TUQ');

  // A bad competence: 400 naming it, nothing signed, nothing recorded.
  for (const competence of ['XX', 'tm', 3, '']) {
    const doc = await draft();
    const before = await download(env, clerk, doc.id);
    const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: chair.auth, payload: { competence } });
    assert.equal(r.statusCode, 400, r.body);
    assert.match(r.json().error.message, /competence/);
    const after = await download(env, clerk, doc.id);
    assert.equal(after.file.sha256, before.file.sha256);
    assert.equal(after.detail.document.signedBy, null);
    assert.equal(after.detail.document.signerCompetence, null);
    assert.equal(after.detail.events.filter((e: { type: string }) => e.type === 'document.signed').length, 0);
  }
});

test('the USB-token path gets the same look, competence and signer of record (image only on a Decree 30 page, the override kept from step 1 to step 2)', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env, { leaderImage: true });
  const d30 = await decree30Pdf();
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.other.id], files: [d30.pdf] });
  const token = w.pki.issue({ commonName: 'Nguyễn Văn An (USB token)' });
  const bad = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign/prepare`, headers: w.leader.auth, payload: { certificate: pem(token.certificate), competence: 'XX' } });
  assert.equal(bad.statusCode, 400, bad.body);
  const prep = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign/prepare`, headers: w.leader.auth, payload: { certificate: pem(token.certificate), competence: 'Q' } });
  assert.equal(prep.statusCode, 200, prep.body);
  const attrs = Buffer.from(prep.json().signedAttributes, 'base64');
  assert.equal(createHash('sha256').update(attrs).digest('base64'), prep.json().digest);
  const done = await env.app.inject({
    method: 'POST', url: `/api/documents/${doc.id}/sign/complete`, headers: w.leader.auth,
    payload: { handle: prep.json().handle, signature: sign('sha256', attrs, token.privateKeyPem).toString('base64'), chain: [pem(w.pki.ca.certificate)] },
  });
  assert.equal(done.statusCode, 200, done.body);
  assert.equal(done.json().document.signerCompetence, 'Q');
  assert.equal(done.json().document.signedBy, w.leader.user.id);
  assert.equal(done.json().document.flowState, 'signed');
  const { bytes } = await download(env, w.clerk, doc.id);
  const rect = await widgetRect(bytes, 'LanhDaoKy');
  assert.ok(rect[1] > d30.nameLine.y && rect[3] < d30.positionLine.y, `${rect} in the gap`);
  assert.equal(count(await pdftotext(bytes), 'Nguyễn Văn An'), 1);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: w.leader.auth })).statusCode, 409);
  // The leader box the seal will overlap is the image's rect.
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: w.clerk.auth, payload: {} });
  assert.equal(issued.statusCode, 200, issued.body);
  const seal = await widgetRect((await download(env, w.clerk, doc.id)).bytes, 'DonViKy');
  assert.ok(Math.abs(seal[2] - (rect[0] + (rect[2] - rect[0]) / 3)) < 0.5, `${seal} vs ${rect}`);
});

test('pure parts: the default competence, the lines of each, the head title, the block finder and the seal rect', () => {
  const d = (position: 'head' | 'deputy' | 'acting' | 'by_order' | null, unitKind: 'government' | 'council' | 'party' | 'department' | 'school', onBehalfOf: string | null = null) =>
    defaultCompetence({ position, unitKind, onBehalfOf });
  assert.equal(d('head', 'government'), 'TM');
  assert.equal(d('head', 'council'), 'TM');
  assert.equal(d('head', 'party'), 'TM');
  assert.equal(d('head', 'department'), null);
  assert.equal(d('head', 'school'), null);
  assert.equal(d('deputy', 'department'), 'KT');
  assert.equal(d('acting', 'government'), 'Q');
  assert.equal(d('by_order', 'government'), 'TL');
  assert.equal(d('deputy', 'government', 'someone'), 'TUQ');
  assert.equal(d(null, 'government'), null);

  assert.deepEqual(competenceLines({ competence: 'KT', unitKind: 'department', signerTitle: 'Phó Trưởng phòng', headTitle: 'Trưởng phòng' }), ['KT. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG']);
  assert.deepEqual(competenceLines({ competence: 'TM', unitKind: 'party', signerTitle: 'Bí thư', headTitle: 'Bí thư' }), ['T/M BAN THƯỜNG VỤ', 'BÍ THƯ']);
  assert.deepEqual(competenceLines({ competence: 'KT', unitKind: 'party', signerTitle: 'Phó Bí thư', headTitle: 'Bí thư' }), ['T/M BAN THƯỜNG VỤ', 'K/T BÍ THƯ', 'PHÓ BÍ THƯ']);
  assert.deepEqual(competenceLines({ competence: 'TM', unitKind: 'council', signerTitle: 'Chủ tịch', headTitle: 'Chủ tịch' }), ['TM. HỘI ĐỒNG NHÂN DÂN', 'CHỦ TỊCH']);
  assert.deepEqual(competenceLines({ competence: null, unitKind: 'school', signerTitle: '', headTitle: 'Hiệu trưởng' }), ['LÃNH ĐẠO']);
  assert.equal(headTitleFor({ signerTitle: 'Phó Chủ tịch', unitKind: 'government' }), 'Chủ tịch');
  assert.equal(headTitleFor({ signerTitle: 'Phó Hiệu trưởng', unitKind: 'school', headTitle: '' }), 'Hiệu trưởng');
  assert.equal(headTitleFor({ signerTitle: 'Chánh Văn phòng', unitKind: 'party' }), 'Bí thư');
  assert.equal(headTitleFor({ signerTitle: 'Chánh Văn phòng', unitKind: 'government', headTitle: 'Chủ tịch UBND' }), 'Chủ tịch UBND');

  const line = (text: string, x: number, y: number, width = 100) => ({ text, x, y, width, height: 13 });
  const lines = [line('TM. ỦY BAN NHÂN DÂN', 340, 300, 150), line('CHỦ TỊCH', 380, 283, 70), line('Nơi nhận:', 60, 300), line('Nguyễn Văn An', 365, 200)];
  const block = findSignatureBlock(lines, 'nguyễn  văn an')!;
  assert.equal(block.position.text, 'CHỦ TỊCH');
  assert.equal(block.name.text, 'Nguyễn Văn An');
  assert.equal(findSignatureBlock(lines, 'Trần Văn Bình'), null, 'another name: no block');
  assert.equal(findSignatureBlock([line('Chủ tịch', 380, 283), line('Nguyễn Văn An', 365, 200)], 'Nguyễn Văn An'), null, 'not in capitals');
  assert.equal(findSignatureBlock([line('CHỦ TỊCH', 380, 215), line('Nguyễn Văn An', 365, 200)], 'Nguyễn Văn An'), null, 'no room between');
  const rect = imageOnlyRect(block, demoSignaturePng(1));
  assert.ok(rect[1] > 200 && rect[3] < 283);
  assert.ok(Math.abs((rect[0] + rect[2]) / 2 - 415) < 0.01, 'centred between the centres of the two lines');
  assert.ok(Math.abs((rect[2] - rect[0]) / (rect[3] - rect[1]) - 3) < 0.01, 'the image keeps its 3:1 aspect');
  const seal = sealRect(rect);
  assert.equal(seal[2], rect[0] + (rect[2] - rect[0]) / 3);
});

test('a deputy holding a "sign" delegation opens and signs a draft the clerk wrote: TUQ., the deputy is the signer of record', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { kind: 'government' });
  const chair = await buildUser(env, { unit, roles: ['leader'], title: 'Chủ tịch' });
  const deputy = await buildUser(env, { unit, roles: ['officer'], title: 'Phó Chủ tịch' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  await addAnchor(env, admin, pki.ca);
  assert.equal((await installKey(env, deputy, pki.issue({ commonName: 'Phó' }), pki.ca, 'user')).statusCode, 201);
  const today = vnDate(env.clock());
  await env.app.inject({ method: 'POST', url: '/api/delegations', headers: chair.auth, payload: { toUserId: deputy.user.id, startsOn: today, endsOn: today, scopes: ['sign'] } });
  const { doc } = await buildDocument(env, { author: clerk, recipients: [(await buildUnit(env)).id] });
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: deputy.auth })).statusCode, 200);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: deputy.auth });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.signerCompetence, 'TUQ');
  assert.equal(r.json().document.signedBy, deputy.user.id);
});
