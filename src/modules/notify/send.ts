import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import type { Logger } from 'pino';
import { recordEvents } from '../events/service.js';
import { sendEmail, sendSms, type Outcome } from './channels.js';
import { IGNORES_QUIET_HOURS, quietUntil } from './settings.js';

type Deps = { db: Db; config: Pick<Config, 'sms' | 'mail' | 'notifyRetryMs' | 'notifyMaxAttempts'>; clock: () => Date; log: Logger };

/** A claimed row is the claimer's for this long; a replica that dies mid-send leaves it due again after. */
const LEASE_MS = 2 * 60_000;
const BATCH = 50;

type Claimed = {
  id: string; kind: string; user_id: string; channel: 'sms' | 'email'; to: string; subject: string; body: string;
  document_id: string | null; delivery_id: string | null; assignment_id: string | null; attempts: number;
  /** The reason it is no longer wanted (acknowledged, finished), or null. */
  moot: string | null;
  quiet_from: string | null; quiet_to: string | null;
};

/**
 * Sends due notifications: claims them (SKIP LOCKED, so replicas share the work), drops those no
 * longer wanted — a hỏa tốc someone in the unit has acknowledged, an assignment finished — defers
 * the non-urgent ones to the end of the person's quiet hours, and sends the rest, one at a time per
 * row; the outcome (sent, retried with doubling waits, failed after NOTIFY_MAX_ATTEMPTS or for good)
 * is written with its event. Returns how many were handled, so the caller runs again while rows remain.
 */
export async function runNotifyTick(deps: Deps): Promise<{ handled: number; sent: number }> {
  const now = deps.clock();
  const claimed = await deps.db.transaction(async (tx) => tx.execute<Claimed>(sql`
    with due as (
      select id from notifications
      where status in ('pending', 'sending') and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at limit ${BATCH} for update skip locked
    )
    update notifications n set status = 'sending', attempts = n.attempts + 1,
      next_attempt_at = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz
    from due where n.id = due.id
    returning n.id, n.kind, n.user_id, n.channel, n."to", n.subject, n.body, n.document_id, n.delivery_id, n.assignment_id, n.attempts,
      (case
        when n.delivery_id is not null and n.kind in ('flash_received', 'flash_escalated') then (
          select case when d.acknowledged_at is not null then 'acknowledged' when d.status <> 'delivered' then d.status end
          from deliveries d where d.id = n.delivery_id)
        when n.assignment_id is not null then (
          select case when a.status not in ('open', 'in_progress') then a.status end from assignments a where a.id = n.assignment_id)
      end) as moot,
      (select s.quiet_from from notification_settings s where s.user_id = n.user_id) as quiet_from,
      (select s.quiet_to from notification_settings s where s.user_id = n.user_id) as quiet_to`));
  let sent = 0;
  for (const n of claimed) {
    if (n.moot) {
      await finish(deps, n, 'cancelled', `không cần nữa: ${n.moot}`);
      continue;
    }
    const quietEnd = IGNORES_QUIET_HOURS.has(n.kind) ? null : quietUntil(deps.clock(), n.quiet_from, n.quiet_to);
    if (quietEnd) {
      await deps.db.execute(sql`update notifications set status = 'pending', attempts = attempts - 1, next_attempt_at = ${quietEnd.toISOString()}::timestamptz where id = ${n.id}`);
      continue;
    }
    const outcome = await attempt(deps, n);
    if (outcome.ok) {
      sent++;
      await finish(deps, n, 'sent', null);
    } else if (!outcome.retry || n.attempts >= deps.config.notifyMaxAttempts) {
      deps.log.warn({ notification: n.id, channel: n.channel, error: outcome.error }, 'notification failed');
      await finish(deps, n, 'failed', outcome.error);
    } else {
      const wait = deps.config.notifyRetryMs * 2 ** (n.attempts - 1);
      await deps.db.execute(sql`update notifications set status = 'pending', last_error = ${outcome.error},
        next_attempt_at = ${new Date(deps.clock().getTime() + wait).toISOString()}::timestamptz where id = ${n.id}`);
    }
  }
  return { handled: claimed.length, sent };
}

async function attempt(deps: Deps, n: Claimed): Promise<Outcome> {
  if (n.channel === 'sms') {
    if (!deps.config.sms) return { ok: false, retry: false, error: 'SMS is not configured (SMS_URL)' };
    return sendSms(deps.config.sms, { phone: n.to, text: n.body, id: n.id });
  }
  if (!deps.config.mail) return { ok: false, retry: false, error: 'email is not configured (SMTP_URL)' };
  return sendEmail(deps.config.mail, { to: n.to, subject: n.subject, text: n.body, id: n.id });
}

/** The final state and its event, in one transaction (the person's own event; tracking reads the row). */
async function finish(deps: Deps, n: Claimed, status: 'sent' | 'failed' | 'cancelled', error: string | null) {
  const at = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`update notifications set status = ${status}, last_error = ${error},
      sent_at = ${status === 'sent' ? at.toISOString() : null}::timestamptz where id = ${n.id}`);
    await recordEvents(tx, [{
      type: `notification.${status}`, at, documentId: n.document_id, deliveryId: n.delivery_id, unitIds: [], userIds: [n.user_id],
      data: { notificationId: n.id, kind: n.kind, channel: n.channel, attempts: n.attempts, ...(error ? { error } : {}) },
    }], { atCommit: true });
  });
}
