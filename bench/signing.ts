// "Sign a 1 MB PDF": signPdf() (PAdES B-B, server-held RSA-2048 key already decrypted) and
// verifyPdf() against the physical floor measured in the same run: SHA-256 of the same bytes plus
// one RSA-2048 PKCS#1 v1.5 signature (or verification) with node:crypto. Needs no database.
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, X509Certificate } from 'node:crypto';
import {
  concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState, StandardFonts,
} from 'pdf-lib';
import { describeCertificate } from '../src/modules/signing/crypto/certificates.js';
import { createCa, issueCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { assembleCms, buildSignedAttributes, der, digestChunks, signSignedAttributes } from '../src/modules/signing/crypto/pades.js';
import { verifyCms } from '../src/modules/signing/crypto/verify.js';
import { signatureRoom, signPdf, verifyPdf, type SigningKey } from '../src/modules/signing/engine.js';
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

/** Timed runs per measurement (medians are reported), after WARMUP untimed ones. */
const RUNS = intFromEnv('BENCH_SIGNING_RUNS', 30, 5, 1000);
const WARMUP = 3;
const MiB = 1024 * 1024;
const TARGET_BYTES = MiB;
const PAGES = 20;
const TARGET_RATIO = 3;

function say(msg: string) {
  process.stdout.write(`[signing] ${msg}\n`);
}

/** Deterministic noise (xorshift32), so every run signs the same bytes. */
function noise(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const LOREM =
  'Can cu Luat Ban hanh van ban quy pham phap luat; can cu Nghi dinh 30/2020/ND-CP ve cong tac van thu; ' +
  'theo de nghi cua Chanh Van phong, Uy ban nhan dan huyen quyet dinh ';

/**
 * PAGES pages of Helvetica text plus, on page 1, an uncompressed RGB noise image sized so the
 * file (saved with pdf-lib's default options: object streams, xref stream) lands on ~1 MiB.
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

export async function makeOneMbPdf(): Promise<Buffer> {
  const textOnly = (await buildPdf(0)).length;
  const pdf = await buildPdf(TARGET_BYTES - textOnly - 200);
  if (Math.abs(pdf.length - TARGET_BYTES) > TARGET_BYTES * 0.1) throw new Error(`test PDF is ${pdf.length} bytes, not within ±10% of 1 MiB`);
  return pdf;
}

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

/** Steps of one run, in order, each with its own clock; medians across runs per step. */
class Steps {
  private readonly times = new Map<string, number[]>();
  private t = 0;
  start() {
    this.t = performance.now();
  }
  lap(name: string) {
    const now = performance.now();
    const list = this.times.get(name) ?? [];
    list.push(now - this.t);
    this.times.set(name, list);
    this.t = now;
  }
  medians(): Array<[string, number]> {
    return [...this.times].map(([k, v]) => [k, median(v)]);
  }
}

function printBreakdown(title: string, total: number, steps: Array<[string, number]>, isolated: Array<[string, number]>) {
  const w = Math.max(...[...steps, ...isolated].map(([n]) => n.length)) + 4;
  const sum = steps.reduce((s, [, v]) => s + v, 0);
  let out = `[signing] ${title} (median ms of ${RUNS} runs; end-to-end median ${fmt(total, 2)} ms, steps sum ${fmt(sum, 2)} ms)\n`;
  for (const [name, ms] of steps) out += `            ${name.padEnd(w)} ${fmt(ms, 2).padStart(8)} ms  ${fmt((100 * ms) / sum, 0).padStart(3)}%\n`;
  if (isolated.length) {
    out += `            parts of the above, timed in isolation on the same inputs:\n`;
    for (const [name, ms] of isolated) out += `              ${name.padEnd(w - 2)} ${fmt(ms, 2).padStart(8)} ms\n`;
  }
  process.stdout.write(out);
}

export async function benchSigning(): Promise<SummaryRow[]> {
  const started = performance.now();
  say(`making a ${PAGES}-page PDF with a noise image (pdf-lib, default save options)…`);
  const pdf = await makeOneMbPdf();
  say(`  ${pdf.length} bytes (${fmt(pdf.length / MiB, 3)} MiB), last xref: ${lastXref(pdf).kind}`);

  say('issuing an RSA-2048 signing certificate from a throw-away CA (createCa + issueCertificate)…');
  const ca = createCa({ commonName: 'Bench Root CA', organization: 'Ban Co yeu Chinh phu (bench)' });
  const leaf = issueCertificate(ca, { commonName: 'Nguyễn Văn Bench', organization: 'UBND huyện Sơn Hà (bench)' });
  // As sign-document.ts hands it to signPdf after the keystore decrypted it: a PEM string in memory.
  const key: SigningKey = { privateKeyPem: leaf.privateKeyPem, certificate: leaf.certificate, chain: [ca.certificate] };
  const signingTime = new Date();
  const base = { fieldName: 'Signature1', signingTime, name: 'Nguyễn Văn Bench' };
  const appearance: AppearanceSpec = {
    page: 0, rect: [340, 700, 560, 790],
    text: { lines: ['Ký bởi: Nguyễn Văn Bench', 'Cơ quan: UBND huyện Sơn Hà', `Thời gian: ${signingTime.toISOString()}`], fontSize: 9 },
  };
  const variants: Array<{ label: string; short: string; opts: Omit<PlaceholderOptions, 'signatureSize' | 'subFilter'> }> = [
    { label: 'invisible', short: 'invisible', opts: base },
    { label: 'visible, text-only appearance (DejaVu Serif subset)', short: 'visible text', opts: { ...base, appearance } },
  ];

  // The floor: what any PAdES signer must do at least, with node:crypto and a key object made once.
  const privateKey = createPrivateKey(leaf.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const floorSign = () => nodeSign('sha256', createHash('sha256').update(pdf).digest(), privateKey);

  // Correctness first: every variant must produce a PDF that verifies as valid and trusted.
  const signed: Record<string, Buffer> = {};
  for (const v of variants) {
    const out = await signPdf(pdf, key, v.opts, null);
    const verdicts = await verifyPdf(out, [ca.certificate]);
    const ok = verdicts.length === 1 && verdicts[0]!.integrity === 'valid' && verdicts[0]!.trust === 'trusted' && verdicts[0]!.coversWholeDocument;
    if (!ok) throw new Error(`signPdf (${v.label}) did not verify: ${JSON.stringify(verdicts)}`);
    signed[v.short] = out;
  }

  const rows: SummaryRow[] = [];
  const ratioLine = (what: string, a: Dist, f: Dist, extra: string) => {
    const ratio = a.median / f.median;
    process.stdout.write(
      `${what}: ${fmt(a.median, 2)} ms median (p95 ${fmt(a.p95, 2)}), floor ${fmt(f.median, 2)} ms, ratio X/Z = ${fmt(ratio, 2)}× ` +
        `(target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}) ${extra}\n`,
    );
    return ratio;
  };

  for (const v of variants) {
    say(`timing signPdf (${v.label}) against the floor, ${WARMUP} warm-ups + ${RUNS} runs, interleaved…`);
    const t = await interleaved({ app: () => signPdf(pdf, key, v.opts, null), floor: floorSign });
    const a = dist(t.app!);
    const f = dist(t.floor!);
    const ratio = ratioLine(`sign (${v.short})`, a, f, `[${fmt(pdf.length / MiB, 2)} MiB in, RSA-2048, floor = SHA-256 of the same bytes + 1 RSA sign]`);
    await signBreakdown(pdf, key, v.opts, a.median);
    rows.push({
      bench: 'sign 1 MB PDF', metric: `signPdf ms (${v.short})`, value: fmt(a.median, 2), baseline: `${fmt(f.median, 2)} (floor)`,
      ratio: fmt(ratio, 2), note: `p95 ${fmt(a.p95, 2)} ms; target ≤ ${TARGET_RATIO}× ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
    });
  }

  for (const v of variants) {
    const s = signed[v.short]!;
    const cms = findSignatures(s)[0]!.contents;
    const sigValue = nodeSign('sha256', Buffer.from('floor'), privateKey);
    const floorVerify = () => {
      createHash('sha256').update(s).digest();
      if (!nodeVerify('sha256', Buffer.from('floor'), publicKey, sigValue)) throw new Error('floor verify failed');
    };
    say(`timing verifyPdf (${v.label} signature) against the floor, ${WARMUP} warm-ups + ${RUNS} runs, interleaved…`);
    const t = await interleaved({ app: () => verifyPdf(s, [ca.certificate]), floor: floorVerify });
    const a = dist(t.app!);
    const f = dist(t.floor!);
    const ratio = ratioLine(`verify (${v.short})`, a, f, `[${fmt(s.length / MiB, 2)} MiB, floor = SHA-256 of the same bytes + 1 RSA verify]`);
    await verifyBreakdown(s, cms, [ca.certificate], key, a.median);
    rows.push({
      bench: 'verify 1 MB PDF', metric: `verifyPdf ms (${v.short})`, value: fmt(a.median, 2), baseline: `${fmt(f.median, 2)} (floor)`,
      ratio: fmt(ratio, 2), note: `p95 ${fmt(a.p95, 2)} ms; target ≤ ${TARGET_RATIO}× ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
    });
  }
  say(`done in ${fmt((performance.now() - started) / 1000)} s`);
  return rows;
}

/** signPdf's steps (engine.ts: prepareSignature → sign → completeSignature), each timed. */
async function signBreakdown(pdf: Buffer, key: SigningKey, opts: Omit<PlaceholderOptions, 'signatureSize' | 'subFilter'>, total: number) {
  const steps = new Steps();
  const full: PlaceholderOptions = { ...opts, subFilter: 'ETSI.CAdES.detached', signatureSize: signatureRoom(key, false) };
  const app = opts.appearance;
  const [, , w, h] = app ? normRect(app.rect, 'rect') : [0, 0, 0, 0];
  const iso = new Steps();
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const s = round < WARMUP ? new Steps() : steps;
    s.start();
    const prepared = await addSignaturePlaceholder(pdf, full);
    s.lap('addSignaturePlaceholder');
    const digest = digestChunks(byteRangeChunks(prepared.pdf, prepared.byteRange));
    s.lap('digest (byteRangeChunks + SHA-256)');
    const signedAttributes = buildSignedAttributes({ contentDigest: digest, signerCertificate: key.certificate });
    s.lap('buildSignedAttributes');
    const signature = signSignedAttributes(signedAttributes, key.privateKeyPem);
    s.lap('signSignedAttributes (RSA)');
    const cms = assembleCms({ signedAttributes, signature, certificates: [key.certificate, ...key.chain] });
    s.lap('assembleCms');
    embedSignature(prepared, cms);
    s.lap('embedSignature');

    const i = round < WARMUP ? new Steps() : iso;
    i.start();
    lastXref(pdf);
    i.lap('placeholder: lastXref');
    const doc = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: false });
    i.lap('placeholder: PDFDocument.load (pdf-lib parse)');
    doc.getPages();
    i.lap('placeholder: doc.getPages');
    const scratch = await PDFDocument.create({ updateMetadata: false });
    await buildAppearance(scratch, w, h, app);
    i.lap('placeholder: create scratch + buildAppearance');
    Buffer.concat([pdf, Buffer.alloc(40_000)]);
    i.lap('placeholder: Buffer.concat(pdf, tail)');
    createPrivateKey(key.privateKeyPem);
    i.lap('sign: createPrivateKey(PEM)');
  }
  printBreakdown(`signPdf (${opts.appearance ? 'visible' : 'invisible'}) per step`, total, steps.medians(), iso.medians());
}

/** verifyPdf's steps (engine.ts: findSignatures → byteRangeChunks → verifyCms), each timed. */
async function verifyBreakdown(pdf: Buffer, cms: Buffer, anchors: Buffer[], key: SigningKey, total: number) {
  const steps = new Steps();
  const iso = new Steps();
  const certs = [key.certificate, ...key.chain];
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const s = round < WARMUP ? new Steps() : steps;
    s.start();
    const found = findSignatures(pdf)[0]!;
    s.lap('findSignatures');
    const content = byteRangeChunks(pdf, found.byteRange);
    s.lap('byteRangeChunks');
    await verifyCms({ cms: found.contents, content, trustAnchors: anchors, pdfSigningTime: found.signingTime });
    s.lap('verifyCms');

    const i = round < WARMUP ? new Steps() : iso;
    i.start();
    digestChunks(content);
    i.lap('verifyCms: SHA-256 of the byte ranges');
    der.parse(cms);
    i.lap('verifyCms: asn1js parse of the CMS');
    for (const c of certs) new X509Certificate(c);
    i.lap(`verifyCms: new X509Certificate ×${certs.length}`);
    for (const c of certs) describeCertificate(c);
    i.lap(`verifyCms: describeCertificate (pkijs) ×${certs.length}`);
  }
  printBreakdown('verifyPdf per step', total, steps.medians(), iso.medians());
}
