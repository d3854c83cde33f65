// The header signature: XML-DSig, enveloped, RSA-SHA256, exclusive C14N, over edXMLHeader alone,
// the Signature the last child of edXMLHeader, the seal's certificate in KeyInfo/X509Data.
//
// The Reference points at edXMLHeader by its `Id` attribute (URI="#edXMLHeader-…"), so any
// XML-DSig verifier checks it on the whole package (xmlsec1 --id-attr:Id edXMLHeader). A
// signature with URI="" is also accepted when reading: it then means "the header as a document of
// its own" (what a signer that signs the header before assembling the package produces).
//
// Only the header (a few KB) is ever in a DOM: the reader rebuilds it from the parser's events
// (exclusive C14N makes that rebuild canonically identical to the original bytes).
import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { DOMParser, type Element as XElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { anchorCerts, validateChain } from '../../signing/crypto/chain.js';
import { cert as parseCert, certOrNull } from '../../signing/crypto/x509.js';
import { DSIG_NS, edxmlError, type SignatureReport } from './types.js';

/** The sender's seal key: an RSA private key and its certificate (DER). */
export interface SealKey {
  privateKeyPem?: string;
  privateKey?: KeyObject;
  certificate: Buffer;
  /** Intermediate CA certificates (DER) to carry in X509Data after the seal's own. */
  chain?: Buffer[];
}

const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
};
const SIGNATURE_METHODS = new Set([ALG.rsaSha256, ALG.rsaSha512]);
const DIGEST_METHODS = new Set([ALG.sha256, ALG.sha512]);
const TRANSFORMS = new Set([ALG.enveloped, ALG.excC14n, ALG.c14n]);

const pemOf = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

/** A fresh Id for an edXMLHeader. */
export const newHeaderId = () => `edXMLHeader-${randomUUID()}`;

/**
 * `headerXml` is a standalone `<edXMLHeader xmlns="…" Id="…">…</edXMLHeader>`; returns it with
 * the Signature appended as its last child.
 */
export function signHeaderXml(headerXml: string, key: SealKey): string {
  const privateKey = key.privateKey ?? (key.privateKeyPem ? createPrivateKey(key.privateKeyPem) : undefined);
  if (!privateKey) throw edxmlError('bad_value', 'Thiếu khóa bí mật của con dấu', 'The seal private key is missing');
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw edxmlError('bad_value', 'Khóa con dấu phải là khóa RSA', 'The seal key must be an RSA key (RSA-SHA256)');
  }
  const x509 = new X509Certificate(key.certificate);
  if (!x509.checkPrivateKey(privateKey)) {
    throw edxmlError('bad_value', 'Khóa bí mật không khớp chứng thư số', 'The private key does not match the certificate');
  }
  const certs = [key.certificate, ...(key.chain ?? [])];
  const sig = new SignedXml({
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicCert: pemOf(key.certificate),
    signatureAlgorithm: ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
    getKeyInfoContent: () =>
      `<X509Data>${certs.map((c) => `<X509Certificate>${c.toString('base64')}</X509Certificate>`).join('')}</X509Data>`,
  });
  sig.addReference({ xpath: '/*', transforms: [ALG.enveloped, ALG.excC14n], digestAlgorithm: ALG.sha256 });
  sig.computeSignature(headerXml, { location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}

function elementChildren(e: XElement): XElement[] {
  const out: XElement[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as XElement);
  return out;
}
const dsChild = (e: XElement, local: string) => elementChildren(e).filter((c) => c.namespaceURI === DSIG_NS && c.localName === local);

/** Verify the signature of a standalone edXMLHeader document. Never throws. */
export function verifyHeaderXml(headerXml: string): SignatureReport {
  let doc;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(headerXml, 'text/xml');
  } catch (e) {
    return { signed: true, valid: false, problem: `header unreadable: ${(e as Error).message}` };
  }
  const root = doc.documentElement;
  if (!root) return { signed: false, valid: null };
  const all = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  if (all.length === 0) return { signed: false, valid: null };
  const bad = (problem: string, certificate?: Buffer, chain?: Buffer[]): SignatureReport => ({
    signed: true, valid: false, problem, ...(certificate ? { certificate } : {}), ...(chain?.length ? { chain } : {}),
  });
  const sigEl = all.item(0)!;
  if (all.length > 1) return bad('more than one Signature in edXMLHeader');
  if (sigEl.parentNode !== root) return bad('the Signature is not a child of edXMLHeader');

  // Certificates from KeyInfo/X509Data.
  const certs: Buffer[] = [];
  for (const ki of dsChild(sigEl, 'KeyInfo')) {
    for (const xd of dsChild(ki, 'X509Data')) {
      for (const xc of dsChild(xd, 'X509Certificate')) {
        const b64 = (xc.textContent ?? '').replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return bad('an X509Certificate is not base64');
        certs.push(Buffer.from(b64, 'base64'));
      }
    }
  }
  if (certs.length === 0) return bad('no certificate in KeyInfo/X509Data');

  // The shape: one Reference to this header, known algorithms only.
  const signedInfo = dsChild(sigEl, 'SignedInfo')[0];
  if (!signedInfo) return bad('no SignedInfo');
  const sm = dsChild(signedInfo, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!SIGNATURE_METHODS.has(sm)) return bad(`signature algorithm not accepted: ${sm || 'none'}`);
  const refs = dsChild(signedInfo, 'Reference');
  if (refs.length !== 1) return bad('the signature must have exactly one Reference');
  const uri = refs[0]!.getAttribute('URI');
  const id = root.getAttribute('Id');
  if (!(uri === '' || (uri !== null && id && uri === `#${id}`))) return bad(`the Reference (${uri ?? 'no URI'}) is not edXMLHeader`);
  const dm = dsChild(refs[0]!, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!DIGEST_METHODS.has(dm)) return bad(`digest algorithm not accepted: ${dm || 'none'}`);
  const transforms = dsChild(refs[0]!, 'Transforms').flatMap((t) => dsChild(t, 'Transform')).map((t) => t.getAttribute('Algorithm') ?? '');
  if (!transforms.includes(ALG.enveloped)) return bad('the signature is not enveloped');
  const unknown = transforms.find((t) => !TRANSFORMS.has(t));
  if (unknown !== undefined) return bad(`transform not accepted: ${unknown}`);

  // The signing certificate: the first that verifies (normally the first one).
  let lastProblem = 'signature value does not verify';
  for (const [i, der] of certs.entries()) {
    let pem: string;
    try {
      pem = pemOf(Buffer.from(new X509Certificate(der).raw));
    } catch {
      if (i === 0) lastProblem = 'the certificate in X509Data is unreadable';
      continue;
    }
    const sig = new SignedXml({ publicCert: pem, getCertFromKeyInfo: () => null });
    let valid = false;
    let problem: string | undefined;
    try {
      sig.loadSignature(sigEl as unknown as Node);
      // The callback form reports why (the boolean form only says false); it is called before checkSignature returns.
      sig.checkSignature(headerXml, (err, ok) => {
        valid = !err && ok === true;
        problem = err?.message;
      });
    } catch (e) {
      problem = (e as Error).message;
    }
    if (valid) return { signed: true, valid: true, certificate: der, ...(certs.length > 1 ? { chain: certs.filter((_, j) => j !== i) } : {}) };
    if (problem) lastProblem = problem.split('\n')[0]!.slice(0, 300);
    if (/digest|reference/i.test(lastProblem)) return bad(`the header was changed after signing (${lastProblem})`, certs[0], certs.slice(1));
  }
  return bad(lastProblem, certs[0], certs.slice(1));
}

export interface SealTrust {
  trusted: boolean;
  problems: string[];
  subject?: string;
}

/**
 * Does the header's seal certificate chain to one of `anchors` (DER) at `at`? The caller keeps
 * the anchors (the signing module's trust anchors); revocation is not checked here.
 */
export async function checkSealTrust(report: SignatureReport, anchors: Buffer[], at: Date = new Date()): Promise<SealTrust> {
  if (!report.signed || report.valid !== true || !report.certificate) {
    return { trusted: false, problems: [report.problem ?? (report.signed ? 'signature not valid' : 'not signed')] };
  }
  const leaf = certOrNull(report.certificate);
  if (!leaf) return { trusted: false, problems: ['the certificate is unreadable'] };
  const pool = (report.chain ?? []).map((d) => certOrNull(d)).filter((c) => c !== null);
  const r = await validateChain(leaf, pool, anchorCerts(anchors), at);
  return { trusted: r.path !== null && r.problems.length === 0, problems: r.path ? r.problems : ['no path to a trust anchor', ...r.problems], subject: parseCert(report.certificate).subject };
}
