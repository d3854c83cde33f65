import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash, sign } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { installKey, pem } from './helpers/signing.js';
import { vnDate } from '../src/lib/time.js';
import { listen, waitFor } from './helpers/sockets.js';
import { audit, countScripts, hasChromium, inkedPixels, launch, PHONE, twoPagePdf, watchErrors } from './helpers/web.js';
import { district, issue, login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test('the mobile web app at 390×844: flash alarm, acknowledge, reader, offline, leader, secretary', { skip, timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t, { alarmRepeatSeconds: 30, alarmTickMs: 200 }, { realClock: true });
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const base = await listen(env);
  const d = await district(env);
  mark('district ready');
  const browser = await launch();
  mark('browser launched');
  t.after(() => browser.close());
  const errors: string[] = [];
  let offline = false;
  const phone = async (who: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    watchErrors(page, who, errors, () => offline);
    return { context, page };
  };
  const checkAudit = async (page: Page, where: string) => assert.deepEqual(await audit(page), [], `accessibility/layout problems on ${where}`);

  // Older mail so the inbox is not empty.
  await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Về việc báo cáo kết quả thu ngân sách quý III' });

  // Commune official; the first load's JavaScript is counted (gzip) and served gzip.
  const official = await phone('official');
  const firstLoad = countScripts(official.page);
  const home = await official.page.goto(`${base}/`);
  assert.match(home!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  await official.page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
  const js = await firstLoad();
  t.diagnostic(`first-load JavaScript: ${(js.total / 1024).toFixed(1)} KB gzipped in ${js.files.length} files`);
  assert.ok(js.total < 200 * 1024, `first load ${js.total} bytes of gzipped JS`);
  assert.ok(!js.files.some((f) => /pdf\.(min|worker)/.test(f.url)), 'pdf.js is not part of the first load');
  const gz = await fetch(`${base}/vendor/preact.mjs`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal((await fetch(`${base}/app/..%2F..%2Fplugin.ts`)).status, 404);
  await login(official.page, base, 'canbo.sontay');
  await official.page.getByText('Về việc báo cáo kết quả thu ngân sách quý III').waitFor();
  await checkAudit(official.page, 'the inbox');
  mark('official logged in');

  // Installable: a manifest with icons, a service worker in control with the shell's version.
  const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, 'standalone');
  assert.ok(['192x192', '512x512'].every((size) => manifest.icons.some((i: { sizes: string; type: string }) => i.sizes === size && i.type === 'image/png')));
  const sw = await (await fetch(`${base}/sw.js`)).text();
  assert.match(sw, /const VERSION = "[0-9a-f]{16}"/);
  assert.match(sw, /"\/app\/main\.js"/);

  // Pull to refresh: a downward drag at the top of the list fetches the inbox again.
  let inboxFetches = 0;
  official.page.on('request', (r) => void (r.url().includes('/api/inbox?limit') && inboxFetches++));
  const touch = await official.context.newCDPSession(official.page);
  await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 195, y: 260 }] });
  for (const y of [290, 330, 370, 410]) await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 195, y }] });
  await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await waitFor(() => inboxFetches > 0, 3000, 'the inbox fetched after pulling down');

  // A flash dispatch (20 MB, signed) issued through the API: the alarm is up within 2 s, no reload.
  await official.page.evaluate(() => ((window as any).__noReload = true));
  const bigPdf = twoPagePdf('CONG DIEN HOA TOC', 20 * 1024 * 1024);
  const flash = await issue(env, { clerk: d.clerk, leader: d.leader, recipients: [d.sonTay.id, d.haThanh.id], subject: 'Công điện hỏa tốc về việc ứng phó bão số 3', urgency: 'flash', files: [bigPdf] });
  const alarm = official.page.getByRole('alertdialog');
  await alarm.waitFor({ timeout: 2000 });
  t.diagnostic(`alarm shown ${Date.now() - flash.started} ms after the issue request started`);
  assert.match(await alarm.innerText(), /HỎA TỐC[\s\S]*Công điện hỏa tốc về việc ứng phó bão số 3/);
  await shot(official.page, 'alarm');
  await checkAudit(official.page, 'the alarm');
  await official.page.getByRole('button', { name: 'Đã nhận', exact: true }).click();
  await alarm.waitFor({ state: 'hidden' });
  const afterAck = await tracking(env, d.clerk, flash.id);
  assert.ok(afterAck.find((r) => r.unit.id === d.sonTay.id)!.acknowledgedAt, "the issuer's tracking shows the acknowledgement");
  assert.equal(afterAck.find((r) => r.unit.id === d.haThanh.id)!.acknowledgedAt, null);
  await official.page.locator('.doc-item .badge-ack').waitFor();
  assert.equal(await official.page.evaluate(() => (window as any).__noReload), true);
  await shot(official.page, 'inbox');
  mark('flash acknowledged');

  // Reading: page 1 drawn from its page image (issue 14; or a few Range requests of the 20 MB file),
  // never from the whole file; the verdict in plain words.
  const ranges: number[] = [];
  let whole = 0;
  official.page.on('response', (res) => {
    if (!res.url().includes('/files/')) return;
    if (res.request().headers().range || /\/pages\/\d+\.jpg/.test(res.url())) ranges.push(Number(res.headers()['content-length'] ?? 0));
    else whole++;
  });
  await official.page.getByText('Công điện hỏa tốc về việc ứng phó bão số 3').click();
  await official.page.locator('.pdf[data-rendered="1"]').waitFor({ timeout: 15_000 });
  assert.ok((await inkedPixels(official.page)) > 500, 'page 1 is drawn');
  const rangeBytes = ranges.reduce((s, n) => s + n, 0);
  t.diagnostic(`page 1 of a ${(bigPdf.length / 1048576).toFixed(0)} MB PDF drawn from ${ranges.length} page image or Range responses, ${(rangeBytes / 1024).toFixed(0)} KB`);
  assert.ok(ranges.length > 0 && rangeBytes < 2 * 1024 * 1024 && whole === 0, 'read from a page image or Range requests, not the whole file');
  const verdict = await official.page.locator('[data-verdict]').innerText();
  assert.match(verdict, /Chữ ký hợp lệ — Nguyễn Văn Hùng, Ủy ban nhân dân huyện Thử/);
  await official.page.locator('.pdf[data-offline-ready="1"]').waitFor({ timeout: 20_000 });
  await shot(official.page, 'reader');
  await checkAudit(official.page, 'the reader');
  mark('reader done');
  const readerHash = await official.page.evaluate(() => location.hash);

  // Offline: the shell and that document still open.
  offline = true;
  await official.context.setOffline(true);
  await official.page.evaluate(() => (location.hash = '#/inbox'));
  await official.page.reload();
  await official.page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  await official.page.getByText('Ngoại tuyến').first().waitFor();
  await official.page.evaluate((h) => (location.hash = h), readerHash);
  await official.page.locator('.pdf[data-rendered="1"]').waitFor({ timeout: 15_000 });
  assert.ok((await inkedPixels(official.page)) > 500, 'page 1 drawn offline from the kept copy');
  assert.equal(await official.page.locator('.pdf').getAttribute('data-source'), 'saved');
  assert.match(await official.page.locator('[data-verdict]').innerText(), /Chữ ký hợp lệ/);
  await official.page.locator('canvas.pdf-canvas').scrollIntoViewIfNeeded();
  await shot(official.page, 'reader-offline');

  mark('offline done');
  // Back online after missing a dispatch: it arrives through sync, without a reload.
  await official.page.evaluate(() => {
    (window as any).__noReload = true;
    location.hash = '#/inbox';
  });
  env.app.io.sockets.sockets.forEach((s) => s.conn.close());
  const missed = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Thông báo lịch tiếp công dân tháng 12' });
  await official.context.setOffline(false);
  offline = false;
  await official.page.getByText('Thông báo lịch tiếp công dân tháng 12').waitFor({ timeout: 15_000 });
  assert.equal(await official.page.evaluate(() => (window as any).__noReload), true);
  assert.ok(missed.id);

  mark('reconnect done');
  // The commune leader: directs and assigns to a department with a deadline; sees overdue work.
  const late = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Về việc rà soát hộ nghèo năm 2025' });
  const lateDelivery = (await tracking(env, d.clerk, late.id))[0]!.deliveryId;
  const flashDelivery = (await tracking(env, d.clerk, flash.id)).find((r) => r.unit.id === d.sonTay.id)!.deliveryId;
  for (const id of [lateDelivery, flashDelivery]) {
    assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${id}/accept`, headers: d.communeClerk.auth })).statusCode, 200);
  }
  const assigned = await env.app.inject({ method: 'POST', url: `/api/deliveries/${lateDelivery}/assign`, headers: d.communeLeader.auth, payload: { direction: 'VP rà soát, báo cáo', lead: { unitId: d.office.id, dueDate: '2024-01-15' } } });
  assert.equal(assigned.statusCode, 201, assigned.body);
  const leader = await phone('leader');
  await login(leader.page, base, 'chutich.sontay');
  await leader.page.getByText('Công điện hỏa tốc về việc ứng phó bão số 3').click();
  await leader.page.getByLabel('Bút phê (ý kiến chỉ đạo)').fill('Giao Văn phòng chủ trì triển khai ngay, báo cáo kết quả.');
  await leader.page.getByLabel('Đơn vị chủ trì').selectOption({ label: 'Văn phòng UBND xã Sơn Tây' });
  await leader.page.getByLabel('Hạn xử lý').fill('2030-06-30');
  await checkAudit(leader.page, 'the assignment form');
  await leader.page.getByRole('button', { name: 'Giao việc' }).click();
  await leader.page.getByText('Đã giao việc').first().waitFor();
  assert.equal((await tracking(env, d.clerk, flash.id)).find((r) => r.unit.id === d.sonTay.id)!.status, 'assigned');
  await leader.page.getByRole('link', { name: 'Công việc' }).click();
  await leader.page.getByRole('tab', { name: 'Quá hạn' }).click();
  const overdue = leader.page.locator('[data-overdue="1"]');
  await overdue.first().waitFor();
  assert.match(await overdue.first().innerText(), /Về việc rà soát hộ nghèo năm 2025[\s\S]*15\/01\/2024/);
  await shot(leader.page, 'work-overdue');
  await checkAudit(leader.page, 'the work list');

  mark('leader done');
  // The secretary drafts, uploads with progress, the district leader signs, the secretary issues to 3 units.
  const clerk = await phone('clerk');
  await login(clerk.page, base, 'vanthu.huyen');
  await clerk.page.getByRole('link', { name: 'Soạn mới' }).click();
  await clerk.page.getByLabel('Trích yếu').fill('Về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc');
  await clerk.page.getByText('Khẩn', { exact: true }).click();
  for (const q of ['son tay', 'ha thanh', 'son ha']) {
    await clerk.page.getByLabel('Tìm đơn vị (không cần dấu)').fill(q);
    await clerk.page.locator('.unit-tree input[type="checkbox"]').first().check();
  }
  await clerk.page.getByText('Đã chọn 3 đơn vị').waitFor();
  await clerk.page.getByLabel('Tìm đơn vị (không cần dấu)').fill('');
  await checkAudit(clerk.page, 'the draft form');
  await clerk.page.getByLabel('Tệp PDF (tệp đầu là văn bản chính)').setInputFiles({ name: 'ngay-hoi.pdf', mimeType: 'application/pdf', buffer: makePdf('Ngay hoi Dai doan ket', 3 * 1024 * 1024) });
  const cdp = await clerk.context.newCDPSession(clerk.page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  await clerk.page.evaluate(() => {
    const seen: number[] = ((window as any).__progress = []);
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]');
      if (bar) seen.push(Number(bar.getAttribute('aria-valuenow')));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await clerk.page.getByRole('button', { name: 'Lưu dự thảo và tải tệp lên' }).click();
  await clerk.page.waitForFunction(() => Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')) > 20);
  await shot(clerk.page, 'upload-progress');
  await clerk.page.getByRole('button', { name: 'Cấp số và ban hành' }).waitFor({ timeout: 20_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const progress: number[] = await clerk.page.evaluate(() => (window as any).__progress);
  assert.ok(progress.some((p) => p > 0 && p < 100) && progress.includes(100), `progress shown while uploading: ${progress.join(',')}`);
  const draftId = (await clerk.page.evaluate(() => location.hash)).split('/')[2]!;

  mark('upload done');
  const signer = await phone('district-leader');
  await login(signer.page, base, 'chutich.huyen');
  await signer.page.goto(`${base}/#/documents/${draftId}`);
  await signer.page.getByRole('button', { name: 'Ký bằng chứng thư lưu trên máy chủ' }).click();
  await signer.page.locator('[data-verdict="valid"]').waitFor();
  assert.match(await signer.page.locator('[data-verdict]').innerText(), /Chữ ký hợp lệ — Nguyễn Văn Hùng/);

  // Two-step signing with a USB token: the app shows the data to sign, the token's software
  // (here node:crypto with the token's key) signs it, the app completes.
  const usb = d.pki.issue({ commonName: 'Nguyễn Văn Hùng (USB token)' });
  const { doc: tokenDraft } = await buildDocument(env, { author: d.clerk, recipients: [d.sonTay.id], subject: 'Kế hoạch phòng chống thiên tai năm 2026', type: 'KH' });
  await signer.page.goto(`${base}/#/documents/${tokenDraft.id}`);
  await signer.page.getByText('Ký bằng USB token (2 bước)').click();
  await signer.page.getByLabel('Chứng thư số của token').setInputFiles({ name: 'token.cer', mimeType: 'application/x-x509-ca-cert', buffer: Buffer.from(pem(usb.certificate)) });
  await signer.page.getByRole('button', { name: 'Lấy dữ liệu cần ký' }).click();
  const toSign = Buffer.from(await signer.page.getByLabel('Dữ liệu cần ký (base64)').inputValue(), 'base64');
  assert.ok(toSign.length > 32 && createHash('sha256').update(toSign).digest().length === 32);
  await signer.page.getByLabel('Chữ ký (base64) từ token').fill(sign('sha256', toSign, usb.privateKeyPem).toString('base64'));
  await signer.page.getByLabel('Chứng thư trung gian (PEM, nếu có)').fill(pem(d.pki.ca.certificate));
  await checkAudit(signer.page, 'two-step signing');
  await signer.page.getByRole('button', { name: 'Hoàn tất ký' }).click();
  await signer.page.locator('[data-verdict="valid"]').waitFor();
  assert.match(await signer.page.locator('[data-verdict]').innerText(), /Chữ ký hợp lệ — Nguyễn Văn Hùng \(USB token\)/);

  await clerk.page.reload();
  await clerk.page.locator('[data-verdict="valid"]').waitFor();
  await clerk.page.getByRole('button', { name: 'Cấp số và ban hành' }).click();
  await clerk.page.getByRole('heading', { name: 'Tình hình xử lý ở nơi nhận' }).waitFor();
  const rows = clerk.page.locator('li.track');
  await rows.nth(2).waitFor();
  assert.equal(await rows.count(), 3);
  assert.equal(await clerk.page.locator('li.track[data-read="1"]').count(), 0);
  // A recipient reads it (opens the file): the secretary's tracking changes live.
  const delivered = await tracking(env, d.clerk, draftId);
  const detail = (await env.app.inject({ url: `/api/documents/${draftId}`, headers: d.communeClerk.auth })).json();
  const file = await env.app.inject({ url: `/api/documents/${draftId}/files/${detail.files[0].id}`, headers: d.communeClerk.auth });
  assert.equal(file.statusCode, 200);
  await clerk.page.locator('li.track[data-read="1"]').waitFor({ timeout: 3000 });
  assert.match(await clerk.page.locator('li.track[data-read="1"]').innerText(), /Sơn Tây[\s\S]*Đã xem/);
  assert.equal(delivered.length, 3);
  await shot(clerk.page, 'tracking');
  await checkAudit(clerk.page, 'tracking');

  mark('tracking done');
  // English is one tap away; 360 px wide still has no horizontal scrolling.
  await official.page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await official.page.getByRole('heading', { name: 'Incoming' }).waitFor();
  await official.page.setViewportSize({ width: 360, height: 740 });
  await checkAudit(official.page, 'the inbox in English at 360 px');

  assert.deepEqual(errors, [], 'no console errors');
});

// The buttons follow the server's `can`, not the app's reading of roles: a deputy who is not a
// leader but holds today's "sign" delegation sees the Sign panel on a draft and signs; an officer
// without one (and the secretary) does not see it.
test("buttons come from the server's can: a deputy with a sign delegation signs a draft, an officer without one sees no Sign button", { skip, timeout: 90_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  const deputy = await buildUser(env, { unit: d.huyen, roles: ['officer'], username: 'phochutich.huyen', fullName: 'Lê Thị Phương', title: 'Phó Chủ tịch' });
  const officer = await buildUser(env, { unit: d.huyen, roles: ['officer'], username: 'chuyenvien.huyen', fullName: 'Hoàng Văn Nam' });
  const deputyKey = d.pki.issue({ commonName: 'Lê Thị Phương', organization: 'Ủy ban nhân dân huyện Thử', organizationalUnit: 'Phó Chủ tịch' });
  assert.equal((await installKey(env, deputy, deputyKey, d.pki.ca, 'user')).statusCode, 201);
  const today = vnDate(new Date());
  const delegation = await env.app.inject({
    method: 'POST', url: '/api/delegations', headers: d.leader.auth,
    payload: { toUserId: deputy.user.id, startsOn: today, endsOn: today, scopes: ['sign'] },
  });
  assert.equal(delegation.statusCode, 201, delegation.body);
  // Written by the officer: a draft is seen by its author, the unit's leaders and clerks (and a deputy holding a sign delegation), not by other officers.
  const { doc: draft } = await buildDocument(env, { author: officer, recipients: [d.sonTay.id], subject: 'Về việc phân công trực Tết Nguyên đán' });
  const can = async (who: typeof officer) => (await env.app.inject({ url: `/api/documents/${draft.id}`, headers: who.auth })).json().document.can;
  assert.equal((await can(deputy))?.sign, true, "the server's can: the deputy may sign");
  assert.equal((await can(officer))?.sign, false, "the server's can: the officer may not");

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const phone = async (who: string) => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    watchErrors(page, who, errors, () => false);
    return page;
  };
  const signButton = 'Ký bằng chứng thư lưu trên máy chủ';

  // The officer opens the draft they wrote: its title, verdict and file, but no Sign (nor Issue) button.
  const officerPage = await phone('officer');
  await login(officerPage, base, 'chuyenvien.huyen');
  await officerPage.goto(`${base}/#/documents/${draft.id}`);
  await officerPage.getByRole('heading', { name: 'Về việc phân công trực Tết Nguyên đán' }).waitFor();
  await officerPage.locator('[data-verdict="unsigned"]').waitFor();
  await officerPage.locator('.pdf[data-rendered="1"]').waitFor({ timeout: 15_000 });
  assert.equal(await officerPage.getByRole('button', { name: signButton }).count(), 0, 'no Sign button for an officer without a delegation');
  assert.equal(await officerPage.getByText('Ký bằng USB token (2 bước)').count(), 0);
  assert.equal(await officerPage.getByRole('button', { name: 'Cấp số và ban hành' }).count(), 0, 'issuing is the secretary’s');

  // The secretary sees Issue but not Sign.
  const clerkPage = await phone('clerk');
  await login(clerkPage, base, 'vanthu.huyen');
  await clerkPage.goto(`${base}/#/documents/${draft.id}`);
  await clerkPage.getByRole('button', { name: 'Cấp số và ban hành' }).waitFor();
  assert.equal(await clerkPage.getByRole('button', { name: signButton }).count(), 0, 'no Sign button for the secretary');

  // The deputy (an officer by role) signs with the certificate kept on the server.
  const deputyPage = await phone('deputy');
  await login(deputyPage, base, 'phochutich.huyen');
  await deputyPage.goto(`${base}/#/documents/${draft.id}`);
  await deputyPage.getByRole('button', { name: signButton }).click();
  await deputyPage.getByText('Đã ký số').first().waitFor();
  await deputyPage.locator('[data-verdict]:not([data-verdict="unsigned"])').waitFor();
  // Signed once by a leader's hand: the panel is gone (the server's can.sign is now false).
  await deputyPage.getByRole('button', { name: signButton }).waitFor({ state: 'detached' });
  const detail = (await env.app.inject({ url: `/api/documents/${draft.id}`, headers: d.clerk.auth })).json();
  const signers = (detail.signatures as Array<{ role: string; signer: string | null }>).filter((s) => s.role === 'main').map((s) => s.signer);
  assert.deepEqual(signers, ['Lê Thị Phương']);
  assert.equal(detail.document.can?.sign, false);
  await shot(deputyPage, 'deputy-signed');

  assert.deepEqual(errors, [], 'no console errors');
});
