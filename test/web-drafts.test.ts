// Trình ký in the web app (issue 12): an officer of a department drafts for its parent unit, the
// head of the department passes it on, the leader returns it once with a comment, the officer
// uploads v2 and submits again, the leader signs (one request however often the button is tapped),
// the clerk — whose page says "signed" without a reload — issues. Each person's "Chờ tôi xử lý"
// changes live when it is their turn. A draft no leader signed is issued only after the clerk
// confirms; a dead draft is deleted from the outbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { listen, waitFor } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, login, shot } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test("a department's people see the parent unit's people (to hand a draft to its leaders); a sibling's and an outsider's requests stay 404", async (t) => {
  const env = await buildTestEnv(t);
  const parent = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử' });
  const dept = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch', kind: 'department', parentId: parent.id });
  const sibling = await buildUnit(env, { name: 'Phòng Nội vụ', kind: 'department', parentId: parent.id });
  const leader = await buildUser(env, { unit: parent, roles: ['leader'], fullName: 'Nguyễn Văn Hùng' });
  const officer = await buildUser(env, { unit: dept, roles: ['officer'] });
  const head = await buildUser(env, { unit: dept, roles: ['leader'] });
  await buildUser(env, { unit: sibling, roles: ['officer'] });
  const stranger = await buildUser(env);
  for (const who of [officer, head]) {
    const r = await env.app.inject({ url: `/api/units/${parent.id}/users`, headers: who.auth });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().users.map((u: { id: string }) => u.id), [leader.user.id]);
  }
  assert.equal((await env.app.inject({ url: `/api/units/${sibling.id}/users`, headers: officer.auth })).statusCode, 404, 'a sibling department stays closed');
  assert.equal((await env.app.inject({ url: `/api/units/${parent.id}/users`, headers: stranger.auth })).statusCode, 404);
});

test('trình ký at 390 px: officer → head → leader (returns once, v2 uploaded) → leader signs once → clerk issues; "Chờ tôi xử lý" live for each', { skip, timeout: 240_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const base = await listen(env);
  const d = await district(env);
  const dept = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch', shortName: 'TCKH', kind: 'department', parentId: d.huyen.id });
  const author = await buildUser(env, { unit: dept, roles: ['officer'], username: 'chuyenvien.tckh', fullName: 'Lê Văn Tài' });
  const head = await buildUser(env, { unit: dept, roles: ['leader'], username: 'truongphong.tckh', fullName: 'Đỗ Thị Hạnh', title: 'Trưởng phòng' });

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const dialogs: Array<{ who: string; message: string }> = [];
  const phone = async (who: string, username: string): Promise<Page> => {
    const page = await (await browser.newContext(PHONE)).newPage();
    page.on('dialog', (dialog) => {
      dialogs.push({ who, message: dialog.message() });
      void dialog.accept();
    });
    watchErrors(page, who, errors, () => false);
    await login(page, base, username);
    // Nothing below may reload a page: what changes, changes live.
    await page.evaluate(() => ((window as any).__noReload = true));
    return page;
  };
  const noReload = async (page: Page) => assert.equal(await page.evaluate(() => (window as any).__noReload), true, 'the page was not reloaded');
  const checkAudit = async (page: Page, where: string) => assert.deepEqual(await audit(page), [], `accessibility/layout problems on ${where}`);
  const awaitingCount = (page: Page) => page.locator('.nav-badge').getAttribute('data-awaiting', { timeout: 1000 }).catch(() => null);

  const officer = await phone('officer', 'chuyenvien.tckh');
  const headPage = await phone('head', 'truongphong.tckh');
  const leader = await phone('leader', 'chutich.huyen');
  for (const p of [headPage, leader]) await p.getByRole('link', { name: 'Trình ký' }).click();
  await headPage.getByText('Không có dự thảo nào chờ bạn xử lý').waitFor();
  mark('four people logged in');

  // The officer drafts for the parent UBND. The first upload is refused (not a PDF): the draft is
  // kept, every field stays editable, and the retry saves the corrected subject and uploads.
  const subject = 'Về việc phân bổ dự toán ngân sách năm 2027';
  await officer.getByRole('link', { name: 'Soạn mới' }).click();
  await officer.getByLabel('Soạn cho').selectOption({ label: 'Ủy ban nhân dân huyện Thử' });
  await officer.getByLabel('Trích yếu').fill('Về việc phân bổ dự toán');
  await officer.getByLabel('Tìm đơn vị (không cần dấu)').fill('son tay');
  await officer.locator('.unit-tree input[type="checkbox"]').first().check();
  await officer.getByText('Đã chọn 1 đơn vị').waitFor();
  await officer.getByLabel('Tìm đơn vị (không cần dấu)').fill('');
  await officer.getByLabel('Hoặc tên nơi nhận bản giấy').fill('Công an huyện Thử');
  await officer.getByRole('button', { name: 'Thêm nơi nhận bản giấy' }).click();
  await officer.getByRole('button', { name: 'Bỏ Công an huyện Thử' }).waitFor();
  await checkAudit(officer, 'the draft form with Soạn cho and paper addressees');
  const fileInput = officer.getByLabel('Tệp PDF (tệp đầu là văn bản chính)');
  await fileInput.setInputFiles({ name: 'du-toan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Đây không phải là tệp PDF') });
  await officer.getByRole('button', { name: 'Lưu dự thảo và tải tệp lên' }).click();
  await officer.locator('[data-draft-kept]').waitFor();
  // The refused upload's 415 is what this step is about, not an error of the app.
  const refused = errors.findIndex((e) => e.startsWith('officer:') && e.includes('status of 415') && e.includes('/files'));
  if (refused >= 0) errors.splice(refused, 1);
  await officer.getByRole('alert').waitFor();
  assert.equal(await officer.getByLabel('Trích yếu').isEditable(), true, 'the subject stays editable after a refused upload');
  await officer.getByLabel('Trích yếu').fill(subject);
  await fileInput.setInputFiles({ name: 'du-toan-v1.pdf', mimeType: 'application/pdf', buffer: makePdf('Du toan ngan sach - ban 1') });
  await officer.getByRole('button', { name: 'Lưu và tải tệp lên lại' }).click();
  await officer.getByRole('heading', { name: subject }).waitFor({ timeout: 20_000 });
  const draftId = (await officer.evaluate(() => location.hash)).split('/')[2]!.split('?')[0]!;
  // As the author sees it (the leader sees it only while it is with the UBND: signing, signed, issued).
  const detail = async (who = author) => (await env.app.inject({ url: `/api/documents/${draftId}`, headers: who.auth })).json();
  const created = (await env.app.inject({ url: `/api/documents/${draftId}`, headers: head.auth })).json().document;
  assert.equal(created.issuerUnitId, d.huyen.id, 'drafted for the parent');
  assert.equal(created.draftingUnitId, dept.id);
  assert.deepEqual(created.paperRecipients.map((p: { name: string }) => p.name), ['Công an huyện Thử']);
  await officer.locator('[data-flow="drafting"][data-my-turn="1"]').waitFor();
  assert.match(await officer.locator('.flow').innerText(), /Đang soạn[\s\S]*Đến lượt bạn xử lý/);
  // Back to an empty form after success.
  await officer.getByRole('link', { name: 'Soạn mới' }).click();
  assert.equal(await officer.getByLabel('Trích yếu').inputValue(), '');
  await officer.goBack();
  await officer.getByRole('heading', { name: subject }).waitFor();
  mark('drafted after one refused upload');

  // Submitted to the head of the department: the head's list shows it at once, with its count.
  await officer.getByLabel('Trình cho').selectOption({ label: 'Đỗ Thị Hạnh (Trưởng phòng) — Phòng Tài chính - Kế hoạch' });
  await officer.getByRole('button', { name: 'Trình', exact: true }).click();
  await officer.locator('[data-flow="review"]').waitFor();
  assert.match(await officer.locator('.flow').innerText(), /Chờ trưởng phòng duyệt[\s\S]*Đang chờ: Đỗ Thị Hạnh/);
  await headPage.locator('[data-list="awaiting"]').getByText(subject).waitFor({ timeout: 5000 });
  assert.equal(await awaitingCount(headPage), '1');
  await noReload(headPage);
  await checkAudit(headPage, '"Chờ tôi xử lý"');
  await shot(headPage, 'drafts-awaiting');

  // The head passes it on to the UBND's chairman with a comment; the head's list empties, the leader's fills.
  await headPage.locator('[data-list="awaiting"]').getByText(subject).click();
  await headPage.locator('[data-flow="review"][data-my-turn="1"]').waitFor();
  await headPage.getByLabel('Chuyển cho').selectOption({ label: 'Nguyễn Văn Hùng (Chủ tịch) — Ủy ban nhân dân huyện Thử' });
  await headPage.locator('[data-step="approve"]').getByLabel('Ý kiến kèm theo (không bắt buộc)').fill('Đề nghị Chủ tịch xem xét, ký ban hành.');
  await checkAudit(headPage, 'the draft page of the reviewer');
  await shot(headPage, 'draft-review');
  await headPage.getByRole('button', { name: 'Chuyển lãnh đạo ký' }).click();
  await headPage.locator('[data-flow="signing"]').waitFor();
  await leader.locator('[data-list="awaiting"]').getByText(subject).waitFor({ timeout: 5000 });
  assert.equal(await awaitingCount(leader), '1');
  await headPage.locator('.nav-badge').waitFor({ state: 'detached' });
  await noReload(leader);
  mark('passed on to the leader');

  // The leader returns it with a comment: the officer's page says so live, and it is the officer's turn.
  await leader.locator('[data-list="awaiting"]').getByText(subject).click();
  await leader.locator('[data-flow="signing"][data-my-turn="1"]').waitFor();
  assert.match(await leader.locator('.flow').innerText(), /Chờ lãnh đạo ký[\s\S]*Đến lượt bạn xử lý/);
  // (the phone's offline copy is fetched once page 1 is on screen: let it finish while the draft is readable)
  await leader.locator('.pdf[data-offline-ready="1"]').first().waitFor({ timeout: 20_000 });
  await leader.locator('[data-step="return"] summary').click();
  await leader.getByLabel('Ý kiến khi trả lại (bắt buộc)').fill('Bổ sung căn cứ Nghị quyết của HĐND huyện ở đoạn 2.');
  await leader.locator('[data-step="return"] button[type="submit"]').click();
  // Back with its author, the draft leaves the leader's list (and the leader goes back to it).
  await leader.getByText('Không có dự thảo nào chờ bạn xử lý').waitFor();
  await officer.locator('[data-flow="returned"][data-my-turn="1"]').waitFor({ timeout: 5000 });
  assert.match(await officer.locator('.flow-return').innerText(), /Nguyễn Văn Hùng: Bổ sung căn cứ Nghị quyết/);
  assert.equal(await awaitingCount(officer), '1', "the returned draft is in the officer's list");
  await noReload(officer);
  mark('returned with a comment');

  // v2, viewable beside v1; then straight to the leader.
  await officer.getByLabel('Tải lên bản mới của văn bản chính (PDF)').setInputFiles({ name: 'du-toan-v2.pdf', mimeType: 'application/pdf', buffer: makePdf('Du toan ngan sach - ban 2') });
  await officer.getByRole('button', { name: 'Tải lên', exact: true }).click();
  await officer.locator('[data-versions="2"]').waitFor({ timeout: 15_000 });
  await officer.getByRole('button', { name: 'Xem bản 1' }).click();
  await officer.locator('.versions .pdf[data-rendered="1"]').waitFor({ timeout: 15_000 });
  const versions = (await detail()).files.find((f: { role: string }) => f.role === 'main').versions;
  assert.deepEqual(versions.map((v: { version: number; name: string }) => [v.version, v.name]), [[1, 'du-toan-v1.pdf'], [2, 'du-toan-v2.pdf']]);
  await checkAudit(officer, 'the returned draft with its versions');
  await shot(officer, 'draft-returned-versions');
  await officer.getByLabel('Trình cho').selectOption({ label: 'Nguyễn Văn Hùng (Chủ tịch) — Ủy ban nhân dân huyện Thử' });
  await officer.getByRole('button', { name: 'Trình', exact: true }).click();
  await officer.locator('[data-flow="signing"]').waitFor();
  await officer.locator('.nav-badge').waitFor({ state: 'detached' });
  await leader.getByRole('link', { name: 'Trình ký' }).click();
  await leader.locator('[data-list="awaiting"]').getByText(subject).waitFor({ timeout: 5000 });
  mark('v2 submitted');

  // The clerk has the draft open while the leader signs.
  const clerk = await phone('clerk', 'vanthu.huyen');
  await clerk.goto(`${base}/#/documents/${draftId}`);
  await clerk.locator('[data-verdict="unsigned"]').waitFor();
  await clerk.evaluate(() => ((window as any).__noReload = true));

  // The leader signs, with the competence line overridden, tapping twice: one request.
  await leader.locator('[data-list="awaiting"]').getByText(subject).click();
  const signRequests: string[] = [];
  leader.on('request', (r) => void (r.method() === 'POST' && /\/api\/documents\/[^/]+\/sign$/.test(r.url()) && signRequests.push(r.url())));
  await leader.getByText('Tùy chọn nâng cao').click();
  await leader.getByLabel('Thẩm quyền ký').selectOption({ label: 'TM. (thay mặt tập thể)' });
  await checkAudit(leader, 'the signing panel with its advanced options');
  await leader.getByRole('button', { name: 'Ký bằng chứng thư lưu trên máy chủ' }).dblclick();
  await leader.locator('[data-verdict="valid"]').waitFor({ timeout: 20_000 });
  await leader.getByRole('button', { name: 'Ký bằng chứng thư lưu trên máy chủ' }).waitFor({ state: 'detached' });
  assert.equal(signRequests.length, 1, `one sign request for two taps (${signRequests.length})`);
  await leader.locator('[data-flow="signed"]').waitFor();
  const signed = (await detail()).document;
  assert.equal(signed.signedBy, d.leader.user.id);
  assert.equal(signed.signerCompetence, 'TM');

  // The clerk's page says signed without a reload; the signed draft is in the clerk's list.
  await clerk.locator('[data-verdict="valid"]').waitFor({ timeout: 5000 });
  assert.match(await clerk.locator('[data-verdict]').innerText(), /Chữ ký hợp lệ — Nguyễn Văn Hùng/);
  await clerk.locator('[data-flow="signed"][data-my-turn="1"]').waitFor();
  assert.equal(await clerk.locator('[data-unsigned]').count(), 0, 'no "not signed" warning once signed');
  await noReload(clerk);
  assert.equal(await awaitingCount(clerk), '1');
  mark('signed');

  // The timeline: every step, with the comments and names.
  const timeline = await clerk.locator('.timeline').innerText();
  for (const line of [/Trình — Lê Văn Tài tới Đỗ Thị Hạnh/, /Chuyển ký — Đỗ Thị Hạnh tới Nguyễn Văn Hùng/, /Đề nghị Chủ tịch xem xét, ký ban hành\./,
    /Trả lại — Nguyễn Văn Hùng tới Lê Văn Tài/, /Bổ sung căn cứ Nghị quyết của HĐND huyện ở đoạn 2\./, /Trình — Lê Văn Tài tới Nguyễn Văn Hùng/]) {
    assert.match(timeline, line);
  }
  await checkAudit(clerk, 'the signed draft on the clerk\'s page');
  await shot(clerk, 'draft-signed-clerk');

  // Issued: no "not signed" question, only the usual one.
  await clerk.getByRole('button', { name: 'Cấp số và ban hành' }).click();
  await clerk.getByRole('heading', { name: 'Tình hình xử lý ở nơi nhận' }).waitFor({ timeout: 20_000 });
  const clerkDialogs = dialogs.filter((x) => x.who === 'clerk').map((x) => x.message);
  assert.deepEqual(clerkDialogs, ['Ban hành văn bản tới 1 đơn vị?']);
  assert.equal((await detail(d.leader)).document.status, 'issued');
  await clerk.locator('.nav-badge').waitFor({ state: 'detached' });
  mark('issued');

  assert.deepEqual([...errors], [], 'no console errors');
  await browser.close(); // before the server stops: no page keeps a connection open through its shutdown
});

test('an unsigned draft is issued only after the clerk confirms; a dead draft is deleted from the outbox', { skip, timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  const { doc: unsigned } = await buildDocument(env, { author: d.clerk, recipients: [d.sonTay.id], subject: 'Thông báo lịch trực cơ quan dịp Tết' });
  const { doc: dead } = await buildDocument(env, { author: d.clerk, recipients: [d.sonTay.id], subject: 'Dự thảo cũ không dùng nữa' });

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const page = await (await browser.newContext(PHONE)).newPage();
  watchErrors(page, 'clerk', errors, () => false);
  const answers: boolean[] = [];
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void (answers.shift() ? dialog.accept() : dialog.dismiss());
  });
  await login(page, base, 'vanthu.huyen');
  const status = async (id: string) => (await env.app.inject({ url: `/api/documents/${id}`, headers: d.clerk.auth })).json().document?.status;

  // Not signed: a warning on the page, and the question; "no" leaves it a draft.
  await page.goto(`${base}/#/documents/${unsigned.id}`);
  await page.locator('[data-unsigned]').waitFor();
  assert.match(await page.locator('[data-unsigned]').innerText(), /Văn bản chưa được lãnh đạo ký số/);
  answers.push(false);
  await page.getByRole('button', { name: 'Cấp số và ban hành' }).click();
  await waitFor(() => asked.length === 1, 5000, 'the question');
  assert.deepEqual(asked, ['Văn bản chưa được lãnh đạo ký số. Vẫn cấp số và ban hành?']);
  assert.equal(await status(unsigned.id), 'draft', 'refusing the question issues nothing');
  answers.push(true);
  await page.getByRole('button', { name: 'Cấp số và ban hành' }).click();
  await page.getByRole('heading', { name: 'Tình hình xử lý ở nơi nhận' }).waitFor({ timeout: 20_000 }).catch(async (err) => {
    await shot(page, 'fail-unsigned-issue');
    throw new Error(`${err.message}; asked: ${asked.join(' | ')}; page: ${await page.locator('main').innerText()}; server: ${env.logs.slice(-15).join('')}`);
  });
  assert.equal(await status(unsigned.id), 'issued');
  // A plain test PDF has no "Số:" and date lines: the number and date were not written onto it, and the page says so.
  await page.locator('[data-stamped="0"]').waitFor();

  // The outbox shows each draft's state; the dead one is deleted after a confirmation.
  await page.getByRole('link', { name: 'Văn bản đi' }).click();
  const row = page.locator(`[data-document="${dead.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Dự thảo[\s\S]*Đang soạn/);
  await checkOutbox(page);
  answers.push(true);
  await page.getByRole('button', { name: 'Xóa dự thảo: Dự thảo cũ không dùng nữa' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await env.app.inject({ url: `/api/documents/${dead.id}`, headers: d.clerk.auth })).statusCode, 404);
  assert.equal(asked.at(-1), 'Xóa dự thảo "Dự thảo cũ không dùng nữa"? Không thể khôi phục.');
  assert.deepEqual([...errors], [], 'no console errors');
  await browser.close();
});

async function checkOutbox(page: Page) {
  assert.deepEqual(await audit(page), [], 'accessibility/layout problems on the outbox');
  await shot(page, 'outbox-drafts');
}
