import type { Readable } from 'node:stream';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { pdfChecked } from '../../lib/pdf-guard.js';
import type { StagedObject } from '../../storage/object-store.js';
import { adoptStaged, forgetUnreferenced } from '../documents/blobs.js';
import { fileName, translateStreamError } from '../documents/upload-files.js';
import { recordEvents } from '../events/service.js';
import { loadMeetingFor, meetingEvent } from './audience.js';
import { mayManage, storesPapers } from './policy.js';
import { meetingFiles } from './tables.js';

export type MeetingUploadPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; filename: string; stream: Readable };

const MAX_FILES = 20;

/**
 * The host adds papers (tài liệu họp) to agenda items, all or nothing. `agendaIndex` applies to the
 * parts after it. Each PDF streams to staging (hashed as it comes, size-limited: nothing is held in
 * memory) and is stored once under its SHA-256 through the documents' blob store; one transaction
 * records the rows and the event. A secret meeting's papers are listed, never stored: a file part is
 * refused (409) and a `title` field lists a paper by its title only.
 */
export async function addMeetingFiles(deps: Deps, actor: Actor, id: string, parts: AsyncIterable<MeetingUploadPart>) {
  const { meeting: m } = await loadMeetingFor(deps.db, actor, id);
  const check = (mm: typeof m) => {
    if (!mayManage(actor, mm)) throw forbidden('Chỉ lãnh đạo hoặc văn thư của đơn vị chủ trì được thêm tài liệu họp', 'Only a leader or clerk of the host unit can add papers');
    if (mm.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
  };
  check(m);
  const agendaIndex = (raw: string) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n >= m.agenda.length) throw badRequest(`agendaIndex: chương trình họp có ${m.agenda.length} mục (từ 0)`, `agendaIndex: the agenda has ${m.agenda.length} items (from 0)`);
    return n;
  };
  const staged: Array<{ obj: StagedObject | null; name: string; index: number }> = [];
  let index: number | null = null;
  try {
    for await (const part of parts) {
      if (part.kind === 'field') {
        if (part.name === 'agendaIndex') index = agendaIndex(part.value);
        else if (part.name === 'title') {
          if (index === null) throw badRequest('agendaIndex: cần trước tài liệu', 'agendaIndex: must come before the paper');
          const name = part.value.normalize('NFC').trim().slice(0, 300);
          if (!name) throw badRequest('title: cần tên tài liệu', 'title: is required');
          if (staged.length >= MAX_FILES) throw badRequest(`Tối đa ${MAX_FILES} tài liệu mỗi lần`, `At most ${MAX_FILES} papers per request`);
          staged.push({ obj: null, name, index });
        }
        continue;
      }
      if (index === null) {
        part.stream.resume();
        throw badRequest('agendaIndex: cần trước tệp', 'agendaIndex: must come before the file');
      }
      if (!storesPapers(m)) {
        part.stream.resume();
        throw conflict('Cuộc họp mật: tài liệu chỉ được liệt kê (trường title), không lưu nội dung trên hệ thống mạng', 'A secret meeting: papers are listed (field title), their content is never stored on a networked system');
      }
      if (staged.length >= MAX_FILES) throw badRequest(`Tối đa ${MAX_FILES} tài liệu mỗi lần`, `At most ${MAX_FILES} papers per request`);
      const obj = await deps.store.stage(pdfChecked(part.stream), { maxBytes: deps.config.maxUploadBytes }).catch((err) => {
        part.stream.resume();
        throw err;
      });
      staged.push({ obj, name: fileName(part.filename), index });
    }
  } catch (err) {
    await Promise.all(staged.flatMap((s) => (s.obj ? [deps.store.discard(s.obj)] : [])));
    throw translateStreamError(err, deps.config.maxUploadBytes);
  }
  if (staged.length === 0) throw badRequest('file: không có tệp nào trong yêu cầu', 'file: no file in the request');
  const at = deps.clock();
  let promoted: string[] = [];
  try {
    return await deps.db.transaction(async (tx) => {
      const { meeting: locked, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
      check(locked);
      promoted = await adoptStaged(deps, tx, staged.flatMap((s) => (s.obj ? [s.obj] : [])));
      const rows = await tx.insert(meetingFiles).values(staged.map((s) => ({
        meetingId: m.id, agendaIndex: s.index, name: s.name, size: s.obj?.size ?? null, sha256: s.obj?.sha256 ?? null, uploadedBy: actor.userId, createdAt: at,
      }))).returning();
      // Everyone in the meeting is told (`meeting:updated`), so phones refresh their offline copy.
      await recordEvents(tx, [meetingEvent('meeting.files_added', at, actor, locked, participants, {
        files: rows.map((r) => ({ id: r.id, name: r.name, sha256: r.sha256, agendaIndex: r.agendaIndex })),
      })]);
      return rows.map(presentMeetingFile);
    });
  } catch (err) {
    await Promise.all(staged.flatMap((s) => (s.obj ? [deps.store.discard(s.obj)] : [])));
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

export function presentMeetingFile(f: typeof meetingFiles.$inferSelect) {
  return {
    id: f.id, agendaIndex: f.agendaIndex, name: f.name, size: f.size, sha256: f.sha256, contentType: f.contentType, stored: f.sha256 !== null,
    createdAt: f.createdAt.toISOString(), url: f.sha256 ? `/api/meetings/${f.meetingId}/files/${f.id}` : null,
  };
}

/** A paper to read: anyone who may see the meeting (its host, chair, participants and substitutes). */
export async function openMeetingFile(deps: Pick<Deps, 'db'>, actor: Actor, id: string, fileId: string) {
  await loadMeetingFor(deps.db, actor, id);
  const [f] = await deps.db.select().from(meetingFiles).where(and(eq(meetingFiles.id, fileId), eq(meetingFiles.meetingId, id)));
  if (!f || !f.sha256 || f.size === null) throw notFound('Không tìm thấy tài liệu họp', 'Meeting paper not found');
  return { sha256: f.sha256, size: f.size, name: f.name, contentType: f.contentType };
}

/** The addresses meeting papers keep in the store, among `shas` (a draft's deletion must not forget them). */
export async function meetingFileAddresses(tx: DbOrTx, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await tx.select({ sha: meetingFiles.sha256 }).from(meetingFiles).where(inArray(meetingFiles.sha256, shas));
  return new Set(rows.map((r) => r.sha).filter((x): x is string => Boolean(x)));
}
