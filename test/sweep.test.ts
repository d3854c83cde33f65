import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../src/config.js';
import { DEFAULT_SWEEP_GRACE_MS, startSweeper } from '../src/jobs/sweeper.js';
import { adoptStaged, sweepStore } from '../src/modules/documents/blobs.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { startS3rver } from './helpers/s3.js';

const HOUR = 3600_000;
const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function objects(env: TestEnv): Promise<string[]> {
  const out: string[] = [];
  for await (const sha of env.store.list()) out.push(sha);
  return out.sort();
}

async function staging(env: TestEnv): Promise<string[]> {
  const out: string[] = [];
  for await (const e of env.store.listStaging()) out.push(e.stagingId);
  return out.sort();
}

async function blobRows(env: TestEnv): Promise<string[]> {
  const rows = await env.db.execute<{ sha256: string }>(sql`select sha256 from blobs order by sha256`);
  return [...rows].map((r) => r.sha256);
}

const stores: Array<{ name: string; env(t: TestContext): Promise<TestEnv> }> = [
  { name: 'fs', env: (t) => buildTestEnv(t) },
  {
    name: 's3',
    async env(t) {
      const s3 = await startS3rver();
      t.after(() => s3.close());
      return buildTestEnv(t, {
        s3: { endPoint: '127.0.0.1', port: s3.port, useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'sweep' },
      });
    },
  },
];

for (const kind of stores) {
  test(`${kind.name} store: the sweep removes objects no row refers to and stale staged copies, after the grace period only`, async (t) => {
    const env = await kind.env(t);
    const { doc } = await buildDocument(env, { files: [makePdf('được giữ lại')] });
    const kept = await blobRows(env);
    assert.equal(kept.length, 1, `document ${doc.id} has its file`);
    // What a process killed between promote and commit leaves: an object without a row, and a staged copy.
    const orphanBytes = makePdf('mồ côi sau sự cố', 2000);
    const orphan = (await env.store.put(Readable.from([orphanBytes]))).sha256;
    const staged = await env.store.stage(Readable.from([Buffer.from('tải lên bị bỏ dở')]));
    assert.deepEqual(await objects(env), [...kept, orphan].sort());

    // Young: nothing is touched.
    const young = await sweepStore(env.deps, { graceMs: HOUR });
    assert.deepEqual({ removed: young.removed, stagingRemoved: young.stagingRemoved, checked: young.checked }, { removed: 0, stagingRemoved: 0, checked: 0 });
    assert.deepEqual(await objects(env), [...kept, orphan].sort());
    assert.deepEqual(await staging(env), [staged.stagingId]);

    // Two hours later: the orphan and the staged copy go, the referenced file stays.
    const later = new Date(Date.now() + 2 * HOUR);
    const report = await sweepStore(env.deps, { graceMs: HOUR, now: later });
    assert.equal(report.objects, 2);
    assert.equal(report.checked, 2);
    assert.equal(report.removed, 1);
    assert.equal(report.removedBytes, orphanBytes.length);
    assert.equal(report.stagingRemoved, 1);
    assert.deepEqual(await objects(env), kept);
    assert.deepEqual(await staging(env), []);
    assert.deepEqual(await blobRows(env), kept, 'every row still has its object');
    assert.ok(await env.store.stat(kept[0]!), 'the document file is still there');

    // A second run finds nothing more.
    const again = await sweepStore(env.deps, { graceMs: HOUR, now: later });
    assert.equal(again.removed + again.stagingRemoved, 0);
  });

  test(`${kind.name} store: an object being adopted by an open transaction is never swept, one whose transaction failed is`, async (t) => {
    const env = await kind.env(t);
    const later = new Date(Date.now() + 2 * HOUR);
    for (const outcome of ['commit', 'rollback'] as const) {
      const bytes = makePdf(`đang được nhận (${outcome})`, 1000);
      const staged = await env.store.stage(Readable.from([bytes]));
      let adopted!: () => void;
      const isAdopted = new Promise<void>((r) => (adopted = r));
      let finish!: () => void;
      const gate = new Promise<void>((r) => (finish = r));
      const tx = env.db.transaction(async (tx) => {
        await adoptStaged(env.deps, tx, [staged]);
        adopted();
        await gate;
        if (outcome === 'rollback') throw new Error('the request failed');
      }).catch((err: Error) => assert.equal(err.message, 'the request failed'));
      await isAdopted;
      // Promoted, its row not yet committed: the sweep sees an old object without a row and must wait for the lock.
      assert.ok(await env.store.stat(staged.sha256));
      let swept = false;
      const sweeping = sweepStore(env.deps, { graceMs: HOUR, now: later }).then((r) => ((swept = true), r));
      await sleep(400);
      assert.equal(swept, false, 'the sweep waits for the adopting transaction');
      assert.ok(await env.store.stat(staged.sha256));
      finish();
      await tx;
      const report = await sweeping;
      if (outcome === 'commit') {
        assert.equal(report.removed, 0);
        assert.ok(await env.store.stat(staged.sha256), 'an adopted object stays');
        assert.ok((await blobRows(env)).includes(staged.sha256));
      } else {
        assert.equal(report.removed, 1);
        assert.equal(await env.store.stat(staged.sha256), null, 'an object whose transaction failed goes');
      }
    }
    assert.deepEqual(await objects(env), await blobRows(env));
    assert.equal(sha256Of(makePdf('đang được nhận (commit)', 1000)), (await blobRows(env))[0]);
  });
}

test('the sweeper job runs at start, logs its counts, and reads STORE_SWEEP_GRACE_SECONDS', async (t) => {
  const env = await buildTestEnv(t);
  const orphan = (await env.store.put(Readable.from([Buffer.from('orphan')]))).sha256;
  // Grace of one hour: a fresh orphan survives the first run.
  const job = startSweeper(env.deps, { graceMs: HOUR });
  t.after(() => job.stop());
  const first = await job.runNow();
  assert.equal(first?.removed, 0);
  assert.ok(await env.store.stat(orphan));
  await job.stop();
  const quick = startSweeper(env.deps, { graceMs: 1 });
  await sleep(20);
  const report = await quick.runNow();
  await quick.stop();
  assert.equal(await env.store.stat(orphan), null, `report ${JSON.stringify(report)}`);
  assert.ok(env.logs.some((l) => /store sweep: 1 unreferenced objects/.test(l)), env.logs.join('\n'));

  assert.equal(loadConfig({}).storeSweepGraceMs, DEFAULT_SWEEP_GRACE_MS);
  assert.equal(loadConfig({ STORE_SWEEP_GRACE_SECONDS: '5' }).storeSweepGraceMs, 5000);
  for (const bad of ['0', '-1', 'abc', '1.5', String(31 * 24 * 3600)]) {
    assert.throws(() => loadConfig({ STORE_SWEEP_GRACE_SECONDS: bad }), ConfigError, bad);
  }
  // The issue recovery job waits longer than any issue may take (TSA wait included).
  assert.equal(loadConfig({}).issueRecoveryGraceMs, 120_000);
  assert.throws(() => loadConfig({ ISSUE_RECOVERY_SECONDS: '10', TSA_TIMEOUT_SECONDS: '15' }), /ISSUE_RECOVERY_SECONDS/);
});
