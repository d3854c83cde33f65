import { randomBytes } from 'node:crypto';
import { issueToken } from '../../src/modules/auth/service.js';
import type { Actor } from '../../src/lib/actor.js';
import { createDraft, type DraftInput } from '../../src/modules/documents/create-draft.js';
import { uploadFiles } from '../../src/modules/documents/upload-files.js';
import { Readable } from 'node:stream';
import type { Role, UnitKind } from '../../src/modules/orgs/tables.js';
import { createUnit, type Unit } from '../../src/modules/orgs/units.js';
import { createUser, hashPassword, type User } from '../../src/modules/orgs/users.js';
import type { TestEnv } from './app.js';
import { makePdf } from './pdf.js';

export const PASSWORD = 'test-password-1';
let cachedHash: Promise<string> | null = null;
let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;

export async function buildUnit(env: TestEnv, o: Partial<{ code: string; name: string; shortName: string; kind: UnitKind; parentId: string | null; partyTerm: string }> = {}): Promise<Unit> {
  const id = uniq();
  return createUnit(env.db, null, {
    code: o.code ?? `T${id}.H41`.slice(0, 35),
    name: o.name ?? `Đơn vị thử ${id}`,
    shortName: o.shortName ?? 'UBND',
    kind: o.kind ?? 'government',
    parentId: o.parentId ?? null,
    partyTerm: o.partyTerm ?? null,
  }, env.clock());
}

export interface TestUser {
  user: User;
  actor: Actor;
  token: string;
  auth: { authorization: string };
  unit: Unit;
}

/** A user with a session token; makes its unit too unless one is given. */
export async function buildUser(env: TestEnv, o: Partial<{ unit: Unit; roles: Role[]; username: string; fullName: string; title: string }> = {}): Promise<TestUser> {
  const unit = o.unit ?? (await buildUnit(env));
  cachedHash ??= hashPassword(PASSWORD);
  const user = await createUser(env.db, null, {
    username: o.username ?? `u${uniq()}`,
    password: PASSWORD,
    passwordHash: await cachedHash,
    fullName: o.fullName ?? 'Nguyễn Văn Thử',
    unitId: unit.id,
    roles: o.roles ?? ['clerk'],
    title: o.title ?? '',
  }, env.clock());
  // Logging in is tested on its own; factories open a session (a `sessions` row, named by the
  // token's sid) and sign its token without an argon2 check each time.
  const token = await issueToken({ ...env.deps, secret: new TextEncoder().encode(env.config.appSecret!) }, user);
  return { user, unit, token, auth: { authorization: `Bearer ${token}` }, actor: { userId: user.id, unitId: unit.id, roles: user.roles } };
}

/** A draft by `author` (a clerk of a new unit by default) with a main PDF attached unless `files: []`. */
export async function buildDocument(
  env: TestEnv,
  o: Partial<DraftInput> & { author?: TestUser; recipients?: string[]; files?: Buffer[] } = {},
) {
  const author = o.author ?? (await buildUser(env));
  const recipients = o.recipients ?? [(await buildUnit(env)).id];
  const { author: _a, files, ...draft } = o;
  const doc = await createDraft(env.deps, author.actor, { type: 'CV', subject: 'Về việc thử nghiệm', ...draft, recipients });
  const pdfs = files ?? [makePdf(`doc ${doc.id}`)];
  if (pdfs.length) {
    async function* parts() {
      for (const [i, b] of pdfs.entries()) yield { kind: 'file' as const, filename: `file${i}.pdf`, stream: Readable.from([b]) };
    }
    await uploadFiles(env.deps, author.actor, doc.id, parts());
  }
  return { doc, author };
}

/** The same user with a new session and token issued at the env's current (possibly moved) clock. */
export async function refreshToken(env: TestEnv, who: TestUser): Promise<TestUser> {
  const token = await issueToken({ ...env.deps, secret: new TextEncoder().encode(env.config.appSecret!) }, who.user);
  return { ...who, token, auth: { authorization: `Bearer ${token}` } };
}
