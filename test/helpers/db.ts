import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';

/** The embedded server started by test/run.ts (`npm test`). */
export function serverUrl(): string {
  const url = process.env.LIENTHONG_TEST_PG;
  if (!url) throw new Error('LIENTHONG_TEST_PG is not set: run the tests with `npm test`');
  return url;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test, dropped when `drop` is called: a copy of the template
 * test/run.ts migrated once (`LIENTHONG_TEST_TEMPLATE`), else created and migrated here.
 */
export async function freshDatabase(): Promise<{ url: string; database: Database; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = process.env.LIENTHONG_TEST_TEMPLATE;
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(template && /^[a-z_][a-z0-9_]*$/.test(template) ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl(), name);
  if (!template) await runMigrations(url);
  const database = connectDatabase(url, { max: 20 });
  return {
    url,
    database,
    async drop() {
      await database.close();
      const a = postgres(serverUrl(), { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Another connection pool to an existing test database (a second replica); closing it drops nothing. */
export async function attachDatabase(url: string): Promise<{ url: string; database: Database; drop(): Promise<void> }> {
  const database = connectDatabase(url, { max: 20 });
  return { url, database, drop: () => database.close() };
}
