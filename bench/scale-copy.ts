// COPY … FROM STDIN through postgres.js for the scale bench: rows are encoded in PostgreSQL's text
// format, batched into ~256 KB writes and streamed with backpressure (a write that returns false
// waits for 'drain'), so memory stays flat however many rows go through.
import type { Writable } from 'node:stream';
import type postgres from 'postgres';

export type Cell = string | number | boolean | null | Date | readonly string[];

/** One value in COPY text format: \N for null, backslash escapes, arrays as {a,b}. */
export function cell(v: Cell): string {
  if (v === null) return '\\N';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`.replace(/\\/g, '\\\\');
  return (v as string).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export interface CopyStream {
  /** Queues one row; resolves at once unless the stream asked to wait. */
  row(values: readonly Cell[]): Promise<void> | undefined;
  /** Flushes and ends the COPY; resolves when PostgreSQL has taken every row. */
  end(): Promise<void>;
  readonly rows: number;
}

const BATCH = 256 * 1024;

export async function copyInto(sql: postgres.Sql | postgres.ReservedSql, table: string, columns: readonly string[]): Promise<CopyStream> {
  const stream: Writable = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  let buf = '';
  let rows = 0;
  let failed: Error | null = null;
  const done = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', (err) => {
      failed = err;
      reject(err);
    });
  });
  done.catch(() => undefined);
  const flush = (): Promise<void> | undefined => {
    if (failed) throw failed;
    const chunk = buf;
    buf = '';
    if (stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      stream.once('drain', resolve);
      done.catch(reject);
    });
  };
  return {
    row(values) {
      if (values.length !== columns.length) throw new Error(`${table}: ${values.length} values for ${columns.length} columns`);
      buf += values.map(cell).join('\t') + '\n';
      rows++;
      return buf.length >= BATCH ? flush() : undefined;
    },
    async end() {
      if (buf) await flush();
      stream.end();
      await done;
    },
    get rows() {
      return rows;
    },
  };
}
