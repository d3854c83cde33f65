// Issue 14 item 6 at 390 px: a district secretary sends to many units and follows them. The picker
// offers groups (all communes' People's Committees in one tap), keeps the secretary's own unit as
// one branch rather than its units as roots, keeps search at the top and folds the chosen units
// into a count; a saved group comes back. The tracking page opens with a summary whose counts match
// the API's tracking answer, filters by them, puts "chưa nhận" first and downloads the CSV.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { runAlarmTick } from '../src/modules/dispatch/alarms.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';
const relevant = (errors: string[]) => errors.filter((e) => !/404 .*\/api\/documents\?awaiting=me/.test(e));

const COMMUNES = ['Sơn Hà', 'Sơn Tây', 'Sơn Đông', 'Sơn Thành', 'Sơn Bình', 'Sơn Lâm', 'Sơn Phú', 'Sơn Thủy', 'Hà Thanh', 'Hà Lộc', 'Hà Trung', 'Hà Bắc', 'Tân Hiệp', 'Phú Mỹ', 'An Hòa', 'Đồng Tâm'];

/** A district like the demo's: its People's Committee with departments and 16 communes, a Party committee with the communes' ones, schools. No level is given: it is inferred. */
async function bigDistrict(env: TestEnv) {
  const huyen = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const huyenUy = await buildUnit(env, { name: 'Huyện ủy Thử', shortName: 'HU', kind: 'party' });
  const depts = [];
  for (const name of ['Phòng Nội vụ', 'Phòng Tài chính - Kế hoạch', 'Phòng Giáo dục và Đào tạo', 'Phòng Lao động - Thương binh và Xã hội']) {
    depts.push(await buildUnit(env, { name: `${name} huyện Thử`, shortName: 'P', kind: 'department', parentId: huyen.id }));
  }
  const schools = [];
  for (const name of ['Trường Tiểu học Sơn Tây', 'Trường Mầm non Hà Thanh', 'Trường Trung học cơ sở Sơn Hà']) {
    schools.push(await buildUnit(env, { name, shortName: 'T', kind: 'school', parentId: depts[2]!.id }));
  }
  const ubndXa = [];
  const dangUyXa = [];
  for (const c of COMMUNES) {
    ubndXa.push(await buildUnit(env, { name: `Ủy ban nhân dân xã ${c}`, shortName: 'UBND', parentId: huyen.id }));
    dangUyXa.push(await buildUnit(env, { name: `Đảng ủy xã ${c}`, shortName: 'ĐU', kind: 'party', parentId: huyenUy.id }));
  }
  const clerk = await buildUser(env, { unit: huyen, roles: ['clerk'], username: 'vanthu.huyen', fullName: 'Trần Thị Mai' });
  return { huyen, huyenUy, depts, schools, ubndXa, dangUyXa, clerk };
}

/** The summary's six counts from the API's tracking answer, by the rules the issue states. */
function expectedCounts(rows: Array<Record<string, any>>) {
  const received = (d: Record<string, any>) => Boolean(d.readAt || d.acknowledgedAt) || !['delivered', 'recalled'].includes(d.status);
  return {
    all: rows.length,
    pending: rows.filter((d) => !received(d)).length,
    received: rows.filter(received).length,
    registered: rows.filter((d) => d.acceptedAt).length,
    overdue: rows.filter((d) => d.overdue).length,
    escalated: rows.filter((d) => d.escalatedAt).length,
    messaged: rows.filter((d) => (d.notifications ?? []).some((n: { status: string }) => n.status === 'sent')).length,
  };
}

const tileCounts = (page: Page) => page.$$eval('.track-tile', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-state'), Number(e.getAttribute('data-count'))])));

test('a district secretary picks all 16 communes in one tap, and follows 19 recipients from a summary', { skip, timeout: 240_000 }, async (t) => {
  const env = await buildTestEnv(t, { escalateAfterMinutes: 0.005 }, { realClock: true, alarms: false });
  const base = await listen(env);
  const w = await bigDistrict(env);
  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const page = await (await browser.newContext(PHONE)).newPage();
  watchErrors(page, 'secretary', errors, () => false);
  await login(page, base, 'vanthu.huyen');
  await page.getByRole('link', { name: 'Soạn mới' }).click();
  await page.getByLabel('Trích yếu').fill('Về việc triển khai phòng chống lũ');

  // The secretary's own unit is one branch of the tree (not 20 roots), and cannot be picked.
  const roots = page.locator('.picker > ul.unit-tree > li');
  await page.locator('li[data-own="1"]').waitFor();
  assert.equal(await roots.count(), 2, 'the UBND huyện (own) and the Huyện ủy are the roots');
  assert.equal(await page.locator('li[data-own="1"] > .unit-row input[type="checkbox"]').count(), 0);

  // Tap 1: every commune's People's Committee.
  const taps: string[] = [];
  const tap = async (name: RegExp) => {
    taps.push(String(name));
    await page.getByRole('button', { name }).click();
  };
  await tap(/^UBND các xã \(16\)$/);
  await page.getByText('Đã chọn 16 đơn vị').waitFor();
  assert.ok(taps.length <= 3, `${taps.length} taps`);
  assert.equal(await page.getByRole('button', { name: /UBND các xã/ }).getAttribute('aria-pressed'), 'true');
  // Collapsed to a count; "xem" opens the chips.
  assert.equal(await page.locator('.picked .chips').count(), 0, 'chosen units are folded into a count');
  const search = page.getByLabel('Tìm đơn vị (không cần dấu)');
  assert.ok(((await search.boundingBox())!.y) < 400, 'search stays at the top');
  await page.getByRole('button', { name: 'xem', exact: true }).click();
  const chips = (await page.locator('.picked .chips .chip').allInnerTexts()).map((s) => s.replace(/ ×$/, ''));
  assert.deepEqual(chips.sort(), w.ubndXa.map((u) => u.name).sort());
  await page.getByRole('button', { name: 'ẩn', exact: true }).click();
  await shot(page, 'recipients-groups');
  for (const issue of await audit(page)) assert.fail(`accessibility: ${issue}`);

  // Every group is offered with its count: departments of the UBND huyện (not the LĐTBXH's "Xã hội" as a commune), schools, Party committees.
  for (const label of [/^Tất cả đơn vị \(40\)$/, /^Đảng ủy các xã \(16\)$/, /^Các trường học \(3\)$/, /^Phòng ban chuyên môn \(4\)$/, /^Đơn vị trực thuộc \(20\)$/]) {
    await page.getByRole('button', { name: label }).waitFor();
  }
  // Saved as the unit's own group, it comes back after a reload.
  await page.getByRole('button', { name: 'Lưu các nơi nhận đã chọn thành nhóm' }).click();
  await page.getByLabel('Tên nhóm nơi nhận').fill('Các xã vùng lũ');
  await page.getByRole('button', { name: 'Lưu nhóm (16 đơn vị)' }).click();
  await page.getByRole('button', { name: 'Nhóm: Các xã vùng lũ (16)' }).waitFor();
  // Tapping a chosen group again takes it out; the saved group puts the same 16 back.
  await page.getByRole('button', { name: /^✓ UBND các xã/ }).click();
  await page.locator('.picked').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Nhóm: Các xã vùng lũ (16)' }).click();
  await page.getByText('Đã chọn 16 đơn vị').waitFor();
  // "All units" with 40 chosen: the search box has not moved down.
  await page.getByRole('button', { name: /^Tất cả đơn vị/ }).click();
  await page.getByText('Đã chọn 40 đơn vị').waitFor();
  assert.ok(((await search.boundingBox())!.y) < 400, 'search stays at the top with 40 chosen');
  await page.getByRole('button', { name: /^✓ Tất cả đơn vị/ }).click();
  await page.getByRole('button', { name: 'Nhóm: Các xã vùng lũ (16)' }).click();
  await page.getByRole('button', { name: 'Lưu dự thảo và tải tệp lên' }).click();
  await page.waitForURL(/#\/documents\/[0-9a-f-]{36}/);
  const draftId = /#\/documents\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const draft = (await env.app.inject({ url: `/api/documents/${draftId}`, headers: w.clerk.auth })).json();
  assert.deepEqual([...draft.document.recipients].sort(), w.ubndXa.map((u) => u.id).sort(), 'the draft goes to the 16 communes');

  // Tracking: a flash dispatch to the 16 communes and 3 schools, due yesterday. Three register it,
  // two only read it, one refuses; the leaders of the unacknowledged are alerted.
  const recipients = [...w.ubndXa, ...w.schools];
  const { doc } = await buildDocument(env, { author: w.clerk, recipients: recipients.map((u) => u.id), subject: 'Về việc ứng phó bão số 5', urgency: 'flash', dueDate: '2020-01-01' });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: w.clerk.auth })).statusCode, 200);
  const rows = await tracking(env, w.clerk, doc.id);
  const of = (u: { id: string }) => rows.find((r) => r.unit.id === u.id)!.deliveryId as string;
  const clerkOf = async (u: (typeof recipients)[number]): Promise<TestUser> => buildUser(env, { unit: u, roles: ['clerk'] });
  const act = async (u: (typeof recipients)[number], what: string, payload?: object) => {
    const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${of(u)}/${what}`, headers: (await clerkOf(u)).auth, ...(payload ? { payload } : {}) });
    assert.equal(r.statusCode, 200, r.body);
  };
  for (const u of recipients.slice(0, 3)) await act(u, 'accept');
  for (const u of recipients.slice(3, 5)) await act(u, 'read');
  await act(recipients[5]!, 'refuse', { reason: 'Không thuộc thẩm quyền' });
  await new Promise((r) => setTimeout(r, 800));
  await runAlarmTick(env.deps);
  const expected = expectedCounts(await tracking(env, w.clerk, doc.id));
  assert.deepEqual(expected, { all: 19, pending: 13, received: 6, registered: 3, overdue: 18, escalated: 15, messaged: 0 }, 'the world is as meant');

  await page.goto(`${base}/#/tracking/${doc.id}`);
  await page.locator('.track-tile[data-state="all"][data-count="19"]').waitFor();
  assert.deepEqual(await tileCounts(page), expected, 'the summary counts match the API');
  assert.match(await page.locator('.track-tile[data-state="pending"]').innerText(), /13\s*Chưa nhận/);
  // "Chưa nhận" first: the 13 not received, then the rest.
  const readFlags = await page.locator('li.track').evaluateAll((els) => els.map((e) => e.getAttribute('data-status') === 'delivered' && e.getAttribute('data-read') === '0'));
  assert.deepEqual(readFlags, [...Array(13).fill(true), ...Array(6).fill(false)]);
  await shot(page, 'tracking-summary');
  for (const issue of await audit(page)) assert.fail(`accessibility: ${issue}`);

  // Each count filters the list.
  for (const [state, n] of Object.entries(expected).filter(([k]) => k !== 'all' && k !== 'messaged')) {
    await page.locator(`.track-tile[data-state="${state}"]`).click();
    assert.equal(await page.locator(`.track-tile[data-state="${state}"]`).getAttribute('aria-pressed'), 'true');
    await page.waitForFunction((k) => document.querySelectorAll('li.track').length === k, n);
  }
  await page.locator('.track-tile[data-state="overdue"]').click();
  await page.waitForFunction(() => document.querySelectorAll('li.track').length === 18);
  assert.equal(await page.locator('li.track[data-overdue="1"]').count(), 18);
  await page.locator('.track-tile[data-state="messaged"]').click();
  await page.getByText('Không có nơi nhận nào ở tình trạng này').waitFor();
  await page.locator('.track-tile[data-state="all"]').click();
  // By name.
  await page.getByLabel('Sắp xếp').selectOption('name');
  const names = await page.locator('li.track .track-unit').allInnerTexts();
  assert.deepEqual(names, [...names].sort(new Intl.Collator('vi').compare));
  assert.equal(names.length, 19);

  // The CSV: downloaded with the session, BOM, header and one row per recipient.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Tải về CSV/ }).click()]);
  const csv = fs.readFileSync((await download.path())!);
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = csv.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 20);
  assert.match(lines[0]!, /^STT,Mã định danh,Nơi nhận,/);
  assert.deepEqual(relevant(errors), []);
});
