import type { EventRow } from '../events/service.js';
import type { Push } from './event-map.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** Every room an event names: its units' and its persons'. */
const rooms = (e: EventRow) => [...e.unitIds.map((u) => `unit:${u}`), ...e.userIds.map((u) => `user:${u}`)];

/**
 * What an event row means on screen, and for whom. A pure function of committed rows, so every
 * replica computes the same pushes and a client catching up gets exactly what it would have seen.
 */
export function pushesFor(e: EventRow): Push[] {
  const d = e.data as Record<string, unknown>;
  const at = e.at.toISOString();
  const recipient = str(d.unitId);
  const issuer = str(d.issuerUnitId);
  switch (e.type) {
    case 'delivery.created':
      return [{
        room: `unit:${recipient}`, name: 'delivery:new',
        payload: {
          eventId: e.id, deliveryId: e.deliveryId!, documentId: e.documentId!, subject: str(d.subject), urgency: str(d.urgency),
          issuer: { id: issuer, name: str(d.issuerName) }, deliveredAt: at,
        },
      }];
    case 'delivery.read':
    case 'delivery.acknowledged':
    case 'delivery.accepted':
    case 'delivery.refused':
    case 'delivery.recalled':
    case 'delivery.assigned':
    case 'delivery.in_progress':
    case 'delivery.completed':
    case 'delivery.recall_requested':
    case 'delivery.recall_refused': {
      // To the issuer's unit (tracking) and to the recipient's own unit, so every phone of the unit
      // learns at once that a colleague acknowledged it (its alarm stops) or registered it.
      const payload = { eventId: e.id, documentId: e.documentId!, deliveryId: e.deliveryId!, unitId: recipient, status: str(d.status), at, event: e.type.slice('delivery.'.length) };
      return [
        { room: `unit:${issuer}`, name: 'delivery:updated', payload },
        ...(recipient && recipient !== issuer ? [{ room: `unit:${recipient}`, name: 'delivery:updated', payload } as Push] : []),
      ];
    }
    case 'delivery.alarm':
      return [{
        room: `unit:${recipient}`, name: 'urgent:alarm',
        payload: { eventId: e.id, deliveryId: e.deliveryId!, documentId: e.documentId!, subject: str(d.subject), repeat: Number(d.repeat ?? 0) },
      }];
    case 'delivery.escalated':
      return [
        ...e.userIds.map((u): Push => ({
          room: `user:${u}`, name: 'urgent:alarm',
          payload: { eventId: e.id, deliveryId: e.deliveryId!, documentId: e.documentId!, subject: str(d.subject), repeat: Number(d.repeat ?? 0), escalated: true },
        })),
        {
          room: `unit:${issuer}`, name: 'delivery:updated',
          payload: { eventId: e.id, documentId: e.documentId!, deliveryId: e.deliveryId!, unitId: recipient, status: str(d.status), at, escalated: true },
        },
      ];
    case 'assignment.created':
      return e.userIds.map((u): Push => ({
        room: `user:${u}`, name: 'assignment:new',
        payload: { eventId: e.id, assignmentId: str(d.assignmentId), documentId: e.documentId!, dueDate: (d.dueDate as string | null) ?? null },
      }));
    case 'document.submitted':
    case 'document.approved':
    case 'document.returned':
    case 'document.commented':
    case 'document.updated':
    case 'document.deleted': {
      // Trình ký: the person whose turn it now is, and everyone who may see the draft (the event's
      // userIds, computed when it was written: documents/draft-flow.ts draftAudience).
      const event = e.type.slice('document.'.length);
      const awaiting = e.type === 'document.commented' || e.type === 'document.updated' || e.type === 'document.deleted' ? null : str(d.toUserId);
      const updated = (u: string): Push => ({
        room: `user:${u}`, name: 'draft:updated',
        payload: {
          eventId: e.id, documentId: e.documentId!, flowState: typeof d.flowState === 'string' ? d.flowState : null,
          status: typeof d.status === 'string' ? d.status : 'draft',
          awaitingUserId: awaiting !== null ? (e.type === 'document.returned' ? null : awaiting) : ((d.awaitingUserId as string | null | undefined) ?? null),
          at, event,
        },
      });
      return [
        ...(awaiting ? [{
          room: `user:${awaiting}`, name: 'draft:awaiting',
          payload: {
            eventId: e.id, documentId: e.documentId!, subject: str(d.subject), from: { id: e.actorUserId, fullName: str(d.fromName) },
            flowState: str(d.flowState), comment: typeof d.comment === 'string' ? d.comment : null,
          },
        } as Push] : []),
        ...e.userIds.map(updated),
      ];
    }
    case 'document.signed':
    case 'document.issued': {
      // Signed or issued: every screen of the issuing unit showing the draft (its leaders and clerks
      // follow it; the unit's issued documents are its members' anyway).
      const issued = e.type === 'document.issued';
      return e.unitIds.slice(0, 1).map((u): Push => ({
        room: `unit:${u}`, name: 'draft:updated',
        payload: { eventId: e.id, documentId: e.documentId!, flowState: 'signed', status: issued ? 'issued' : 'draft', awaitingUserId: null, at, event: e.type.slice('document.'.length) },
      }));
    }
    case 'meeting.created':
    case 'meeting.invited': {
      const payload = { eventId: e.id, meetingId: str(d.meetingId), title: str(d.title), startsAt: str(d.startsAt) };
      return [...strings(d.invitedUnitIds).map((u) => `unit:${u}`), ...strings(d.invitedUserIds).map((u) => `user:${u}`)]
        .map((room): Push => ({ room, name: 'meeting:invited', payload }));
    }
    case 'meeting.changed':
    case 'meeting.reminder': {
      const base = { eventId: e.id, meetingId: str(d.meetingId), title: str(d.title), startsAt: str(d.startsAt) };
      const push = e.type === 'meeting.changed'
        ? { name: 'meeting:changed' as const, payload: { ...base, status: str(d.status), changes: strings(d.changes) } }
        : { name: 'meeting:reminder' as const, payload: { ...base, kind: str(d.kind) } };
      return rooms(e).map((room): Push => ({ room, ...push }));
    }
    case 'meeting.answered':
    case 'meeting.commented':
    case 'meeting.attendance':
    case 'meeting.files_added':
    case 'meeting.documents_linked':
    case 'meeting.tasks_assigned':
    {
      const payload = { eventId: e.id, meetingId: str(d.meetingId), event: e.type.slice('meeting.'.length), at };
      return rooms(e).map((room): Push => ({ room, name: 'meeting:updated', payload }));
    }
    default:
      return [];
  }
}
