import { Type } from 'typebox';
import { Nullable, OneOf, Timestamp, Uuid, lit } from '../../http/schemas.js';
import { SECRECIES } from '../documents/tables.js';
import { MEETING_DOCUMENT_ROLES, MEETING_STATUSES, RSVP_ANSWERS } from './tables.js';

export { Errors, FileBody, NoContent } from '../../http/schemas.js';

const open = { additionalProperties: true } as const;

export const ParticipantIn = Type.Object({ unitId: Type.Optional(Uuid), userId: Type.Optional(Uuid) }, { additionalProperties: false });
export const AgendaIn = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 500 }),
  documentIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
}, { additionalProperties: false });

export const MeetingIn = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 500 }),
  startsAt: Type.String({ format: 'date-time', description: 'ISO 8601 with offset; must lie ahead' }),
  endsAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  place: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  link: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'online meeting link (http/https)' }))),
  chairUserId: Type.Optional(Nullable(Uuid)),
  participants: Type.Array(ParticipantIn, { minItems: 1, maxItems: 2000, description: 'units (their leaders by default) and persons' }),
  agenda: Type.Optional(Type.Array(AgendaIn, { maxItems: 100 })),
  secrecy: Type.Optional(lit(SECRECIES)),
}, { additionalProperties: false });

export const MeetingPatch = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  startsAt: Type.Optional(Type.String({ format: 'date-time' })),
  endsAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  place: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  link: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  agenda: Type.Optional(Type.Array(AgendaIn, { maxItems: 100, description: 'the whole agenda; items keep their index (papers and comments stay with it): it may grow, never drop an item that has papers or comments' })),
  participants: Type.Optional(Type.Array(ParticipantIn, { maxItems: 2000, description: 'participants to ADD (they are invited: meeting:invited)' })),
  cancelled: Type.Optional(Type.Literal(true, { description: 'cancel the meeting (hủy họp)' })),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

export const RsvpIn = Type.Object({
  answer: lit(RSVP_ANSWERS),
  substituteUserId: Type.Optional(Nullable(Uuid)),
  unitId: Type.Optional(Uuid),
}, { additionalProperties: false });

export const CommentIn = Type.Object({ agendaIndex: Type.Integer({ minimum: 0, maximum: 99 }), text: Type.String({ minLength: 1, maxLength: 8000 }) }, { additionalProperties: false });

export const AttendanceIn = Type.Object({
  userId: Type.Optional(Uuid), unitId: Type.Optional(Uuid), present: Type.Optional(Type.Boolean({ default: true })),
}, { additionalProperties: false });

export const LinkDocumentIn = Type.Object({ documentId: Uuid, role: lit(MEETING_DOCUMENT_ROLES) }, { additionalProperties: false });

export const TaskIn = Type.Object({
  unitId: Type.Optional(Uuid), userId: Type.Optional(Uuid),
  text: Type.String({ minLength: 1, maxLength: 4000 }), dueDate: Type.String({ format: 'date' }),
}, { additionalProperties: false });
export const TasksIn = Type.Object({ tasks: Type.Array(TaskIn, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });

const Person = Type.Object({ id: Uuid, fullName: Type.String() }, open);
const meetingFields = {
  id: Uuid, title: Type.String(), startsAt: Timestamp, endsAt: Nullable(Timestamp), place: Nullable(Type.String()), link: Nullable(Type.String()),
  secrecy: OneOf(SECRECIES), status: OneOf(MEETING_STATUSES),
  hostUnit: Type.Object({ id: Uuid, name: Type.String() }, open), chair: Nullable(Person), createdBy: Uuid,
  invitationDocumentId: Nullable(Uuid), minutesDocumentId: Nullable(Uuid), conclusionDocumentId: Nullable(Uuid),
  createdAt: Timestamp, updatedAt: Timestamp,
};
export const Meeting = Type.Object(meetingFields, open);
export const MeetingBody = Type.Object({ meeting: Meeting });
const Can = Type.Record(Type.String(), Type.Boolean(), { description: 'what the caller may do now' });
export const MeetingListBody = Type.Object({
  items: Type.Array(Type.Object({
    ...meetingFields, role: OneOf(['host', 'participant']), myAnswer: Nullable(Type.String()), participants: Type.Integer(),
    answers: Type.Object({ yes: Type.Integer(), no: Type.Integer(), substitute: Type.Integer() }), can: Can,
  }, open)),
});
const Linked = Type.Object({
  id: Uuid, readable: Type.Boolean(), type: Type.Optional(Type.String()), subject: Type.Optional(Type.String()),
  notation: Type.Optional(Nullable(Type.String())), status: Type.Optional(Type.String()),
}, open);
export const MeetingFile = Type.Object({
  id: Uuid, name: Type.String(), size: Nullable(Type.Integer()), sha256: Nullable(Type.String()), contentType: Type.String(),
  stored: Type.Boolean({ description: 'false: a secret meeting’s paper, listed by title only' }), createdAt: Timestamp, url: Nullable(Type.String()),
}, open);
export const MeetingDetailBody = Type.Object({
  meeting: Type.Object({
    ...meetingFields,
    agenda: Type.Array(Type.Object({ index: Type.Integer(), title: Type.String(), documents: Type.Array(Linked), files: Type.Array(MeetingFile) }, open)),
    participants: Type.Array(Type.Object({
      id: Uuid, unitId: Nullable(Uuid), userId: Nullable(Uuid), name: Type.String(), answer: Nullable(OneOf(RSVP_ANSWERS)),
      substitute: Nullable(Person), answeredBy: Nullable(Uuid), answeredAt: Nullable(Timestamp),
      present: Nullable(Type.Boolean()), presentUser: Nullable(Person), attendanceAt: Nullable(Timestamp), mine: Type.Boolean(),
    }, open)),
    comments: Type.Array(Type.Object({
      id: Uuid, agendaIndex: Type.Integer(), text: Type.String(), createdAt: Timestamp, user: Person, unit: Type.Object({ id: Uuid, name: Type.String() }, open),
    }, open)),
    documents: Type.Object({ invitation: Nullable(Linked), minutes: Nullable(Linked), conclusion: Nullable(Linked) }, open),
    tasks: Type.Array(Type.Object({
      assignmentId: Uuid, documentId: Uuid, deliveryId: Uuid, assigneeUnitId: Nullable(Uuid), assigneeUserId: Nullable(Uuid), assignee: Type.String(),
      text: Type.String(), dueDate: Nullable(Type.String()), status: Type.String(), completedAt: Nullable(Timestamp),
    }, open)),
    role: OneOf(['host', 'participant']),
    can: Can,
  }, open),
});
export const FilesBody = Type.Object({ files: Type.Array(Type.Object({ ...MeetingFile.properties, agendaIndex: Type.Integer() }, open)) });

export const ParticipantBody = Type.Object({
  participant: Type.Object({
    id: Uuid, unitId: Nullable(Uuid), userId: Nullable(Uuid), answer: Nullable(OneOf(RSVP_ANSWERS)), substituteUserId: Nullable(Uuid),
    answeredBy: Nullable(Uuid), answeredAt: Nullable(Timestamp), present: Nullable(Type.Boolean()), presentUserId: Nullable(Uuid),
    attendanceBy: Nullable(Uuid), attendanceAt: Nullable(Timestamp),
  }, open),
});
export const CommentBody = Type.Object({
  comment: Type.Object({ id: Uuid, agendaIndex: Type.Integer(), text: Type.String(), createdAt: Timestamp, userId: Uuid, unitId: Uuid }, open),
});

export const MeetingFilesForm = Type.Object({
  agendaIndex: Type.Integer({ minimum: 0, description: 'the agenda item (from 0) of the parts after it' }),
  file: Type.Optional(Type.Array(Type.String({ format: 'binary' }), { description: 'one or more PDFs (one part each)' })),
  title: Type.Optional(Type.String({ description: 'a secret meeting: a paper listed by its title only' })),
});
