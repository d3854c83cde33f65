// Small helpers shared by the benches: timing, bounded worker pools, formatting.

export interface SummaryRow {
  bench: string;
  metric: string;
  value: string;
  baseline: string;
  ratio: string;
  note: string;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface Timed {
  /** Wall time of the whole batch, ms. */
  wallMs: number;
  /** Per-item latencies, ms, in completion order. */
  latencies: number[];
}

/**
 * Runs `fn(item)` for every item with at most `concurrency` in flight; bounded by items.length.
 * The first failure stops new work from starting and is rethrown once in-flight work settles.
 */
export async function timedPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<Timed> {
  const latencies: number[] = [];
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      const t = performance.now();
      try {
        await fn(item);
      } catch (err) {
        failure ??= err;
        return;
      }
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  const wallMs = performance.now() - t0;
  if (failure !== null) throw failure;
  return { wallMs, latencies };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function printTable(rows: SummaryRow[]): string {
  const head: SummaryRow = { bench: 'bench', metric: 'metric', value: 'value', baseline: 'baseline', ratio: 'ratio', note: 'note' };
  const all = [head, ...rows];
  const keys = Object.keys(head) as Array<keyof SummaryRow>;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<keyof SummaryRow, number>;
  const line = (r: SummaryRow) => keys.map((k) => r[k].padEnd(width[k])).join(' | ').trimEnd();
  const sep = keys.map((k) => '-'.repeat(width[k])).join('-+-');
  return [line(head), sep, ...rows.map(line)].join('\n');
}
