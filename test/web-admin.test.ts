import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildUnit, buildUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { audit, hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { login, shot } from './helpers/web-world.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

test('admin screens at 390 px: add a unit under another, add a user in it, disable the user (logged out at once); log out with a confirmation', { skip, timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const base = await listen(env);
  const huyen = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const admin = await buildUser(env, { unit: huyen, roles: ['admin'], username: 'quantri.thu', fullName: 'Quản Trị Viên' });
  const browser = await launch();
  t.after(() => browser.close());
  const errors: string[] = [];
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  watchErrors(page, 'admin', errors, () => false);
  const noProblems = async (where: string) => assert.deepEqual(await audit(page), [], `accessibility/layout problems on ${where}`);

  await login(page, base, 'quantri.thu');
  await page.goto(`${base}/#/account`);
  await page.getByRole('link', { name: 'Quản trị đơn vị và tài khoản' }).click();
  await page.getByRole('heading', { name: 'Quản trị' }).waitFor();

  // A unit under the district.
  await page.getByRole('tab', { name: 'Đơn vị' }).click();
  await page.getByText('Thêm đơn vị', { exact: true }).first().click();
  await page.getByLabel('Tên đơn vị').fill('Phòng Nội vụ huyện Thử');
  await page.getByLabel('Tên viết tắt').fill('PNV');
  await page.getByLabel('Mã định danh').fill('000.01.31.H41');
  await page.getByLabel('Loại đơn vị').selectOption({ label: 'Phòng, ban' });
  await page.getByLabel('Đơn vị cấp trên').selectOption({ label: 'Ủy ban nhân dân huyện Thử' });
  await page.locator('form button[type="submit"]', { hasText: 'Thêm đơn vị' }).click();
  await page.locator('.admin-tree li', { hasText: 'Phòng Nội vụ huyện Thử' }).waitFor();
  await noProblems('the unit tree');
  const units = (await env.app.inject({ url: '/api/units', headers: admin.auth })).json().units as Array<{ id: string; code: string; parentId: string | null }>;
  const pnv = units.find((u) => u.code === '000.01.31.H41');
  assert.equal(pnv?.parentId, huyen.id);

  // A user in it.
  await page.getByRole('tab', { name: 'Tài khoản' }).click();
  const form = page.locator('[data-form="new-user"]');
  await form.getByText('Thêm tài khoản', { exact: true }).first().click();
  await form.getByLabel('Họ và tên').fill('Lê Thị Thử');
  await form.getByLabel('Tên đăng nhập').fill('lethithu.pnv');
  await form.getByLabel('Mật khẩu mới (ít nhất 8 ký tự)').fill('mat-khau-moi-1');
  await form.getByLabel('Chức vụ').fill('Chuyên viên');
  await form.getByLabel('Đơn vị').selectOption({ label: '\u00a0\u00a0Phòng Nội vụ huyện Thử' });
  await form.getByLabel('Văn thư').check();
  await form.locator('button[type="submit"]').click();
  const card = page.locator('[data-user="lethithu.pnv"]');
  await card.waitFor();
  await noProblems('the user list');
  await shot(page, 'web-admin-users');
  const created = (await env.app.inject({ url: `/api/users?unitId=${pnv!.id}`, headers: admin.auth })).json().users;
  assert.equal(created.length, 1);
  assert.deepEqual([...created[0].roles].sort(), ['clerk', 'officer']);
  assert.equal(created[0].title, 'Chuyên viên');

  // The new person logs in elsewhere; the admin disables the account; that session ends.
  const theirs = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lethithu.pnv', password: 'mat-khau-moi-1' } });
  assert.equal(theirs.statusCode, 200, theirs.body);
  const theirAuth = { authorization: `Bearer ${theirs.json().token as string}` };
  await card.getByText('Sửa tài khoản Lê Thị Thử').click();
  await card.getByRole('button', { name: 'Khóa tài khoản' }).click();
  await card.getByText('Khóa tài khoản Lê Thị Thử? Người này bị đăng xuất ngay.').waitFor();
  await card.locator('.notice').getByRole('button', { name: 'Khóa tài khoản' }).click();
  await card.getByText('Đã khóa', { exact: true }).waitFor();
  assert.equal((await env.app.inject({ url: '/api/me', headers: theirAuth })).statusCode, 401);
  assert.equal((await env.app.inject({ url: `/api/users?unitId=${pnv!.id}`, headers: admin.auth })).json().users[0].disabled, true);
  await noProblems('the disabled user');

  // Logging out asks first, then ends this session on the server too.
  await page.goto(`${base}/#/account`);
  await page.getByText('Đổi mật khẩu', { exact: true }).first().waitFor();
  await noProblems('the account page');
  const token = await page.evaluate(() => localStorage.getItem('lt.token'));
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByText('Đăng xuất khỏi máy này?').waitFor();
  await page.getByRole('group').getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
  assert.equal((await env.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
  assert.equal((await env.app.inject({ url: '/api/me', headers: admin.auth })).statusCode, 200, 'the admin\'s other session stays');
  assert.deepEqual(errors, []);
});
