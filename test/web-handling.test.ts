// Issue 12, the web app's handling at 390 px: the chairman of a commune with no departments writes a
// direction and assigns it to an officer found by typing her name without diacritics (and a
// colleague to cooperate); the officer sees it in "Công việc" with names, reports twice (the form
// empties each time, the reports are listed under the assignment); the document page shows the
// direction, who gave it, the lead, the deadline and both reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildTestEnv } from './helpers/app.js';
import { buildUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, issue, login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test('a commune chairman assigns to an officer by name; she reports twice; the document page shows the handling', { skip, timeout: 240_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  // Hà Thanh: a commune with no departments, only people.
  const chairman = await buildUser(env, { unit: d.haThanh, roles: ['leader'], username: 'chutich.hathanh', fullName: 'Lê Văn Thành', title: 'Chủ tịch UBND xã' });
  const clerk = await buildUser(env, { unit: d.haThanh, roles: ['clerk'], username: 'vanthu.hathanh', fullName: 'Vũ Thị Lan' });
  await buildUser(env, { unit: d.haThanh, roles: ['officer'], username: 'canbo.hung', fullName: 'Nguyễn Văn Hưng', title: 'Công chức Tư pháp' });
  await buildUser(env, { unit: d.haThanh, roles: ['officer'], username: 'canbo.binh', fullName: 'Ngô Văn Bình', title: 'Công chức Văn hóa - Xã hội' });
  await buildUser(env, { unit: d.haThanh, roles: ['officer'], username: 'canbo.huong', fullName: 'Đỗ Thị Hương', title: 'Công chức Lao động - Thương binh và Xã hội' });
  const subject = 'Về việc rà soát hộ nghèo, hộ cận nghèo năm 2026';
  const { id } = await issue(env, { clerk: d.clerk, recipients: [d.haThanh.id], subject });
  const deliveryId = (await tracking(env, d.clerk, id))[0]!.deliveryId as string;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const open = async (who: string) => {
    const page = await (await browser.newContext(PHONE)).newPage();
    watchErrors(page, who, errors, () => false);
    return page;
  };
  const direction = 'Giao đồng chí Hương chủ trì rà soát, đồng chí Bình phối hợp; báo cáo trước ngày 20/5.';

  // 1. The chairman: no dead end, people to choose from, found without diacritics.
  const leader = await open('chairman');
  await login(leader, base, 'chutich.hathanh');
  await leader.getByText(subject).click();
  const form = leader.locator('form[aria-labelledby="assign-title"]');
  await form.waitFor();
  assert.equal(await leader.getByText('Đơn vị chưa có phòng, ban để giao việc').count(), 0, 'no dead end for a commune');
  assert.equal(await form.locator('select').count(), 0, 'no department to choose: no department list');
  await form.getByLabel('Bút phê (ý kiến chỉ đạo)').fill(direction);
  const lead = form.getByTestId('lead-person');
  await lead.getByLabel('Tìm cán bộ theo tên (không cần dấu)').fill('huong');
  const leadChoices = (await lead.locator('label.check').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(leadChoices, ['Đỗ Thị Hương — Công chức Lao động - Thương binh và Xã hội'], '"huong" finds Hương, not Hưng');
  await lead.getByLabel('Đỗ Thị Hương').check();
  await form.getByLabel('Hạn xử lý').fill('2030-05-20');
  const coop = form.getByTestId('cooperating-people');
  assert.ok(!(await coop.innerText()).includes('Đỗ Thị Hương'), 'the lead is not offered as cooperating');
  await coop.getByLabel('Tìm cán bộ theo tên (không cần dấu)').fill('BINH');
  await coop.getByLabel('Ngô Văn Bình').check();
  await coop.getByLabel('Tìm cán bộ theo tên (không cần dấu)').fill('');
  assert.equal(await coop.getByLabel('Ngô Văn Bình').isChecked(), true, 'a chosen person stays chosen while searching');
  assert.deepEqual(await audit(leader), [], 'accessibility/layout problems on the assign form');
  await shot(leader, 'assign-commune-person');
  await form.getByRole('button', { name: 'Giao việc' }).click();
  await leader.getByText('Đã giao việc').first().waitFor();
  const handling = leader.getByTestId('handling');
  await handling.getByText(direction).waitFor();
  await checkHandling(leader, direction, 0);

  // The server recorded a person as lead, another as cooperating.
  const assigned = (await env.app.inject({ url: '/api/assignments', headers: chairman.auth })).json().items as Array<Record<string, unknown>>;
  assert.deepEqual(assigned.map((a) => [a.role, a.assigneeName]).sort(), [['cooperate', 'Ngô Văn Bình'], ['lead', 'Đỗ Thị Hương']]);

  // 2. The officer: "Công việc" names her and the document; two reports, the form empty after each.
  const officer = await open('officer');
  await login(officer, base, 'canbo.huong');
  await officer.goto(`${base}/#/work`);
  const card = officer.locator('.work-item').filter({ hasText: subject });
  await card.waitFor();
  const cardText = await card.innerText();
  assert.match(cardText, /Người\/đơn vị xử lý: Đỗ Thị Hương/);
  assert.ok(!cardText.includes('Cá nhân'), 'the name, not "Cá nhân"');
  assert.match(cardText, /Bút phê của Lê Văn Thành/);
  await card.locator('summary', { hasText: 'Báo cáo tiến độ' }).click();
  const note = card.getByLabel('Nội dung báo cáo');
  const reports = ['Đã làm việc với 5 thôn, đang tổng hợp danh sách.', 'Đã tổng hợp xong 124 hộ, gửi bản dự thảo báo cáo.'];
  for (const [i, text] of reports.entries()) {
    await note.fill(text);
    await card.locator('form button[type="submit"]').click();
    await card.locator('.report').nth(i).waitFor();
    assert.equal(await note.inputValue(), '', `the form is empty after report ${i + 1}`);
    assert.equal(await card.getByLabel('Đã hoàn thành').isChecked(), false);
  }
  const listed = await card.locator('.report-note').allInnerTexts();
  assert.deepEqual(listed, reports, 'both reports under the assignment, oldest first');
  assert.deepEqual(await audit(officer), [], 'accessibility/layout problems on Công việc');
  await shot(officer, 'work-reports');

  // 3. The document page lists the direction, the lead, the deadline and both reports — for her and for the chairman.
  await card.locator('a.doc-subject').click();
  await officer.getByTestId('handling').waitFor();
  await checkHandling(officer, direction, 2, reports);
  assert.deepEqual(await audit(officer), [], 'accessibility/layout problems on the document page');
  await shot(officer, 'document-handling');
  await leader.reload();
  await leader.getByTestId('handling').getByText(reports[1]!).waitFor();
  await checkHandling(leader, direction, 2, reports);
  // "Chờ tôi xử lý" (web-drafts) asks GET /api/documents?awaiting=me, which the trình ký backend
  // adds in the same issue: its 404 until then is not this test's concern.
  assert.deepEqual(errors.filter((e) => !/404 .*\/api\/documents\?awaiting=me/.test(e)), []);
});

async function checkHandling(page: Page, direction: string, n: number, reports: string[] = []) {
  const handling = page.getByTestId('handling');
  assert.equal(await handling.getByTestId('direction').innerText(), direction);
  assert.match(await handling.locator('.direction-by').innerText(), /Bút phê của Lê Văn Thành, \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  const leadCard = handling.locator('.assignee[data-role="lead"]');
  assert.equal(await leadCard.locator('.assignee-name').innerText(), 'Đỗ Thị Hương');
  assert.match(await leadCard.innerText(), /Chủ trì/);
  assert.match(await leadCard.innerText(), /Hạn xử lý: 20\/05\/2030/);
  assert.equal(await handling.locator('.assignee[data-role="cooperate"] .assignee-name').innerText(), 'Ngô Văn Bình');
  assert.equal(await leadCard.locator('.report').count(), n);
  if (n) {
    assert.deepEqual(await leadCard.locator('.report-note').allInnerTexts(), reports);
    for (const head of await leadCard.locator('.report-head').allInnerTexts()) assert.match(head, /^Đỗ Thị Hương · \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  }
}
