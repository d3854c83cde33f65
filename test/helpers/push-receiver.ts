import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 (Web Push message encryption) over RFC 8188 aes128gcm, from the receiving side. */
export function decryptWebPush(body: Buffer, ua: { privateKey: Buffer; publicKey: Buffer; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(ua.privateKey);
  const secret = ecdh.computeSecret(asPublic);
  const prkKey = hmac(ua.auth, secret);
  const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), ua.publicKey, asPublic, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('bad padding delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** A push service stand-in on 127.0.0.1 with a browser's subscription keys: it decrypts what it receives. */
export async function startPushReceiver() {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const ua = { privateKey: ecdh.getPrivateKey(), publicKey, auth: randomBytes(16) };
  const messages: Array<{ headers: http.IncomingHttpHeaders; payload: string }> = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        messages.push({ headers: req.headers, payload: decryptWebPush(Buffer.concat(chunks), ua) });
        res.writeHead(201).end();
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    subscription: { endpoint: `http://127.0.0.1:${port}/push/abc123`, keys: { p256dh: publicKey.toString('base64url'), auth: ua.auth.toString('base64url') } },
    messages,
    async next(timeoutMs = 5000) {
      const start = messages.length;
      const deadline = Date.now() + timeoutMs;
      while (messages.length === start && Date.now() < deadline) await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 100); });
      if (messages.length === start) throw new Error('no push received');
      return messages[start]!;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
