import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { runMeetingReminders } from '../src/modules/meetings/reminders.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { connect, listen, syncSince, waitFor, type TestClient } from './helpers/sockets.js';
import { startSmsGateway } from './helpers/notify-servers.js';
import { loadConfig } from '../src/config.js';

const HOUR = 3600_000;

async function issue(env: TestEnv, author: TestUser, type: string, subject: string, recipients: string[]) {
  const { doc } = await buildDocument(env, { author, type, subject, recipients });
  const res = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth });
  assert.equal(res.statusCode, 200, res.body);
  return doc;
}

async function reminderEvents(env: TestEnv, meetingId: string) {
  return env.db.execute<{ kind: string; user_ids: string[] }>(sql`
    select data->>'kind' as kind, user_ids from events where type = 'meeting.reminder' and data->>'meetingId' = ${meetingId} order by id`);
}

test('a meeting with 20 participant units: invited by push, answers seen by the host, reminders once each, a paper read, comments collected, minutes and the conclusion\'s tasks tracked', async (t) => {
  const gw = await startSmsGateway();
  t.after(() => gw.close());
  const sms = loadConfig({ SMS_URL: `${gw.url}/send`, SMS_BODY: '{"Phone":"{phone}","Content":"{text}"}', SMS_HEADERS: '{"Content-Type":"application/json"}' }).sms!;
  const env = await buildTestEnv(t, { tokenTtlSeconds: 7 * 24 * 3600, sms, mail: null });
  env.clock.set('2026-12-01T01:00:00Z');
  const hostUnit = await buildUnit(env, { name: 'Văn phòng UBND tỉnh', shortName: 'VP' });
  const chair = await buildUser(env, { unit: hostUnit, roles: ['leader'], fullName: 'Chủ tịch' });
  const hostClerk = await buildUser(env, { unit: hostUnit, roles: ['clerk'] });
  const units = await Promise.all(Array.from({ length: 20 }, (_, i) => buildUnit(env, { name: `UBND xã ${i + 1}` })));
  const leaders = await Promise.all(units.map((unit) => buildUser(env, { unit, roles: ['leader'] })));
  const clerk3 = await buildUser(env, { unit: units[3]!, roles: ['clerk'] });
  const officer4 = await buildUser(env, { unit: units[4]!, roles: ['officer'] });
  const deputy5 = await buildUser(env, { unit: units[5]!, roles: ['officer'], fullName: 'Phó Chủ tịch xã 5' });
  const expert = await buildUser(env, { roles: ['officer'], fullName: 'Chuyên gia' });
  const stranger = await buildUser(env, { roles: ['leader'] });

  // Two people asked for meeting reminders by SMS; one of them leads a unit that declines.
  for (const [who, phone] of [[leaders[19]!, '0912000019'], [leaders[3]!, '0912000003']] as const) {
    const r = await env.app.inject({ method: 'PUT', url: '/api/me/notifications', headers: who.auth, payload: { phone, channels: { sms: ['meeting_reminder'] } } });
    assert.equal(r.statusCode, 200, r.body);
  }
  const url = await listen(env);
  const watched: TestClient[] = await Promise.all([chair, leaders[0]!, leaders[1]!, leaders[19]!, expert, stranger].map((u) => connect(url, u.token)));
  t.after(() => watched.forEach((c) => c.close()));
  const [hostSock, s0, s1, s19, expertSock, strangerSock] = watched as [TestClient, TestClient, TestClient, TestClient, TestClient, TestClient];

  const startsAt = '2026-12-02T07:00:00.000Z';
  const body = {
    title: 'Hội nghị triển khai nhiệm vụ năm 2027', startsAt, endsAt: '2026-12-02T10:00:00.000Z', place: 'Hội trường tầng 3',
    chairUserId: chair.user.id,
    participants: [...units.map((u) => ({ unitId: u.id })), { userId: expert.user.id }],
    agenda: [{ title: 'Dự thảo Kế hoạch năm 2027 (xin ý kiến)' }, { title: 'Báo cáo kết quả năm 2026' }],
  };

  // Bad input: 400 naming the field, nothing written.
  const bad = async (payload: object, field: string, who = hostClerk) => {
    const res = await env.app.inject({ method: 'POST', url: '/api/meetings', headers: who.auth, payload });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, new RegExp(field.replace(/[[\]]/g, '\\$&')));
  };
  await bad({ ...body, participants: [...body.participants, { unitId: '00000000-0000-4000-8000-000000000000' }] }, 'participants[21].unitId');
  await bad({ ...body, participants: [{ userId: '00000000-0000-4000-8000-000000000000' }] }, 'participants[0].userId');
  await bad({ ...body, startsAt: '2026-11-30T07:00:00Z' }, 'startsAt');
  await bad({ ...body, endsAt: '2026-12-02T06:00:00Z' }, 'endsAt');
  await bad({ ...body, chairUserId: stranger.unit.id }, 'chairUserId');
  await bad({ ...body, agenda: [{ title: 'x', documentIds: ['00000000-0000-4000-8000-000000000000'] }] }, 'agenda[0].documentIds');
  assert.equal((await env.app.inject({ method: 'POST', url: '/api/meetings', headers: officer4.auth, payload: body })).statusCode, 403);
  assert.equal(Number((await env.db.execute<{ n: string }>(sql`select count(*) as n from meetings`))[0]!.n), 0);

  const created = await env.app.inject({ method: 'POST', url: '/api/meetings', headers: hostClerk.auth, payload: body });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().meeting.id as string;
  assert.equal(created.json().meeting.hostUnit.id, hostUnit.id);

  // Invitations pushed to every unit and person invited, not to others.
  for (const c of [s0, s1, s19, expertSock]) await waitFor(() => c.of('meeting:invited').length > 0, 5000, 'meeting:invited');
  assert.deepEqual(Object.keys(s0.of('meeting:invited')[0]).sort(), ['eventId', 'meetingId', 'startsAt', 'title']);
  assert.equal(s0.of('meeting:invited')[0].startsAt, startsAt);
  const [inviteEvent] = await env.db.execute<{ unit_ids: string[] }>(sql`select unit_ids from events where type = 'meeting.created'`);
  assert.equal(inviteEvent!.unit_ids.length, 21, 'the host and the 20 units');
  // The weekly schedule: a participant's, the host's; nothing for a stranger.
  const week = (who: TestUser) => env.app.inject({ url: '/api/meetings?from=2026-11-30T17:00:00Z&to=2026-12-07T17:00:00Z', headers: who.auth }).then((r) => r.json().items);
  assert.equal((await week(leaders[7]!)).length, 1);
  assert.equal((await week(expert)).length, 1);
  assert.equal((await week(chair))[0].role, 'host');
  assert.equal((await week(stranger)).length, 0);
  assert.equal((await env.app.inject({ url: `/api/meetings/${id}`, headers: stranger.auth })).statusCode, 404);

  // Answers: a unit's leader or clerk answers for it; an officer may not; a substitute must be of the unit.
  const rsvp = (who: TestUser, payload: object) => env.app.inject({ method: 'POST', url: `/api/meetings/${id}/rsvp`, headers: who.auth, payload });
  for (const l of leaders.slice(0, 15)) assert.equal((await rsvp(l, { answer: 'yes' })).statusCode, 200);
  assert.equal((await rsvp(clerk3, { answer: 'no' })).statusCode, 200, 'the clerk answers for the unit (changing its answer)');
  assert.equal((await rsvp(officer4, { answer: 'yes' })).statusCode, 403);
  const subBad = await rsvp(leaders[5]!, { answer: 'substitute', substituteUserId: stranger.user.id });
  assert.equal(subBad.statusCode, 400);
  assert.match(subBad.json().error.message, /substituteUserId/);
  assert.equal((await rsvp(leaders[5]!, { answer: 'substitute', substituteUserId: deputy5.user.id })).statusCode, 200);
  assert.equal((await rsvp(expert, { answer: 'yes' })).statusCode, 200);
  await waitFor(() => hostSock.of('meeting:updated').filter((p) => p.event === 'answered').length >= 18, 5000, 'answers pushed to the host');
  const seen = (await env.app.inject({ url: `/api/meetings/${id}`, headers: chair.auth })).json().meeting;
  assert.equal(seen.participants.length, 21);
  const by = new Map(seen.participants.map((p: { unitId: string | null; userId: string | null }) => [p.unitId ?? p.userId, p]));
  assert.equal((by.get(units[0]!.id) as { answer: string }).answer, 'yes');
  assert.equal((by.get(units[3]!.id) as { answer: string }).answer, 'no');
  assert.equal((by.get(units[5]!.id) as { substitute: { id: string } }).substitute.id, deputy5.user.id);
  assert.equal((by.get(units[19]!.id) as { answer: string | null }).answer, null);
  assert.equal(seen.participants.filter((p: { answer: string | null }) => p.answer === 'yes').length, 14);

  // A paper, streamed in and read by a participant (ranges and ETag, as the offline copy fetches it).
  const pdf = makePdf('Du thao ke hoach 2027');
  const form = multipart([{ name: 'agendaIndex', data: '0' }, { name: 'file', filename: 'du-thao.pdf', data: pdf }]);
  const up = await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/files`, headers: { ...hostClerk.auth, ...form.headers }, payload: form.payload });
  assert.equal(up.statusCode, 201, up.body);
  const file = up.json().files[0];
  const badForm = multipart([{ name: 'agendaIndex', data: '7' }, { name: 'file', filename: 'x.pdf', data: pdf }]);
  const badUp = await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/files`, headers: { ...hostClerk.auth, ...badForm.headers }, payload: badForm.payload });
  assert.equal(badUp.statusCode, 400);
  assert.match(badUp.json().error.message, /agendaIndex/);
  const read = await env.app.inject({ url: file.url, headers: leaders[12]!.auth });
  assert.equal(read.statusCode, 200);
  assert.ok(read.rawPayload.equals(pdf));
  assert.equal(read.headers.etag, `"${file.sha256}"`);
  assert.equal((await env.app.inject({ url: file.url, headers: { ...deputy5.auth, range: 'bytes=0-9' } })).statusCode, 206, 'the substitute reads it too');
  assert.equal((await env.app.inject({ url: file.url, headers: { ...leaders[12]!.auth, 'if-none-match': `"${file.sha256}"` } })).statusCode, 304);
  assert.equal((await env.app.inject({ url: file.url, headers: stranger.auth })).statusCode, 404);
  await waitFor(() => s19.of('meeting:updated').some((p) => p.event === 'files_added'), 5000, 'papers announced');

  // Comments on the draft, collected for the host; a participant sees its own side's.
  const comment = (who: TestUser, payload: object) => env.app.inject({ method: 'POST', url: `/api/meetings/${id}/comments`, headers: who.auth, payload });
  for (const l of leaders.slice(0, 3)) assert.equal((await comment(l, { agendaIndex: 0, text: `Góp ý của ${l.unit.name}: bổ sung chỉ tiêu` })).statusCode, 201);
  const badComment = await comment(leaders[0]!, { agendaIndex: 5, text: 'x' });
  assert.equal(badComment.statusCode, 400);
  assert.match(badComment.json().error.message, /agendaIndex/);
  assert.equal((await comment(stranger, { agendaIndex: 0, text: 'x' })).statusCode, 404);
  assert.equal((await env.app.inject({ url: `/api/meetings/${id}`, headers: hostClerk.auth })).json().meeting.comments.length, 3);
  const theirs = (await env.app.inject({ url: `/api/meetings/${id}`, headers: leaders[1]!.auth })).json().meeting;
  assert.deepEqual(theirs.comments.map((c: { unit: { id: string } }) => c.unit.id), [units[1]!.id]);
  assert.equal(theirs.agenda[0].files[0].id, file.id);

  // Moved by an hour: everyone is told.
  const moved = '2026-12-02T08:00:00.000Z';
  const patch = await env.app.inject({ method: 'PATCH', url: `/api/meetings/${id}`, headers: chair.auth, payload: { startsAt: moved, place: 'Phòng họp số 1' } });
  assert.equal(patch.statusCode, 200, patch.body);
  assert.equal((await env.app.inject({ method: 'PATCH', url: `/api/meetings/${id}`, headers: leaders[0]!.auth, payload: { place: 'x' } })).statusCode, 403);
  const badPatch = await env.app.inject({ method: 'PATCH', url: `/api/meetings/${id}`, headers: chair.auth, payload: { startsAt: '2026-11-01T00:00:00Z' } });
  assert.equal(badPatch.statusCode, 400);
  assert.match(badPatch.json().error.message, /startsAt/);
  for (const c of [hostSock, s0, s19, expertSock]) await waitFor(() => c.of('meeting:changed').length > 0, 5000, 'meeting:changed');
  assert.equal(s0.of('meeting:changed')[0].startsAt, moved);
  assert.deepEqual(s0.of('meeting:changed')[0].changes.sort(), ['place', 'startsAt']);

  // Reminders: once each, whatever the ticks and replicas (two passes race, then a third).
  const tick = async () => (await Promise.all([runMeetingReminders(env.deps), runMeetingReminders(env.deps)])).reduce((n, r) => n + r.reminded, 0);
  assert.equal(await tick(), 0, 'nothing due two days ahead');
  env.clock.set('2026-12-01T09:00:00Z'); // 23 h before
  assert.equal(await tick(), 1);
  assert.equal(await tick(), 0);
  env.clock.set('2026-12-02T07:15:00Z'); // 45 min before
  assert.equal(await tick(), 1);
  assert.equal(await tick(), 0);
  const reminders = await reminderEvents(env, id);
  assert.deepEqual(reminders.map((r) => r.kind), ['day', 'hour']);
  // Personally reminded (SMS/email by their settings): leaders of units coming, the substitute, the expert, the chair — not the unit that declined.
  const people = new Set(reminders[1]!.user_ids);
  for (const u of [leaders[0]!, leaders[19]!, deputy5, expert, chair]) assert.ok(people.has(u.user.id));
  assert.ok(!people.has(leaders[3]!.user.id) && !people.has(leaders[5]!.user.id));
  await waitFor(() => s19.of('meeting:reminder').length === 2, 5000, 'meeting:reminder');
  // SMS to those who opted in, once per reminder (the declining unit's leader gets none).
  await waitFor(() => gw.requests.length >= 2, 10_000, 'reminder SMS');
  const texts = gw.requests.map((r) => JSON.parse(r.body) as { Phone: string; Content: string });
  assert.deepEqual(texts.map((x) => x.Phone), ['84912000019', '84912000019']);
  assert.match(texts[0]!.Content, /Nhac lich hop/);
  assert.match(texts[0]!.Content, new RegExp(`#/meetings/${id}`));
  assert.deepEqual(s19.of('meeting:reminder').map((p) => p.kind), ['day', 'hour']);
  // Nothing of it reached someone outside the meeting; sync after a reconnect gives the same.
  assert.equal(strangerSock.received.filter((r) => r.name.startsWith('meeting:')).length, 0);
  const synced = await syncSince(s1, 0);
  const names = new Set(synced.events.map((e: { name: string }) => e.name));
  for (const n of ['meeting:invited', 'meeting:changed', 'meeting:reminder']) assert.ok(names.has(n), n);

  // Attendance from 30 minutes before: a participant taps "Có mặt"; the host marks another unit.
  const attend = (who: TestUser, payload?: object) => env.app.inject({ method: 'POST', url: `/api/meetings/${id}/attendance`, headers: who.auth, ...(payload ? { payload } : {}) });
  assert.equal((await attend(leaders[0]!)).statusCode, 409, 'not yet');
  env.clock.set('2026-12-02T07:45:00Z');
  const here = await attend(leaders[0]!);
  assert.equal(here.statusCode, 200, here.body);
  assert.equal(here.json().participant.presentUserId, leaders[0]!.user.id);
  assert.equal((await attend(chair, { unitId: units[1]!.id, present: true })).statusCode, 200);
  assert.equal((await attend(leaders[2]!, { unitId: units[1]!.id })).statusCode, 403);

  // After: the minutes and the conclusion, issued through the normal flow and linked; the tasks assigned and tracked.
  env.clock.set('2026-12-02T11:00:00Z');
  const unitIds = units.map((u) => u.id);
  const minutes = await issue(env, hostClerk, 'BB', 'Biên bản hội nghị triển khai nhiệm vụ năm 2027', unitIds);
  const conclusion = await issue(env, hostClerk, 'TB', 'Thông báo kết luận của Chủ tịch tại hội nghị', unitIds);
  const link = (payload: object) => env.app.inject({ method: 'POST', url: `/api/meetings/${id}/documents`, headers: hostClerk.auth, payload });
  const wrong = await link({ documentId: minutes.id, role: 'conclusion' });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.json().error.message, /documentId/);
  assert.equal((await link({ documentId: minutes.id, role: 'minutes' })).statusCode, 200);
  assert.equal((await link({ documentId: conclusion.id, role: 'conclusion' })).statusCode, 200);
  const tasks = (payload: object, who = chair) => env.app.inject({ method: 'POST', url: `/api/meetings/${id}/tasks`, headers: who.auth, payload });
  const badTask = await tasks({ tasks: [{ unitId: stranger.unit.id, text: 'x', dueDate: '2026-12-31' }] });
  assert.equal(badTask.statusCode, 400);
  assert.match(badTask.json().error.message, /tasks\[0\]\.unitId/);
  assert.equal((await tasks({ tasks: [{ unitId: units[0]!.id, text: 'x', dueDate: '2026-01-01' }] })).statusCode, 400);
  assert.equal((await tasks({ tasks: [{ unitId: units[0]!.id, text: 'x', dueDate: '2026-12-31' }] }, hostClerk)).statusCode, 403);
  const given = await tasks({ tasks: [
    { unitId: units[0]!.id, text: 'Xây dựng kế hoạch chi tiết của xã', dueDate: '2026-12-15' },
    { userId: deputy5.user.id, text: 'Báo cáo tiến độ giải ngân', dueDate: '2026-12-20' },
  ] });
  assert.equal(given.statusCode, 201, given.body);
  const [task0] = given.json().assignments;
  await waitFor(() => s0.of('assignment:new').some((p) => p.assignmentId === task0.id), 5000, 'assignment:new');
  const mine = (await env.app.inject({ url: '/api/assignments?mine=1', headers: leaders[0]!.auth })).json().items;
  assert.ok(mine.some((a: { id: string; dueDate: string }) => a.id === task0.id && a.dueDate === '2026-12-15'), 'in the unit\'s work list with its deadline');
  const done = await env.app.inject({ method: 'POST', url: `/api/assignments/${task0.id}/progress`, headers: leaders[0]!.auth, payload: { note: 'Đã ban hành kế hoạch', done: true } });
  assert.equal(done.statusCode, 200, done.body);
  const after = (await env.app.inject({ url: `/api/meetings/${id}`, headers: chair.auth })).json().meeting;
  assert.equal(after.documents.minutes.id, minutes.id);
  assert.equal(after.documents.conclusion.notation !== null, true);
  assert.deepEqual(after.tasks.map((x: { status: string }) => x.status), ['done', 'open']);
  assert.equal(after.participants.find((p: { unitId: string }) => p.unitId === units[1]!.id).present, true);
  // Overdue work is reminded like any other (the deadline job runs over these assignments).
  const [{ n }] = await env.db.execute<{ n: string }>(sql`select count(*) as n from assignments where id = ${task0.id}::uuid and direction = 'Xây dựng kế hoạch chi tiết của xã'`) as unknown as [{ n: string }];
  assert.equal(Number(n), 1);
});

test('a secret meeting lists its papers by title, never stores them; the giấy mời is a draft GM addressed to the units invited', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-12-01T01:00:00Z');
  const leader = await buildUser(env, { roles: ['leader'] });
  const units = await Promise.all([buildUnit(env), buildUnit(env)]);
  const res = await env.app.inject({
    method: 'POST', url: '/api/meetings', headers: leader.auth,
    payload: { title: 'Họp Ban Thường vụ', startsAt: '2026-12-05T01:00:00Z', secrecy: 'secret', participants: units.map((u) => ({ unitId: u.id })), agenda: [{ title: 'Công tác cán bộ' }] },
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().meeting.id;
  const before = Number((await env.db.execute<{ n: string }>(sql`select count(*) as n from blobs`))[0]!.n);
  const form = multipart([{ name: 'agendaIndex', data: '0' }, { name: 'file', filename: 'mat.pdf', data: makePdf('mat') }]);
  const refused = await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/files`, headers: { ...leader.auth, ...form.headers }, payload: form.payload });
  assert.equal(refused.statusCode, 409);
  const listed = multipart([{ name: 'agendaIndex', data: '0' }, { name: 'title', data: 'Tờ trình nhân sự (bản giấy)' }]);
  const ok = await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/files`, headers: { ...leader.auth, ...listed.headers }, payload: listed.payload });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().files[0].stored, false);
  assert.equal(ok.json().files[0].url, null);
  assert.equal(Number((await env.db.execute<{ n: string }>(sql`select count(*) as n from blobs`))[0]!.n), before);

  const gm = await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/invitation`, headers: leader.auth });
  assert.equal(gm.statusCode, 201, gm.body);
  assert.equal(gm.json().document.type, 'GM');
  assert.deepEqual([...gm.json().document.recipients].sort(), units.map((u) => u.id).sort());
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/meetings/${id}/invitation`, headers: leader.auth })).statusCode, 409);
  const m = (await env.app.inject({ url: `/api/meetings/${id}`, headers: leader.auth })).json().meeting;
  assert.equal(m.documents.invitation.id, gm.json().document.id);
  assert.equal(m.agenda[0].files[0].name, 'Tờ trình nhân sự (bản giấy)');
  // Cancelled: everyone is told; nothing more is accepted.
  const cancel = await env.app.inject({ method: 'PATCH', url: `/api/meetings/${id}`, headers: leader.auth, payload: { cancelled: true, reason: 'Lùi lịch' } });
  assert.equal(cancel.statusCode, 200);
  assert.equal(cancel.json().meeting.status, 'cancelled');
  const [ev] = await env.db.execute<{ changes: string[] }>(sql`select data->'changes' as changes from events where type = 'meeting.changed'`);
  assert.deepEqual(ev!.changes, ['status']);
});
