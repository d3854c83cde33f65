import type { Register } from './build-register.js';
import { BOM, csvField } from '../../lib/csv.js';

export { csvField };

const ROWS_PER_CHUNK = 500;

/**
 * The register as CSV text in chunks (BOM, header row, then the rows, CRLF line ends), so a
 * large register is written out as it is encoded rather than as one string.
 */
export function* registerCsv(r: Pick<Register, 'columns' | 'rows'>): Generator<string> {
  yield `${BOM}${r.columns.map(csvField).join(',')}\r\n`;
  for (let i = 0; i < r.rows.length; i += ROWS_PER_CHUNK) {
    yield r.rows
      .slice(i, i + ROWS_PER_CHUNK)
      .map((row) => `${row.map(csvField).join(',')}\r\n`)
      .join('');
  }
}

const SLUGS: Record<Register['kind'], string> = {
  outgoing: 'so-van-ban-di',
  secret: 'so-van-ban-mat',
  'secret-outgoing': 'so-van-ban-mat-di',
  'secret-incoming': 'so-van-ban-mat-den',
  incoming: 'so-van-ban-den',
  'follow-up': 'so-theo-doi-giai-quyet-van-ban-den',
};

/**
 * `so-van-ban-den-2026.csv` for a year (or year to date) from 1 January; otherwise the two
 * dates, e.g. `so-van-ban-den-2026-03-01_2026-03-31.pdf`.
 */
export function registerFilename(r: Pick<Register, 'kind' | 'from' | 'to'>, ext: 'csv' | 'pdf'): string {
  const wholeYear = r.from.endsWith('-01-01') && r.from.slice(0, 4) === r.to.slice(0, 4);
  return `${SLUGS[r.kind]}-${wholeYear ? r.from.slice(0, 4) : `${r.from}_${r.to}`}.${ext}`;
}
