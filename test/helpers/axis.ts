import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeDocumentPackage, writeStatusPackage, type StatusCode } from '../../src/modules/exchange/edxml/index.js';
import type { TestEnv } from './app.js';

/** Basic auth header of a connected system. */
export const basic = (systemId: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${systemId}:${secret}`).toString('base64')}`,
});

async function bytes(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * A document package written by the exchange codec. `attachmentBytes` adds one attachment of that
 * many bytes (base64 in the package, so about 4/3 of it), for size limits.
 */
export async function edocXml(o: { from: string; to: string[]; documentId: string; subject?: string; attachmentBytes?: number }): Promise<string> {
  const [, date = '2026/11/30', code = '1/UBND'] = o.documentId.split(',');
  const [number, ...notation] = code.split('/');
  const pkg = writeDocumentPackage(
    {
      from: { organId: o.from, organName: `Đơn vị ${o.from}` },
      to: o.to.map((organId) => ({ organId, organName: `Đơn vị ${organId}` })),
      documentId: o.documentId,
      code: { codeNumber: number!, codeNotation: notation.join('/') },
      promulgationInfo: { place: 'Sơn Hà', promulgationDate: date },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: o.subject ?? 'Về việc thử nghiệm trục liên thông',
      otherInfo: { priority: 3 },
      traceHeaders: [{ organId: o.from, timestamp: '2026/11/30 08:00:00' }],
    },
    o.attachmentBytes
      ? [{ contentId: 'file1', name: 'a.pdf', contentType: 'application/pdf', open: () => Readable.from([Buffer.alloc(o.attachmentBytes!, 7)]) }]
      : [],
  );
  return (await bytes(pkg)).toString('utf8');
}

/** A status package of `from` about the document `documentId` of `responseOrgan`, written by the codec. */
export function statusXml(o: { from: string; responseOrgan: string; documentId: string; statusCode: StatusCode; timestamp: string }): string {
  return writeStatusPackage({
    responseFor: { organId: o.responseOrgan, code: '1/UBND', promulgationDate: '2026/11/30', documentId: o.documentId },
    from: { organId: o.from, organName: `Đơn vị ${o.from}` },
    statusCode: o.statusCode,
    description: 'Đã tiếp nhận',
    timestamp: o.timestamp,
  }).toString('utf8');
}

/** Every object address in the env's store, and the number of files left in staging. */
export async function storeState(env: TestEnv): Promise<{ objects: string[]; staging: number }> {
  const objects: string[] = [];
  for await (const a of env.store.list()) objects.push(a);
  const staging = await readdir(path.join(env.dataDir, 'objects', '.staging')).then((f) => f.length, () => 0);
  return { objects: objects.sort(), staging };
}
