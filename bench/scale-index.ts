// After the COPY: what the generated province still needs before it is measured — the tracked
// document's delivery events (through the audit-chain trigger, as the app writes them), the number
// series (so a live issue or acceptance takes the next number, not a used one), statistics, the
// search index (helper S's rebuildIndex, which also moves search_state to the last event), and a
// VACUUM as autovacuum would have done on a database this old (visibility map for index-only scans).
import cliProgress from 'cli-progress';
import { sql } from 'drizzle-orm';
import { connectDatabase } from '../src/db/client.js';
import { rebuildIndex } from '../src/modules/search/indexer.js';

const say = (m: string) => process.stdout.write(`[scale] ${m}\n`);

const STEPS: ReadonlyArray<[string, string | null, string]> = [
  ['delivery.created', null, `jsonb_build_object('status', 'delivered', 'unitId', dl.recipient_unit_id)`],
  ['delivery.read', 'read_at', `'{}'::jsonb`],
  ['delivery.accepted', 'accepted_at', `jsonb_build_object('incomingNumber', dl.incoming_number)`],
  ['delivery.assigned', 'assigned_at', `'{}'::jsonb`],
  ['delivery.in_progress', 'in_progress_at', `'{}'::jsonb`],
  ['delivery.completed', 'completed_at', `'{}'::jsonb`],
];

export async function finishIndex(url: string, bigDocumentId: string, recipients: number): Promise<{ events: number; indexSeconds: number; databaseBytes: number }> {
  const database = connectDatabase(url, { max: 2 });
  const { db, sql: raw } = database;
  try {
    await raw`select set_config('synchronous_commit', 'off', false)`;
    // The tracked document's history, oldest step first (event ids in commit order, one chain).
    await raw.unsafe(`
      insert into events (at, type, actor_user_id, actor_unit_id, document_id, unit_ids, data)
      select d.issued_at, 'document.issued', d.issued_by, d.issuer_unit_id, d.id, array[d.issuer_unit_id],
        jsonb_build_object('number', d.number, 'notation', d.notation, 'recipients', ${recipients})
      from documents d where d.id = '${bigDocumentId}'`);
    for (const [type, column, data] of STEPS) {
      await raw.unsafe(`
        insert into events (at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, data)
        select ${column ? `dl.${column}` : 'dl.delivered_at'}, '${type}', ${column ? 'dl.accepted_by' : 'd.issued_by'},
          ${column ? 'dl.recipient_unit_id' : 'd.issuer_unit_id'}, d.id, dl.id, array[d.issuer_unit_id, dl.recipient_unit_id], ${data}
        from deliveries dl join documents d on d.id = dl.document_id
        where d.id = '${bigDocumentId}' ${column ? `and dl.${column} is not null` : ''}
        order by ${column ? `dl.${column}` : 'dl.delivered_at'}, dl.id`);
    }
    const [ev] = await raw`select count(*)::int as n from events`;
    await raw.unsafe(`
      insert into number_series (unit_id, series, last_number)
      select issuer_unit_id, series, max(number) from documents where series is not null group by 1, 2
      union all
      select recipient_unit_id, incoming_series, max(incoming_number) from deliveries where incoming_series is not null group by 1, 2
      on conflict (unit_id, series) do update set last_number = greatest(number_series.last_number, excluded.last_number)`);
    await raw`analyze`;

    const t0 = performance.now();
    const bar = new cliProgress.SingleBar(
      { format: '[scale] search index {bar} {percentage}% {value}/{total} | {eta_formatted} left', etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 15_000 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    await rebuildIndex(db, (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    });
    if (started) bar.stop();
    const indexSeconds = (performance.now() - t0) / 1000;
    const [state] = await db.execute<{ last: string; max: string }>(
      sql`select (select last_event_id from search_state where id = 1) as last, (select coalesce(max(id), 0) from events) as max`,
    );
    if (String(state?.last) !== String(state?.max)) throw new Error(`search_state.last_event_id ${state?.last} is not the last event ${state?.max}`);
    say(`search index built in ${indexSeconds.toFixed(1)} s; vacuum analyze…`);
    await raw`vacuum analyze`;
    const [size] = await raw`select pg_database_size(current_database())::bigint as b`;
    return { events: ev!.n as number, indexSeconds, databaseBytes: Number(size!.b) };
  } finally {
    await database.close();
  }
}
