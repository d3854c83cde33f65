import { Type } from 'typebox';
import { Nullable, Security, Uuid } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { UNIT_KINDS } from '../modules/orgs/tables.js';
import { reorganise } from './reorganise.js';

// The plan is checked by the service (every problem of every row at once, 400 with `problems`),
// so the schema only bounds the shapes; ids are free strings here so that an unknown id is reported
// with its row rather than as the first schema error.
const Id = Type.String({ maxLength: 64 });
const Text = Type.String({ maxLength: 400 });
const NewUnit = Type.Object({
  code: Text, name: Text, shortName: Text,
  kind: Type.Optional(Type.String({ maxLength: 20, description: UNIT_KINDS.join(' | ') })),
  parentId: Type.Optional(Type.Union([Id, Type.Null()])),
}, { additionalProperties: false });
const Change = Type.Object({
  kind: Type.String({ maxLength: 20, description: 'rename | move | merge | split | dissolve' }),
  unitId: Type.Optional(Id),
  name: Type.Optional(Text), shortName: Type.Optional(Text), code: Type.Optional(Text),
  parentId: Type.Optional(Type.Union([Id, Type.Null()])),
  unitIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
  into: Type.Optional(Type.Union([
    Type.Object({ unitId: Id }, { additionalProperties: false }),
    NewUnit,
    Type.Array(NewUnit, { maxItems: 100 }),
  ])),
  successorId: Type.Optional(Type.Union([Id, Type.Null()])),
}, { additionalProperties: false });

const ReportUnit = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });
const Report = Type.Object({
  planId: Nullable(Uuid),
  effectiveOn: Type.String(),
  dryRun: Type.Boolean(),
  applied: Type.Boolean(),
  changes: Type.Array(Type.Object({
    index: Type.Integer(), kind: Type.String(),
    units: Type.Array(ReportUnit),
    successors: Type.Array(Type.Object({ id: Nullable(Uuid), code: Type.String(), name: Type.String(), created: Type.Boolean() })),
    summary: Type.String(),
  })),
  usersMoved: Type.Array(Type.Object({ userId: Uuid, fullName: Type.String(), fromUnitId: Uuid, toUnitId: Uuid })),
  usersToPlace: Type.Array(Type.Object({ userId: Uuid, fullName: Type.String(), unitId: Uuid })),
  moved: Type.Object({ deliveries: Type.Integer(), assignments: Type.Integer(), drafts: Type.Integer(), delegations: Type.Integer() }),
});
const PlanErrors = {
  400: Type.Object({
    error: Type.Object({
      code: Type.String(), message: Type.String(),
      problems: Type.Optional(Type.Array(Type.Object({ index: Type.Integer({ description: 'row of `changes` (0-based); -1 = the plan' }), field: Type.String(), message: Type.String() }))),
    }),
  }, { description: 'Every problem of the plan; nothing applied' }),
  '4xx': Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }),
};

export async function reorganiseRoutes(app: App, deps: Deps) {
  app.post('/api/units/reorganise', {
    schema: {
      tags: ['units'], security: Security,
      summary: 'Tổ chức lại đơn vị (admin): đổi tên, chuyển, sáp nhập, chia tách, giải thể — một giao dịch; dryRun: chỉ báo cáo',
      body: Type.Object({
        effectiveOn: Type.String({ maxLength: 32, description: 'YYYY-MM-DD, today or earlier' }),
        dryRun: Type.Optional(Type.Boolean()),
        changes: Type.Array(Change, { maxItems: 2000 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ report: Report }), ...PlanErrors },
    },
  }, async (req) => ({ report: await reorganise(deps.db, req.actor, req.body as never, deps.clock()) }));
}


