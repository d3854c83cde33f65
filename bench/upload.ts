// "Upload of a 200 MB file": a real HTTP multipart POST to the running app, streamed from disk,
// against `cp` of the same file on the same filesystem; plus the process's peak RSS growth.
import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createDraft } from '../src/modules/documents/create-draft.js';
import type { BenchEnv } from './env.js';
import { fmt, median, type SummaryRow } from './stats.js';

const MiB = 1024 * 1024;
const FILE_MB = 200;
const FILE_BYTES = FILE_MB * MiB;
const CHUNK = 1 * MiB;
const RSS_TARGET_MB = 64;
const SAMPLE_MS = 20;
const UPLOAD_TIMEOUT_MS = 120_000;
const CP_TIMEOUT_MS = 60_000;
/** Timed uploads (and timed cp runs); medians are reported. */
const RUNS = 3;

const execFileP = promisify(execFile);

function say(msg: string) {
  process.stdout.write(`[upload] ${msg}\n`);
}

/**
 * `global.gc` when node runs with --expose-gc; otherwise the flag is switched on now and the
 * function fetched from a fresh context (a long-standing V8 idiom). Null if neither works.
 */
function getGc(): { gc: (() => void) | null; how: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, how: '--expose-gc' };
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    if (typeof fn === 'function') return { gc: fn as () => void, how: 'v8.setFlagsFromString' };
  } catch {
    // fall through
  }
  return { gc: null, how: 'unavailable' };
}

/** 200 MB of random-ish bytes starting with a PDF header, written 1 MB at a time, then fsynced. */
async function makeBigFile(file: string): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  const fh = await fs.open(file, 'wx');
  try {
    for (let off = 0; off < FILE_BYTES; off += CHUNK) {
      randomFillSync(buf);
      if (off === 0) buf.write('%PDF-1.7\n', 0, 'latin1');
      const n = Math.min(CHUNK, FILE_BYTES - off);
      let written = 0;
      // Bounded: each write makes progress or throws.
      while (written < n) {
        const { bytesWritten } = await fh.write(buf, written, n - written, off + written);
        if (bytesWritten <= 0) throw new Error('short write');
        written += bytesWritten;
      }
    }
    // Flushed now so its writeback does not land inside the timed cp or upload.
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

interface MemPeak {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  samples: number;
}

function startSampler(): { stop(): MemPeak } {
  const peak: MemPeak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, samples: 0 };
  const take = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    peak.samples++;
  };
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

interface UploadResult {
  status: number;
  body: string;
  /** ms from request start to the last request byte handed to the socket. */
  sentMs: number;
  /** ms from request start to the end of the response. */
  totalMs: number;
}

/** multipart/form-data POST with the file streamed from disk between a head and a tail; never buffered. */
function uploadFile(url: string, token: string, file: string, size: number): Promise<UploadResult> {
  const boundary = `----lienthongbench${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench-${FILE_MB}mb.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise<UploadResult>((resolve, reject) => {
    const t0 = performance.now();
    let sentMs = Number.NaN;
    let settled = false;
    const source = createReadStream(file);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      source.destroy();
      req.destroy();
      reject(err);
    };
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
    });
    req.setTimeout(UPLOAD_TIMEOUT_MS, () => fail(new Error(`upload timed out after ${UPLOAD_TIMEOUT_MS} ms`)));
    req.on('error', fail);
    req.on('finish', () => (sentMs = performance.now() - t0));
    req.on('response', (res) => {
      // An early answer (an error) means the server stopped reading: stop sending.
      source.destroy();
      const chunks: Buffer[] = [];
      let len = 0;
      res.on('data', (c: Buffer) => {
        // The answer is a small JSON document; cap it so a misbehaving server cannot grow memory.
        if (len < 1 * MiB) chunks.push(c);
        len += c.length;
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentMs, totalMs: performance.now() - t0 });
      });
    });
    source.on('error', fail);
    req.write(head);
    source.pipe(req, { end: false });
    source.on('end', () => req.end(tail));
  });
}

/** Makes the file's content (so its sha256) differ per run, or the store would dedupe repeats. */
async function stampRun(file: string, run: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  try {
    await fh.write(Buffer.from(`%run-${String(run).padStart(4, '0')}\n`, 'latin1'), 0, undefined, '%PDF-1.7\n'.length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function timeCp(file: string, copy: string): Promise<{ cpMs: number; syncMs: number }> {
  await fs.rm(copy, { force: true });
  let t = performance.now();
  await execFileP('cp', [file, copy], { timeout: CP_TIMEOUT_MS });
  const cpMs = performance.now() - t;
  // The store fsyncs what it promotes; cp does not. Time that step separately for context.
  t = performance.now();
  const fh = await fs.open(copy, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  const syncMs = performance.now() - t;
  await fs.rm(copy, { force: true });
  return { cpMs, syncMs };
}

interface RunResult {
  mbs: number;
  totalMs: number;
  tailMs: number;
  growthMB: number;
  beforeMB: number;
  peakMB: number;
  heapTotalMB: number;
  heapMB: number;
  arrayBuffersMB: number;
  samples: number;
}

async function oneUpload(env: BenchEnv, file: string, size: number, run: number, gc: (() => void) | null): Promise<RunResult> {
  if (run > 0) await stampRun(file, run);
  const expectedSha = await sha256OfFile(file);
  const draft = await createDraft(env.deps, env.clerk.actor, {
    type: 'CV', subject: `Về việc thử tải lên tệp lớn, lần ${run + 1}`, recipients: [env.recipients[0]!.id],
  });
  gc?.();
  await new Promise((r) => setTimeout(r, 100));
  gc?.();
  const before = process.memoryUsage();
  const sampler = startSampler();
  let result: UploadResult;
  let peak: MemPeak;
  try {
    result = await uploadFile(`${env.baseUrl}/api/documents/${draft.id}/files`, env.clerk.token, file, size);
  } finally {
    peak = sampler.stop();
  }
  let parsed: { files?: Array<{ sha256?: string; size?: number }> } = {};
  try {
    parsed = JSON.parse(result.body) as typeof parsed;
  } catch {
    // reported below
  }
  const got = parsed.files?.[0];
  if (!(result.status === 201 && got?.sha256 === expectedSha && got?.size === size)) {
    throw new Error(`upload not verified: status ${result.status}, body ${result.body.slice(0, 500)}, expected sha256 ${expectedSha} size ${size}`);
  }
  const r: RunResult = {
    mbs: size / MiB / (result.totalMs / 1000),
    totalMs: result.totalMs,
    tailMs: result.totalMs - result.sentMs,
    growthMB: (peak.rss - before.rss) / MiB,
    beforeMB: before.rss / MiB,
    peakMB: peak.rss / MiB,
    heapTotalMB: (peak.heapTotal - before.heapTotal) / MiB,
    heapMB: (peak.heapUsed - before.heapUsed) / MiB,
    arrayBuffersMB: (peak.arrayBuffers - before.arrayBuffers) / MiB,
    samples: peak.samples,
  };
  say(
    `  run ${run + 1}: ${fmt(r.mbs)} MB/s (${fmt(r.totalMs, 0)} ms; last byte sent → response ${fmt(r.tailMs, 0)} ms), 201, ` +
      `sha256 ${expectedSha.slice(0, 12)}… matches; RSS ${fmt(r.beforeMB)} → peak ${fmt(r.peakMB)} MB (+${fmt(r.growthMB)}), ` +
      `V8 heapTotal +${fmt(r.heapTotalMB)} (heapUsed +${fmt(r.heapMB)}), arrayBuffers +${fmt(r.arrayBuffersMB)} MB, ${r.samples} samples`,
  );
  return r;
}

export async function benchUpload(env: BenchEnv): Promise<SummaryRow[]> {
  const started = performance.now();
  const file = path.join(env.dataDir, `bench-${FILE_MB}mb.pdf`);
  const copy = path.join(env.dataDir, `bench-${FILE_MB}mb.cp.pdf`);
  try {
    say(`writing a ${FILE_MB} MB test file in ${CHUNK / MiB} MB chunks…`);
    let t = performance.now();
    await makeBigFile(file);
    const size = (await fs.stat(file)).size;
    say(`  written in ${fmt((performance.now() - t) / 1000)} s`);
    t = performance.now();
    await sha256OfFile(file);
    const hashMBs = size / MiB / ((performance.now() - t) / 1000);
    say(`  streamed sha256 alone (read + hash, this thread): ${fmt(hashMBs)} MB/s`);

    // Baseline: cp to the same filesystem as the store (both live under dataDir); 1 warm-up, median of RUNS.
    await timeCp(file, copy);
    const cps: Array<{ cpMs: number; syncMs: number }> = [];
    for (let i = 0; i < RUNS; i++) cps.push(await timeCp(file, copy));
    const cpMBs = size / MiB / (median(cps.map((c) => c.cpMs)) / 1000);
    const cpSyncMBs = size / MiB / (median(cps.map((c) => c.cpMs + c.syncMs)) / 1000);
    say(`  cp: ${cps.map((c) => fmt(c.cpMs, 0)).join(', ')} ms → median ${fmt(cpMBs)} MB/s (cp + fsync: ${fmt(cpSyncMBs)} MB/s)`);

    const { gc, how } = getGc();
    say(`uploading ${RUNS}× via HTTP multipart POST ${env.baseUrl}/api/documents/:id/files, streamed from disk (gc for RSS baseline: ${how})…`);
    const runs: RunResult[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(await oneUpload(env, file, size, run, gc));

    const upMBs = median(runs.map((r) => r.mbs));
    const ratio = upMBs / cpMBs;
    const first = runs[0]!;
    const worst = Math.max(...runs.map((r) => r.growthMB));
    const pass = worst < RSS_TARGET_MB;
    process.stdout.write(
      `upload: ${fmt(upMBs)} MB/s, baseline cp ${fmt(cpMBs)} MB/s, ratio X/Y = ${fmt(ratio, 2)} (1.0 = as fast as cp) [${FILE_MB} MB, median of ${RUNS}]\n` +
        `        vs cp + fsync ${fmt(cpSyncMBs)} MB/s: ratio ${fmt(upMBs / cpSyncMBs, 2)}; vs streamed sha256 alone ${fmt(hashMBs)} MB/s: ratio ${fmt(upMBs / hashMBs, 2)}\n` +
        `        every response 201 with sha256 equal to a streamed hash of the file\n` +
        `        RSS peak growth: ${fmt(worst)} MB (target < ${RSS_TARGET_MB} MB: ${pass ? 'PASS' : 'FAIL'}) ` +
        `[worst of ${RUNS} runs; first (cold) run +${fmt(first.growthMB)} MB from ${fmt(first.beforeMB)} MB]\n`,
    );
    say(`done in ${fmt((performance.now() - started) / 1000)} s`);
    return [
      {
        bench: `upload ${FILE_MB} MB`, metric: 'MB/s (HTTP multipart)', value: fmt(upMBs), baseline: `${fmt(cpMBs)} (cp)`,
        ratio: fmt(ratio, 2), note: `vs cp+fsync ${fmt(cpSyncMBs)} → ${fmt(upMBs / cpSyncMBs, 2)}; vs sha256 alone ${fmt(hashMBs)} → ${fmt(upMBs / hashMBs, 2)}`,
      },
      {
        bench: `upload ${FILE_MB} MB`, metric: 'peak RSS growth MB', value: fmt(worst), baseline: `< ${RSS_TARGET_MB} (target)`,
        ratio: fmt(worst / RSS_TARGET_MB, 2), note: pass ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await fs.rm(copy, { force: true }).catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}
