// "Nhận thông báo qua tin nhắn (SMS), thư điện tử" on the account page at 390 px
// (src/web/public/app/notify-settings.js) against the real PUT /api/me/notifications: a commune
// clerk saves a phone written with spaces, SMS for hỏa tốc and rest hours; the channel this
// installation cannot send is greyed out; a wrong number is refused with the reason on screen and
// nothing changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, PASSWORD } from './helpers/factories.js';
import { startSmsGateway } from './helpers/notify-servers.js';
import { listen, waitFor } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { skipPushPrompt } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test('notification settings at 390 px: saved as typed, the unavailable channel greyed, a bad number refused with its reason', { skip, timeout: 120_000 }, async (t) => {
  const gw = await startSmsGateway();
  t.after(() => gw.close());
  const env = await buildTestEnv(t, { sms: { url: `${gw.url}/send`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"to":"{phone}","text":"{text}"}' }, mail: null }, { realClock: true });
  const base = await listen(env);
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Tây' });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'], username: 'vanthu.sontay' });

  const browser = await launch();
  t.after(() => browser.close());
  const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors: string[] = [];
  watchErrors(page, 'clerk', errors, () => false);
  await page.goto(`${base}/#/login`);
  await page.getByLabel('Tên đăng nhập').fill('vanthu.sontay');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await skipPushPrompt(page);
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  await page.goto(`${base}/#/account`);
  await page.getByText('Nhận thông báo qua tin nhắn (SMS), thư điện tử').click();
  const phone = page.getByLabel('Số điện thoại di động');
  await phone.fill('0912 345 678');
  await page.getByLabel('Văn bản hỏa tốc gửi đến đơn vị — SMS').check();
  // No SMTP_URL here: the email column cannot be ticked.
  assert.equal(await page.getByLabel('Văn bản hỏa tốc gửi đến đơn vị — Thư').isDisabled(), true);
  await page.getByLabel('Không nhắn vào giờ nghỉ').check();
  await page.getByLabel('Từ', { exact: true }).fill('22:30');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu cách nhận thông báo').waitFor();
  assert.equal(await phone.inputValue(), '0912345678');
  const saved = (await env.app.inject({ url: '/api/me/notifications', headers: clerk.auth })).json();
  assert.deepEqual({ phone: saved.phone, sms: saved.channels.sms, quiet: saved.quietHours }, { phone: '0912345678', sms: ['flash_received'], quiet: { from: '22:30', to: '06:00' } });
  assert.deepEqual(await audit(page), [], 'accessibility/layout problems on the notification settings');

  await phone.fill('12345');
  await page.getByRole('button', { name: 'Lưu' }).click();
  const alert = page.locator('#notify-settings [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /không phải số di động Việt Nam/);
  assert.equal((await env.app.inject({ url: '/api/me/notifications', headers: clerk.auth })).json().phone, '0912345678');
  assert.deepEqual(errors.filter((e) => !e.includes('400')), []);

  // A hỏa tốc to the commune: its clerk is texted, and the district's tracking card says so.
  const district = await buildUser(env, { roles: ['clerk'], username: 'vanthu.huyen' });
  const { doc } = await buildDocument(env, { author: district, recipients: [commune.id], urgency: 'flash', subject: 'Hỏa tốc: sơ tán dân' });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: district.auth })).statusCode, 200);
  await waitFor(() => gw.requests.length === 1, 15_000, 'the SMS');
  const issuerPage = await (await browser.newContext({ ...PHONE, serviceWorkers: 'block' })).newPage();
  await issuerPage.goto(`${base}/#/login`);
  await issuerPage.getByLabel('Tên đăng nhập').fill('vanthu.huyen');
  await issuerPage.getByLabel('Mật khẩu').fill(PASSWORD);
  await issuerPage.getByRole('button', { name: 'Đăng nhập' }).click();
  await skipPushPrompt(issuerPage);
  await issuerPage.goto(`${base}/#/tracking/${doc.id}`);
  const line = issuerPage.locator('.track-notified[data-channel="sms"][data-status="sent"]');
  await line.waitFor();
  assert.match(await line.innerText(), /^Đã nhắn tin \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · .+ \(0912\*\*\*678\)$/);
});
