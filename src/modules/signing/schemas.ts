import { Type } from 'typebox';
import { Nullable, OneOf, Timestamp, Uuid } from '../../http/schemas.js';
import { Verdict } from '../documents/schemas.js';
import { COMPETENCES } from './competence.js';
import { CERT_OWNERS } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

export { DocumentDetailBody } from '../documents/schemas.js';

const Owner = OneOf(CERT_OWNERS, { description: 'user: the caller’s personal key/signature; unit: the caller’s unit seal' });
const Binary = (description: string) => Type.String({ format: 'binary', description });

/** presentCertificate: no key material, ever. */
export const Certificate = Type.Object({
  id: Uuid,
  owner: Owner,
  subject: Type.String(),
  commonName: Nullable(Type.String()),
  issuer: Type.String(),
  serialNumber: Type.String(),
  fingerprint: Type.String({ description: 'SHA-256 of the certificate (hex)' }),
  notBefore: Timestamp,
  notAfter: Timestamp,
  active: Type.Boolean({ description: 'false once a newer key of the same owner supersedes it' }),
});

export const SignatureImage = Type.Object({ id: Uuid, owner: Owner, width: Type.Integer(), height: Type.Integer() });

/** presentAnchor */
export const TrustAnchor = Type.Object({ id: Uuid, subject: Type.String(), fingerprint: Type.String(), notAfter: Timestamp });

export const CertificateBody = Type.Object({ certificate: Certificate });
export const CertificatesBody = Type.Object({ certificates: Type.Array(Certificate) });
export const SignatureImageBody = Type.Object({ image: SignatureImage });
export const TrustAnchorBody = Type.Object({ trustAnchor: TrustAnchor });
export const TrustAnchorsBody = Type.Object({ trustAnchors: Type.Array(TrustAnchor) });
export const VerifyBody = Type.Object({ signatures: Type.Array(Verdict) });

/** Two-step signing, step 1: what the signer's own device must sign. */
export const PreparedBody = Type.Object({
  handle: Uuid,
  signedAttributes: Type.String({ description: 'base64 DER of the CMS signed attributes: sign these bytes' }),
  digest: Type.String({ description: 'base64 SHA-256 of signedAttributes' }),
  digestAlgorithm: Type.String({ description: 'SHA-256' }),
  signatureAlgorithm: OneOf(['RSASSA-PKCS1-v1_5', 'ECDSA'] as const),
  expiresAt: Timestamp,
});

// Request bodies the routes read themselves (multipart forms, optional bodies): OpenAPI only, never
// validated by fastify (see `bodyDoc` in src/http/openapi.ts).
export const CertificateForm = Type.Object({
  file: Binary('PKCS#12 (.p12/.pfx), at most 1 MB'),
  passphrase: Type.String(),
  owner: Type.Optional(Owner),
});
export const SignatureImageForm = Type.Object({ file: Binary('PNG with a transparent background, at most 1 MB'), owner: Type.Optional(Owner) });
export const VerifyForm = Type.Object({ file: Binary('the PDF to check') });
export const TrustAnchorJson = Type.Object({ pem: Type.String({ description: 'CA certificate in PEM' }) });
export const TrustAnchorText = Type.String({ description: 'CA certificate in PEM' });
export const SignJson = Type.Object({
  placement: Type.Optional(
    Nullable(
      Type.Object(
        { page: Type.Integer({ minimum: 0, description: 'from 0' }), x: Type.Number({ minimum: 0 }), y: Type.Number({ minimum: 0, description: 'points from the bottom left' }) },
        { description: 'a box with the competence line, image and name here; default: the image alone in the page’s printed signature block, else that box at the bottom right of the last page' },
      ),
    ),
  ),
  competence: Type.Optional(
    Nullable(OneOf(COMPETENCES, { description: 'TM., KT., Q., TL., TUQ. (null = none); default from the signer’s position and delegation' })),
  ),
});
