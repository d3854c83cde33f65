// The leader's assign form offers only the units the server allows (the receiving unit's
// departments to lead; its subtree and its siblings to cooperate), and the issuer's tracking view
// shows with whom the recipient shared the document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildUnit } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, issue, login, shot, tracking } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test('the assign form offers only the allowed units; the issuer sees the share in its tracking', { skip, timeout: 90_000 }, async (t) => {
  const env = await buildTestEnv(t, {}, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  // Not offered: a unit elsewhere, and a unit under a sibling commune.
  const elsewhere = await buildUnit(env, { name: 'Sở Y tế tỉnh bên cạnh' });
  const underSibling = await buildUnit(env, { name: 'Trường Tiểu học Hà Thanh', kind: 'school', parentId: d.haThanh.id });
  const subject = 'Về việc phối hợp rà soát hộ nghèo';
  const { id } = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject });
  const deliveryId = (await tracking(env, d.clerk, id))[0]!.deliveryId as string;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: d.communeClerk.auth })).statusCode, 200);

  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const open = async (who: string) => {
    const page = await (await browser.newContext(PHONE)).newPage();
    watchErrors(page, who, errors, () => false);
    return page;
  };

  const leader = await open('leader');
  await login(leader, base, 'chutich.sontay');
  await leader.getByText(subject).click();
  const lead = leader.getByLabel('Đơn vị chủ trì');
  await lead.locator('option', { hasText: 'Văn phòng UBND xã Sơn Tây' }).waitFor({ state: 'attached' });
  const leadOptions = (await lead.locator('option').allInnerTexts()).slice(1).sort();
  assert.deepEqual(leadOptions, ['Ban Tài chính xã Sơn Tây', 'Văn phòng UBND xã Sơn Tây']);
  await lead.selectOption({ label: 'Văn phòng UBND xã Sơn Tây' });
  const coop = leader.locator('[data-testid="cooperating"] label');
  const offered = (await coop.allInnerTexts()).map((s) => s.trim()).sort();
  assert.deepEqual(offered, ['Ban Tài chính xã Sơn Tây', 'Ủy ban nhân dân xã Hà Thanh', 'Ủy ban nhân dân xã Sơn Hà'].sort(), 'its other department and the sibling communes only');
  for (const name of [elsewhere.name, underSibling.name, d.huyen.name]) assert.ok(!offered.includes(name), `${name} is not offered`);
  await leader.getByLabel('Bút phê (ý kiến chỉ đạo)').fill('Văn phòng chủ trì, xã Hà Thanh phối hợp cung cấp số liệu.');
  await leader.getByLabel('Ủy ban nhân dân xã Hà Thanh').check();
  assert.deepEqual(await audit(leader), [], 'accessibility/layout problems on the assign form');
  await shot(leader, 'assign-form-bounded');
  await leader.getByRole('button', { name: 'Giao việc' }).click();
  await leader.getByText('Đã giao việc').first().waitFor();

  // The issuer's secretary opens the tracking: the share is listed with the unit's name.
  const rows = await tracking(env, d.clerk, id);
  assert.deepEqual(rows[0]!.shares.map((s: { unitName: string }) => s.unitName).sort(), ['Văn phòng UBND xã Sơn Tây', 'Ủy ban nhân dân xã Hà Thanh'].sort());
  const clerk = await open('clerk');
  await login(clerk, base, 'vanthu.huyen');
  await clerk.goto(`${base}/#/tracking/${id}`);
  const shares = clerk.locator('.track-shares');
  await shares.waitFor();
  assert.match(await shares.innerText(), /Đơn vị nhận đã chia sẻ cho: .*Ủy ban nhân dân xã Hà Thanh/);
  assert.deepEqual(await audit(clerk), [], 'accessibility/layout problems on the tracking view');
  await shot(clerk, 'tracking-shares');
  assert.deepEqual(errors, []);
});
