import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { listAllEventsSince, type EventRow } from '../events/service.js';
import type { NotifyEvent } from './settings.js';
import { composeMessage, type MessageFacts } from './messages.js';

/** Events older than this when the notifier reaches them (after a long outage) are not sent. */
const STALE_MS = 24 * 3600_000;
const BATCH = 500;

/** Which notification an event is, if any. */
function kindOf(e: EventRow): NotifyEvent | null {
  const d = e.data as { urgency?: unknown };
  switch (e.type) {
    case 'delivery.created': return d.urgency === 'flash' ? 'flash_received' : null;
    case 'delivery.escalated': return 'flash_escalated';
    case 'assignment.due_soon': return 'due_tomorrow';
    case 'assignment.overdue': return 'overdue';
    case 'meeting.reminder': return 'meeting_reminder';
    default: return null;
  }
}

interface Person {
  userId: string; unitId: string; phone: string | null; email: string | null; smsEvents: string[]; emailEvents: string[];
}

/**
 * The notifier's cursor, created at the first start at the newest event (nothing is sent about what
 * happened before the notifier existed); a restored backup brings its own.
 */
export async function initNotifyCursor(db: Db): Promise<void> {
  await db.execute(sql`insert into notify_state (id, last_event_id) select 1, coalesce(max(id), 0) from events on conflict (id) do nothing`);
}

/**
 * Moves the notifier's cursor over committed events, queueing one notification per event, person
 * and channel the person asked for — in one transaction with the cursor, under its row lock, so
 * replicas take turns and a crash repeats nothing (the rows are also unique per event, person and
 * channel). Returns how many were queued. Hỏa tốc received goes to every member of the recipient
 * unit who asked for it; the other events to the persons they address (event.userIds).
 */
export async function deriveNotifications(deps: { db: Db; config: Pick<Config, 'sms' | 'mail' | 'publicUrl'>; clock: () => Date }): Promise<{ queued: number; more: boolean }> {
  // Nothing new (the usual answer: every event wakes every replica): no lock taken, nothing written.
  const [peek] = await deps.db.execute<{ behind: boolean }>(sql`
    select exists (select 1 from events where id > coalesce((select last_event_id from notify_state where id = 1), 0)) as behind`);
  if (!peek?.behind) return { queued: 0, more: false };
  return deps.db.transaction(async (tx) => {
    const [state] = await tx.execute<{ last_event_id: string }>(sql`select last_event_id from notify_state where id = 1 for update`);
    if (!state) return { queued: 0, more: false }; // startNotifier creates the row first
    const cursor = Number(state.last_event_id);
    const rows = await listAllEventsSince(tx, cursor, BATCH);
    if (rows.length === 0) return { queued: 0, more: false };
    const now = deps.clock();
    const wanted = rows
      .map((e) => ({ e, kind: kindOf(e) }))
      .filter((x): x is { e: EventRow; kind: NotifyEvent } => x.kind !== null && now.getTime() - x.e.at.getTime() < STALE_MS);
    let queued = 0;
    if (wanted.length && (deps.config.sms || deps.config.mail)) {
      const unitIds = wanted.filter((w) => w.kind === 'flash_received').map((w) => String((w.e.data as { unitId?: unknown }).unitId ?? ''));
      const userIds = wanted.flatMap((w) => w.e.userIds);
      const people = await tx.execute<{ user_id: string; unit_id: string; phone: string | null; email: string | null; sms_events: string[]; email_events: string[] }>(sql`
        select s.user_id, u.unit_id, s.phone, s.email, s.sms_events, s.email_events
        from notification_settings s join users u on u.id = s.user_id
        where not u.disabled and (cardinality(s.sms_events) > 0 or cardinality(s.email_events) > 0)
          and (u.unit_id = any(${`{${[...new Set(unitIds.filter(Boolean))].join(',')}}`}::uuid[])
            or s.user_id = any(${`{${[...new Set(userIds)].join(',')}}`}::uuid[]))`);
      const byUnit = new Map<string, Person[]>();
      const byUser = new Map<string, Person>();
      for (const p of people) {
        const person: Person = { userId: p.user_id, unitId: p.unit_id, phone: p.phone, email: p.email, smsEvents: p.sms_events, emailEvents: p.email_events };
        byUser.set(person.userId, person);
        byUnit.set(person.unitId, [...(byUnit.get(person.unitId) ?? []), person]);
      }
      const docIds = [...new Set(wanted.map((w) => w.e.documentId).filter((x): x is string => Boolean(x)))];
      const docs = new Map((await tx.execute<{ id: string; notation: string | null; subject: string; issuer_name: string }>(sql`
        select d.id, d.notation, d.subject, u.name as issuer_name from documents d join units u on u.id = d.issuer_unit_id
        where d.id = any(${`{${docIds.join(',')}}`}::uuid[])`)).map((d) => [d.id, d]));
      const out: Array<Record<string, unknown>> = [];
      for (const { e, kind } of wanted) {
        const data = e.data as Record<string, unknown>;
        const doc = e.documentId ? docs.get(e.documentId) : undefined;
        const facts: MessageFacts = {
          kind, notation: doc?.notation ?? null, subject: doc?.subject ?? String(data.subject ?? ''), issuerName: doc?.issuer_name ?? String(data.issuerName ?? ''),
          dueDate: typeof data.dueDate === 'string' ? data.dueDate : null, daysLate: typeof data.daysLate === 'number' ? data.daysLate : null,
          url: kind === 'meeting_reminder' ? `${deps.config.publicUrl}/#/meetings/${String(data.meetingId ?? '')}` : `${deps.config.publicUrl}/#/documents/${e.documentId ?? ''}`,
          title: typeof data.title === 'string' ? data.title : null, startsAt: typeof data.startsAt === 'string' ? data.startsAt : null,
        };
        const targets = kind === 'flash_received' ? byUnit.get(String(data.unitId ?? '')) ?? [] : e.userIds.map((id) => byUser.get(id)).filter((p): p is Person => Boolean(p));
        for (const p of targets) {
          for (const channel of ['sms', 'email'] as const) {
            const to = channel === 'sms' ? p.phone : p.email;
            const asked = (channel === 'sms' ? p.smsEvents : p.emailEvents).includes(kind);
            if (!to || !asked || !(channel === 'sms' ? deps.config.sms : deps.config.mail)) continue;
            const m = composeMessage(channel, facts);
            out.push({
              event_id: e.id, kind, user_id: p.userId, channel, to, document_id: e.documentId, delivery_id: e.deliveryId,
              assignment_id: typeof data.assignmentId === 'string' ? data.assignmentId : null,
              subject: m.subject, body: m.body, next_attempt_at: now.toISOString(), created_at: now.toISOString(),
            });
          }
        }
      }
      if (out.length) {
        // One statement whose text does not grow with the rows (a flash to 2,000 units).
        const inserted = await tx.execute(sql`
          insert into notifications (event_id, kind, user_id, channel, "to", document_id, delivery_id, assignment_id, subject, body, next_attempt_at, created_at)
          select event_id, kind, user_id, channel, "to", document_id, delivery_id, assignment_id, subject, body, next_attempt_at, created_at
          from jsonb_to_recordset(${JSON.stringify(out)}::text::jsonb) as r(event_id bigint, kind text, user_id uuid, channel text, "to" text,
            document_id uuid, delivery_id uuid, assignment_id uuid, subject text, body text, next_attempt_at timestamptz, created_at timestamptz)
          on conflict do nothing returning id`);
        queued = inserted.length;
      }
    }
    await tx.execute(sql`update notify_state set last_event_id = ${rows[rows.length - 1]!.id} where id = 1`);
    return { queued, more: rows.length === BATCH };
  });
}
