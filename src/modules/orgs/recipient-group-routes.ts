import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, NoContent, Security, Timestamp, Uuid } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { createGroup, deleteGroup, listGroups, MAX_GROUP_UNITS, mayEditGroups } from './recipient-groups.js';
import { Errors } from './schemas.js';

const Group = Type.Object({
  id: Uuid,
  name: Type.String(),
  unitIds: Type.Array(Uuid),
  createdAt: Timestamp,
});

/** Nhóm nơi nhận: GET (anyone of the unit), POST and DELETE (its clerks and leaders). */
export async function recipientGroupRoutes(app: App, deps: Deps) {
  const tags = ['units'];
  app.get('/api/recipient-groups', {
    schema: { tags, security: Security, summary: 'Nhóm nơi nhận của đơn vị mình — the caller unit\'s saved recipient groups', response: {
      200: Type.Object({ groups: Type.Array(Group), can: Type.Object({ edit: Type.Boolean({ description: 'may create and delete the unit\'s groups' }) }) }), ...Errors,
    } },
  }, async (req) => ({ groups: await listGroups(deps.db, req.actor), can: { edit: mayEditGroups(req.actor) } }));

  app.post('/api/recipient-groups', {
    schema: {
      tags, security: Security, summary: 'Lưu nhóm nơi nhận (văn thư, lãnh đạo) — 400 on unknown units',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        unitIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_GROUP_UNITS }),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ group: Group }), ...Errors },
    },
  }, async (req, reply) => reply.code(201).send({ group: await createGroup(deps.db, req.actor, req.body, deps.clock()) }));

  app.delete('/api/recipient-groups/:id', {
    schema: { tags, security: Security, params: IdParams, summary: 'Xóa nhóm nơi nhận (văn thư, lãnh đạo)', response: { 204: NoContent, ...Errors } },
  }, async (req, reply) => {
    await deleteGroup(deps.db, req.actor, req.params.id, deps.clock());
    return reply.code(204).send();
  });
}
