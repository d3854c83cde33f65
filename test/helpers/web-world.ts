import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { TestEnv } from './app.js';
import { buildDocument, buildUnit, buildUser, PASSWORD, type TestUser } from './factories.js';
import { addAnchor, installKey, testPki } from './signing.js';
import { ARTIFACTS } from './web.js';

/** The people and units of the browser tests: a district, three communes, a commune with two departments. */
export async function district(env: TestEnv) {
  const pki = testPki('Ủy ban nhân dân huyện Thử');
  const admin = await buildUser(env, { roles: ['admin'] });
  assert.equal((await addAnchor(env, admin, pki.ca)).statusCode, 201);
  const huyen = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const clerk = await buildUser(env, { unit: huyen, roles: ['clerk'], username: 'vanthu.huyen', fullName: 'Trần Thị Mai' });
  const leader = await buildUser(env, { unit: huyen, roles: ['leader'], username: 'chutich.huyen', fullName: 'Nguyễn Văn Hùng', title: 'Chủ tịch' });
  assert.equal((await installKey(env, leader, pki.leader, pki.ca, 'user')).statusCode, 201);
  assert.equal((await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  const commune = (name: string) => buildUnit(env, { name, shortName: 'UBND', parentId: huyen.id });
  const [sonTay, haThanh, sonHa] = [await commune('Ủy ban nhân dân xã Sơn Tây'), await commune('Ủy ban nhân dân xã Hà Thanh'), await commune('Ủy ban nhân dân xã Sơn Hà')];
  const office = await buildUnit(env, { name: 'Văn phòng UBND xã Sơn Tây', shortName: 'VP', kind: 'department', parentId: sonTay.id });
  await buildUnit(env, { name: 'Ban Tài chính xã Sơn Tây', shortName: 'TC', kind: 'department', parentId: sonTay.id });
  const official = await buildUser(env, { unit: sonTay, roles: ['officer'], username: 'canbo.sontay', fullName: 'Dương Văn Lực' });
  const communeLeader = await buildUser(env, { unit: sonTay, roles: ['leader'], username: 'chutich.sontay', fullName: 'Phan Văn Dũng' });
  const communeClerk = await buildUser(env, { unit: sonTay, roles: ['clerk'], username: 'vanthu.sontay' });
  return { pki, huyen, clerk, leader, sonTay, haThanh, sonHa, office, official, communeLeader, communeClerk };
}

/** Drafts (optionally signs) and issues through the API, as another user's app would. */
export async function issue(env: TestEnv, o: { clerk: TestUser; leader?: TestUser; recipients: string[]; subject: string; urgency?: 'normal' | 'flash'; files?: Buffer[] }) {
  const { doc } = await buildDocument(env, { author: o.clerk, recipients: o.recipients, subject: o.subject, urgency: o.urgency ?? 'normal', files: o.files });
  if (o.leader) assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: o.leader.auth })).statusCode, 200);
  const started = Date.now();
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: o.clerk.auth });
  assert.equal(r.statusCode, 200, r.body);
  return { id: doc.id, started };
}

export const tracking = async (env: TestEnv, who: TestUser, docId: string) =>
  (await env.app.inject({ url: `/api/documents/${docId}/tracking`, headers: who.auth })).json().deliveries as Array<Record<string, any>>;

export async function login(page: Page, base: string, username: string) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await skipPushPrompt(page);
  await page.getByRole('heading', { name: 'Văn bản đến' }).waitFor();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), null, { timeout: 10_000 });
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/**
 * The first login on a browser asks to allow notifications (push.js): "Để sau", as someone
 * trying the other screens would. A browser that answered before goes straight to the inbox.
 */
export async function skipPushPrompt(page: Page) {
  const prompt = page.locator('[data-push-prompt]');
  await page.locator('[data-push-prompt], #main h1:text-is("Văn bản đến")').first().waitFor();
  if (await prompt.count()) {
    await prompt.getByRole('button', { name: 'Để sau' }).click();
    await prompt.waitFor({ state: 'detached' });
  }
}
