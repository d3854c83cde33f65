import { boolean, customType, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { type Competence, documentFiles, documents } from '../documents/tables.js';
import { units, users } from '../orgs/tables.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
/** DER certificates as base64 text: the driver cannot send binary inside an array parameter. */
const derList = customType<{ data: Buffer[]; driverData: string[] }>({
  dataType: () => 'text[]',
  toDriver: (v) => v.map((b) => b.toString('base64')),
  fromDriver: (v) => v.map((s) => Buffer.from(s, 'base64')),
});

export const CERT_OWNERS = ['user', 'unit'] as const;
export type CertOwner = (typeof CERT_OWNERS)[number];

/**
 * Signing keys: a person's (owner 'user') or a unit's seal ('unit'). The private key is kept
 * only encrypted (AES-256-GCM under a key derived from the server's key secret) and is never
 * returned by any endpoint. A newer upload for the same owner supersedes the older one.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    owner: text('owner').$type<CertOwner>().notNull(),
    userId: uuid('user_id').references(() => users.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    subject: text('subject').notNull(),
    commonName: text('common_name'),
    issuer: text('issuer').notNull(),
    serialNumber: text('serial_number').notNull(),
    fingerprint: text('fingerprint').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    certificate: bytea('certificate').notNull(),
    chain: derList('chain').notNull(),
    encryptedKey: bytea('encrypted_key').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('certificates_owner_idx').on(t.owner, t.unitId, t.userId)],
);

/** Transparent PNGs: a person's handwritten signature, a unit's red seal. */
export const signatureImages = pgTable(
  'signature_images',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    owner: text('owner').$type<CertOwner>().notNull(),
    userId: uuid('user_id').references(() => users.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    png: bytea('png').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
);

export const trustAnchors = pgTable('trust_anchors', {
  id: uuid('id').primaryKey().defaultRandom(),
  subject: text('subject').notNull(),
  fingerprint: text('fingerprint').notNull().unique(),
  certificate: bytea('certificate').notNull(),
  notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The verdicts on the signatures of a stored PDF. Files never change (content-addressed), so a
 * verdict holds until the set of trust anchors changes (`anchorsKey` names the set it used) or
 * until `recheckAt`, when a revocation answer it rests on runs out (verdicts.ts); null = never.
 */
export const fileVerdicts = pgTable('file_verdicts', {
  sha256: text('sha256').primaryKey(),
  anchorsKey: text('anchors_key').notNull(),
  verdicts: jsonb('verdicts').$type<unknown[]>().notNull(),
  verifiedAt: timestamp('verified_at', { withTimezone: true }).notNull(),
  recheckAt: timestamp('recheck_at', { withTimezone: true }),
});

/**
 * Revocation answers (OCSP or CRL) per certificate: `key` is the issuer certificate's SHA-256 and
 * the serial (crypto/revocation.ts revocationKey). Kept until `expiresAt` (the source's nextUpdate;
 * 5 minutes for 'unknown'), shared by every replica.
 */
export const revocationCache = pgTable('revocation_cache', {
  key: text('key').primaryKey(),
  status: text('status').$type<'good' | 'revoked' | 'unknown'>().notNull(),
  source: text('source').$type<'ocsp' | 'crl' | 'none'>().notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  detail: text('detail'),
  checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** Two-step signing in progress: the prepared PDF waits here for a signature made outside. */
export const pendingSignatures = pgTable(
  'pending_signatures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    fileId: uuid('file_id').notNull().references(() => documentFiles.id),
    baseSha256: text('base_sha256').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    prepared: bytea('prepared').notNull(),
    byteRange: integer('byte_range').array().notNull(),
    signedAttributes: bytea('signed_attributes').notNull(),
    certificate: bytea('certificate').notNull(),
    /** Where the signature goes, and the competence chosen at step 1 (recorded as the signer's at step 2). */
    leaderBox: jsonb('leader_box').$type<{ page: number; rect: [number, number, number, number]; competence?: Competence | null; appearance?: 'image' | 'text' }>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('pending_signatures_doc_user_uq').on(t.documentId, t.userId)],
);
