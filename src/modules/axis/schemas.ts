import { Type } from 'typebox';
import { OneOf, Nullable, Timestamp } from '../../http/schemas.js';
import { AXIS_MESSAGE_TYPES, AXIS_TRANSPORT } from './tables.js';

export { Errors, FileBody, NoContent } from '../../http/schemas.js';

const OrganIdT = Type.String({ pattern: '^[0-9A-Za-z.]{1,35}$', description: 'mã định danh (edXML OrganId): up to 35 letters, digits, dots' });
const SystemIdT = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'the system’s login (HTTP Basic user)' });
const DocIdT = Type.String({ format: 'uuid', description: 'the axis’s id of a package' });

/** presentSystem */
export const System = Type.Object({
  systemId: Type.String(),
  name: Type.String(),
  organIdPrefixes: Type.Array(Type.String(), { description: 'OrganIds it may serve start with one of these; empty = any OrganId no other system serves' }),
  createdAt: Timestamp,
});

export const AddSystemJson = Type.Object(
  {
    systemId: SystemIdT,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    organIdPrefixes: Type.Optional(Type.Array(OrganIdT, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export const AddSystemBody = Type.Object({
  system: System,
  secret: Type.String({ description: 'the system’s secret (HTTP Basic password), shown this once; only its hash is stored' }),
});
export const SystemsBody = Type.Object({ systems: Type.Array(System) });
export const SystemParams = Type.Object({ systemId: Type.String({ minLength: 1, maxLength: 64 }) });

export const DirectoryUnitJson = Type.Object(
  {
    organId: OrganIdT,
    name: Type.String({ minLength: 1, maxLength: 500 }),
    parentOrganId: Type.Optional(Nullable(OrganIdT)),
    validTo: Type.Optional(Nullable(Type.String({ format: 'date', description: 'a unit that ended in a reorganisation: its last day (inclusive)' }))),
    successorOrganId: Type.Optional(Nullable(OrganIdT)),
  },
  { additionalProperties: false },
);
export const PutDirectoryJson = Type.Object({ units: Type.Array(DirectoryUnitJson, { maxItems: 50_000 }) }, { additionalProperties: false });

export const DirectoryUnit = Type.Object({
  organId: Type.String(),
  name: Type.String(),
  parentOrganId: Nullable(Type.String()),
  validTo: Type.Optional(Type.String({ description: 'YYYY-MM-DD: the last day of a unit that ended in a reorganisation (absent: a current unit)' })),
  successorOrganId: Type.Optional(Type.String({ description: 'the OrganId that took over the ended unit: packages addressed to it are delivered there' })),
  systemId: Type.String(),
  systemName: Type.String(),
});
export const DirectoryBody = Type.Object({ units: Type.Array(DirectoryUnit) });

const Wait = Type.Integer({ minimum: 0, maximum: 30, default: 0, description: 'seconds to hold the request until something arrives (long-poll); 0 answers at once' });

export const InboxQuery = Type.Object(
  {
    messagetype: Type.Optional(OneOf(AXIS_MESSAGE_TYPES, { description: 'edoc (a document package) or status (a status package)' })),
    wait: Type.Optional(Wait),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export const InboxItem = Type.Object({
  docId: Type.String(),
  messagetype: OneOf(AXIS_MESSAGE_TYPES),
  from: Type.String({ description: 'From/OrganId' }),
  to: Type.String({ description: 'the To/OrganId (one of the caller’s units) this entry is for' }),
  size: Type.Integer({ description: 'bytes of the package' }),
  createdAt: Timestamp,
});
export const InboxBody = Type.Object({ items: Type.Array(InboxItem) });

export const DocParams = Type.Object({ docId: Type.String({ minLength: 1, maxLength: 64 }) });
export const PackageXml = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'an edXML package (QCVN 102:2016)' });
export const AcceptedBody = Type.Object({ docId: DocIdT });
export const DoneBody = Type.Object({
  docId: DocIdT,
  to: Type.Array(Type.String(), { description: 'the caller’s units among the package’s destinations, now delivered' }),
});

export const SentQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'the cursor of the previous answer; absent = from the start' })),
    wait: Type.Optional(Wait),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
  },
  { additionalProperties: false },
);
export const SentItem = Type.Object({
  docId: Type.String(),
  to: Type.String({ description: 'To/OrganId' }),
  transport: OneOf(AXIS_TRANSPORT),
  reason: Type.Optional(Type.String({ description: 'failed: unknown_recipient (no system serves the To) or system_removed' })),
  at: Timestamp,
});
export const SentBody = Type.Object({
  items: Type.Array(SentItem),
  cursor: Type.String({ description: 'pass as ?since= to get only later changes' }),
});
