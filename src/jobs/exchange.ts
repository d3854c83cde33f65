import type { Deps } from '../lib/deps.js';
import { EVENTS_CHANNEL } from '../modules/events/service.js';
import { leaseDueOutbound, recordSendResult, recordTransport } from '../modules/dispatch/outbound.js';
import { AxisError, axisClient, type AxisClient } from '../modules/exchange/axis-client.js';
import { syncDirectoryUnits } from '../modules/orgs/units.js';
import { listPublishedUnits } from '../modules/orgs/published.js';
import { importPackage, RefusedPackage } from '../workflows/import-package.js';
import { packageForOutbound } from '../workflows/outbound-packages.js';
import { refusalFor } from '../workflows/refuse-package.js';

const LEASE_MS = 3 * 60_000;
const LONG_POLL_S = 25;

/**
 * A system connected to the province's axis (AXIS_URL, AXIS_SYSTEM_ID, AXIS_SECRET):
 * - publishes the units it serves (at start and within 10 s of a change) and reads the province's
 *   directory (every 15 s);
 * - sends the packages its transactions queued (woken by each commit; retried with backoff, so an
 *   axis that is down delays a package, never loses or duplicates it — the axis keeps a package once);
 * - long-polls what waits for its units, imports each (kept once), then marks it done;
 * - follows the transport status of what it sent.
 * Returns `wake` (call after a commit that may have queued a package) and `stop`.
 */
export type Exchange = ReturnType<typeof startExchange>;

export function startExchange(deps: Deps) {
  const settings = deps.config.axisClient!;
  const axis = axisClient(settings);
  const log = deps.log.child({ axis: settings.url });
  const stopping = new AbortController();
  let stopped = false;
  const sleep = (ms: number) => new Promise<void>((r) => {
    if (stopping.signal.aborted) return r();
    const done = () => {
      clearTimeout(t);
      stopping.signal.removeEventListener('abort', done);
      r();
    };
    const t = setTimeout(done, ms);
    stopping.signal.addEventListener('abort', done, { once: true });
  });

  // --- directory -----------------------------------------------------------------------------
  let published = '';
  let lastPull = 0;
  /** Publishes our units when they changed (checked every 10 s) and reads the province's directory every 15 s. */
  let directoryRun: Promise<void> = Promise.resolve();
  // One at a time, in order: a slow earlier run must not publish an older list after a newer one.
  const directory = (force = false) => (directoryRun = directoryRun.catch(() => {}).then(() => directoryOnce(force)));
  async function directoryOnce(force: boolean) {
    // Current units, and those that ended with a successor (with validTo and successorOrganId).
    const list = await listPublishedUnits(deps.db);
    const key = JSON.stringify(list);
    const changed = key !== published;
    if (changed || force) {
      await axis.putDirectory(list);
      published = key;
    }
    if (changed || force || Date.now() - lastPull > 15_000) {
      const others = (await axis.getDirectory()).filter((u) => u.systemId !== settings.systemId);
      lastPull = Date.now();
      const r = await syncDirectoryUnits(deps.db, others, deps.clock());
      if (r.added || r.updated || r.removed) log.info(r, 'exchange directory refreshed');
    }
  }

  // --- sending -------------------------------------------------------------------------------
  let sendAgain = false;
  let sending: Promise<void> | null = null;
  async function sendDue(): Promise<void> {
    do {
      sendAgain = false;
      const rows = await leaseDueOutbound(deps.db, deps.clock(), 20, LEASE_MS);
      for (const row of rows) {
        if (stopped) return;
        try {
          const docId = await axis.send(await packageForOutbound(deps, row));
          await recordSendResult(deps.db, row.id, { ok: true, axisDocId: docId, at: deps.clock() });
        } catch (err) {
          const permanent = err instanceof AxisError ? !err.retry : !(err instanceof Error && /ECONN|fetch|timeout/i.test(err.message));
          log.warn({ err: (err as Error).message, outboxId: row.id, permanent }, 'could not send a package to the axis');
          await recordSendResult(deps.db, row.id, { ok: false, error: (err as Error).message, at: deps.clock(), attempts: row.attempts + 1, permanent });
        }
      }
      if (rows.length === 20) sendAgain = true;
    } while (sendAgain && !stopped);
  }
  const wake = () => {
    if (stopped) return;
    if (sending) {
      sendAgain = true;
      return;
    }
    sending = sendDue().catch((err) => log.error({ err }, 'exchange sender failed')).finally(() => { sending = null; });
  };

  // --- receiving -----------------------------------------------------------------------------
  let polling: AbortController | null = null;
  async function receive(client: AxisClient) {
    while (!stopped) {
      try {
        // One controller per long-poll (aborted by stop), so no listener piles up on a shared signal.
        polling = new AbortController();
        const items = await client.waiting(LONG_POLL_S, polling.signal);
        for (const item of items) {
          if (stopped) return;
          try {
            const r = await importPackage(deps, await client.fetchPackage(item.docId), { axisDocId: item.docId });
            log.info({ docId: item.docId, ...r }, 'package received from the axis');
          } catch (err) {
            if (!(err instanceof RefusedPackage)) throw err;
            log.warn({ docId: item.docId, reason: err.reason, message: err.text.en }, 'package refused');
            // The sender is told why (02 with the reason), not left believing it was taken.
            if (item.messagetype === 'edoc') {
              await refusalFor(deps, await client.fetchPackage(item.docId), err.text)
                .then((answer) => answer && client.send(answer))
                .catch((e) => log.warn({ err: (e as Error).message, docId: item.docId }, 'could not answer a refused package'));
            }
          }
          await client.done(item.docId);
        }
      } catch (err) {
        if (stopped) return;
        log.warn({ err: (err as Error).message }, 'axis receive failed; retrying');
        await sleep(2000);
      }
    }
  }

  async function followSent(client: AxisClient) {
    let cursor: string | null = null;
    while (!stopped) {
      try {
        const r = await client.sent(cursor, LONG_POLL_S);
        for (const i of r.items) await recordTransport(deps.db, i.docId, i.transport, i.reason ?? null);
        cursor = r.cursor ?? cursor;
      } catch (err) {
        if (stopped) return;
        log.warn({ err: (err as Error).message }, 'axis transport status failed; retrying');
        await sleep(2000);
      }
    }
  }

  async function directoryLoop() {
    while (!stopped) {
      try {
        await directory();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'axis directory failed; retrying');
      }
      await sleep(10_000);
    }
  }

  const timer = setInterval(wake, 5000);
  timer.unref();
  // Every commit that queues a package also writes an event, whose NOTIFY wakes the sender.
  const listener = deps.sql.listen(EVENTS_CHANNEL, wake).catch((err) => {
    log.warn({ err: (err as Error).message }, 'exchange sender will poll (LISTEN failed)');
    return null;
  });
  const loops = [directoryLoop(), receive(axis), followSent(axis)];
  wake();
  return {
    wake,
    /** Publish our units and read the province's directory now. */
    refreshDirectory: () => directory(true),
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopping.abort();
      polling?.abort();
      await (await listener)?.unlisten().catch(() => {});
      await Promise.allSettled([...loops, sending]);
    },
  };
}
