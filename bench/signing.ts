// "Sign a 1 MB PDF": signPdf() (PAdES B-B, invisible and visible, server-held RSA-2048 key that the
// keystore has already decrypted to PEM) and verifyPdf(), each against the physical floor measured
// in the same run: SHA-256 of the same bytes plus one RSA-2048 PKCS#1 v1.5 signature (or one
// verification) with node:crypto. Prints a per-step breakdown of both. Needs no database.
// BENCH_SIGNING_RUNS (default 30) timed runs, BENCH_SIGNING_WARMUP (default 10) untimed ones;
// BENCH_SIGNING_PROFILE=1 adds an in-process CPU profile (self time by module and by function).
import {
  createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, X509Certificate, type KeyObject,
} from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import {
  concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState, StandardFonts,
} from 'pdf-lib';
import * as pkijs from 'pkijs';
import { createCa, createCrl, issueCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import {
  assembleCms, buildSignedAttributes, certificateIdentity, der, digestChunks, signSignedAttributes,
} from '../src/modules/signing/crypto/pades.js';
import { anchorCerts } from '../src/modules/signing/crypto/chain.js';
import { verifyCms } from '../src/modules/signing/crypto/verify.js';
import { cert } from '../src/modules/signing/crypto/x509.js';
import { signatureRoom, signPdf, verifyPdf, type SigningKey } from '../src/modules/signing/engine.js';
import { createKeyStore } from '../src/modules/signing/keystore.js';
import { buildAppearance, normRect } from '../src/modules/signing/pdf/appearance.js';
import {
  addSignaturePlaceholder, byteRangeChunks, embedSignature, findSignatures, type AppearanceSpec, type PlaceholderOptions,
} from '../src/modules/signing/pdf/incremental.js';
import { lastXref } from '../src/modules/signing/pdf/trailer.js';
import { fmt, median, percentile, type SummaryRow } from './stats.js';

function intFromEnv(name: string, def: number, min: number, max: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= min && v <= max ? v : def;
}

/** Timed runs per measurement; medians (and p95) are reported. */
const RUNS = intFromEnv('BENCH_SIGNING_RUNS', 30, 5, 1000);
/**
 * Untimed runs first. 3 are not enough: pdf-lib's parser and asn1js are still being optimised by
 * the JIT for the first ~10 calls, which then read 2–3× slower than the steady state. Since the
 * revocation checker (pkijs CRL parsing, fetch) runs just before it, the first timed series needs
 * more: with 10 it read 5× the floor, with 40 or more it reads ~1.6× like the others.
 */
const WARMUP = intFromEnv('BENCH_SIGNING_WARMUP', 40, 0, 1000);
const PROFILE = process.env.BENCH_SIGNING_PROFILE === '1';
const MiB = 1024 * 1024;
const TARGET_BYTES = MiB;
const PAGES = 20;
const TARGET_RATIO = 3;

function say(msg: string) {
  process.stdout.write(`[signing] ${msg}\n`);
}

type SignOptions = Omit<PlaceholderOptions, 'signatureSize' | 'subFilter'>;

// ---------------------------------------------------------------------------------------------
// The input: ~1 MiB, made with pdf-lib and saved with its default options.
// ---------------------------------------------------------------------------------------------

/** Deterministic noise (xorshift32), so every run signs the same bytes. */
function noise(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const LOREM =
  'Can cu Luat Ban hanh van ban quy pham phap luat; can cu Nghi dinh 30/2020/ND-CP ve cong tac van thu; ' +
  'theo de nghi cua Chanh Van phong, Uy ban nhan dan huyen quyet dinh ';

/**
 * PAGES A4 pages of 60 Helvetica lines each, plus on page 1 an uncompressed RGB noise image of
 * about `imageBytes` (a scan-like payload the signer must carry but never needs to look into).
 * Default save options: object streams and an xref stream, as pdf-lib writes every PDF.
 */
async function buildPdf(imageBytes: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Bench: 1 MB PDF');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < PAGES; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Trang ${p + 1}/${PAGES}`, { x: 72, y: 800, size: 14, font });
    for (let l = 0; l < 60; l++) {
      const s = `${l + 1}. ${LOREM}`.repeat(2);
      page.drawText(s.slice((l * 7) % 40, ((l * 7) % 40) + 95), { x: 56, y: 770 - l * 12, size: 9, font });
    }
  }
  if (imageBytes > 0) {
    const width = 512;
    const height = Math.max(1, Math.round(imageBytes / (width * 3)));
    const ctx = doc.context;
    const image = ctx.register(ctx.stream(noise(width * height * 3), {
      Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceRGB', BitsPerComponent: 8,
    }));
    const page = doc.getPage(0);
    const name = page.node.newXObject('Noise', image);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(200, 0, 0, 200 * (height / width), 340, 60), drawObject(name), popGraphicsState());
  }
  return Buffer.from(await doc.save());
}

async function makeOneMbPdf(): Promise<Buffer> {
  const textOnly = (await buildPdf(0)).length;
  const pdf = await buildPdf(TARGET_BYTES - textOnly - 200);
  if (Math.abs(pdf.length - TARGET_BYTES) > TARGET_BYTES * 0.1) throw new Error(`test PDF is ${pdf.length} bytes, not within ±10% of 1 MiB`);
  return pdf;
}

// ---------------------------------------------------------------------------------------------
// Timing helpers
// ---------------------------------------------------------------------------------------------

interface Dist {
  median: number;
  p95: number;
}
const dist = (xs: number[]): Dist => ({ median: median(xs), p95: percentile(xs, 95) });

/**
 * WARMUP untimed rounds, then RUNS timed rounds of every function in `fns`, interleaved (the
 * order rotates each round), so drift during the run (GC, frequency scaling) hits all alike.
 */
async function interleaved(fns: Record<string, () => unknown>): Promise<Record<string, number[]>> {
  const names = Object.keys(fns);
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const t = performance.now();
      await fns[name]!();
      const ms = performance.now() - t;
      if (round >= WARMUP) out[name]!.push(ms);
    }
  }
  return out;
}

/** Laps of one run, in order, each with its own clock; `medians()` per lap name across runs. */
class Laps {
  private readonly times = new Map<string, number[]>();
  private t = 0;
  constructor(private readonly record: boolean) {}
  start() {
    this.t = performance.now();
  }
  lap(name: string) {
    const now = performance.now();
    if (this.record) {
      const list = this.times.get(name) ?? [];
      list.push(now - this.t);
      this.times.set(name, list);
    }
    this.t = now;
  }
  medians(): Map<string, number> {
    return new Map([...this.times].map(([k, v]) => [k, median(v)]));
  }
}

/** Runs `body` WARMUP + RUNS times; laps are recorded for the timed runs only. */
async function lapRuns(body: (laps: Laps) => Promise<void>): Promise<Map<string, number>> {
  const laps = new Laps(true);
  for (let round = 0; round < WARMUP + RUNS; round++) await body(round < WARMUP ? new Laps(false) : laps);
  return laps.medians();
}

interface Part {
  name: string;
  /** How often it runs per call of the function broken down; 0 = shown for comparison only. */
  calls: number;
}

function printBreakdown(title: string, total: number, steps: Map<string, number>, parts: Part[], iso: Map<string, number>) {
  const w = Math.max(...[...steps.keys(), ...parts.map((p) => p.name)].map((n) => n.length)) + 2;
  const sum = [...steps.values()].reduce((s, v) => s + v, 0);
  let out = `[signing] ${title}: median ms of ${RUNS} runs (end-to-end median ${fmt(total, 2)} ms; steps add up to ${fmt(sum, 2)} ms, the rest is GC and scheduling)\n`;
  for (const [name, ms] of steps) out += `            ${name.padEnd(w)} ${fmt(ms, 2).padStart(7)} ms ${fmt((100 * ms) / sum, 0).padStart(4)}%\n`;
  if (parts.length) {
    out += `          what those steps spend it on (each part timed alone on the same inputs, × calls per ${title.split(' ')[0]}):\n`;
    for (const p of parts) {
      const ms = iso.get(p.name) ?? Number.NaN;
      const calls = p.calls === 1 ? '' : p.calls === 0 ? ` (for comparison, not in ${title.split(' ')[0]})` : ` ×${p.calls} = ${fmt(ms * p.calls, 2)} ms`;
      out += `            ${p.name.padEnd(w)} ${fmt(ms, 2).padStart(7)} ms${calls}\n`;
    }
  }
  process.stdout.write(out);
}

// ---------------------------------------------------------------------------------------------
// Optional CPU profile (BENCH_SIGNING_PROFILE=1): self time grouped by module and by function.
// ---------------------------------------------------------------------------------------------

function moduleOf(frame: Profiler.ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native / V8 builtins)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:internal/crypto')) return 'node:crypto (OpenSSL: hash, RSA, keys, X.509)';
  if (url.startsWith('node:')) return 'node internals (Buffer, zlib, …)';
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const bench = url.indexOf('/bench/');
  return bench >= 0 ? url.slice(bench + 1) : url;
}

async function cpuProfile(label: string, fn: () => Promise<unknown>): Promise<void> {
  const runs = Math.max(RUNS, 50);
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 }); // µs
    await session.post('Profiler.start');
    for (let i = 0; i < runs; i++) await fn();
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(os.tmpdir(), `lienthong-bench-${label.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '')}.cpuprofile`);
    await fs.writeFile(file, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const self = new Map<number, number>();
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
    const byModule = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let total = 0;
    for (const [id, us] of self) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
      // A native function (no URL) is charged to the nearest JS caller's module; the profiler's
      // own Profiler.stop call (under node:inspector) is left out.
      let caller: Profiler.ProfileNode['callFrame'] | null = null;
      let inspector = false;
      for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
        const f = byId.get(p)!.callFrame;
        if (f.url === 'node:inspector') inspector = true;
        if (f.url && !caller) caller = f;
      }
      if (inspector) continue;
      total += us;
      const native = !frame.url && !frame.functionName.startsWith('(');
      const mod = moduleOf(native && caller ? caller : frame);
      byModule.set(mod, (byModule.get(mod) ?? 0) + us);
      const name = native && caller ? `${frame.functionName} (native, in ${caller.functionName || '(anonymous)'})` : frame.functionName || '(anonymous)';
      const key = `${name}  [${mod}]`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    }
    const top = (m: Map<string, number>, n: number) =>
      [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `            ${fmt((100 * us) / total, 1).padStart(5)}%  ${k}`).join('\n');
    process.stdout.write(
      `[signing] CPU profile of ${label}: ${runs} runs, share of on-CPU samples (profile in ${file})\n` +
        `          by module:\n${top(byModule, 10)}\n          hottest functions:\n${top(byFunction, 12)}\n`,
    );
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Breakdowns: the engine's steps re-run one by one (engine.ts: signPdf, verifyPdf), then the parts
// those steps are made of, timed alone.
// ---------------------------------------------------------------------------------------------

type ServerKey = SigningKey & { privateKey: KeyObject };

async function signBreakdown(pdf: Buffer, key: ServerKey, pem: string, opts: SignOptions, label: string, total: number) {
  const full: PlaceholderOptions = { ...opts, subFilter: 'ETSI.CAdES.detached', signatureSize: signatureRoom(key, false) };
  const steps = await lapRuns(async (s) => {
    s.start();
    const prepared = await addSignaturePlaceholder(pdf, full);
    s.lap('addSignaturePlaceholder');
    const digest = digestChunks(byteRangeChunks(prepared.pdf, prepared.byteRange));
    s.lap('digest (byteRangeChunks + SHA-256)');
    const signedAttributes = buildSignedAttributes({ contentDigest: digest, signerCertificate: key.certificate });
    s.lap('buildSignedAttributes');
    const signature = signSignedAttributes(signedAttributes, key.privateKey);
    s.lap('signSignedAttributes');
    const cms = assembleCms({ signedAttributes, signature, certificates: [key.certificate, ...key.chain] });
    s.lap('assembleCms');
    embedSignature(prepared, cms);
    s.lap('embedSignature');
  });

  const app = opts.appearance;
  const [, , w, h] = app ? normRect(app.rect, 'rect') : [0, 0, 0, 0];
  let objects = 0;
  const tbs = Buffer.from('x'.repeat(200));
  const P = {
    xref: 'placeholder: lastXref',
    load: 'placeholder: PDFDocument.load (what it used; a targeted xref reader now)',
    appearance: `placeholder: scratch PDFDocument + buildAppearance${app ? ' (font)' : ''}`,
    concat: 'placeholder: Buffer.concat([pdf, tail]) (1 MB copy)',
    identity: 'certificateIdentity(leaf): pkijs, cached per DER hash',
    asn1: 'certificate: asn1js der.parse (what it used)',
    x509: 'new X509Certificate(leaf) (what assembleCms used)',
    pem: 'createPrivateKey(PEM) (what a PEM key costs)',
    fresh: 'RSA-2048, first use of a new KeyObject',
    rsa: 'sign: RSA-2048 with the keystore\'s cached KeyObject',
    copy: 'embedSignature: Buffer.from(pdf) (what it used; written in place now)',
  };
  const iso = await lapRuns(async (s) => {
    s.start();
    lastXref(pdf);
    s.lap(P.xref);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: false });
    s.lap(P.load);
    objects = doc.context.enumerateIndirectObjects().length;
    s.start();
    const scratch = await PDFDocument.create({ updateMetadata: false });
    await buildAppearance(scratch, w, h, app);
    s.lap(P.appearance);
    Buffer.concat([pdf, Buffer.alloc(signatureRoom(key, false) * 2 + 2000)]);
    s.lap(P.concat);
    certificateIdentity(key.certificate);
    s.lap(P.identity);
    der.parse(key.certificate);
    s.lap(P.asn1);
    void new X509Certificate(key.certificate).publicKey.asymmetricKeyType;
    s.lap(P.x509);
    const fresh = createPrivateKey(pem);
    s.lap(P.pem);
    // A key object's first RSA operation costs about twice a later one (OpenSSL builds and then
    // caches per-key state such as Montgomery contexts and the blinding factor), so a key object
    // made per call pays that every time.
    nodeSign('sha256', tbs, fresh);
    s.lap(P.fresh);
    nodeSign('sha256', tbs, key.privateKey);
    s.lap(P.rsa);
    Buffer.from(pdf);
    s.lap(P.copy);
  });
  const parts: Part[] = [
    { name: P.xref, calls: 1 }, { name: P.load, calls: 0 }, { name: P.appearance, calls: 1 }, { name: P.concat, calls: 1 },
    // buildSignedAttributes and assembleCms each read the leaf certificate; the key is a KeyObject
    // from the keystore's cache (sign-document.ts), so no PEM parse and no first-use penalty.
    { name: P.identity, calls: 2 }, { name: P.asn1, calls: 0 }, { name: P.x509, calls: 0 }, { name: P.pem, calls: 0 }, { name: P.fresh, calls: 0 },
    { name: P.rsa, calls: 1 },
    { name: P.copy, calls: 0 },
  ];
  printBreakdown(`signPdf (${label}; the file has ${objects} objects)`, total, steps, parts, iso);
}

async function verifyBreakdown(pdf: Buffer, anchors: Buffer[], key: ServerKey, publicKey: KeyObject, total: number) {
  const found0 = findSignatures(pdf)[0]!;
  const steps = await lapRuns(async (s) => {
    s.start();
    const found = findSignatures(pdf)[0]!;
    s.lap('findSignatures');
    const content = byteRangeChunks(pdf, found.byteRange);
    s.lap('byteRangeChunks');
    await verifyCms({ cms: found.contents, content, trustAnchors: anchors, pdfSigningTime: found.signingTime });
    s.lap('verifyCms');
  });
  const content = byteRangeChunks(pdf, found0.byteRange);
  const sig = nodeSign('sha256', Buffer.from('tbs'), key.privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const P = {
    sha: 'verifyCms: SHA-256 of the byte ranges',
    view: 'verifyCms: cert(certificate), pkijs cached per DER hash',
    describe: 'verifyCms: Cert.describe() (signer verdict)',
    jwk: 'leaf public key, JWK import (for comparison: now cached with the certificate)',
    anchors: 'verifyCms: anchorCerts (cached per DER hash)',
    rsa: 'verifyCms: RSA-2048 verify',
    cms: 'der.parse(CMS), asn1js (what it used)',
    x509: 'new X509Certificate (what it used, ×6)',
    pkijs: 'describeCertificate via pkijs (what it used, ×4)',
  };
  const iso = await lapRuns(async (s) => {
    s.start();
    digestChunks(content);
    s.lap(P.sha);
    const view = cert(key.certificate);
    s.lap(P.view);
    view.describe();
    s.lap(P.describe);
    createPublicKey({ key: jwk, format: 'jwk' });
    s.lap(P.jwk);
    anchorCerts(anchors);
    s.lap(P.anchors);
    nodeVerify('sha256', Buffer.from('tbs'), publicKey, sig);
    s.lap(P.rsa);
    der.parse(found0.contents);
    s.lap(P.cms);
    void new X509Certificate(key.certificate).subject;
    s.lap(P.x509);
    pkijs.Certificate.fromBER(new Uint8Array(key.certificate));
    s.lap(P.pkijs);
  });
  // Calls per verifyPdf of this file (one signer; leaf + CA in the CMS; the CA as the anchor),
  // counted in verify.ts and chain.ts: one view per CMS certificate, the anchors from their cache,
  // one public key (the leaf's; the CA's is kept with its cached view), the CMS signature and the
  // leaf's certificate signature.
  const parts: Part[] = [
    { name: P.sha, calls: 1 }, { name: P.view, calls: 2 }, { name: P.describe, calls: 1 }, { name: P.jwk, calls: 0 },
    { name: P.anchors, calls: 1 }, { name: P.rsa, calls: 2 }, { name: P.cms, calls: 0 }, { name: P.x509, calls: 0 }, { name: P.pkijs, calls: 0 },
  ];
  printBreakdown('verifyPdf', total, steps, parts, iso);
}

// ---------------------------------------------------------------------------------------------

export async function benchSigning(): Promise<SummaryRow[]> {
  const started = performance.now();
  say(`making a ${PAGES}-page PDF with a noise image (pdf-lib, default save options)…`);
  const pdf = await makeOneMbPdf();
  say(`  ${pdf.length} bytes (${fmt(pdf.length / MiB, 3)} MiB), last cross-reference section: xref ${lastXref(pdf).kind}`);

  say('issuing an RSA-2048 signing certificate from a throw-away CA (createCa + issueCertificate)…');
  const ca = createCa({ commonName: 'Bench Root CA', organization: 'Ban Cơ yếu Chính phủ (bench)' });
  // The leaf names a CRL, served by a local HTTP server: the first verification downloads and
  // checks it, the timed ones use the cached revocation answer (crypto/revocation.ts).
  const crl = createCrl(ca, { thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 3600_000), crlNumber: 1 });
  const crlServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl));
  await new Promise<void>((r) => crlServer.listen(0, '127.0.0.1', r));
  const crlUrl = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}/bench.crl`;
  const leaf = issueCertificate(ca, { commonName: 'Nguyễn Văn Bench', organization: 'UBND huyện Sơn Hà (bench)', crlUrl });
  // "Cached key": what sign-document.ts hands to signPdf, a KeyObject from the keystore's cache
  // (deps.keys.privateKey), decrypted and parsed once and reused by the following signatures.
  const keys = createKeyStore('b'.repeat(40));
  const key: ServerKey = { privateKey: keys.privateKey(keys.seal(leaf.privateKeyPem, 'bench'), 'bench'), certificate: leaf.certificate, chain: [ca.certificate] };
  const signingTime = new Date();
  const base: SignOptions = { fieldName: 'Signature1', signingTime, name: 'Nguyễn Văn Bench' };
  const appearance: AppearanceSpec = {
    page: 0, rect: [340, 700, 560, 790],
    text: { lines: ['Ký bởi: Nguyễn Văn Bench', 'Cơ quan: UBND huyện Sơn Hà', `Thời gian: ${signingTime.toISOString()}`], fontSize: 9 },
  };
  const variants: Array<{ label: string; short: string; opts: SignOptions }> = [
    { label: 'invisible', short: 'invisible', opts: base },
    { label: 'visible, text-only appearance', short: 'visible text', opts: { ...base, appearance } },
  ];

  // The floor: what any PAdES signer or verifier must do at least, with key objects made once.
  const privateKey = createPrivateKey(leaf.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const floorSign = () => nodeSign('sha256', createHash('sha256').update(pdf).digest(), privateKey);

  // Correctness first: each variant must give a PDF that verifies as intact, trusted and whole.
  const signed = new Map<string, Buffer>();
  for (const v of variants) {
    const t = performance.now();
    const out = await signPdf(pdf, key, v.opts, null);
    const firstMs = performance.now() - t;
    const verdicts = await verifyPdf(out, [ca.certificate]);
    const ok = verdicts.length === 1 && verdicts[0]!.integrity === 'valid' && verdicts[0]!.trust === 'trusted' && verdicts[0]!.coversWholeDocument
      && verdicts[0]!.revocation === 'good' && verdicts[0]!.revocationSource === 'crl';
    if (!ok) throw new Error(`signPdf (${v.label}) did not verify: ${JSON.stringify(verdicts)}`);
    say(`  ${v.label}: first signPdf in this process ${fmt(firstMs, 1)} ms (cold), ${out.length - pdf.length} bytes appended, verifies valid + trusted + not revoked (CRL)`);
    signed.set(v.short, out);
  }

  const rows: SummaryRow[] = [];
  const verdict = (ratio: number) => `target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`;
  const report = (what: string, metric: string, a: Dist, f: Dist, floorWhat: string, bytes: number) => {
    const ratio = a.median / f.median;
    process.stdout.write(
      `${what}: ${fmt(a.median, 2)} ms median (p95 ${fmt(a.p95, 2)}), floor ${fmt(f.median, 2)} ms, ratio X/Z = ${fmt(ratio, 2)}× (${verdict(ratio)})\n` +
        `${' '.repeat(what.length)}  [${fmt(bytes / MiB, 2)} MiB, RSA-2048; floor = ${floorWhat}; ${RUNS} runs after ${WARMUP} warm-ups]\n`,
    );
    rows.push({
      bench: `${what.split(' ')[0]} 1 MB PDF`, metric, value: fmt(a.median, 2), baseline: `${fmt(f.median, 2)} (floor)`,
      ratio: fmt(ratio, 2), note: `p95 ${fmt(a.p95, 2)} ms; ${verdict(ratio)}`,
    });
  };

  for (const v of variants) {
    say(`timing signPdf (${v.label}) and its floor, interleaved…`);
    const t = await interleaved({ app: () => signPdf(pdf, key, v.opts, null), floor: floorSign });
    const a = dist(t.app!);
    report(`sign (${v.short})`, `signPdf ms (${v.short})`, a, dist(t.floor!), 'SHA-256 of the same bytes + 1 RSA sign', pdf.length);
    await signBreakdown(pdf, key, leaf.privateKeyPem, v.opts, v.label, a.median);
    if (PROFILE) await cpuProfile(`signPdf (${v.label})`, () => signPdf(pdf, key, v.opts, null));
  }

  for (const v of variants) {
    const s = signed.get(v.short)!;
    const tbs = Buffer.from('floor');
    const sigValue = nodeSign('sha256', tbs, privateKey);
    const floorVerify = () => {
      createHash('sha256').update(s).digest();
      if (!nodeVerify('sha256', tbs, publicKey, sigValue)) throw new Error('floor verification failed');
    };
    say(`timing verifyPdf (${v.label} signature) and its floor, interleaved…`);
    const t = await interleaved({ app: () => verifyPdf(s, [ca.certificate]), floor: floorVerify });
    const a = dist(t.app!);
    report(`verify (${v.short})`, `verifyPdf ms (${v.short})`, a, dist(t.floor!), 'SHA-256 of the same bytes + 1 RSA verify', s.length);
    await verifyBreakdown(s, [ca.certificate], key, publicKey, a.median);
    if (PROFILE) await cpuProfile(`verifyPdf (${v.label} signature)`, () => verifyPdf(s, [ca.certificate]));
  }
  await new Promise((r) => crlServer.close(r));
  say(`done in ${fmt((performance.now() - started) / 1000)} s`);
  return rows;
}
