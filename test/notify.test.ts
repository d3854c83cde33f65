// SMS and email beyond the browser (modules/notify, jobs/notify.ts) against a real local SMTP
// server and a local HTTP SMS gateway shaped like a Vietnamese brandname gateway: who gets what for
// a hỏa tốc dispatch, nothing after acknowledgement, the leaders on escalation, retries when the
// gateway answers 500, nothing twice across a restart, the outcome in tracking, and the settings API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { runDeadlineReminders } from '../src/modules/handling/reminders.js';
import { smsRequest } from '../src/modules/notify/channels.js';
import { composeMessage } from '../src/modules/notify/messages.js';
import { normalisePhone, quietUntil } from '../src/modules/notify/settings.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { startSmsGateway, startSmtp, type SmsGateway } from './helpers/notify-servers.js';
import { waitFor } from './helpers/sockets.js';

async function issue(env: TestEnv, author: TestUser, recipients: string[], subject: string) {
  const { doc } = await buildDocument(env, { author, recipients, urgency: 'flash', subject });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth });
  // A gateway that fails never fails the dispatch itself.
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string };
}

const put = (env: TestEnv, who: TestUser, payload: unknown) => env.app.inject({ method: 'PUT', url: '/api/me/notifications', headers: who.auth, payload: payload as object });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway configuration as an operator writes it (eSMS-like JSON body), parsed by the app's own config loader. */
function smsConfig(gw: SmsGateway) {
  return loadConfig({
    SMS_URL: `${gw.url}/MainService.svc/json/SendMultipleMessage_V4_post_json/`,
    SMS_HEADERS: JSON.stringify({ 'Content-Type': 'application/json', 'X-Api-Key': 'khoa-bi-mat' }),
    SMS_BODY: '{"ApiKey":"K","Phone":"{phone}","Content":"{text}","Brandname":"UBND","SmsType":"2","RequestId":"{id}"}',
  }).sms!;
}

test('settings: a bad phone, email, event or quiet hours is a 400 naming it and changes nothing; numbers are normalised', async (t) => {
  const env = await buildTestEnv(t, { sms: null, mail: null });
  const me = await buildUser(env);
  const empty = (await env.app.inject({ url: '/api/me/notifications', headers: me.auth })).json();
  assert.deepEqual(empty, { phone: null, email: null, channels: { sms: [], email: [] }, quietHours: null, available: { sms: false, email: false } });

  const ok = await put(env, me, { phone: '+84 912.345.678', email: 'van.thu@xa.gov.vn', channels: { sms: ['flash_received'], email: ['due_tomorrow', 'overdue'] }, quietHours: { from: '22:00', to: '06:00' } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().phone, '0912345678');
  const saved = (await env.app.inject({ url: '/api/me/notifications', headers: me.auth })).json();
  assert.deepEqual(saved.channels, { sms: ['flash_received'], email: ['due_tomorrow', 'overdue'] });
  assert.deepEqual(saved.quietHours, { from: '22:00', to: '06:00' });

  for (const [payload, field] of [
    [{ phone: '12345', channels: { sms: ['flash_received'] } }, 'phone'],
    [{ phone: '0212345678' }, 'phone'],
    [{ email: 'không-phải-thư' }, 'email'],
    [{ phone: '0912345678', channels: { sms: ['flash_recieved'] } }, 'sms'],
    [{ channels: { sms: ['flash_received'] } }, 'channels.sms'],
    [{ email: 'a@b.vn', quietHours: { from: '22:00', to: '25:00' } }, 'quietHours'],
    [{ quietHours: { from: '22:00', to: '22:00' } }, 'quietHours'],
    [{ phone: '0912345678', extra: 1 }, 'extra'],
  ] as const) {
    const r = await put(env, me, payload);
    assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} → ${r.body}`);
    assert.match(r.json().error.message, new RegExp(field.replace('.', '\\.')), r.body);
  }
  assert.deepEqual((await env.app.inject({ url: '/api/me/notifications', headers: me.auth })).json(), saved);
  assert.equal((await env.app.inject({ url: '/api/me/notifications' })).statusCode, 401);
  const health = (await env.app.inject({ url: '/healthz' })).json().details;
  assert.deepEqual({ sms: health.sms, email: health.email }, { sms: false, email: false });

  assert.equal(normalisePhone('0987 654 321'), '0987654321');
  assert.equal(normalisePhone('84987654321'), '0987654321');
  assert.equal(normalisePhone('0987 654 32'), null);
});

test('quiet hours in Vietnam time, across midnight; templates escaped for JSON, form bodies and URLs; SMS without diacritics, at most two parts', () => {
  // 23:04 in Vietnam = 16:04 UTC: quiet until 06:00 Vietnam = 23:00 UTC.
  assert.equal(quietUntil(new Date('2026-12-01T16:04:30Z'), '22:00', '06:00')?.toISOString(), '2026-12-01T23:00:00.000Z');
  assert.equal(quietUntil(new Date('2026-12-01T02:00:00Z'), '22:00', '06:00'), null); // 09:00
  assert.equal(quietUntil(new Date('2026-12-01T05:30:00Z'), '12:00', '13:30')?.toISOString(), '2026-12-01T06:30:00.000Z');
  assert.equal(quietUntil(new Date('2026-12-01T05:30:00Z'), null, null), null);

  const text = 'Hoa toc: "so tan" & di doi';
  const json = smsRequest({ url: 'http://gw/send', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"{phone}","msg":"{text}"}' }, { phone: '0912345678', text, id: 'n1' });
  assert.deepEqual(JSON.parse(String(json.init.body)), { to: '84912345678', msg: text });
  const form = smsRequest({ url: 'http://gw/send', method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'to={phoneLocal}&msg={text}' }, { phone: '0912345678', text, id: 'n1' });
  assert.equal(new URLSearchParams(String(form.init.body)).get('msg'), text);
  assert.equal(new URLSearchParams(String(form.init.body)).get('to'), '0912345678');
  const get = smsRequest({ url: 'http://gw/send?to={phone}&msg={text}&ref={id}', method: 'GET', headers: {}, body: null }, { phone: '0912345678', text, id: 'n1' });
  assert.equal(new URL(get.url).searchParams.get('msg'), text);
  assert.equal(get.init.body, undefined);

  const long = composeMessage('sms', {
    kind: 'flash_received', notation: '123/UBND-VP', subject: 'Về việc '.repeat(80), issuerName: 'Ủy ban nhân dân huyện Sơn Hà',
    dueDate: null, daysLate: null, url: 'https://lienthong.sonha.gov.vn/#/documents/0b1c', title: null, startsAt: null,
  });
  assert.ok(long.body.length <= 306, String(long.body.length));
  assert.match(long.body, /^HOA TOC: 123\/UBND-VP cua Uy ban nhan dan huyen Son Ha: Ve viec/);
  assert.ok(long.body.endsWith(' https://lienthong.sonha.gov.vn/#/documents/0b1c'), long.body);
  assert.ok(/^[\x20-\x7e]*$/.test(long.body), 'SMS text is plain ASCII');
});

test('a hỏa tốc dispatch: one SMS and one email to who asked, nothing after acknowledgement, the leaders on escalation, retries on 500, shown in tracking, nothing twice across a restart', { timeout: 90_000 }, async (t) => {
  const gw = await startSmsGateway();
  const smtp = await startSmtp();
  t.after(async () => { await gw.close(); await smtp.close(); });
  const settings = {
    sms: smsConfig(gw), mail: { url: smtp.url, from: 'lienthong <no-reply@sonha.gov.vn>' }, publicUrl: 'https://lienthong.sonha.gov.vn',
    notifyTickMs: 100, notifyRetryMs: 60_000, notifyMaxAttempts: 4, alarmTickMs: 100, escalateAfterMinutes: 10,
  };
  const env = await buildTestEnv(t, settings);
  env.clock.set('2026-12-01T16:04:00Z'); // 23:04 in Vietnam: the clerk's quiet hours do not hold back hỏa tốc
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Tây' });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'], fullName: 'Nguyễn Thị Văn Thư' });
  const leader = await buildUser(env, { unit: commune, roles: ['leader'] });
  const officer = await buildUser(env, { unit: commune, roles: ['officer'] });
  assert.equal((await put(env, clerk, { phone: '0912345678', email: 'vanthu@sontay.gov.vn', channels: { sms: ['flash_received'], email: ['flash_received'] }, quietHours: { from: '22:00', to: '06:00' } })).statusCode, 200);
  assert.equal((await put(env, leader, { phone: '0987654321', channels: { sms: ['flash_escalated'] } })).statusCode, 200);
  // The officer asked only for deadlines: a hỏa tốc sends them nothing.
  assert.equal((await put(env, officer, { phone: '0911111111', channels: { sms: ['due_tomorrow'] } })).statusCode, 200);
  const sms = () => gw.requests.map((r) => JSON.parse(r.body) as { Phone: string; Content: string; RequestId: string });
  const deliveryOf = async (docId: string) => (await env.app.inject({ url: `/api/documents/${docId}/tracking`, headers: issuer.auth })).json().deliveries[0];
  const advance = async (ms: number) => { env.clock.advance(ms); await sleep(600); };
  /** Waits until the document's SMS row has been written back after an attempt (so moving the clock cannot race the write). */
  const settled = async (docId: string, attempts: number) => {
    for (let i = 0; i < 200; i++) {
      const [r] = await env.db.execute<{ status: string; attempts: number }>(sql`select status, attempts from notifications where document_id = ${docId} and channel = 'sms' and kind = 'flash_received'`);
      if (r && r.attempts === attempts && r.status !== 'sending') return r.status;
      await sleep(50);
    }
    throw new Error(`the SMS of ${docId} did not settle after attempt ${attempts}`);
  };

  // 1. Received: one SMS to the clerk with the notation and the subject (without diacritics), one email.
  const a = await issue(env, issuer, [commune.id], 'Hỏa tốc: sơ tán dân khỏi vùng lũ');
  await waitFor(() => gw.requests.length >= 1 && smtp.mails.length >= 1, 15_000, 'the SMS and the email');
  assert.equal(gw.requests[0]!.headers['x-api-key'], 'khoa-bi-mat');
  assert.equal(sms()[0]!.Phone, '84912345678');
  assert.ok(sms()[0]!.Content.includes(a.notation), sms()[0]!.Content);
  assert.ok(sms()[0]!.Content.includes('Hoa toc: so tan dan khoi vung lu'), sms()[0]!.Content);
  assert.match(sms()[0]!.Content, /^HOA TOC: /);
  const mail = smtp.mails[0]!;
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'vanthu@sontay.gov.vn');
  assert.ok(mail.subject?.includes(a.notation) && mail.subject.includes('Hỏa tốc: sơ tán dân khỏi vùng lũ'), mail.subject);
  assert.ok(mail.text?.includes(`https://lienthong.sonha.gov.vn/#/documents/${a.id}`), mail.text);
  // Alarms repeat; SMS do not.
  for (let i = 0; i < 3; i++) await advance(61_000);
  assert.equal(gw.requests.length, 1);
  assert.equal(smtp.mails.length, 1);
  // Tracking shows it, masked: "đã nhắn tin 23:04".
  let d = await deliveryOf(a.id);
  assert.deepEqual(d.notifications.map((n: { channel: string; to: string; status: string; person: string }) => [n.channel, n.to, n.status, n.person]).sort(), [
    ['email', 'v***@sontay.gov.vn', 'sent', 'Nguyễn Thị Văn Thư'],
    ['sms', '0912***678', 'sent', 'Nguyễn Thị Văn Thư'],
  ]);
  assert.equal(d.notifications.find((n: { channel: string }) => n.channel === 'sms').at, '2026-12-01T16:04:00.000Z');
  const ackA = await env.app.inject({ method: 'POST', url: `/api/deliveries/${d.deliveryId}/acknowledge`, headers: clerk.auth });
  assert.equal(ackA.statusCode, 200, ackA.body);

  // 2. Retries: the gateway answers 500 twice; the dispatch goes out anyway and the SMS on the third try.
  gw.failNext(2);
  const b = await issue(env, issuer, [commune.id], 'Hỏa tốc: huy động lực lượng ứng cứu');
  await waitFor(() => gw.requests.length >= 2, 15_000, 'the first try');
  assert.equal(gw.requests[1]!.status, 500);
  assert.equal(await settled(b.id, 1), 'pending');
  await advance(61_000);
  await waitFor(() => gw.requests.length >= 3, 15_000, 'the second try');
  assert.equal(await settled(b.id, 2), 'pending');
  await advance(121_000);
  await waitFor(() => gw.requests.length >= 4, 15_000, 'the third try');
  assert.deepEqual(gw.requests.slice(1).map((r) => r.status), [500, 500, 200]);
  // Each retry is the same message (same reference for a gateway that deduplicates).
  assert.equal(new Set(sms().slice(1).map((m) => m.RequestId)).size, 1);
  const [row] = await env.db.execute<{ status: string; attempts: number }>(sql`select status, attempts from notifications where document_id = ${b.id} and channel = 'sms'`);
  assert.deepEqual({ ...row }, { status: 'sent', attempts: 3 });

  // 3. Nobody acknowledges b: escalated to the leaders — one SMS to the leader, none more to the clerk.
  await advance(10 * 60_000);
  await waitFor(() => gw.requests.length >= 5, 15_000, 'the escalation SMS');
  await sleep(500);
  assert.equal(gw.requests.length, 5);
  assert.equal(sms()[4]!.Phone, '84987654321');
  assert.match(sms()[4]!.Content, /^HOA TOC CHUA CO NGUOI NHAN: /);
  assert.ok(sms()[4]!.Content.includes(b.notation));
  d = await deliveryOf(b.id);
  assert.ok(d.escalatedAt);
  assert.equal(d.notifications.filter((n: { status: string; channel: string }) => n.channel === 'sms' && n.status === 'sent').length, 2);
  // a was acknowledged before its escalation was due: no escalation SMS for it.
  assert.equal(sms().filter((m) => m.Content.includes(a.notation)).length, 1);

  // 4. Acknowledged while its SMS waits for a retry: it is never sent.
  gw.failNext(1);
  const c = await issue(env, issuer, [commune.id], 'Hỏa tốc: cấm đường qua ngầm tràn');
  await waitFor(() => gw.requests.length >= 6, 15_000, 'the failed try');
  assert.equal(await settled(c.id, 1), 'pending');
  d = await deliveryOf(c.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${d.deliveryId}/acknowledge`, headers: clerk.auth })).statusCode, 200);
  await advance(61_000);
  await advance(121_000);
  assert.equal(gw.requests.length, 6);
  const [cancelled] = await env.db.execute<{ status: string }>(sql`select status from notifications where document_id = ${c.id} and channel = 'sms'`);
  assert.equal(cancelled!.status, 'cancelled');
  assert.equal(smtp.mails.length, 3); // a, b and c each had their one email (mail never failed)

  // 5. A restart (another replica on the same database): nothing is sent again; new dispatches still are.
  await env.app.close();
  const env2 = await buildTestEnv(t, settings, { database: { url: env.dbUrl } });
  env2.clock.set(env.clock().toISOString());
  await sleep(1000);
  assert.equal(gw.requests.length, 6);
  assert.equal(smtp.mails.length, 3);
  const { doc } = await buildDocument(env2, { author: issuer, recipients: [commune.id], urgency: 'flash', subject: 'Hỏa tốc: sau khi khởi động lại' });
  assert.equal((await env2.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth })).statusCode, 200);
  await waitFor(() => gw.requests.length >= 7 && smtp.mails.length >= 4, 15_000, 'the next SMS');
  await sleep(800);
  assert.equal(gw.requests.length, 7);
  assert.equal(smtp.mails.length, 4);
  const events = await env2.db.execute<{ type: string; n: number }>(sql`select type, count(*)::int as n from events where type like 'notification.%' group by type order by type`);
  assert.deepEqual(events.map((e) => [e.type, e.n]), [['notification.cancelled', 1], ['notification.sent', 8]]);
});

test('a deadline tomorrow waits for the end of the person\'s rest hours (Vietnam time); hỏa tốc would not', { timeout: 60_000 }, async (t) => {
  const gw = await startSmsGateway();
  t.after(() => gw.close());
  const env = await buildTestEnv(t, { sms: smsConfig(gw), mail: null, notifyTickMs: 100 });
  env.clock.set('2026-12-01T03:00:00Z');
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const unit = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const staff = await buildUser(env, { unit, roles: ['officer'] });
  assert.equal((await put(env, staff, { phone: '0933333333', channels: { sms: ['due_tomorrow', 'overdue'] }, quietHours: { from: '22:00', to: '06:00' } })).statusCode, 200);
  const { doc } = await buildDocument(env, { author: issuer, recipients: [unit.id], subject: 'Báo cáo quyết toán ngân sách năm 2026' });
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth });
  assert.equal(issued.statusCode, 200, issued.body);
  const deliveryId = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json().deliveries[0].deliveryId;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);
  const assigned = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: leader.auth, payload: { direction: 'Giao chuyên viên', lead: { userId: staff.user.id, dueDate: '2026-12-10' } } });
  assert.equal(assigned.statusCode, 201, assigned.body);

  // 23:00 on 9/12 in Vietnam: the reminder is due now, but the officer rests until 06:00.
  env.clock.set('2026-12-09T16:00:00Z');
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 1, overdue: 0 });
  await sleep(800);
  assert.equal(gw.requests.length, 0);
  const [waiting] = await env.db.execute<{ status: string; next: Date }>(sql`select status, next_attempt_at as next from notifications where kind = 'due_tomorrow'`);
  assert.equal(waiting!.status, 'pending');
  assert.equal(new Date(waiting!.next).toISOString(), '2026-12-09T23:00:00.000Z');
  env.clock.set('2026-12-09T23:00:05Z');
  await waitFor(() => gw.requests.length === 1, 15_000, 'the reminder at 06:00');
  const sent = JSON.parse(gw.requests[0]!.body) as { Phone: string; Content: string };
  assert.equal(sent.Phone, '84933333333');
  assert.match(sent.Content, /^Han xu ly ngay mai \(10\/12\/2026\): .* Bao cao quyet toan ngan sach nam 2026/);
});
