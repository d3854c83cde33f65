// edXML reader on hostile and broken input: every case is a specific EdxmlError, never an
// unhandled exception, and a zip bomb is stopped with memory staying small.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { before, test } from 'node:test';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { createCa, issueCertificate, type KeyAndCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import {
  EdxmlError, type EdxmlErrorCode, readPackage, readPackageHeader, writeDocumentPackage, writeStatusPackage,
} from '../src/modules/exchange/edxml/index.js';
import { chunked, collector, fullDocumentHeader, fullStatusHeader, readAll } from './helpers/edxml.js';
import { makePdf } from './helpers/pdf.js';

let seal: KeyAndCertificate;
before(() => {
  seal = issueCertificate(createCa({ commonName: 'edXML Bad Input CA' }), { commonName: 'Con dấu' });
});

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const HEADER = `<edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>A</OrganId></From><To><OrganId>B</OrganId></To><DocumentId>A,2026/11/30,1/CV</DocumentId></MessageHeader></edXMLHeader></edXMLEnvelope>`;
const pkg = (attachments: string, header = HEADER) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="${NS}">${header}<AttachmentEncoded>${attachments}</AttachmentEncoded></edXML>`);
const att = (b64: string, id = 'a1') => `<Attachment><ContentId>${id}</ContentId><AttachmentName>a.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${b64}</ContentTransferEncoded></Attachment>`;

const isCode = (code: EdxmlErrorCode) => (e: unknown) => {
  assert.ok(e instanceof EdxmlError, `expected EdxmlError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.ok(e.text.vi && e.text.en);
  return true;
};

test('malformed XML', async () => {
  await assert.rejects(readPackage(Readable.from([Buffer.from(`<edXML xmlns="${NS}"><edXMLEnvelope></edXML>`)])), isCode('malformed'));
  await assert.rejects(readPackage(Readable.from([Buffer.from('not xml at all')])), isCode('malformed'));
  await assert.rejects(readPackage(Readable.from([Buffer.from('')])), isCode('malformed'));
  await assert.rejects(readPackage(Readable.from([pkg(att('AAAA')).subarray(0, 300)])), isCode('malformed'));
  await assert.rejects(readPackage(Readable.from([Buffer.from('<other/>')])), isCode('not_edxml'));
  await assert.rejects(readPackage(Readable.from([Buffer.from([0x3c, 0x65, 0xff, 0xfe, 0x3e])])), isCode('encoding'));
  await assert.rejects(readPackage(Readable.from([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><edXML/>')])), isCode('encoding'));
  await assert.rejects(readPackage(Readable.from([Buffer.from(`<edXML xmlns="${NS}">&undefined;</edXML>`)])), isCode('malformed'));
});

test('a DOCTYPE is refused: external entity (XXE) and billion laughs', async () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML xmlns="${NS}">${HEADER.replace('<OrganId>A</OrganId>', '<OrganId>&xxe;</OrganId>')}</edXML>`;
  await assert.rejects(readPackage(Readable.from([Buffer.from(xxe)])), isCode('doctype'));
  await assert.rejects(readPackageHeader(chunked(Buffer.from(xxe), 3)), isCode('doctype'));
  const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)].join('');
  const laughs = `<?xml version="1.0"?><!DOCTYPE edXML [${lol}]><edXML xmlns="${NS}"><x>&lol9;</x></edXML>`;
  const t0 = Date.now();
  await assert.rejects(readPackage(Readable.from([Buffer.from(laughs)])), isCode('doctype'));
  await assert.rejects(readPackageHeader(Readable.from([Buffer.from(laughs)])), isCode('doctype'));
  assert.ok(Date.now() - t0 < 1000);
  // External DTD too.
  await assert.rejects(readPackage(Readable.from([Buffer.from(`<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/x.dtd"><edXML/>`)])), isCode('doctype'));
});

test('a package over maxBytes, and an element over maxHeaderBytes', async () => {
  const big = pkg(att(Buffer.alloc(300_000).toString('base64')));
  await assert.rejects(readPackage(chunked(big, 65536), { maxBytes: 100_000 }), isCode('too_large'));
  await assert.rejects(readPackageHeader(chunked(big, 65536), { maxBytes: 100_000 }), isCode('too_large'));
  await assert.rejects(readPackage(Readable.from([big]), { maxAttachmentBytes: 100_000 }), isCode('too_large'));
  const longSubject = pkg('', HEADER.replace('</DocumentId>', `</DocumentId><Subject>${'x'.repeat(200_000)}</Subject>`));
  await assert.rejects(readPackage(chunked(longSubject, 4096), { maxHeaderBytes: 50_000 }), isCode('too_large'));
});

test('base64 that is not base64', async () => {
  await assert.rejects(readPackage(Readable.from([pkg(att('AAAA!AAA'))])), isCode('bad_base64'));
  await assert.rejects(readPackage(Readable.from([pkg(att('AA==AAAA'))])), isCode('bad_base64'));
  await assert.rejects(readPackage(Readable.from([pkg(att('AAAAA'))])), isCode('bad_base64'));
  await assert.rejects(readPackage(Readable.from([pkg(att('AAAA&amp;'))])), isCode('bad_base64'));
  await assert.rejects(readPackage(Readable.from([pkg(att('QUJD&#65;AAA'))])), isCode('bad_base64'));
  // Whitespace and line breaks are fine, also written as character references (split across chunks).
  const r = await readPackage(Readable.from([pkg(att('QUJD\r\n  REVG\n'))]), { onAttachment: collector().onAttachment });
  assert.equal(r.kind === 'document' && r.attachments[0]!.size, 6);
  for (const size of [1, 2, 3, 5, 7]) {
    const got = collector();
    await readPackage(chunked(pkg(att('QUJD&#xD;&#xA;REVG&#13;&#10;&#x9;&#32;R0g=')), size), { onAttachment: got.onAttachment });
    assert.equal(got.files[0]!.data.toString(), 'ABCDEFGH');
  }
  // Base64 in CDATA sections (also next to plain text), split anywhere.
  const pdf = makePdf('cdata', 3000);
  const b64 = pdf.toString('base64');
  const mixed = `\n<![CDATA[${b64.slice(0, 400)}]]>${b64.slice(400, 800)}<![CDATA[\r\n${b64.slice(800)}]]>\n`;
  for (const size of [1, 2, 3, 4, 9, 10, 4096]) {
    const got = collector();
    await readPackage(chunked(pkg(att(mixed)), size), { onAttachment: got.onAttachment });
    assert.ok(got.files[0]!.data.equals(pdf), `chunks of ${size}`);
  }
  await assert.rejects(readPackage(Readable.from([pkg(att('<![CDATA[AAAA]]]]>'))])), isCode('bad_base64'));
});

test('broken zips: two files, a bad CRC', async () => {
  const two = Buffer.from(zipSync({ 'a.pdf': makePdf('a'), 'b.pdf': makePdf('b') }));
  await assert.rejects(readPackage(Readable.from([pkg(att(two.toString('base64')))])), isCode('bad_zip'));
  const one = Buffer.from(zipSync({ 'a.pdf': makePdf('a') }, { level: 0 }));
  one[40] = one[40]! ^ 0xff; // a byte of the stored file
  await assert.rejects(readPackage(Readable.from([pkg(att(one.toString('base64')))])), isCode('bad_zip'));
});

test('a zip bomb is refused with memory staying small', async () => {
  // 128 MiB of zeros deflated to well under 1 MiB, made as a stream (never held whole).
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, data) => { if (err) throw err; parts.push(data); });
  const f = new ZipDeflate('bomb.pdf', { level: 1 });
  zip.add(f);
  const zeros = new Uint8Array(2 * 1024 * 1024);
  for (let i = 0; i < 64; i++) f.push(zeros, i === 63);
  zip.end();
  const bomb = Buffer.concat(parts);
  assert.ok(bomb.length < 1024 * 1024, `bomb is ${bomb.length} bytes`);
  const xml = pkg(att(bomb.toString('base64')));
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  const consumed: number[] = [];
  try {
    await assert.rejects(
      readPackage(chunked(xml, 65536), {
        maxAttachmentBytes: 50 * 1024 * 1024,
        onAttachment: async (_i, s) => { let n = 0; for await (const c of s) n += (c as Buffer).length; consumed.push(n); },
      }),
      isCode('zip_bomb'),
    );
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  assert.ok(peak - rss0 < 64 * 1024 * 1024, `RSS grew by ${Math.round((peak - rss0) / 1048576)} MiB`);
  // A high ratio under 1 MiB is fine (a small empty-ish file compresses well).
  const small = Buffer.from(zipSync({ 'z.txt': new Uint8Array(500_000) }));
  const ok = await readPackage(Readable.from([pkg(att(small.toString('base64')))]));
  assert.equal(ok.kind === 'document' && ok.attachments[0]!.size, 500_000);
});

test('a changed byte in a signed header is bad_signature; an unsigned header is accepted and marked', async () => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), [], { seal }));
  const xml = bytes.toString('utf8');
  const changed = Buffer.from(xml.replace('<Priority>2</Priority>', '<Priority>3</Priority>'));
  assert.notDeepEqual(changed, bytes);
  await assert.rejects(readPackage(Readable.from([changed])), isCode('bad_signature'));
  await assert.rejects(readPackageHeader(Readable.from([changed])), isCode('bad_signature'));
  const reported = await readPackage(Readable.from([changed]), { badSignature: 'report' });
  assert.equal(reported.signature.signed, true);
  assert.equal(reported.signature.valid, false);
  assert.match(reported.signature.problem ?? '', /changed/);
  assert.ok(reported.signature.certificate?.equals(seal.certificate));

  // One flipped bit in the SignatureValue.
  const sv = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(xml)![1]!;
  const flipped = Buffer.from(sv, 'base64');
  flipped[10] = flipped[10]! ^ 1;
  await assert.rejects(readPackage(Readable.from([Buffer.from(xml.replace(sv, flipped.toString('base64')))])), isCode('bad_signature'));

  // Another certificate in KeyInfo (someone else's seal): the signature does not verify with it.
  const other = issueCertificate(createCa({ commonName: 'Other' }), { commonName: 'Other seal' });
  const swapped = xml.replace(seal.certificate.toString('base64'), other.certificate.toString('base64'));
  await assert.rejects(readPackage(Readable.from([Buffer.from(swapped)])), isCode('bad_signature'));

  // A Signature wrapped around another element's Id: not edXMLHeader.
  const header2 = xml.replace(/ Id="(edXMLHeader-[^"]+)"/, ' Id="moved"');
  await assert.rejects(readPackage(Readable.from([Buffer.from(header2)])), isCode('bad_signature'));

  const unsigned = await readPackage(Readable.from([await readAll(writeDocumentPackage(fullDocumentHeader(), []))]));
  assert.deepEqual(unsigned.signature, { signed: false, valid: null });
  const status = writeStatusPackage(fullStatusHeader(), { seal }).toString('utf8').replace('Đã tiếp nhận', 'Đã từ chối');
  await assert.rejects(readPackage(Readable.from([Buffer.from(status)])), isCode('bad_signature'));
});

test('missing and bad elements', async () => {
  await assert.rejects(readPackage(Readable.from([pkg('', HEADER.replace(/<DocumentId>.*<\/DocumentId>/, ''))])), isCode('missing_element'));
  await assert.rejects(readPackage(Readable.from([pkg('', HEADER.replace(/<To>.*<\/To>/, ''))])), isCode('missing_element'));
  await assert.rejects(readPackage(Readable.from([Buffer.from(`<edXML xmlns="${NS}"><edXMLEnvelope/></edXML>`)])), isCode('missing_element'));
  await assert.rejects(readPackage(Readable.from([pkg('', HEADER.replace('</DocumentId>', '</DocumentId><OtherInfo><Priority>9</Priority></OtherInfo>'))])), isCode('bad_value'));
  await assert.rejects(readPackage(Readable.from([pkg(att('AAAA', 'x') + att('AAAA', 'x'))])), isCode('bad_value'));
  const status = writeStatusPackage(fullStatusHeader()).toString('utf8');
  await assert.rejects(readPackage(Readable.from([Buffer.from(status.replace('<StatusCode>03</StatusCode>', '<StatusCode>99</StatusCode>'))])), isCode('bad_value'));
  await assert.rejects(readPackage(Readable.from([Buffer.from(status.replace(/<DocumentId>[^<]*<\/DocumentId>/, ''))])), isCode('missing_element'));
  await assert.rejects(readPackageHeader(Readable.from([Buffer.from(status.replace(/<Timestamp>[^<]*<\/Timestamp>/, ''))])), isCode('missing_element'));
  await assert.rejects(
    readPackage(Readable.from([Buffer.from(status.replace('</edXMLEnvelope>', `</edXMLEnvelope><AttachmentEncoded>${att('AAAA')}</AttachmentEncoded>`))])),
    isCode('malformed'),
  );
});

test('a failing or lazy onAttachment stops reading with attachment_failed', async () => {
  const bytes = pkg(att(makePdf('x', 200_000).toString('base64')));
  await assert.rejects(readPackage(chunked(bytes, 8192), { onAttachment: async () => { throw new Error('store down'); } }), isCode('attachment_failed'));
  await assert.rejects(readPackage(chunked(bytes, 8192), { onAttachment: async () => {} }), isCode('attachment_failed'));
  // The store destroys the stream with its own error.
  await assert.rejects(
    readPackage(chunked(bytes, 8192), {
      onAttachment: async (_i, s) => {
        await new Promise((r) => setTimeout(r, 5));
        s.destroy(new Error('upload aborted'));
        throw new Error('upload aborted');
      },
    }),
    isCode('attachment_failed'),
  );
  // The store fails midway.
  await assert.rejects(
    readPackage(chunked(bytes, 8192), {
      onAttachment: async (_i, s) => {
        let n = 0;
        for await (const c of s) if ((n += (c as Buffer).length) > 50_000) throw new Error('disk full');
      },
    }),
    isCode('attachment_failed'),
  );
});

test('a failing input stream is its own error, not a bad package', async () => {
  const broken = () => new Readable({
    read() {
      this.push(pkg(att('AAAA')).subarray(0, 200));
      this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    },
  });
  await assert.rejects(readPackage(broken()), (e: unknown) => !(e instanceof EdxmlError) && (e as { code?: string }).code === 'ECONNRESET');
  await assert.rejects(readPackageHeader(broken()), (e: unknown) => !(e instanceof EdxmlError) && (e as { code?: string }).code === 'ECONNRESET');
  // And a bad package still destroys its input (nothing left reading).
  const input = Readable.from([Buffer.from('<!DOCTYPE x><edXML/>'), Buffer.alloc(10)]);
  await assert.rejects(readPackage(input), isCode('doctype'));
  assert.equal(input.destroyed, true);
});

test('random damage to a package: an EdxmlError or a clean read, never another exception or a hang', async () => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), [
    { contentId: 'a', name: 'a.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf('a', 2000)]) },
    { contentId: 'b', name: 'b.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf('b', 500)]) },
  ], { seal, zipAttachments: true }));
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const b = Buffer.from(bytes);
    const kind = rand(3);
    let input: Buffer;
    if (kind === 0) input = b.subarray(0, rand(b.length));
    else if (kind === 1) {
      for (let k = 0; k <= rand(4); k++) b[rand(b.length)] = rand(256);
      input = b;
    } else {
      const at = rand(b.length);
      input = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rand(20))]);
    }
    let outcome: string;
    try {
      await readPackage(chunked(input, 1 + rand(5000)), { onAttachment: collector().onAttachment });
      outcome = 'ok';
    } catch (e) {
      assert.ok(e instanceof EdxmlError, `iteration ${i}: ${String((e as Error)?.stack ?? e)}`);
      outcome = e.code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  assert.ok((outcomes.get('malformed') ?? 0) > 0);
  if (process.env.EDXML_DEBUG) console.log(Object.fromEntries(outcomes));
});
