import type { Deps } from '../lib/deps.js';
import { serial } from './serial.js';
import { runAlarmTick } from '../modules/dispatch/alarms.js';
import { EVENTS_CHANNEL, lastEventId, listAllEventsSince } from '../modules/events/service.js';
import { runDeadlineReminders } from '../modules/handling/reminders.js';
import { runMeetingReminders } from '../modules/meetings/reminders.js';
import { pushesFor } from '../modules/realtime/pushes.js';
import type { Push } from '../modules/realtime/event-map.js';
import { disconnectSessions, type Io } from '../modules/realtime/socket.js';
import { SESSIONS_ENDED } from '../modules/auth/service.js';
import { sessionCacheFor } from '../modules/auth/session-cache.js';
import { pruneLoginThrottle } from '../modules/auth/throttle.js';
import { notifyUsers, vapidKeys } from '../modules/realtime/web-push.js';
import { finishInterruptedIssues } from '../workflows/issue-document.js';

/** The session ids of a `sessions.ended` event (auth/service.ts endSessions). */
function endedSessionIds(data: unknown): string[] {
  const ids = (data as { sessionIds?: unknown } | null)?.sessionIds;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}

/** The person whose sessions a `sessions.ended` event ended. */
function endedUserId(data: unknown): string | null {
  const id = (data as { userId?: unknown } | null)?.userId;
  return typeof id === 'string' ? id : null;
}

/**
 * Each replica pushes committed events to its own sockets: woken by NOTIFY (sent only on commit),
 * it reads the events after the last one it pushed, in id order (= commit order), and emits them
 * to rooms. A tick catches up if a notification was missed. Every replica sees every event, so
 * no message broker is needed and a client on any replica gets what any replica committed.
 * A `sessions.ended` event disconnects those sessions' sockets here, so logging out, disabling an
 * account or changing its password, roles or unit cuts its sockets on every replica, and evicts
 * the person's tokens from this replica's authentication cache (modules/auth/session-cache.ts).
 * The same wake-ups drive the flash-alarm worker; deadline reminders (and the pruning of old login
 * failure counters) run every ten minutes, meeting reminders every minute, and
 * interrupted issues are finished every thirty seconds.
 */
export async function startWorkers(deps: Deps, io: Io, opts: { alarms: boolean }): Promise<{ stop(): Promise<void> }> {
  let cursor = await lastEventId(deps.db);
  const sessionCache = sessionCacheFor(deps.db);
  const onError = (err: unknown) => deps.log.error({ err }, 'realtime worker failed');
  const push = serial(async () => {
    for (;;) {
      const rows = await listAllEventsSince(deps.db, cursor, 1000);
      for (const [i, e] of rows.entries()) {
        // Ended sessions lose their sockets before anything committed later is pushed.
        if (e.type === SESSIONS_ENDED) {
          // This replica's token cache forgets the person's tokens, then their sockets go.
          const userId = endedUserId(e.data);
          if (userId) sessionCache.evictUser(userId);
          disconnectSessions(io, endedSessionIds(e.data));
        }
        // One emit per message to all its rooms: a socket in two of them (a meeting's unit and person) gets it once.
        const byPayload = new Map<object, { name: Push['name']; rooms: string[] }>();
        for (const p of pushesFor(e)) {
          const g = byPayload.get(p.payload) ?? byPayload.set(p.payload, { name: p.name, rooms: [] }).get(p.payload)!;
          g.rooms.push(p.room);
        }
        for (const [payload, g] of byPayload) io.to(g.rooms).emit(g.name, payload as never);
        cursor = e.id;
        // Let other requests through during a large fan-out instead of blocking for its whole length.
        if (i % 250 === 249) await new Promise((r) => setImmediate(r));
      }
      if (rows.length < 1000) return;
    }
  }, onError);
  const keys = opts.alarms ? await vapidKeys(deps.db) : null;
  const alarms = serial(async () => {
    if (!keys) return;
    const outcome = await runAlarmTick(deps);
    for (const n of outcome.notify) await notifyUsers(deps, keys, n.userIds, n);
    if (outcome.fired || outcome.escalated) void alarms();
  }, onError);
  const listener = await deps.sql.listen(EVENTS_CHANNEL, () => {
    void push();
    void alarms();
  });
  // Meeting reminders (the day before, an hour before) every minute; Web Push after commit.
  const meetingReminders = serial(async () => {
    const out = await runMeetingReminders(deps);
    if (keys) for (const n of out.notify) await notifyUsers(deps, keys, n.userIds, n);
    if (out.reminded === 200) void meetingReminders();
  }, onError);
  const meetingTimer = setInterval(() => void meetingReminders(), 60_000);
  meetingTimer.unref();
  void meetingReminders();
  const reminders = serial(async () => {
    await runDeadlineReminders(deps);
    await pruneLoginThrottle(deps.db, deps.config, deps.clock());
  }, onError);
  // An issue whose request died after numbering is sealed and delivered here (its number is committed).
  const graceMs = deps.config.issueRecoveryGraceMs;
  const issues = serial(async () => void (await finishInterruptedIssues(deps, graceMs)), onError);
  const issuesTimer = setInterval(() => void issues(), Math.min(30_000, Math.max(1000, graceMs / 4)));
  issuesTimer.unref();
  void issues();
  const reminderTimer = setInterval(() => void reminders(), 10 * 60_000);
  reminderTimer.unref();
  void reminders();
  const pushTimer = setInterval(() => void push(), 2000);
  const alarmTimer = setInterval(() => void alarms(), deps.config.alarmTickMs);
  pushTimer.unref();
  alarmTimer.unref();
  void alarms();
  return {
    async stop() {
      clearInterval(pushTimer);
      clearInterval(reminderTimer);
      clearInterval(meetingTimer);
      clearInterval(issuesTimer);
      clearInterval(alarmTimer);
      await listener.unlisten().catch(() => {});
      await Promise.all([push.stop(), alarms.stop(), reminders.stop(), meetingReminders.stop(), issues.stop()]);
    },
  };
}
