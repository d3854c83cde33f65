// BENCH_SCALE_EXPLAIN=<ms>: every statement of the measured run slower than that is logged by
// PostgreSQL's auto_explain with EXPLAIN (ANALYZE, BUFFERS) into explain.log beside the cached
// cluster (timing every node slows the figures: take plans and figures from separate runs).
// Otherwise the settings are reset, so a run that was killed cannot leave them on.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type postgres from 'postgres';

const SETTINGS: Record<string, string> = {
  session_preload_libraries: 'auto_explain',
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_buffers': 'on',
  'auto_explain.log_timing': 'on',
};

export function explainThreshold(): number | null {
  const v = Number(process.env.BENCH_SCALE_EXPLAIN);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Where PostgreSQL's output goes while plans are wanted (the plans are multi-line log entries). */
export function explainLog(dataDir: string, docs: number): { file: string; write: (line: string) => void; close: () => void } {
  const file = path.join(dataDir, 'bench-scale', `explain-${docs}.log`);
  const out = createWriteStream(file, { flags: 'w' });
  return { file, write: (line) => void out.write(line + '\n'), close: () => out.end() };
}

/** Turns auto_explain on (threshold ms) or off for sessions opened from now on. */
export async function setExplain(sql: postgres.Sql, thresholdMs: number | null): Promise<void> {
  await sql`load 'auto_explain'`;
  if (thresholdMs === null) {
    for (const k of [...Object.keys(SETTINGS), 'auto_explain.log_min_duration']) await sql.unsafe(`alter system reset "${k}"`);
  } else {
    for (const [k, v] of Object.entries(SETTINGS)) await sql.unsafe(`alter system set "${k}" = '${v}'`);
    await sql.unsafe(`alter system set "auto_explain.log_min_duration" = '${Math.round(thresholdMs)}ms'`);
  }
  await sql`select pg_reload_conf()`;
}
