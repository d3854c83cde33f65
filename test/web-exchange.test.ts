import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { writeDocumentPackage, type SealKey } from '../src/modules/exchange/edxml/index.js';
import { syncDirectoryUnits } from '../src/modules/orgs/units.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import type { TestUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

/** Another system on the axis: a district with two communes (the province's directory). */
const SYSTEM = { systemId: 'qlvb-ky-anh', systemName: 'Hệ thống QLVB huyện Kỳ Anh' };
const KY_ANH = { organId: '000.00.50.H42', name: 'Ủy ban nhân dân huyện Kỳ Anh' };
const KY_BAC = { organId: '000.01.50.H42', name: 'Ủy ban nhân dân xã Kỳ Bắc' };
const KY_PHONG = { organId: '000.02.50.H42', name: 'Ủy ban nhân dân xã Kỳ Phong' };

async function bytes(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** A package from another system, registered by hand by a secretary (POST /api/exchange/edxml). */
async function receive(env: TestEnv, clerk: TestUser, o: { from: { organId: string; name: string }; to: string; number: string; subject: string; seal?: SealKey }) {
  const pkg = await bytes(writeDocumentPackage({
    from: { organId: o.from.organId, organName: o.from.name }, to: [{ organId: o.to }],
    documentId: `${o.from.organId},2026/11/30,${o.number}/UBND-VP`, code: { codeNumber: o.number, codeNotation: 'UBND-VP' },
    promulgationInfo: { place: 'Kỳ Anh', promulgationDate: '2026/11/30' }, documentType: { type: '1', typeName: 'Công văn' },
    subject: o.subject, otherInfo: { priority: 0 },
  }, [{ contentId: 'f1', name: 'cong-van.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf(o.subject.normalize('NFD').replace(/[^\x20-\x7e]/g, ''))]) }], o.seal ? { seal: o.seal } : {}));
  const r = await env.app.inject({ method: 'POST', url: '/api/exchange/edxml', headers: { ...clerk.auth, 'content-type': 'application/xml' }, payload: pkg });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().documentId as string;
}

test('liên thông in the web app at 390×844: other systems in the recipient picker, transport in tracking, the "Liên thông" mark and header seal on incoming', { skip, timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const t0 = Date.now();
  const mark = (what: string) => {
    const line = `${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`;
    t.diagnostic(line);
    if (process.env.WEB_TRACE) console.error(line);
  };
  const base = await listen(env);
  const d = await district(env);
  const synced = await syncDirectoryUnits(env.db, [
    { ...KY_ANH, parentOrganId: null, ...SYSTEM },
    { ...KY_BAC, parentOrganId: KY_ANH.organId, ...SYSTEM },
    { ...KY_PHONG, parentOrganId: KY_ANH.organId, ...SYSTEM },
  ], env.clock());
  assert.equal(synced.added, 3);

  mark('world ready');
  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  watchErrors(page, 'clerk', errors, () => false);
  const checkAudit = async (p: Page, where: string) => assert.deepEqual(await audit(p), [], `accessibility/layout problems on ${where}`);

  // The secretary drafts to a commune of ours and one of the other system.
  await login(page, base, 'vanthu.huyen');
  await page.getByRole('link', { name: 'Soạn mới' }).click();
  await page.getByLabel('Trích yếu').fill('Về việc phối hợp phòng chống dịch bệnh gia súc');
  const group = page.locator(`li.sys-group[data-system="${SYSTEM.systemName}"]`);
  const toggle = group.getByRole('button', { name: new RegExp(SYSTEM.systemName) });
  assert.match(await toggle.innerText(), /hệ thống khác/);
  assert.match(await toggle.innerText(), /3 đơn vị/);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('input[data-external="1"]').count(), 0, 'the group starts collapsed');
  await toggle.click();
  await page.getByRole('button', { name: `Mở ${KY_ANH.name}` }).click();
  for (const u of [KY_ANH, KY_BAC, KY_PHONG]) await group.getByText(u.name, { exact: true }).waitFor();
  await group.locator(`input[data-code="${KY_BAC.organId}"]`).check();
  // Searchable like the rest, with the other system's mark.
  await page.getByLabel('Tìm đơn vị (không cần dấu)').fill('ky phong');
  const hit = page.locator('.unit-tree li', { has: page.locator(`input[data-code="${KY_PHONG.organId}"]`) });
  assert.match(await hit.innerText(), new RegExp(`${KY_PHONG.name}[\\s\\S]*${SYSTEM.systemName} · hệ thống khác`));
  await page.getByLabel('Tìm đơn vị (không cần dấu)').fill('son tay');
  await page.locator(`.unit-tree input[data-code="${d.sonTay.code}"]`).check();
  await page.getByLabel('Tìm đơn vị (không cần dấu)').fill('');
  await page.getByText('Đã chọn 2 đơn vị').waitFor();
  assert.match(await page.locator('.chips').innerText(), new RegExp(`${KY_BAC.name} \\(${SYSTEM.systemName}\\)`));
  await page.locator('[data-via-axis="1"]').waitFor();
  await shot(page, 'exchange-compose');
  await checkAudit(page, 'the draft form with another system open');
  await page.setViewportSize({ width: 360, height: 740 });
  await checkAudit(page, 'the draft form at 360 px');
  await page.setViewportSize(PHONE.viewport);

  mark('recipients picked');
  await page.getByLabel('Tệp PDF (tệp đầu là văn bản chính)').setInputFiles({ name: 'phoi-hop.pdf', mimeType: 'application/pdf', buffer: makePdf('Phoi hop phong chong dich') });
  await page.getByRole('button', { name: 'Lưu dự thảo và tải tệp lên' }).click();
  await page.getByRole('button', { name: 'Cấp số và ban hành' }).click({ timeout: 20_000 });
  await page.getByRole('heading', { name: 'Tình hình xử lý ở nơi nhận' }).waitFor();
  const docId = (await page.evaluate(() => location.hash)).split('/')[2]!;
  const rows = await tracking(env, d.clerk, docId);
  const remote = rows.find((r) => r.unit.code === KY_BAC.organId)!;
  assert.equal(remote.unit.external, true);
  assert.equal(remote.transport, 'queued', 'no axis in this test: the package waits');
  // Its tracking row: the business status and "đang chuyển"; ours has no transport.
  const remoteRow = page.locator(`li.track[data-unit="${KY_BAC.organId}"]`);
  await remoteRow.waitFor();
  assert.equal(await remoteRow.getAttribute('data-transport'), 'queued');
  assert.match(await remoteRow.innerText(), new RegExp(`${KY_BAC.name}[\\s\\S]*${SYSTEM.systemName} · hệ thống khác[\\s\\S]*Đã đến[\\s\\S]*đang chuyển`));
  const ours = page.locator(`li.track[data-unit="${d.sonTay.code}"]`);
  assert.equal(await ours.locator('.badge-transport').count(), 0);
  await shot(page, 'exchange-tracking');
  await checkAudit(page, 'tracking with a recipient on another system');

  mark('issued, tracking shows the transport');
  // The axis reports a failure: "lỗi chuyển" with its reason (as a tooltip and a line below).
  await env.db.execute(sql`update exchange_outbox set transport = 'failed', transport_reason = 'Đơn vị nhận không còn trên trục' where document_id = ${docId}`);
  await page.reload();
  await page.locator(`li.track[data-unit="${KY_BAC.organId}"][data-transport="failed"]`).waitFor();
  const failed = remoteRow.locator('.badge-transport');
  assert.equal(await failed.innerText(), 'lỗi chuyển');
  assert.match((await failed.getAttribute('title')) ?? '', /Đơn vị nhận không còn trên trục/);
  assert.match(await remoteRow.innerText(), /Lý do lỗi chuyển: Đơn vị nhận không còn trên trục/);
  await checkAudit(page, 'tracking with a failed transfer');
  await env.db.execute(sql`update exchange_outbox set transport = 'delivered', transport_reason = null where document_id = ${docId}`);
  await page.reload();
  await page.locator(`li.track[data-unit="${KY_BAC.organId}"][data-transport="delivered"]`).waitFor();
  assert.equal(await remoteRow.locator('.badge-transport').innerText(), 'đã chuyển');

  // Incoming from the other system, registered by hand: one with the sender's seal on the header, one without.
  const seal = d.pki.issue({ commonName: KY_ANH.name, organization: KY_ANH.name });
  const sealed = await receive(env, d.clerk, { from: KY_ANH, to: d.huyen.code, number: '41', subject: 'Về việc phối hợp quản lý vùng giáp ranh', seal });
  const unsealed = await receive(env, d.clerk, { from: KY_BAC, to: d.huyen.code, number: '7', subject: 'Về việc đề nghị hỗ trợ giống cây trồng' });
  const sealedEvent = (await env.app.inject({ url: `/api/documents/${sealed}`, headers: d.clerk.auth })).json().events.find((e: { type: string }) => e.type === 'document.received');
  assert.deepEqual([sealedEvent.data.headerSignature.signed, sealedEvent.data.headerSignature.valid, sealedEvent.data.headerSignature.trusted], [true, true, true]);

  mark('packages registered');
  await page.getByRole('link', { name: 'Văn bản đến' }).click();
  const item = (subject: string) => page.locator('a.doc-item', { hasText: subject });
  await item('Về việc phối hợp quản lý vùng giáp ranh').locator('.badge-ext').waitFor();
  assert.equal(await item('Về việc phối hợp quản lý vùng giáp ranh').locator('.badge-ext').innerText(), `Liên thông — ${SYSTEM.systemName}`);
  assert.equal(await item('Về việc đề nghị hỗ trợ giống cây trồng').locator('.badge-ext').innerText(), `Liên thông — ${SYSTEM.systemName}`);
  await shot(page, 'exchange-inbox');
  await checkAudit(page, 'the inbox with documents from another system');

  // A sender the directory does not list yet arrives while the inbox is open: it is still marked.
  const stranger = await receive(env, d.clerk, { from: { organId: '000.00.77.H43', name: 'Sở Nông nghiệp tỉnh Quảng Bình' }, to: d.huyen.code, number: '12', subject: 'Về việc điều tra dịch hại cây trồng' });
  assert.ok(stranger);
  await item('Về việc điều tra dịch hại cây trồng').locator('.badge-ext').waitFor({ timeout: 10_000 });
  assert.match(await item('Về việc điều tra dịch hại cây trồng').locator('.badge-ext').innerText(), /^Liên thông — /);

  mark('inbox marks');
  // The reader: the mark, the sender, and the header seal's verdict.
  await item('Về việc phối hợp quản lý vùng giáp ranh').click();
  await page.getByRole('heading', { name: 'Về việc phối hợp quản lý vùng giáp ranh' }).waitFor();
  await page.locator('[data-header-seal="valid"]').waitFor();
  assert.match(await page.locator('[data-header-seal]').innerText(), /Gói tin có chữ ký số của cơ quan gửi/);
  assert.equal(await page.locator('.reader .badge-ext').innerText(), `Liên thông — ${SYSTEM.systemName}`);
  assert.match(await page.locator('.metas').innerText(), new RegExp(`Nơi gửi\\s+${KY_ANH.name}`));
  await page.locator('.pdf[data-rendered="1"]').waitFor({ timeout: 15_000 });
  await shot(page, 'exchange-reader');
  await checkAudit(page, 'the reader of a document from another system');
  await page.goto(`${base}/#/documents/${unsealed}`);
  await page.locator('[data-header-seal="unsigned"]').waitFor();
  assert.match(await page.locator('[data-header-seal]').innerText(), /Gói tin không có chữ ký số/);
  // Our own document has no such mark nor header verdict.
  await page.goto(`${base}/#/documents/${docId}`);
  await page.locator('[data-verdict]').waitFor();
  assert.equal(await page.locator('.reader .badge-ext, [data-header-seal]').count(), 0);

  mark('reader done');
  // English, 360 px wide: the same marks in English, no horizontal scrolling.
  await page.goto(`${base}/#/inbox`);
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { name: 'Incoming' }).waitFor();
  await page.setViewportSize({ width: 360, height: 740 });
  await item('Về việc phối hợp quản lý vùng giáp ranh').locator('.badge-ext', { hasText: `Inter-system — ${SYSTEM.systemName}` }).waitFor();
  await checkAudit(page, 'the inbox in English at 360 px');
  await page.goto(`${base}/#/tracking/${docId}`);
  await page.locator(`li.track[data-unit="${KY_BAC.organId}"] .badge-transport`, { hasText: 'transferred' }).waitFor();
  await checkAudit(page, 'tracking in English at 360 px');

  assert.deepEqual(errors, [], 'no console errors');
});
