// The daily audit checkpoint: the chain head signed with the server's audit key and, when TSA_URL is
// set, timestamped (modules/audit/checkpoints.ts). Every replica runs the check; a transaction lock
// lets one of them sign, and a checkpoint younger than a day is left alone.
import { sql } from 'drizzle-orm';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { CheckpointRefused, createCheckpoint, latestCheckpoint } from '../modules/audit/checkpoints.js';

/** Arbitrary constant, beside the migration (…001) and event order (…002) locks. */
const CHECKPOINT_LOCK = 7_263_110_003;
const DAY_MS = 24 * 3600_000;

export interface AuditJobOptions {
  /** How often to look (default hourly). */
  everyMs?: number;
  /** First look after start (default 10 minutes: a restart loop must not sign each time). */
  firstAfterMs?: number;
  /** A checkpoint this old is renewed (default a day). */
  maxAgeMs?: number;
}

/** One look: signs the head when the last checkpoint is older than `maxAgeMs` and events came since. Returns whether it signed. */
export async function runAuditCheckpoint(deps: Deps, maxAgeMs = DAY_MS): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) as ok`);
    if (!lock?.ok) return false;
    const last = await latestCheckpoint(deps.db);
    if (last && deps.clock().getTime() - last.signedAt.getTime() < maxAgeMs) return false;
    const [head] = await tx.execute<{ id: string | null }>(sql`select max(id)::text as id from events`);
    if (!head?.id || (last && Number(head.id) === last.eventId)) return false;
    try {
      return (await createCheckpoint(deps)) !== null;
    } catch (err) {
      if (err instanceof CheckpointRefused) {
        deps.log.error({ eventId: err.problem.eventId, problem: err.problem.message.en }, 'AUDIT TRAIL TAMPERED: checkpoint refused; run `npm run cli -- audit verify`');
        return false;
      }
      throw err;
    }
  });
}

/** Starts the hourly look; stopped when the app closes. */
export function startAuditJob(app: Pick<App, 'addHook'>, deps: Deps, opts: AuditJobOptions = {}): void {
  let running: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const look = () => {
    if (stopped || running) return;
    running = runAuditCheckpoint(deps, opts.maxAgeMs)
      .then((signed) => signed && deps.log.info('audit checkpoint signed'))
      .catch((err) => deps.log.warn({ err }, 'audit checkpoint failed; will retry'))
      .finally(() => (running = null));
  };
  const first = setTimeout(() => {
    look();
    timer = setInterval(look, opts.everyMs ?? 3600_000);
    timer.unref();
  }, opts.firstAfterMs ?? 10 * 60_000);
  first.unref();
  app.addHook('preClose', async () => {
    stopped = true;
    clearTimeout(first);
    if (timer) clearInterval(timer);
    await running;
  });
}
