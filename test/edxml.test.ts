// edXML codec (QCVN 102:2016): round trips of document and status packages, signed headers checked
// by a second path (xmlsec1 when installed, and xml-crypto over the header cut from the file), the
// national SDK's shape (prefixed namespace, zipped attachments, no namespace under AttachmentEncoded).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { SignedXml } from 'xml-crypto';
import { createCa, issueCertificate, type KeyAndCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import {
  buildDocumentId, checkSealTrust, createHeaderTap, EdxmlError, formatEdxmlDate, formatEdxmlTime, parseDocumentId, parseEdxmlDate,
  parseEdxmlTime, priorityOfUrgency, readPackage, readPackageHeader, urgencyOfPriority, writeDocumentPackage, writeStatusPackage,
} from '../src/modules/exchange/edxml/index.js';
import { chunked, collector, fullDocumentHeader, fullStatusHeader, readAll } from './helpers/edxml.js';
import { makePdf } from './helpers/pdf.js';

let ca: KeyAndCertificate;
let seal: KeyAndCertificate;
let dir: string;
before(() => {
  ca = createCa({ commonName: 'edXML Test CA', organization: 'Test' });
  seal = issueCertificate(ca, { commonName: 'Văn phòng UBND tỉnh', organization: 'UBND tỉnh Hà Tĩnh' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edxml-test-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const pdfA = makePdf('Quyet dinh 125', 5000);
const pdfB = makePdf('Phu luc', 120_000);
const sources = () => [
  { contentId: 'f1', name: 'Quyết định 125.pdf', contentType: 'application/pdf', description: 'Văn bản chính', open: () => Readable.from([pdfA]) },
  { contentId: 'f2', name: 'Phụ lục & bảng <1>.pdf', contentType: 'application/pdf', open: () => chunked(pdfB, 1000) },
];

test('document package round trip: every header field, attachments byte-equal, signature valid', async () => {
  const header = fullDocumentHeader();
  const bytes = await readAll(writeDocumentPackage(header, sources(), { seal }));
  const files = collector();
  const r = await readPackage(chunked(bytes, 4093), { onAttachment: files.onAttachment });
  assert.equal(r.kind, 'document');
  assert.deepEqual(r.header, header);
  assert.equal(r.signature.signed, true);
  assert.equal(r.signature.valid, true, r.signature.problem);
  assert.ok(r.signature.certificate?.equals(seal.certificate));
  assert.equal(files.files.length, 2);
  assert.ok(files.files[0]!.data.equals(pdfA));
  assert.ok(files.files[1]!.data.equals(pdfB));
  assert.equal(files.files[1]!.name, 'Phụ lục & bảng <1>.pdf');
  assert.equal(files.files[0]!.description, 'Văn bản chính');
  assert.deepEqual(r.attachments.map((a) => [a.contentId, a.size, a.zipped]), [['f1', pdfA.length, false], ['f2', pdfB.length, false]]);
  assert.deepEqual(r.manifest.map((m) => m.contentId), ['f1', 'f2']);

  // Trust is the caller's: the seal chains to its CA, not to another one.
  const trust = await checkSealTrust(r.signature, [ca.certificate]);
  assert.equal(trust.trusted, true, trust.problems.join('; '));
  assert.match(trust.subject ?? '', /Văn phòng UBND tỉnh/);
  const other = createCa({ commonName: 'Other CA' });
  assert.equal((await checkSealTrust(r.signature, [other.certificate])).trusted, false);

  // The header alone, for the axis.
  const h = await readPackageHeader(chunked(bytes, 1000));
  assert.equal(h.kind, 'document');
  assert.deepEqual(h.from, header.from);
  assert.deepEqual(h.to, header.to);
  assert.equal(h.documentId, header.documentId);
  assert.equal(h.timestamp, '2026/11/30 15:04:05');
  assert.equal(h.signature.valid, true);
});

test('the signed header verifies by a second path: xml-crypto over the whole file, and xmlsec1', async (t) => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), sources(), { seal, zipAttachments: true }));
  const xml = bytes.toString('utf8');
  // xml-crypto's own verification of the header's Signature over the full document.
  const sigXml = /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*?<\/Signature>/.exec(xml)![0];
  const pemCert = `-----BEGIN CERTIFICATE-----\n${seal.certificate.toString('base64')}\n-----END CERTIFICATE-----\n`;
  const v = new SignedXml({ publicCert: pemCert, getCertFromKeyInfo: () => null });
  v.loadSignature(sigXml);
  assert.equal(v.checkSignature(xml), true);
  // And a change anywhere in the header fails it.
  const v2 = new SignedXml({ publicCert: pemCert, getCertFromKeyInfo: () => null });
  v2.loadSignature(sigXml);
  let changed: boolean;
  try {
    changed = v2.checkSignature(xml.replace('Sở Tài chính', 'Sở Tài chínH'));
  } catch {
    changed = false;
  }
  assert.equal(changed, false);

  const xmlsec = spawnSync('xmlsec1', ['--version']);
  if (xmlsec.error) {
    t.skip('xmlsec1 not installed (apt-get install xmlsec1)');
    return;
  }
  const file = path.join(dir, 'package.xml');
  fs.writeFileSync(file, bytes);
  const certFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(certFile, `-----BEGIN CERTIFICATE-----\n${ca.certificate.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
  const ok = spawnSync('xmlsec1', ['--verify', '--trusted-pem', certFile, '--id-attr:Id', 'edXMLHeader', file], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  fs.writeFileSync(file, xml.replace('Sở Tài chính', 'Sở Tài chínH'));
  const bad = spawnSync('xmlsec1', ['--verify', '--trusted-pem', certFile, '--id-attr:Id', 'edXMLHeader', file], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
});

test('zipped attachments (the national SDK way) round trip', async () => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), sources(), { zipAttachments: true }));
  assert.ok(!bytes.includes(pdfB.subarray(0, 8).toString('base64')), 'the attachments are zipped');
  const files = collector();
  const r = await readPackage(chunked(bytes, 777), { onAttachment: files.onAttachment });
  assert.equal(r.kind, 'document');
  assert.equal(r.signature.signed, false);
  assert.equal(r.signature.valid, null);
  assert.ok(files.files[0]!.data.equals(pdfA));
  assert.ok(files.files[1]!.data.equals(pdfB));
  assert.equal(r.kind === 'document' && r.attachments.every((a) => a.zipped), true);
  // unzip: false hands the zip itself; an independent unzip (fflate) reads it: one file, its name.
  const raw = collector();
  await readPackage(Readable.from([bytes]), { onAttachment: raw.onAttachment, unzip: false });
  assert.equal(raw.files[0]!.data.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const unzipped = unzipSync(new Uint8Array(raw.files[1]!.data));
  assert.deepEqual(Object.keys(unzipped), ['Phụ lục & bảng <1>.pdf']);
  assert.ok(Buffer.from(unzipped['Phụ lục & bảng <1>.pdf']!).equals(pdfB));
  const py = spawnSync('python3', ['-c', 'import sys,zipfile,io; z=zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())); assert z.testzip() is None; print(z.namelist()[0])'], {
    input: raw.files[0]!.data, encoding: 'utf8',
  });
  if (!py.error) assert.equal(py.stdout.trim(), 'Quyết định 125.pdf', py.stderr);
});

test('a package in the national SDK shape: edXML: prefix, zip in base64, no namespace under AttachmentEncoded, optional elements missing', async () => {
  const pdf = makePdf('SDK');
  const zip = Buffer.from(zipSync({ 'CV 12.pdf': pdf }));
  const b64 = zip.toString('base64').replace(/.{76}/g, '$&\r\n');
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<!-- sent by the national axis SDK -->
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope>
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:OrganName>Bộ Nội vụ</edXML:OrganName>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>000.00.01.H53</edXML:OrganId>
        </edXML:To>
        <edXML:DocumentId>000.00.00.G22,2026/11/28,12/BNV-VP</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>12</edXML:CodeNumber><edXML:CodeNotation>BNV-VP</edXML:CodeNotation></edXML:Code>
        <edXML:Subject><![CDATA[V/v báo cáo & thống kê]]></edXML:Subject>
        <edXML:OtherInfo><edXML:Priority>4</edXML:Priority></edXML:OtherInfo>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2026/11/28 08:00:00</edXML:Timestamp></edXML:TraceHeader>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest>
        <edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId><edXML:AttachmentName>CV 12.pdf</edXML:AttachmentName><edXML:ContentType>application/pdf</edXML:ContentType></edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <edXML:AttachmentEncoded>
    <Attachment>
      <ContentId>cid:1</ContentId>
      <ContentType>application/pdf</ContentType>
      <ContentTransferEncoded>
${b64}
      </ContentTransferEncoded>
      <Description>Công văn</Description>
    </Attachment>
  </edXML:AttachmentEncoded>
</edXML:edXML>`;
  const files = collector();
  const r = await readPackage(chunked(Buffer.from(xml), 333), { onAttachment: files.onAttachment });
  assert.equal(r.kind, 'document');
  if (r.kind !== 'document') return;
  assert.deepEqual(r.header, {
    from: { organId: '000.00.00.G22', organName: 'Bộ Nội vụ' },
    to: [{ organId: '000.00.01.H53' }],
    documentId: '000.00.00.G22,2026/11/28,12/BNV-VP',
    code: { codeNumber: '12', codeNotation: 'BNV-VP' },
    subject: 'V/v báo cáo & thống kê',
    otherInfo: { priority: 4 },
    traceHeaders: [{ organId: '000.00.00.G22', timestamp: '2026/11/28 08:00:00' }],
  });
  assert.equal(urgencyOfPriority(r.header.otherInfo!.priority!), 'flash');
  assert.equal(files.files.length, 1);
  assert.equal(files.files[0]!.name, 'CV 12.pdf', 'the name comes from the manifest');
  assert.ok(files.files[0]!.data.equals(pdf));
  assert.equal(r.attachments[0]!.zipped, true);
  assert.equal(r.attachments[0]!.description, 'Công văn');
  assert.equal(r.signature.signed, false);
});

test('an attachment whose name comes after its content is spooled, then handed over', async () => {
  const pdf = makePdf('late name');
  const xml = `<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>A</OrganId></From><To><OrganId>B</OrganId></To><DocumentId>A,2026/11/30,1/CV</DocumentId></MessageHeader></edXMLHeader></edXMLEnvelope>
<AttachmentEncoded><Attachment><ContentTransferEncoded>${pdf.toString('base64')}</ContentTransferEncoded><ContentId>x</ContentId><AttachmentName>late.pdf</AttachmentName></Attachment></AttachmentEncoded></edXML>`;
  const files = collector();
  const r = await readPackage(Readable.from([Buffer.from(xml)]), { onAttachment: files.onAttachment, tmpDir: dir });
  assert.equal(r.kind, 'document');
  assert.equal(files.files[0]!.name, 'late.pdf');
  assert.ok(files.files[0]!.data.equals(pdf));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.part')), []);
});

test('status package round trip, recognised as a status package', async () => {
  const header = fullStatusHeader();
  const bytes = writeStatusPackage(header, { seal });
  const r = await readPackage(Readable.from([bytes]));
  assert.equal(r.kind, 'status');
  assert.deepEqual(r.header, header);
  assert.equal(r.signature.valid, true);
  const h = await readPackageHeader(Readable.from([bytes]));
  assert.equal(h.kind, 'status');
  assert.equal(h.statusCode, '03');
  assert.equal(h.documentId, header.responseFor.documentId);
  assert.equal(h.timestamp, header.timestamp);
  assert.deepEqual(h.to, []);
  const unsigned = await readPackage(Readable.from([writeStatusPackage({ ...header, statusCode: '16', staffInfo: undefined })]));
  assert.equal(unsigned.kind, 'status');
  assert.equal(unsigned.signature.signed, false);
});

test('the axis reads the header and stores the bytes in one pass (tap)', async () => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), sources(), { seal, zipAttachments: true }));
  const tap = createHeaderTap();
  const stored: Buffer[] = [];
  await pipeline(chunked(bytes, 8192), tap, async function* (src) {
    for await (const c of src) stored.push(c as Buffer);
  });
  assert.ok(Buffer.concat(stored).equals(bytes));
  const h = await tap.header;
  assert.equal(h.kind, 'document');
  assert.equal(h.documentId, fullDocumentHeader().documentId);
  assert.equal(h.signature.valid, true);
  // A bad package fails the pipeline and rejects the header.
  const tap2 = createHeaderTap();
  await assert.rejects(pipeline(Readable.from([Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><edXML/>')]), tap2, async function* (src) {
    for await (const _ of src);
  }), (e: unknown) => e instanceof EdxmlError && e.code === 'doctype');
  await assert.rejects(tap2.header, (e: unknown) => e instanceof EdxmlError && e.code === 'doctype');
});

test('converters: Vietnam dates and times, priority, DocumentId', () => {
  const d = new Date('2026-11-30T17:30:00Z'); // 00:30 on 1 December in Vietnam
  assert.equal(formatEdxmlDate(d), '2026/12/01');
  assert.equal(formatEdxmlTime(d), '2026/12/01 00:30:00');
  assert.equal(parseEdxmlTime('2026/12/01 00:30:00').toISOString(), d.toISOString());
  assert.equal(parseEdxmlDate('2026/12/01').toISOString(), '2026-11-30T17:00:00.000Z');
  assert.throws(() => parseEdxmlDate('2026/02/30'), (e: unknown) => e instanceof EdxmlError && e.code === 'bad_value');
  assert.throws(() => parseEdxmlTime('2026-12-01 00:30:00'), EdxmlError);
  assert.deepEqual([0, 1, 2, 3, 4].map((p) => urgencyOfPriority(p as 0)), ['normal', 'urgent', 'very_urgent', 'flash', 'flash']);
  assert.deepEqual((['normal', 'urgent', 'very_urgent', 'flash'] as const).map(priorityOfUrgency), [0, 1, 2, 3]);
  const id = buildDocumentId({ organId: '000.00.01.H53', promulgationDate: '2026/11/30', codeNumber: '125', codeNotation: 'QĐ-UBND' });
  assert.equal(id, '000.00.01.H53,2026/11/30,125/QĐ-UBND');
  assert.deepEqual(parseDocumentId(id), { organId: '000.00.01.H53', promulgationDate: '2026/11/30', codeNumber: '125', codeNotation: 'QĐ-UBND' });
  assert.deepEqual(parseDocumentId('X,2026/01/02,7/TB-SYT/VP').codeNotation, 'TB-SYT/VP');
  assert.throws(() => parseDocumentId('no commas'), EdxmlError);
});

test('the writer refuses control characters and missing required values', () => {
  assert.throws(() => writeDocumentPackage({ ...fullDocumentHeader(), subject: 'a\u0001b' }, []), (e: unknown) => e instanceof EdxmlError && e.code === 'bad_value');
  assert.throws(() => writeDocumentPackage({ ...fullDocumentHeader(), to: [] }, []), (e: unknown) => e instanceof EdxmlError && e.code === 'missing_element');
  assert.throws(() => writeStatusPackage({ ...fullStatusHeader(), statusCode: '07' as '01' }), (e: unknown) => e instanceof EdxmlError && e.code === 'bad_value');
  assert.throws(() => writeStatusPackage({ ...fullStatusHeader(), timestamp: '2026/11/30' }), (e: unknown) => e instanceof EdxmlError && e.code === 'bad_value');
});

test('a header signed in place in a prefixed document (namespace declared on the root only) verifies', async () => {
  // Pretty-printed, a comment, CDATA, entities and CRLF line ends in the header: the reader rebuilds
  // the header from parser events, and exclusive C14N makes that equal to the signed bytes.
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:unused="urn:x">',
    '  <edXML:edXMLEnvelope>',
    '    <edXML:edXMLHeader Id="hdr">',
    '      <edXML:MessageHeader>',
    '        <!-- a comment -->',
    '        <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:From>',
    '        <edXML:To><edXML:OrganId>000.00.01.H53</edXML:OrganId></edXML:To>',
    '        <edXML:DocumentId>000.00.00.G22,2026/11/28,12/BNV-VP</edXML:DocumentId>',
    '        <edXML:Subject><![CDATA[Báo cáo <quý IV>]]> &amp; &#x1EA0;nh &quot;số&quot;</edXML:Subject>',
    '      </edXML:MessageHeader>',
    '    </edXML:edXMLHeader>',
    '  </edXML:edXMLEnvelope>',
    '</edXML:edXML>',
  ].join('\r\n');
  const sig = new SignedXml({
    privateKey: seal.privateKeyPem,
    publicCert: `-----BEGIN CERTIFICATE-----\n${seal.certificate.toString('base64')}\n-----END CERTIFICATE-----\n`,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: "//*[local-name(.)='edXMLHeader']",
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { location: { reference: "//*[local-name(.)='edXMLHeader']", action: 'append' }, prefix: 'ds' });
  const signed = Buffer.from(sig.getSignedXml());
  const r = await readPackage(chunked(signed, 50));
  assert.equal(r.signature.valid, true, r.signature.problem);
  assert.equal(r.kind === 'document' && r.header.subject, 'Báo cáo <quý IV> & Ạnh "số"');
  const changed = Buffer.from(signed.toString('utf8').replace('quý IV', 'quý V'));
  await assert.rejects(readPackage(Readable.from([changed])), (e: unknown) => e instanceof EdxmlError && e.code === 'bad_signature');
});

test('the tap refuses a package over maxBytes', async () => {
  const bytes = await readAll(writeDocumentPackage(fullDocumentHeader(), sources()));
  const tap = createHeaderTap({ maxBytes: 50_000 });
  await assert.rejects(
    pipeline(chunked(bytes, 8192), tap, async function* (src) { for await (const _ of src); }),
    (e: unknown) => e instanceof EdxmlError && e.code === 'too_large',
  );
  await assert.rejects(tap.header, (e: unknown) => e instanceof EdxmlError && e.code === 'too_large');
});

test('a wrapper zip is told from an attachment that is itself a zip (docx, odt, a .zip sent as such)', async () => {
  const docx = Buffer.from(zipSync({ '[Content_Types].xml': Buffer.from('<Types/>'), 'word/document.xml': Buffer.from('<w:document/>') }));
  const odt = Buffer.from(zipSync({ mimetype: Buffer.from('application/vnd.oasis.opendocument.text'), 'content.xml': Buffer.from('<x/>') }, { level: 0 }));
  const bundle = Buffer.from(zipSync({ 'a.txt': Buffer.from('a'), 'b.txt': Buffer.from('b') }));
  const inner = Buffer.from(zipSync({ 'x.txt': Buffer.from('x') }));
  const files = [
    { id: 'docx', name: 'Tờ trình.docx', sent: docx, expect: docx, zipped: false },
    { id: 'docx-wrapped', name: 'Tờ trình.docx', sent: Buffer.from(zipSync({ 'Tờ trình.docx': docx })), expect: docx, zipped: true },
    { id: 'odt', name: 'Báo cáo.odt', sent: odt, expect: odt, zipped: false },
    { id: 'bundle', name: 'Hồ sơ.zip', sent: bundle, expect: bundle, zipped: false },
    { id: 'zip-wrapped', name: 'Hồ sơ.zip', sent: Buffer.from(zipSync({ 'Hồ sơ.zip': inner })), expect: inner, zipped: true },
  ];
  const xml = `<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>A</OrganId></From><To><OrganId>B</OrganId></To><DocumentId>A,2026/11/30,1/CV</DocumentId></MessageHeader></edXMLHeader></edXMLEnvelope><AttachmentEncoded>${files
    .map((f) => `<Attachment><ContentId>${f.id}</ContentId><AttachmentName>${f.name}</AttachmentName><ContentType>application/octet-stream</ContentType><ContentTransferEncoded>${f.sent.toString('base64')}</ContentTransferEncoded></Attachment>`)
    .join('')}</AttachmentEncoded></edXML>`;
  const got = collector();
  const r = await readPackage(chunked(Buffer.from(xml), 100), { onAttachment: got.onAttachment });
  assert.equal(r.kind, 'document');
  if (r.kind !== 'document') return;
  for (const [i, f] of files.entries()) {
    assert.ok(got.files[i]!.data.equals(f.expect), f.id);
    assert.equal(r.attachments[i]!.zipped, f.zipped, f.id);
  }
});
