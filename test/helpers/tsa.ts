// A real RFC 3161 time-stamping authority for tests, on 127.0.0.1:<random port>.
// Deliberately built with pkijs (TimeStampReq / TSTInfo / SignedData.sign over WebCrypto) and not
// with the production DER code, so the production client and verifier are checked against an
// independent implementation — and `openssl ts -verify` checks this one.
import http from 'node:http';
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import '../../src/modules/signing/crypto/certificates.js'; // registers Node's WebCrypto as the pkijs engine

const TSA_POLICY = '1.3.6.1.4.1.99999.1';
const SHA256 = '2.16.840.1.101.3.4.2.1';

export interface TestTsa {
  url: string;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startTestTsa(opts: {
  certificate: Buffer;
  privateKeyPem: string;
  chain?: Buffer[];
  /** Test hook: answer with a foreign nonce (a replay) or refuse everything. */
  misbehave?: 'wrong_nonce' | 'reject';
  /** Test hook: how long to sleep before answering request number n (1-based), e.g. a slow TSA. */
  delayMs?: (n: number) => number;
}): Promise<TestTsa> {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(opts.certificate));
  const chain = (opts.chain ?? []).map((c) => pkijs.Certificate.fromBER(new Uint8Array(c)));
  const pkcs8 = createPrivateKey(opts.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  let requests = 0;
  let serial = 1000;

  const reject = (failBit: number, text: string): Buffer => {
    const bits = new Uint8Array(4);
    bits[failBit >> 3] = 0x80 >> (failBit & 7);
    const status = new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: text })],
      failInfo: new asn1js.BitString({ valueHex: bits.slice(0, (failBit >> 3) + 1) }),
    });
    return Buffer.from(new pkijs.TimeStampResp({ status }).toSchema().toBER());
  };

  async function answer(body: Buffer, contentType: string | undefined): Promise<Buffer> {
    if (opts.misbehave === 'reject') return reject(25, 'systemFailure (test hook)');
    if (contentType !== 'application/timestamp-query') return reject(2, 'expected application/timestamp-query');
    let req: pkijs.TimeStampReq;
    try {
      req = pkijs.TimeStampReq.fromBER(new Uint8Array(body));
    } catch {
      return reject(2, 'malformed TimeStampReq'); // badRequest
    }
    if (req.messageImprint.hashAlgorithm.algorithmId !== SHA256 || req.messageImprint.hashedMessage.valueBlock.valueHexView.length !== 32) {
      return reject(0, 'only SHA-256 imprints are accepted'); // badAlg
    }
    const nonce = opts.misbehave === 'wrong_nonce' ? new asn1js.Integer({ value: 42 }) : req.nonce;
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: TSA_POLICY,
      messageImprint: req.messageImprint,
      serialNumber: new asn1js.Integer({ value: serial++ }),
      genTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(nonce ? { nonce } : {}),
      tsa: new pkijs.GeneralName({ type: 4, value: cert.subject }),
    });
    const tstDer = tstInfo.toSchema().toBER();
    // RFC 3161 §2.4.2 / RFC 5816: the token's signed attributes carry the ESS signing certificate.
    const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(opts.certificate).digest() })] });
    const attrs = [
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.9.16.1.4' })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(Buffer.from(tstDer)).digest() })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.47', values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })] }),
    ];
    const signedData = new pkijs.SignedData({
      version: 3,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: '1.2.840.113549.1.9.16.1.4',
        eContent: new asn1js.OctetString({ valueHex: tstDer }),
      }),
      signerInfos: [new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
      })],
      ...(req.certReq ? { certificates: [cert, ...chain] } : {}),
    });
    await signedData.sign(key, 0, 'SHA-256');
    const token = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
    const status = new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted });
    return Buffer.from(new pkijs.TimeStampResp({ status, timeStampToken: token }).toSchema().toBER());
  }

  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      requests++;
      const wait = opts.delayMs?.(requests) ?? 0;
      new Promise((r) => setTimeout(r, wait)).then(() => answer(Buffer.concat(chunks), req.headers['content-type']?.split(';')[0]?.trim())).then(
        (out) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(out),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
