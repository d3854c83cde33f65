import { createCipheriv, createDecipheriv, createPrivateKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

import type { KeyStore } from '../../lib/deps.js';

/**
 * Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the server's key
 * secret. Layout: version byte, 12-byte IV, 16-byte tag, ciphertext. The certificate id is bound
 * as associated data so a stored key cannot be moved to another certificate's row.
 */
export type { KeyStore };

/**
 * Decrypted keys kept in memory, so that signing does not pay every time for the decryption, the
 * PEM parse (~0.35 ms) and a new key object's slow first RSA signature (~2× a later one, while
 * OpenSSL sets up its per-key state): together about 0.6 ms, as much as the signature itself.
 *
 * The point of encrypting keys at rest is that they are not lying around in the clear, so the
 * cache is kept small and short-lived: at most `maxEntries` keys (least recently used go first),
 * each dropped `ttlMs` after it was decrypted, however often it is used, by a timer even when it
 * is never asked for again. It lives in this process only and is never written anywhere. A hit
 * needs the same certificate id and the same sealed bytes, so a row whose key changed cannot get
 * a stale key; whether a certificate may sign at all is still decided from the database by the
 * caller (activeCertificate) before it asks for the key. JavaScript cannot wipe memory: dropping
 * the KeyObject lets the garbage collector free OpenSSL's copy; the decrypted PEM buffer is zeroed
 * as soon as it is parsed.
 */
export interface KeyCacheOptions {
  /** Default 32; 0 turns the cache off. */
  maxEntries?: number;
  /** Default 10 minutes. */
  ttlMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

const VERSION = 1;
export const KEY_CACHE_DEFAULTS = { maxEntries: 32, ttlMs: 10 * 60_000 } as const;

export function createKeyStore(secret: string, cacheOptions: KeyCacheOptions = {}): KeyStore {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('lienthong'), Buffer.from('private-key-encryption-v1'), 32));
  const maxEntries = cacheOptions.maxEntries ?? KEY_CACHE_DEFAULTS.maxEntries;
  const ttlMs = cacheOptions.ttlMs ?? KEY_CACHE_DEFAULTS.ttlMs;
  // TTL from when a key was stored (not refreshed by reads); ttlAutopurge drops each key by an
  // unref'd timer when it expires, even if nobody asks for it again. lru-cache expires an entry once
  // its age is > ttl; a key is gone once ttlMs have passed (≥), hence ttl = ttlMs - 1 on a ms clock.
  const cache = maxEntries > 0 && ttlMs > 0
    ? new LRUCache<string, { sealed: Buffer; key: KeyObject }>({
      max: maxEntries, ttl: Math.max(1, ttlMs - 1), ttlAutopurge: true, updateAgeOnGet: false, ttlResolution: 0,
      // +1: lru-cache takes an entry stored at time 0 for one without a TTL.
      ...(cacheOptions.now ? { perf: { now: ((now) => () => now() + 1)(cacheOptions.now) } } : {}),
    })
    : null;
  const decrypt = (sealed: Buffer, certificateId: string): Buffer => {
    if (sealed[0] !== VERSION) throw new Error('unknown key envelope version');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(certificateId));
    decipher.setAuthTag(sealed.subarray(13, 29));
    const parts = [decipher.update(sealed.subarray(29)), decipher.final()];
    const plain = Buffer.concat(parts);
    for (const p of parts) p.fill(0);
    return plain;
  };
  return {
    seal(privateKeyPem, certificateId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(certificateId));
      const body = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, certificateId) {
      return decrypt(sealed, certificateId).toString('utf8');
    },
    privateKey(sealed, certificateId) {
      const hit = cache?.get(certificateId);
      if (hit?.sealed.equals(sealed)) return hit.key;
      const pem = decrypt(sealed, certificateId);
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey({ key: pem, format: 'pem' });
      } finally {
        pem.fill(0);
      }
      cache?.set(certificateId, { sealed: Buffer.from(sealed), key: privateKey });
      return privateKey;
    },
  };
}
