import { inArray } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Tx } from '../db/client.js';
import { IdParams, Security, Uuid, lit } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Actor } from '../lib/actor.js';
import type { Deps } from '../lib/deps.js';
import { axisPackages } from '../modules/axis/tables.js';
import { approveDraft, commentOnDraft, type FlowStep, listAwaiting, returnDraft, submitDraft } from '../modules/documents/draft-flow.js';
import { deleteDraft, patchDraft } from '../modules/documents/edit-draft.js';
import * as S from '../modules/documents/schemas.js';
import { SECRECIES, URGENCIES } from '../modules/documents/tables.js';
import { presentVersion } from '../modules/documents/versions.js';
import { presentEvent } from '../modules/events/service.js';
import { progressEntries } from '../modules/handling/tables.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { notifyUsers, vapidKeys } from '../modules/realtime/web-push.js';
import { deletePendingSignature } from '../modules/signing/pending.js';
import { pendingSignatures } from '../modules/signing/tables.js';
import { canFor, documentWithCan } from './document-can.js';
import { openFileVersion } from './read-document.js';
import { mainFiles, readFileBytes } from '../modules/documents/file-content.js';
import { meetingFileAddresses } from '../modules/meetings/files.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
/** What other modules keep of a draft's stored objects: progress report files, axis packages, meeting papers. */
async function referencedElsewhere(tx: Tx, shas: string[]): Promise<Set<string>> {
  const [a, b, c] = await Promise.all([
    tx.select({ sha: progressEntries.fileSha256 }).from(progressEntries).where(inArray(progressEntries.fileSha256, shas)),
    tx.select({ sha: axisPackages.sha256 }).from(axisPackages).where(inArray(axisPackages.sha256, shas)),
    meetingFileAddresses(tx, shas),
  ]);
  return new Set([...[...a, ...b].map((r) => r.sha).filter((x): x is string => Boolean(x)), ...c]);
}

/**
 * Trình ký (approval before signing) and the draft's upkeep: edit, delete, hand on, return,
 * comment, "Chờ tôi xử lý", versions of the main file. Each route parses, authenticates and calls
 * the documents module (the rules are in documents/policy.ts and draft-flow.ts).
 */
export async function draftRoutes(app: App, deps: Deps) {
  const tags = ['documents'];
  /** The caller with the delegations it holds today: a deputy with a "sign" delegation acts as a leader. */
  const acting = (actor: Actor) => withDelegations(deps.db, actor, deps.clock());
  const withCan = async (actor: Actor, step: FlowStep) => {
    if (step.notify) void webPush(deps, step.notify);
    return { document: await documentWithCan(deps, actor, step.doc) };
  };

  app.get('/api/documents', {
    schema: {
      tags, security: Security, summary: 'Dự thảo chờ tôi xử lý (?awaiting=me)',
      description: 'Drafts waiting for the caller ("Chờ tôi xử lý"), the latest handed over first, with who handed each on (`from`) and since when.',
      querystring: Type.Object({ awaiting: lit(['me'] as const) }, { additionalProperties: false }),
      response: { 200: S.AwaitingBody, ...S.Errors },
    },
  }, async (req) => {
    const actor = await acting(req.actor);
    const items = await listAwaiting(deps.db, actor);
    const main = await mainFiles(deps.db, items.map((i) => i.id));
    return { items: items.map((i) => ({ ...i, can: canFor(actor, { ...i, createdBy: i.authorId }, main.get(i.id) ?? null) })) };
  });

  app.patch('/api/documents/:id', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Sửa dự thảo (người soạn hoặc văn thư, trước khi lãnh đạo ký)',
      description: 'Any draft field; checked as on creation. After a leader signed → 409 (return it first); secrecy other than none on a draft with files → 409.',
      body: Type.Object({
        type: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
        subject: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
        recipients: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 5000 })),
        paperRecipients: Type.Optional(S.PaperRecipientsIn),
        urgency: Type.Optional(lit(URGENCIES)),
        secrecy: Type.Optional(lit(SECRECIES)),
        dueDate: Nullable(Type.String({ format: 'date' })),
        signerId: Nullable(Uuid),
      }, { additionalProperties: false }),
      response: { 200: S.DocumentBody, ...S.Errors },
    },
  }, async (req) => {
    const actor = await acting(req.actor);
    return { document: await documentWithCan(deps, actor, await patchDraft(deps, actor, req.params.id, req.body)) };
  });

  app.delete('/api/documents/:id', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Xóa dự thảo chưa ban hành (người soạn hoặc văn thư)',
      description: 'A never-issued draft, not while signed (409: return it first). Its files go; stored objects nothing else uses are removed.',
      response: { 204: S.NoContent, ...S.Errors },
    },
  }, async (req, reply) => {
    await deleteDraft(deps, await acting(req.actor), req.params.id, {
      // A two-step signature being prepared on the draft goes with it.
      beforeDelete: async (tx, doc) => {
        const pending = await tx.select({ id: pendingSignatures.id }).from(pendingSignatures).where(inArray(pendingSignatures.documentId, [doc.id]));
        for (const p of pending) await deletePendingSignature(tx, p.id);
      },
      referencedElsewhere,
    });
    return reply.code(204).send();
  });

  app.post('/api/documents/:id/submit', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Trình dự thảo (người soạn → lãnh đạo phòng hoặc lãnh đạo đơn vị)',
      description: 'The author, while drafting or returned: `toUserId` a leader of the drafting department (→ review) or of the issuing unit (→ signing); anyone else → 400 naming why.',
      body: S.HandOnJson, response: { 200: S.DocumentBody, ...S.Errors },
    },
  }, async (req) => {
    const actor = await acting(req.actor);
    return withCan(actor, await submitDraft(deps, actor, req.params.id, req.body));
  });

  app.post('/api/documents/:id/approve', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Duyệt và chuyển dự thảo lên lãnh đạo đơn vị ký',
      description: 'Only the person the draft awaits, in review; `toUserId` a leader of the issuing unit (→ signing).',
      body: S.HandOnJson, response: { 200: S.DocumentBody, ...S.Errors },
    },
  }, async (req) => {
    const actor = await acting(req.actor);
    return withCan(actor, await approveDraft(deps, actor, req.params.id, req.body));
  });

  app.post('/api/documents/:id/return', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Trả lại dự thảo cho người soạn (kèm ý kiến)',
      description: 'The person the draft awaits, or — once signed — a leader of the issuing unit: that voids the signature (the main file goes back to its latest version).',
      body: S.ReturnJson, response: { 200: S.DocumentBody, ...S.Errors },
    },
  }, async (req) => {
    const actor = await acting(req.actor);
    return withCan(actor, await returnDraft(deps, actor, req.params.id, req.body));
  });

  app.post('/api/documents/:id/comments', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Góp ý trên dự thảo',
      description: 'Anyone who may see the draft; 1–2000 characters. The comment is an event of the timeline.',
      body: S.CommentJson, response: { 201: S.CommentBody, ...S.Errors },
    },
  }, async (req, reply) => reply.code(201).send({ event: presentEvent(await commentOnDraft(deps, await acting(req.actor), req.params.id, req.body)) }));

  app.get('/api/documents/:id/files/:fileId/versions/:version', {
    schema: {
      tags, security: Security, params: Type.Object({ id: Uuid, fileId: Uuid, version: Type.Integer({ minimum: 1, maximum: 100000 }) }),
      summary: 'Tải một phiên bản của tệp chính dự thảo (v1, v2 …)',
      response: { 200: S.FileBody('application/pdf', 'The version’s bytes'), ...S.Errors },
    },
  }, async (req, reply) => {
    const v = await openFileVersion(deps, req.actor, req.params.id, req.params.fileId, req.params.version);
    const bytes = await readFileBytes(deps, v.sha256);
    const meta = presentVersion(v);
    return reply
      .header('etag', `"${meta.sha256}"`)
      .header('cache-control', 'private, no-cache')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(`v${meta.version}-${meta.name}`)}`)
      .type('application/pdf')
      .send(bytes);
  });
}

/** A Web Push to the person whose turn it now is (their subscribed browsers); failures are logged only. */
async function webPush(deps: Deps, n: { userId: string; title: string; body: string }) {
  try {
    await notifyUsers(deps, await vapidKeys(deps.db), [n.userId], { title: n.title, body: n.body.slice(0, 200), tag: `draft-${n.userId}`, url: '/app/' });
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'web push for a draft failed');
  }
}
