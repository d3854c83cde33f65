import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the server's key
 * secret. Layout: version byte, 12-byte IV, 16-byte tag, ciphertext. The certificate id is bound
 * as associated data so a stored key cannot be moved to another certificate's row.
 */
export interface KeyStore {
  seal(privateKeyPem: string, certificateId: string): Buffer;
  open(sealed: Buffer, certificateId: string): string;
}

const VERSION = 1;

export function createKeyStore(secret: string): KeyStore {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('lienthong'), Buffer.from('private-key-encryption-v1'), 32));
  return {
    seal(privateKeyPem, certificateId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(certificateId));
      const body = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, certificateId) {
      if (sealed[0] !== VERSION) throw new Error('unknown key envelope version');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(certificateId));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    },
  };
}
