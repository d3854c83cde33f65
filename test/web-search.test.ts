// The search box of the web app (src/web/public/app/search.js) at 390 px against the real
// GET /api/search: typing without diacritics finds a document issued in the test; typing fast shows
// only the last query's results (the earlier requests aborted); a filter narrows; the matches are
// <mark> elements with the right words and a subject holding "<b>x</b>" is shown as text; "Xem thêm"
// pages; a result opens its document; Esc clears; the outbox's box switches to "Tất cả"; offline it
// says search needs the network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, PASSWORD, type TestUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { shot, skipPushPrompt } from './helpers/web-world.js';

// The app asks for 20 results a page; the test's requests ask for PAGE (the route below rewrites
// `limit` on the way to the real server), so that paging needs a few documents, not twenty-odd.
const PAGE = 3;
const CAMPAIGN = 5;
const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

async function issued(env: TestEnv, clerk: TestUser, recipients: string[], subject: string, urgency: 'normal' | 'urgent' = 'normal') {
  const { doc } = await buildDocument(env, { author: clerk, recipients, subject, urgency });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 200, r.body);
  return doc.id;
}

/** Every GET /api/search the page starts, whether the app aborted it, and whether an answer came. */
type Sent = { q: string; aborted: boolean; answered: boolean; at: number; shown: number | null };
const sent = (page: Page) => page.evaluate(() => (window as unknown as { __searches: Sent[] }).__searches);

test('the search box at 390 px: as you type without diacritics, superseded requests aborted, filters, marks, paging', { skip, timeout: 240_000 }, async (t) => {
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  // A district and two communes (no keys: nothing is signed here).
  const huyen = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const d = {
    clerk: await buildUser(env, { unit: huyen, roles: ['clerk'], username: 'vanthu.huyen' }),
    sonTay: await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Tây', parentId: huyen.id }),
    haThanh: await buildUnit(env, { name: 'Ủy ban nhân dân xã Hà Thanh', parentId: huyen.id }),
  };
  await buildUser(env, { unit: d.sonTay, roles: ['clerk'], username: 'vanthu.sontay' });
  const to = [d.sonTay.id];
  const [disaster, , , ...campaign] = await Promise.all([
    issued(env, d.clerk, to, 'Về việc triển khai công tác phòng, chống thiên tai năm 2026'),
    issued(env, d.clerk, to, 'Báo cáo <b>x</b> về tình hình hộ nghèo'),
    issued(env, d.clerk, to, 'Kế hoạch kiểm tra công tác văn thư'),
    ...Array.from({ length: CAMPAIGN }, (_, i) => issued(env, d.clerk, to, `Kế hoạch tiêm chủng mở rộng đợt ${i + 1}`, i === 2 ? 'urgent' : 'normal')),
  ]);
  // Not the commune's: never found by its clerk.
  await issued(env, d.clerk, [d.haThanh.id], 'Kế hoạch tiêm chủng riêng của xã Hà Thanh');
  mark(`${CAMPAIGN + 4} documents issued`);

  const browser = await launch();
  mark('browser launched');
  t.after(() => browser.close());
  const errors: string[] = [];
  let offline = false;
  // No service worker: the page's own requests reach page.route (to slow them down) and the network.
  const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  await context.addInitScript(() => {
    const w = window as unknown as { __searches: Sent[] };
    w.__searches = [];
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      if (url.pathname !== '/api/search') return original(input, init);
      const entry: Sent = { q: url.searchParams.get('q') ?? '', aborted: false, answered: false, at: performance.now(), shown: null };
      w.__searches.push(entry);
      // When this query's results are on screen: the time from the request to the page showing them.
      const seen = new MutationObserver(() => {
        if (!document.querySelector(`.search-results[aria-busy="false"][data-query="${CSS.escape(entry.q)}"] .search-item`)) return;
        entry.shown = performance.now() - entry.at;
        seen.disconnect();
      });
      seen.observe(document.body, { subtree: true, childList: true, attributes: true });
      init?.signal?.addEventListener('abort', () => (entry.aborted = true));
      return original(input, init).then((r) => ((entry.answered = true), r));
    };
  });
  const page = await context.newPage();
  watchErrors(page, 'clerk', errors, () => offline);
  let holdMs = 0;
  const limits = new Set<string | null>();
  await page.route((url) => url.pathname === '/api/search', async (route) => {
    const url = new URL(route.request().url());
    limits.add(url.searchParams.get('limit'));
    url.searchParams.set('limit', String(PAGE));
    try {
      const answer = await route.fetch({ url: url.toString() });
      if (holdMs) await sleep(holdMs);
      await route.fulfill({ response: answer });
    } catch {
      // Aborted by the page meanwhile, or the server closing at the end of the test.
      await route.abort().catch(() => {});
    }
  });
  const noProblems = async (where: string) => assert.deepEqual(await audit(page), [], `accessibility/layout problems on ${where}`);

  await page.goto(`${base}/#/login`);
  mark('login page loaded');
  await page.getByLabel('Tên đăng nhập').fill('vanthu.sontay');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await skipPushPrompt(page);
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  const box = page.getByRole('searchbox', { name: 'Tìm văn bản' });
  const results = page.locator('.search-results');
  const items = results.locator('.search-item');
  const settled = (q: string) => page.locator(`.search-results[data-query="${q}"][aria-busy="false"]`).waitFor();
  mark('logged in');

  // Without diacritics: the subject's words are <mark>ed, in its own letters.
  await box.fill('phong chong thien tai');
  await settled('phong chong thien tai');
  assert.equal(await items.count(), 1);
  assert.equal(await items.first().getAttribute('data-document'), disaster);
  assert.equal(await items.first().getAttribute('data-matched'), 'subject');
  assert.deepEqual((await items.first().locator('mark').allInnerTexts()).sort(), ['chống', 'phòng', 'thiên', 'tai'].sort());
  assert.match(await items.first().innerText(), /Trong trích yếu/);
  await noProblems('a search result');
  const firstShown = (await sent(page)).at(-1)!.shown;
  assert.ok(firstShown !== null);
  t.diagnostic(`request → results on screen: ${firstShown.toFixed(0)} ms (the 250 ms pause after the last key comes before)`);
  mark('found without diacritics');

  // A subject with markup in it is text, never HTML.
  await box.fill('ho ngheo');
  await settled('ho ngheo');
  assert.equal(await items.count(), 1);
  assert.match(await items.first().locator('.doc-subject').innerText(), /Báo cáo <b>x<\/b> về tình hình hộ nghèo/);
  assert.equal(await results.locator('b').count(), 0, 'no <b> element made from the subject');
  assert.deepEqual(await items.first().locator('mark').allInnerTexts(), ['hộ', 'nghèo']);

  // Typing fast, answers slow: each new word aborts the request in flight; only the last query's results show.
  await box.fill('');
  holdMs = 1000;
  const before = (await sent(page)).length;
  await box.pressSequentially('ke', { delay: 30 });
  await sleep(450);
  await box.pressSequentially(' hoach', { delay: 30 });
  await sleep(450);
  await box.pressSequentially(' tiem chung', { delay: 30 });
  await settled('ke hoach tiem chung');
  holdMs = 0;
  const typed = (await sent(page)).slice(before);
  // One request per pause, not one per key (a machine this busy may pause inside a word too).
  const asked = typed.map((s) => s.q);
  assert.deepEqual(asked.slice(0, 2), ['ke', 'ke hoach'], asked.join(' | '));
  assert.equal(asked.at(-1), 'ke hoach tiem chung');
  assert.ok(asked.length <= 5 && asked.every((q, i) => i === 0 || q.startsWith(asked[i - 1]!)), asked.join(' | '));
  assert.deepEqual(typed.map((s) => s.aborted), asked.map((_, i) => i < asked.length - 1), 'every superseded request aborted, the last one not');
  assert.equal(typed.at(-1)!.answered, true);
  assert.equal(await items.count(), PAGE, 'the first page');
  assert.ok((await items.allInnerTexts()).every((s) => /tiêm chủng/.test(s)), 'only the last query\'s documents');
  assert.equal(await results.getByText('Kế hoạch kiểm tra công tác văn thư').count(), 0);
  assert.equal(await results.getByText(/Hà Thanh/).count(), 0, 'never another unit\'s document');
  await shot(page, 'web-search-results');
  mark('typed fast');

  // "Xem thêm": the rest, once each.
  await results.getByRole('button', { name: 'Xem thêm' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.search-item').length === n, CAMPAIGN);
  const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-document')));
  assert.deepEqual([...ids].sort(), [...campaign].sort());
  assert.equal(await results.getByRole('button', { name: 'Xem thêm' }).count(), 0, 'no further page');

  // A filter narrows: urgency "Khẩn" leaves the one urgent campaign document.
  await page.getByText('Bộ lọc', { exact: true }).click();
  await page.getByLabel('Độ khẩn').selectOption({ label: 'Khẩn' });
  await page.waitForFunction(() => document.querySelectorAll('.search-item').length === 1);
  await settled('ke hoach tiem chung');
  assert.equal(await items.first().getAttribute('data-document'), campaign[2]);
  assert.ok(typed.length > 0 && (await sent(page)).at(-1)!.q === 'ke hoach tiem chung');
  await noProblems('the open filter panel');
  await shot(page, 'web-search-filter');
  mark('paged and filtered');
  await page.getByRole('button', { name: 'Bỏ lọc' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.search-item').length === n, PAGE);

  // A result opens its document; coming back finds the same search.
  await box.fill('thien tai');
  await settled('thien tai');
  await items.first().click();
  await page.waitForURL(new RegExp(`#/documents/${disaster}`));
  await page.getByText('Về việc triển khai công tác phòng, chống thiên tai năm 2026').first().waitFor();
  await page.goBack();
  await settled('thien tai');
  assert.equal(await box.inputValue(), 'thien tai');

  mark('opened a result and came back');
  // Esc clears the box and the inbox list is back.
  await box.press('Escape');
  assert.equal(await box.inputValue(), '');
  await results.waitFor({ state: 'detached' });
  await page.locator('.list .doc-item').first().waitFor();

  // The outbox's box looks among outgoing documents (none here) and switches to "Tất cả".
  await page.goto(`${base}/#/outbox`);
  const outBox = page.getByRole('searchbox', { name: 'Tìm văn bản' });
  await outBox.fill('thien tai');
  await settled('thien tai');
  await results.getByText('Không tìm thấy văn bản nào với "thien tai"').waitFor();
  await page.getByRole('button', { name: 'Tất cả' }).click();
  await page.locator('.search-item').first().waitFor();
  assert.match(await items.first().innerText(), /Đến/);
  assert.equal(await items.first().getAttribute('data-document'), disaster);
  await noProblems('the outbox search');

  mark('outbox');
  // Offline: the box says search needs the network.
  offline = true;
  await context.setOffline(true);
  await outBox.fill('tiem chung');
  await results.locator('[data-offline="1"]').getByText('Tìm kiếm cần kết nối mạng').waitFor();
  await context.setOffline(false);
  offline = false;
  await settled('tiem chung');
  await items.first().waitFor();
  mark('done');
  assert.deepEqual([...limits], ['20'], 'the app asks for 20 a page');
  assert.deepEqual(errors, []);
});
