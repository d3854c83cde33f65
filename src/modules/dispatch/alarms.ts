import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { documents } from '../documents/tables.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { leadersOfUnits, peopleOfUnits } from '../orgs/users.js';
import { deliveries, urgentAlarms } from './tables.js';

/** In the issuing transaction: every flash delivery starts ringing now (the first alarm is due at once). */
export async function scheduleAlarms(deps: Pick<Deps, 'config'>, tx: Tx, deliveryIds: string[], at: Date): Promise<void> {
  if (deliveryIds.length === 0) return;
  const escalateAt = new Date(at.getTime() + deps.config.escalateAfterMinutes * 60_000);
  // One statement whose text does not grow with the recipients (a dispatch may go to 1,000 units).
  await tx.execute(sql`
    insert into urgent_alarms (delivery_id, next_alarm_at, escalate_at)
    select d.id::uuid, ${at.toISOString()}::timestamptz, ${escalateAt.toISOString()}::timestamptz
    from jsonb_array_elements_text(${JSON.stringify(deliveryIds)}::text::jsonb) as d(id)
    on conflict do nothing`);
}

/** In the transaction that acknowledges (or accepts, refuses, recalls) a delivery: stop ringing. */
export async function stopAlarms(tx: Tx, deliveryIds: string[], at: Date): Promise<void> {
  if (deliveryIds.length === 0) return;
  await tx.update(urgentAlarms).set({ doneAt: at }).where(and(inArray(urgentAlarms.deliveryId, deliveryIds), isNull(urgentAlarms.doneAt)));
}

export interface AlarmOutcome {
  /** Web Push to send after commit: who, and what the notification says. */
  notify: Array<{ userIds: string[]; title: string; body: string; tag: string; url: string }>;
  fired: number;
  escalated: number;
}

/**
 * One pass over due alarms. Rows are claimed with SKIP LOCKED, so replicas share the work and
 * each alarm fires once; the alarm event, the next due time and (once) the escalation to the
 * unit's leaders are written in the same transaction.
 */
export async function runAlarmTick(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<AlarmOutcome> {
  const now = deps.clock();
  const repeatMs = deps.config.alarmRepeatSeconds * 1000;
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select({ a: urgentAlarms, d: { id: deliveries.id, unitId: deliveries.recipientUnitId, documentId: deliveries.documentId }, doc: { subject: documents.subject, issuerUnitId: documents.issuerUnitId } })
      .from(urgentAlarms)
      .innerJoin(deliveries, eq(deliveries.id, urgentAlarms.deliveryId))
      .innerJoin(documents, eq(documents.id, deliveries.documentId))
      .where(and(isNull(urgentAlarms.doneAt), or(lte(urgentAlarms.nextAlarmAt, now), and(isNull(urgentAlarms.escalatedAt), lte(urgentAlarms.escalateAt, now)))))
      .orderBy(urgentAlarms.nextAlarmAt)
      .limit(200)
      .for('update', { of: urgentAlarms, skipLocked: true });
    const out: AlarmOutcome = { notify: [], fired: 0, escalated: 0 };
    if (due.length === 0) return out;
    const events: NewEvent[] = [];
    const ringing = due.filter((r) => r.a.nextAlarmAt <= now);
    const escalating = due.filter((r) => !r.a.escalatedAt && r.a.escalateAt <= now);
    // Set-based: a dispatch to a thousand units makes a thousand due alarms at once.
    const members = await peopleOfUnits(tx, [...new Set(ringing.map((r) => r.d.unitId))]);
    const leadersOf = await leadersOfUnits(tx, [...new Set(escalating.map((r) => r.d.unitId))]);
    const ids = (rows: typeof due) => `{${rows.map((r) => r.d.id).join(',')}}`;
    if (ringing.length) {
      await tx.execute(sql`update urgent_alarms set next_alarm_at = ${new Date(now.getTime() + repeatMs).toISOString()}::timestamptz, repeat = repeat + 1
        where delivery_id = any(${ids(ringing)}::uuid[])`);
    }
    if (escalating.length) {
      await tx.execute(sql`update urgent_alarms set escalated_at = ${now.toISOString()}::timestamptz where delivery_id = any(${ids(escalating)}::uuid[])`);
      await tx.execute(sql`update deliveries set escalated_at = ${now.toISOString()}::timestamptz where id = any(${ids(escalating)}::uuid[])`);
    }
    for (const { a, d, doc } of due) {
      const base = { at: now, documentId: d.documentId, deliveryId: d.id, unitIds: [doc.issuerUnitId, d.unitId] };
      const data = { unitId: d.unitId, issuerUnitId: doc.issuerUnitId, subject: doc.subject, repeat: a.repeat };
      const url = `/#/documents/${d.documentId}`;
      if (a.nextAlarmAt <= now) {
        events.push({ ...base, type: 'delivery.alarm', data });
        out.notify.push({ userIds: members.get(d.unitId) ?? [], title: 'HỎA TỐC', body: doc.subject, tag: `flash-${d.id}`, url });
        out.fired++;
      }
      if (!a.escalatedAt && a.escalateAt <= now) {
        const leaders = leadersOf.get(d.unitId) ?? [];
        events.push({ ...base, type: 'delivery.escalated', userIds: leaders, data: { ...data, status: 'escalated' } });
        out.notify.push({ userIds: leaders, title: 'HỎA TỐC — chưa có người nhận', body: doc.subject, tag: `flash-esc-${d.id}`, url });
        out.escalated++;
      }
    }
    await recordEvents(tx, events);
    return out;
  });
}
