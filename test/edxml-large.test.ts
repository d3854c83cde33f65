// A 50 MB attachment streams through the edXML writer and reader (plain and zipped) with flat
// memory: RSS growth well under the size of the file.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readPackage, writeDocumentPackage } from '../src/modules/exchange/edxml/index.js';
import { fullDocumentHeader, hasher } from './helpers/edxml.js';

const SIZE = 50 * 1024 * 1024;
const MiB = 1024 * 1024;

const CHUNK = 64 * 1024; // what a file or object store stream gives

/** 50 MB of incompressible bytes, generated chunk by chunk, and their SHA-256. */
function bigFile(): { open: () => Readable; sha256: () => string } {
  const block = randomBytes(CHUNK);
  const h = createHash('sha256');
  return {
    open: () =>
      Readable.from((function* () {
        for (let i = 0; i < SIZE / CHUNK; i++) {
          const c = Buffer.from(block);
          c.writeUInt32BE(i, 0); // every chunk different
          h.update(c);
          yield c;
        }
      })()),
    sha256: () => h.digest('hex'),
  };
}

for (const zipAttachments of [false, true]) {
  test(`a 50 MB attachment streams through write and read${zipAttachments ? ' (zipped)' : ''} with flat memory`, async () => {
    const file = bigFile();
    const store = hasher();
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    const t0 = Date.now();
    let r;
    try {
      const stream = writeDocumentPackage(
        fullDocumentHeader(),
        [{ contentId: 'big', name: 'Hồ sơ lớn.pdf', contentType: 'application/pdf', open: file.open }],
        { zipAttachments },
      );
      r = await readPackage(stream, { onAttachment: store.onAttachment, maxAttachmentBytes: 64 * MiB, maxBytes: 100 * MiB });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const grew = peak - rss0;
    assert.equal(r.kind, 'document');
    assert.deepEqual(store.hashes.get('big'), { sha256: file.sha256(), size: SIZE });
    assert.equal(r.kind === 'document' && r.attachments[0]!.zipped, zipAttachments);
    // Well under 3x the attachment (150 MB): a whole copy in memory would already be 50 MB (67 MB as base64).
    assert.ok(grew < 64 * MiB, `RSS grew by ${Math.round(grew / MiB)} MiB`);
    console.log(`50 MB ${zipAttachments ? 'zipped' : 'plain'}: ${Date.now() - t0} ms, RSS +${Math.round(grew / MiB)} MiB`);
  });
}
