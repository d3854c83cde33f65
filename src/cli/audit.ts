// `npm run cli -- audit verify | checkpoint`: the tamper-evident audit trail (modules/audit).
import type { Config } from '../config.js';
import { systemClock } from '../lib/time.js';
import { openCliDatabase } from './database.js';

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

/** Exit 0: the chain and every checkpoint hold; 1: the first problem, naming its event. */
export async function auditVerify(cfg: Config): Promise<number> {
  const { verifyAudit } = await import('../modules/audit/checkpoints.js');
  const db = await openCliDatabase(cfg);
  try {
    const report = await verifyAudit({ db: db.database.db, sql: db.database.sql, config: cfg }, {
      onProgress: (n) => process.stderr.write(`… ${n} sự kiện (events)\n`),
    });
    if (report.problem) {
      process.stderr.write(
        `NHẬT KÝ KIỂM TRA BỊ THAY ĐỔI tại sự kiện ${report.problem.eventId} (AUDIT TRAIL TAMPERED at event ${report.problem.eventId}):\n` +
          `  ${report.problem.message.vi}\n  (${report.problem.message.en})\n` +
          `Đã kiểm tra đúng ${report.events} sự kiện trước đó (${report.events} events before it verified).\n`,
      );
      return 1;
    }
    say(`Chuỗi nhật ký toàn vẹn (audit chain intact): ${report.events} sự kiện (events)` +
      (report.head ? `, đầu chuỗi (head) #${report.head.id} ${report.head.hash}` : ''));
    say(`Mốc kiểm tra đã ký hợp lệ (valid signed checkpoints): ${report.checkpoints}, có dấu thời gian (timestamped): ${report.timestamped}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** Signs the chain head now (timestamped when TSA_URL is set). Exit 1 when the chain does not verify. */
export async function auditCheckpoint(cfg: Config): Promise<number> {
  const { createCheckpoint, CheckpointRefused, TimestampError } = await import('../modules/audit/checkpoints.js');
  const db = await openCliDatabase(cfg);
  try {
    const c = await createCheckpoint({ db: db.database.db, sql: db.database.sql, config: cfg, clock: systemClock });
    if (!c) {
      say('Chưa có sự kiện nào, không có gì để ký (no events yet, nothing to sign).');
      return 0;
    }
    say(`Đã ký mốc kiểm tra (checkpoint signed) #${c.id}: sự kiện (event) ${c.eventId}, ${c.hash}`);
    say(c.timestampToken ? 'Có dấu thời gian (timestamped) từ TSA_URL.' : 'Không có dấu thời gian (no timestamp): TSA_URL chưa đặt (not set).');
    return 0;
  } catch (err) {
    if (err instanceof CheckpointRefused) {
      process.stderr.write(`Không ký: nhật ký đã bị thay đổi tại sự kiện ${err.problem.eventId} (refused: audit trail tampered at event ${err.problem.eventId}):\n  ${err.problem.message.vi}\n  (${err.problem.message.en})\n`);
      return 1;
    }
    if (err instanceof TimestampError) {
      process.stderr.write(`Không lấy được dấu thời gian, chưa ký (no timestamp, nothing signed): ${err.message}\n`);
      return 3;
    }
    throw err;
  } finally {
    await db.close();
  }
}
