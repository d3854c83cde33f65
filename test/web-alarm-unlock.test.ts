// Issue 14 in the browser (Debian chromium, 390 px; autoplay policy "document-user-activation-
// required": no sound in a page before a tap in it, as on a phone): the "Bật chuông cảnh báo"
// banner when the app is opened with no tap yet, the siren and vibration of a flash alarm after
// one tap, the push prompt after the first login (and not again after "Để sau"), the devices that
// ring on the account page, the return to the document after a session expiry, the offline
// message of a document never opened, and the document types in English.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTestEnv } from './helpers/app.js';
import { PASSWORD } from './helpers/factories.js';
import { startPushReceiver } from './helpers/push-receiver.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, issue, login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';
const ANDROID = 'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

type Stats = { unlocked: boolean; ringing: boolean; cycles: number; tones: number; vibrations: number; wakeLock: string };
const stats = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { ltAlarm: Stats }).ltAlarm }));
const audioState = (page: Page) => page.evaluate(() => {
  // The app's context is private; a fresh one would tell nothing. The stats mirror its state on every change.
  return (window as unknown as { ltAlarm: Stats }).ltAlarm.unlocked;
});
/** Every navigator.vibrate call of the page, recorded (the browser API stubbed, nothing of ours). */
const recordVibrations = (context: BrowserContext) => context.addInitScript(() => {
  const calls: unknown[] = ((window as unknown as { __vibrations: unknown[] }).__vibrations = []);
  Object.defineProperty(Navigator.prototype, 'vibrate', { configurable: true, value: (pattern: unknown) => (calls.push(pattern), true) });
});
const vibrations = (page: Page) => page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations);

async function world(t: import('node:test').TestContext) {
  const env = await buildTestEnv(t, { alarmRepeatSeconds: 30, alarmTickMs: 200 }, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  const browser = await launch({ phoneAutoplay: true });
  t.after(() => browser.close());
  const errors: string[] = [];
  // Offline or with an ended session, the browser reports the failed requests on the console: not the app's errors.
  const quiet = { offline: false }; // `offline`: failed requests expected
  const phone = async (who: string, extra: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext({ ...PHONE, ...extra });
    await recordVibrations(context);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    watchErrors(page, who, errors, () => quiet.offline);
    return { context, page };
  };
  return { env, base, d, phone, errors, quiet };
}
const noProblems = async (page: Page, where: string) => assert.deepEqual(await audit(page), [], `accessibility/layout problems on ${where}`);

test('opened without a tap: the banner asks for one; after it a flash alarm sounds a repeating siren, vibrates and keeps the screen on until acknowledged', { skip, timeout: 120_000 }, async (t) => {
  const { env, base, d, phone, errors } = await world(t);
  const official = await phone('official');

  // Logging in is a tap: the sound is on at once, no banner.
  await login(official.page, base, 'canbo.sontay');
  await official.page.waitForFunction(() => (window as unknown as { ltAlarm: Stats }).ltAlarm.unlocked);
  assert.equal(await official.page.getByRole('button', { name: 'Bật chuông cảnh báo' }).count(), 0, 'no banner after the login tap');

  // Opened again from the home screen, still logged in (a browser with the saved session and
  // nothing else), no tap yet: the banner, on every screen, and the audio suspended. Playwright's
  // own evaluate() calls count as taps for the browser, so the test reads the app's state only; the
  // banner goes, and the audio starts, on a real tap.
  const saved = await official.context.storageState();
  await official.context.close();
  const { page } = await phone('official (reopened)', { storageState: saved });
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  const banner = () => page.getByRole('button', { name: 'Bật chuông cảnh báo' });
  await banner().waitFor();
  assert.equal(await audioState(page), false, 'no sound possible before a tap');
  await shot(page, 'alarm-unlock-banner');
  await noProblems(page, 'the inbox with the banner');
  await page.evaluate(() => (location.hash = '#/outbox'));
  await page.getByRole('heading', { name: 'Văn bản đi' }).waitFor();
  await banner().waitFor();
  await page.evaluate(() => (location.hash = '#/inbox'));
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();

  // One tap: the AudioContext runs and stays running; the banner goes.
  await banner().click();
  await banner().waitFor({ state: 'detached' });
  assert.equal(await audioState(page), true, 'the AudioContext is running after the tap');
  const before = await stats(page);
  assert.equal(before.ringing, false);

  // A flash dispatch: the alarm, the siren scheduled (tones on the running audio clock), the vibration pattern.
  const flash = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Công điện hỏa tốc về việc ứng phó lũ quét', urgency: 'flash' });
  const alarm = () => page.getByRole('alertdialog');
  await alarm().waitFor({ timeout: 3000 });
  await page.waitForFunction(() => (window as unknown as { ltAlarm: Stats }).ltAlarm.tones >= 6);
  const ringing = await stats(page);
  assert.equal(ringing.ringing, true);
  assert.equal(ringing.unlocked, true, 'still running when the alarm came');
  assert.ok((await vibrations(page)).some((p) => JSON.stringify(p) === JSON.stringify([600, 200, 600, 200, 1200])), 'vibrated with the alarm pattern');
  // It repeats until acknowledged: a second cycle of siren and vibration.
  await page.waitForFunction(() => (window as unknown as { ltAlarm: Stats }).ltAlarm.cycles >= 2, null, { timeout: 8000 });
  const again = await stats(page);
  assert.ok(again.tones >= 12, `the siren repeats (${again.tones} tones)`);
  assert.ok((await vibrations(page)).filter((p) => Array.isArray(p) && p.length === 5).length >= 2, 'the vibration repeats');
  t.diagnostic(`wake lock while ringing: ${again.wakeLock}`);
  assert.ok(['held', 'refused', 'unavailable'].includes(again.wakeLock), again.wakeLock);
  await shot(page, 'alarm-ringing');

  await page.getByRole('button', { name: 'Đã nhận', exact: true }).click();
  await alarm().waitFor({ state: 'hidden' });
  const after = await stats(page);
  assert.equal(after.ringing, false);
  assert.notEqual(after.wakeLock, 'held', 'the wake lock is released on acknowledge');
  assert.deepEqual((await vibrations(page)).at(-1), 0, 'vibration stopped');
  await new Promise((r) => setTimeout(r, 3600));
  assert.equal((await stats(page)).cycles, after.cycles, 'no more cycles after acknowledging');
  assert.ok((await tracking(env, d.clerk, flash.id))[0]!.acknowledgedAt);

  assert.deepEqual(errors, [], 'no console errors');
});

test('the push prompt after the first login (iPhone guidance, "Để sau" remembered); the account page lists the devices that ring', { skip, timeout: 120_000 }, async (t) => {
  const { env, base, d, phone, errors } = await world(t);
  const receiver = await startPushReceiver();
  t.after(() => receiver.close());

  // An Android phone: the push service is the local receiver (PushManager stubbed to hand out its
  // subscription — Chromium's own needs Google's servers); permission granted as by the person.
  const android = await phone('android', { userAgent: ANDROID });
  await android.context.grantPermissions(['notifications'], { origin: base });
  await android.context.addInitScript((sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
    let current: PushSubscription | null = null;
    const make = () => ({ endpoint: sub.endpoint, expirationTime: null, options: {}, getKey: () => null, toJSON: () => sub, unsubscribe: async () => ((current = null), true) }) as unknown as PushSubscription;
    PushManager.prototype.subscribe = async function () { return (current ??= make()); };
    PushManager.prototype.getSubscription = async function () { return current; };
  }, receiver.subscription);
  const page = android.page;
  await page.goto(`${base}/#/login`);
  await page.getByLabel('Tên đăng nhập').fill('canbo.sontay');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  const prompt = page.locator('[data-push-prompt]');
  await prompt.waitFor();
  assert.equal(await prompt.getAttribute('data-push-prompt'), 'ask');
  assert.match(await prompt.innerText(), /Nhận cảnh báo hỏa tốc trên máy này[\s\S]*nửa đêm/);
  await noProblems(page, 'the push prompt');
  await shot(page, 'push-prompt');
  await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), null, { timeout: 10_000 });
  await prompt.getByRole('button', { name: 'Bật thông báo' }).click();
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  assert.equal(await prompt.count(), 0);

  // The account page: this phone rings.
  await page.evaluate(() => (location.hash = '#/account'));
  const devices = page.locator('.device');
  await devices.first().waitFor();
  assert.equal(await devices.count(), 1);
  assert.match(await devices.first().innerText(), /Chrome · Android — máy này/);
  assert.equal(await devices.first().getAttribute('data-this'), '1');
  await noProblems(page, 'the account page with a device');
  await shot(page, 'account-devices');

  // And it does: a flash dispatch reaches the push service with the subscription sent.
  await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Công điện hỏa tốc về việc phòng chống rét', urgency: 'flash' });
  const pushed = await receiver.next(10_000);
  assert.match(pushed.payload, /phòng chống rét/);
  await page.getByRole('button', { name: 'Đã nhận', exact: true }).click();

  // An iPhone in Safari (not added to the home screen): the prompt says how to add it; "Để sau".
  const iphone = await phone('iphone', { userAgent: IPHONE });
  await iphone.page.goto(`${base}/#/login`);
  await iphone.page.getByLabel('Tên đăng nhập').fill('canbo.sontay');
  await iphone.page.getByLabel('Mật khẩu').fill(PASSWORD);
  await iphone.page.getByRole('button', { name: 'Đăng nhập' }).click();
  const iosPrompt = iphone.page.locator('[data-push-prompt="ios"]');
  await iosPrompt.waitFor();
  assert.match(await iosPrompt.innerText(), /Thêm vào Màn hình chính/);
  assert.equal(await iosPrompt.getByRole('button', { name: 'Bật thông báo' }).count(), 0);
  await noProblems(iphone.page, 'the iPhone push prompt');
  await shot(iphone.page, 'push-prompt-ios');
  await iosPrompt.getByRole('button', { name: 'Để sau' }).click();
  await iphone.page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  // The account page there lists the Android phone, not as this device.
  await iphone.page.evaluate(() => (location.hash = '#/account'));
  await iphone.page.locator('.device').first().waitFor();
  assert.equal(await iphone.page.locator('.device[data-this="1"]').count(), 0);
  assert.match(await iphone.page.locator('.device').first().innerText(), /Chrome · Android/);
  // Not asked again: after a reload, and after logging out and in.
  await iphone.page.reload();
  await iphone.page.getByRole('heading', { name: 'Tài khoản' }).waitFor();
  await iphone.page.getByRole('button', { name: 'Đăng xuất' }).click();
  await iphone.page.getByRole('group').getByRole('button', { name: 'Đăng xuất' }).click();
  await iphone.page.getByLabel('Tên đăng nhập').fill('canbo.sontay');
  await iphone.page.getByLabel('Mật khẩu').fill(PASSWORD);
  await iphone.page.getByRole('button', { name: 'Đăng nhập' }).click();
  await iphone.page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  assert.equal(await iphone.page.locator('[data-push-prompt]').count(), 0, 'not asked again after "Để sau"');

  // Removing the Android phone from the account page of the phone itself.
  await page.evaluate(() => (location.hash = '#/account'));
  await page.getByRole('button', { name: 'Bỏ thông báo trên Chrome · Android' }).click();
  await page.locator('.panel[data-devices="0"]').waitFor();
  const left = await env.app.inject({ url: '/api/me/push-subscriptions', headers: d.official.auth });
  assert.deepEqual(left.json().subscriptions, []);

  assert.deepEqual(errors, [], 'no console errors');
});

test('after a session expiry the login says why and returns to the document; a never-opened document offline says it needs the network once; types in English', { skip, timeout: 120_000 }, async (t) => {
  const { env, base, d, phone, errors, quiet } = await world(t);
  const doc = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Về việc kiểm tra công tác phòng cháy' });
  const unopened = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Về việc tổng kết năm 2026' });
  const { context, page } = await phone('official');
  await login(page, base, 'canbo.sontay');
  await page.getByText('Về việc kiểm tra công tác phòng cháy').click();
  await page.getByRole('heading', { name: 'Về việc kiểm tra công tác phòng cháy' }).waitFor();
  const docHash = await page.evaluate(() => location.hash);
  assert.match(docHash, new RegExp(`^#/documents/${doc.id}`));

  // The session ends on the server (expired, or ended elsewhere): the next request finds out.
  const token = await page.evaluate(() => localStorage.getItem('lt.token'));
  quiet.offline = true;
  assert.equal((await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } })).statusCode, 204);
  await page.reload();
  const note = page.locator('[data-expired]');
  await note.waitFor();
  assert.equal(await note.innerText(), 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại');
  await noProblems(page, 'the login page after expiry');
  await page.getByLabel('Tên đăng nhập').fill('canbo.sontay');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  quiet.offline = false;
  await page.getByRole('heading', { name: 'Về việc kiểm tra công tác phòng cháy' }).waitFor();
  assert.equal(await page.evaluate(() => location.hash), docHash, 'back at the document');
  await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), null, { timeout: 10_000 });

  // Offline, a document never opened on this phone: a calm notice in one language, no "Có lỗi".
  quiet.offline = true;
  await context.setOffline(true);
  await page.evaluate((id) => (location.hash = `#/documents/${id}`), unopened.id);
  await page.getByRole('heading', { name: 'Về việc kiểm tra công tác phòng cháy' }).waitFor({ state: 'detached' });
  const offline = page.locator('section.view > [data-offline="1"]');
  await offline.waitFor();
  assert.match(await offline.innerText(), /^Văn bản này chưa được tải về máy, cần có mạng để mở lần đầu/);
  assert.doesNotMatch(await page.locator('#main').innerText(), /Có lỗi|Offline/);
  await noProblems(page, 'a never-opened document offline');
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByText('This document has not been downloaded to this device yet').waitFor();
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.getByText('This document has not been downloaded to this device yet').waitFor();
  assert.doesNotMatch(await page.locator('#main').innerText(), /Văn bản|Error/);
  await context.setOffline(false);
  quiet.offline = false;

  // Document types in English (the draft form), Party-only ones marked.
  await page.evaluate(() => (location.hash = '#/new'));
  const types = page.locator('select:has(option[value="CV"])').first();
  await types.waitFor();
  const labels = await types.locator('option').allInnerTexts();
  assert.ok(labels.includes('Official letter'), labels.join(', '));
  assert.ok(labels.some((l) => l.startsWith('Decision')), labels.join(', '));
  assert.ok(!labels.some((l) => /Công văn|Quyết định/.test(l)), labels.join(', '));

  assert.deepEqual(errors, [], 'no console errors');
});
