import type { Logger } from 'pino';
import type postgres from 'postgres';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { KeyStore } from '../modules/signing/keystore.js';
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
