// Issue 12, the web app's paper and secret registers at 390 px: a commune's clerk registers a paper
// document from two phone photos (JPEG) from the inbox; it opens with its số đến, one PDF of two
// pages; the chairman then assigns it like any delivery. The secret register: the clerk enters a
// secret document (metadata only, with the warning), it is listed with its own number; the
// chairman sees the list without the form. The admin sets a unit's place name and Party term.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PDFDocument, rgb } from 'pdf-lib';
import { buildTestEnv } from './helpers/app.js';
import { buildUnit, buildUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, login, shot } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-web-paper-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A photo of a page as a phone would give it: poppler renders an A4 page to JPEG. */
async function photo(label: string, file: string): Promise<string> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 30, y: 560, width: 250, height: 250, color: rgb(0, 0, 0) });
  page.drawText(label, { x: 72, y: 300, size: 24 });
  const base = path.join(tmp, file);
  fs.writeFileSync(`${base}.pdf`, await doc.save());
  execFileSync('pdftoppm', ['-jpeg', '-r', '40', '-singlefile', `${base}.pdf`, base]);
  return `${base}.jpg`;
}

// "Chờ tôi xử lý" (web-drafts) asks GET /api/documents?awaiting=me, which the trình ký backend adds
// in the same issue: its 404 until then is not this test's concern.
const relevant = (errors: string[]) => errors.filter((e) => !/404 .*\/api\/documents\?awaiting=me/.test(e));

test('a clerk registers a paper document from two phone photos; it opens with its số đến and is assigned like any other', { skip, timeout: 240_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  const clerk = await buildUser(env, { unit: d.haThanh, roles: ['clerk'], username: 'vanthu.hathanh', fullName: 'Vũ Thị Lan' });
  await buildUser(env, { unit: d.haThanh, roles: ['leader'], username: 'chutich.hathanh', fullName: 'Lê Văn Thành' });
  await buildUser(env, { unit: d.haThanh, roles: ['officer'], username: 'canbo.huong', fullName: 'Đỗ Thị Hương' });
  const photos = [await photo('Trang 1', 'IMG_0001'), await photo('Trang 2', 'IMG_0002')];

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const open = async (who: string) => {
    const page = await (await browser.newContext(PHONE)).newPage();
    watchErrors(page, who, errors, () => false);
    return page;
  };

  const page = await open('clerk');
  await login(page, base, 'vanthu.hathanh');
  await page.getByRole('link', { name: 'Đăng ký văn bản giấy' }).click();
  await page.getByRole('heading', { name: 'Đăng ký văn bản giấy đến' }).waitFor();
  const subject = 'Về việc đề nghị hỗ trợ sửa chữa nhà văn hóa thôn Đông';
  await page.getByLabel('Loại văn bản').selectOption({ label: 'Công văn' });
  await page.getByLabel('Trích yếu').fill(subject);
  await page.getByLabel('Cơ quan, tổ chức gửi').fill('Ban công tác Mặt trận thôn Đông');
  await page.getByLabel('Số, ký hiệu (như in trên văn bản)').fill('07/BCTMT');
  await page.getByLabel('Ngày văn bản').fill('2026-11-20');
  const input = page.getByLabel('Ảnh chụp văn bản (chụp bằng máy ảnh) hoặc tệp PDF');
  assert.equal(await input.getAttribute('accept'), 'image/*,application/pdf');
  assert.notEqual(await input.getAttribute('capture'), null, 'the camera opens on a phone');
  assert.notEqual(await input.getAttribute('multiple'), null);
  // A phone's camera gives one photo per pick: two picks add up.
  await input.setInputFiles(photos[0]!);
  await page.getByLabel('Ảnh chụp văn bản (chụp bằng máy ảnh) hoặc tệp PDF').setInputFiles(photos[1]!);
  await page.getByText('Đã chọn 2 tệp').waitFor();
  assert.deepEqual(await page.locator('[data-testid="paper-files"] li span').allInnerTexts(), ['IMG_0001.jpg', 'IMG_0002.jpg']);
  assert.deepEqual(await audit(page), [], 'accessibility/layout problems on the paper form');
  await shot(page, 'paper-form');
  await page.getByRole('button', { name: 'Vào sổ văn bản đến' }).click();

  // The new document opens: its subject, its sender, its số đến.
  await page.getByRole('heading', { name: subject }).waitFor();
  assert.match(page.url(), /#\/documents\/[0-9a-f-]{36}\?d=[0-9a-f-]{36}$/);
  const documentId = /#\/documents\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const detail = (await env.app.inject({ url: `/api/documents/${documentId}`, headers: clerk.auth })).json();
  assert.equal(detail.files.length, 1, 'one PDF of the two photos');
  assert.equal(detail.document.subject, subject);

  // The chairman assigns it like any delivery.
  const leader = await open('chairman');
  await login(leader, base, 'chutich.hathanh');
  await leader.getByText(subject).click();
  const form = leader.locator('form[aria-labelledby="assign-title"]');
  await form.getByLabel('Bút phê (ý kiến chỉ đạo)').fill('Giao đồng chí Hương xem xét, đề xuất.');
  await form.getByTestId('lead-person').getByLabel('Tìm cán bộ theo tên (không cần dấu)').fill('do thi');
  await form.getByTestId('lead-person').getByLabel('Đỗ Thị Hương').check();
  await form.getByRole('button', { name: 'Giao việc' }).click();
  await leader.getByTestId('handling').locator('.assignee-name', { hasText: 'Đỗ Thị Hương' }).waitFor();

  // The clerk's page names the sender and shows the số đến (the clerk who registered it is a recipient, not its issuer).
  await page.reload();
  await page.getByTestId('handling').locator('.assignee-name', { hasText: 'Đỗ Thị Hương' }).waitFor();
  assert.match(await page.locator('.metas').innerText(), /Nơi gửi\s*Ban công tác Mặt trận thôn Đông/);
  await page.locator('.state-line', { hasText: 'Số đến: 1' }).waitFor({ timeout: 5000 });
  assert.deepEqual(await audit(page), [], 'accessibility/layout problems on the paper document');
  await shot(page, 'paper-document');
  assert.deepEqual(relevant(errors), []);
});

test('the secret register: the clerk enters metadata only (own series per direction), the chairman reads it; the admin sets a unit\'s place name and Party term', { skip, timeout: 240_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  await buildUser(env, { unit: d.haThanh, roles: ['clerk'], username: 'vanthu.hathanh', fullName: 'Vũ Thị Lan' });
  const chairman = await buildUser(env, { unit: d.haThanh, roles: ['leader'], username: 'chutich.hathanh', fullName: 'Lê Văn Thành' });
  const partyUnit = await buildUnit(env, { name: 'Đảng ủy xã Hà Thanh', shortName: 'ĐU', kind: 'party', parentId: d.huyen.id });
  await buildUser(env, { unit: d.huyen, roles: ['admin'], username: 'quantri.thu', fullName: 'Quản Trị Viên' });
  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const open = async (who: string) => {
    const page = await (await browser.newContext(PHONE)).newPage();
    watchErrors(page, who, errors, () => false);
    return page;
  };

  const page = await open('clerk');
  await login(page, base, 'vanthu.hathanh');
  await page.getByRole('link', { name: 'Sổ văn bản mật' }).click();
  await page.getByRole('heading', { name: 'Sổ đăng ký văn bản mật' }).waitFor();
  await page.getByText('Sổ chưa có văn bản nào').waitFor();
  await page.locator('summary', { hasText: 'Vào sổ văn bản mật' }).click();
  const form = page.locator('[data-form="secret-entry"] form');
  await page.getByText('Chỉ ghi thông tin vào sổ: hệ thống không lưu tệp hay nội dung văn bản mật').waitFor();
  assert.equal(await form.locator('input[type="file"]').count(), 0, 'no file can be given');
  const entries = [
    { direction: 'Văn bản mật đến', notation: '12/CV-CAH', subject: 'Về việc bảo đảm an ninh trật tự dịp Tết', counterpart: 'Công an huyện Thử', secrecy: 'Mật' },
    { direction: 'Văn bản mật đi', subject: 'Báo cáo tình hình an ninh nông thôn quý IV', counterpart: 'Huyện ủy Thử; Công an huyện Thử', secrecy: 'Tối mật' },
  ];
  for (const e of entries) {
    await form.locator('select[name="direction"]').selectOption({ label: e.direction });
    await form.getByLabel('Loại văn bản').selectOption({ label: 'Công văn' });
    if (e.notation) await form.getByLabel('Số, ký hiệu').fill(e.notation);
    else assert.equal(await form.getByLabel('Số, ký hiệu').count(), 0, 'an outgoing number is given by the register');
    await form.getByLabel('Trích yếu').fill(e.subject);
    await form.getByLabel(e.notation ? 'Tác giả (cơ quan gửi)' : 'Nơi nhận').fill(e.counterpart);
    await form.getByLabel('Độ mật').selectOption({ label: e.secrecy });
    await form.locator('button[type="submit"]').click();
    await page.locator('.secret-entry', { hasText: e.subject }).waitFor();
    assert.equal(await form.getByLabel('Trích yếu').inputValue(), '', 'the form is empty after success');
  }
  const listed = await page.locator('.secret-entry').allInnerTexts();
  assert.equal(listed.length, 2);
  assert.ok(listed.some((x) => /Văn bản mật đến/.test(x) && /Số 1 · 12\/CV-CAH — Công văn: Về việc bảo đảm an ninh trật tự dịp Tết/.test(x) && /Công an huyện Thử/.test(x)), listed.join('\n'));
  assert.ok(listed.some((x) => /Văn bản mật đi/.test(x) && /Tối mật/.test(x) && /Số 1\b/.test(x)), 'the outgoing series starts at 1 too');
  assert.deepEqual(await audit(page), [], 'accessibility/layout problems on the secret register');
  await shot(page, 'secret-register');

  const leader = await open('chairman');
  await login(leader, base, 'chutich.hathanh');
  await leader.getByRole('link', { name: 'Sổ văn bản mật' }).click();
  await leader.locator('.secret-entry').nth(1).waitFor();
  assert.equal(await leader.locator('[data-form="secret-entry"]').count(), 0, 'a leader reads, the clerk enters');
  assert.equal(await leader.getByRole('link', { name: 'Đăng ký văn bản giấy' }).count(), 0);
  assert.equal((await env.app.inject({ url: '/api/registers/secret', headers: chairman.auth })).json().entries.length, 2);

  // The admin: a Party unit's term and its start, and its place name.
  const admin = await open('admin');
  await login(admin, base, 'quantri.thu');
  await admin.goto(`${base}/#/admin/units`);
  const row = admin.locator('.admin-tree li', { hasText: 'Đảng ủy xã Hà Thanh' });
  await row.locator('summary').click();
  await row.getByLabel('Địa danh ghi ở dòng ngày tháng').fill('Hà Thanh');
  await row.getByLabel('Nhiệm kỳ (ví dụ 2025-2030)').fill('2025-2030');
  await row.getByLabel('Ngày bắt đầu nhiệm kỳ (ngày sau ngày bế mạc đại hội)').fill('2025-08-16');
  assert.deepEqual(await audit(admin), [], 'accessibility/layout problems on the unit settings');
  await row.getByRole('button', { name: 'Lưu' }).click();
  await admin.getByText('Đã lưu').first().waitFor();
  const saved = (await env.app.inject({ url: '/api/units', headers: chairman.auth })).json().units.find((u: { id: string }) => u.id === partyUnit.id);
  assert.deepEqual([saved.placeName, saved.partyTerm, saved.partyTermStartsOn], ['Hà Thanh', '2025-2030', '2025-08-16']);
  // A commune's People's Committee has no Party term: only its place name.
  const commune = admin.locator('.admin-tree li', { hasText: 'Ủy ban nhân dân xã Hà Thanh' });
  await commune.locator('summary').click();
  await commune.getByLabel('Địa danh ghi ở dòng ngày tháng').waitFor();
  assert.equal(await commune.getByLabel('Nhiệm kỳ (ví dụ 2025-2030)').count(), 0);
  assert.deepEqual(relevant(errors), []);
});
