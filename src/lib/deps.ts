import type { Logger } from 'pino';
import type postgres from 'postgres';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { KeyObject } from 'node:crypto';
import type { Clock } from './time.js';

/** What services need from the outside world; tests pass real parts and may swap the clock. */
export interface Deps {
  db: Db;
  /** The raw driver, for LISTEN/NOTIFY. */
  sql: postgres.Sql;
  store: ObjectStore;
  config: Config;
  clock: Clock;
  log: Logger;
  /** Encrypts and decrypts stored private keys. */
  keys: KeyStore;
}

/**
 * Private keys at rest (implemented by signing/keystore.ts): AES-256-GCM under a key derived from
 * the server's key secret, bound to the certificate id.
 */
export interface KeyStore {
  seal(privateKeyPem: string, certificateId: string): Buffer;
  open(sealed: Buffer, certificateId: string): string;
  /** The key of `sealed` as a KeyObject to sign with, cached briefly (see keystore.ts). */
  privateKey(sealed: Buffer, certificateId: string): KeyObject;
}
