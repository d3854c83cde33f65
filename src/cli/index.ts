// `npm run cli -- <command>`: operator commands. Only dispatch lives here; the work is in
// the modules it loads. Exit codes: 0 done, 1 done but some rows were rejected, 2 usage or
// configuration error (nothing was changed), 3 failure (e.g. database unreachable).
import fs from 'node:fs/promises';
import pino from 'pino';
import { ConfigError, loadProcessConfig, type Config } from '../config.js';
import type { Runtime } from '../server.js';
import { StartupError } from '../db/embedded.js';

const USAGE = `Cách dùng (usage): npm run cli -- <lệnh (command)> [tham số (arguments)]

Lệnh (commands):
  seed-demo [province]     Thêm dữ liệu mẫu huyện Sơn Hà (trước 7/2025; với province: tỉnh Vân
                           Sơn hai cấp, sau 7/2025): đơn vị và tài khoản còn thiếu; chạy lại
                           nhiều lần vẫn an toàn
                           (add the demo district's — or with province, the two-tier demo
                           province's — missing units and users; safe to re-run)
  demo-reorg               Áp dụng sắp xếp đơn vị hành chính 2025 cho dữ liệu mẫu huyện Sơn Hà
                           (ba xã nhập thành xã Sơn Trung, cơ quan cấp huyện chuyển về tỉnh Vân
                           Sơn), in báo cáo; chạy lần hai chỉ báo đã áp dụng
                           (apply the 2025 reform to the demo district, print the report; a
                           second run says it is already done)
  dev-ca                   Chỉ để trình diễn: tạo CA thử nghiệm trong DATA_DIR/dev-ca, đặt làm
                           chứng thư gốc tin cậy, cấp chứng thư số, hình chữ ký và con dấu còn
                           thiếu cho lãnh đạo và đơn vị mẫu (chạy seed-demo trước); chạy lại
                           nhiều lần vẫn an toàn
                           (demos only: create a dev CA in DATA_DIR/dev-ca, trust it, and give
                           the demo leaders and units their missing certificates, signature and
                           seal images (run seed-demo first); safe to re-run)
  import-units <tệp.csv>   Nhập đơn vị từ tệp CSV có dòng tiêu đề
                           code,name,short_name,kind,parent_code; mã đã có thì bỏ qua
                           (import units from a CSV file; existing codes are skipped)
  axis-systems list        Các hệ thống kết nối trục liên thông (AXIS=1)
                           (the systems connected to the exchange axis)
  axis-systems add <mã> <tên> [--prefix P]...
                           Đăng ký hệ thống; in mật khẩu kết nối MỘT LẦN (chỉ lưu bản băm);
                           --prefix giới hạn mã định danh hệ thống được phục vụ
                           (register a system; prints its secret ONCE, only a hash is kept;
                           --prefix limits the OrganIds it may serve)
  axis-systems remove <mã> Gỡ hệ thống khỏi trục (remove a system from the axis)
  audit verify             Kiểm tra chuỗi nhật ký sự kiện (mã băm từng dòng) và chữ ký các mốc
                           kiểm tra; báo dòng đầu tiên bị sửa, xóa hoặc chèn sai thứ tự (mã 1)
                           (verify the audit chain and the signed checkpoints; reports the first
                           row changed, deleted or inserted out of order, exit 1)
  audit checkpoint         Ký đầu chuỗi nhật ký bằng khóa máy chủ, kèm dấu thời gian khi có
                           TSA_URL (việc này cũng chạy hằng ngày)
                           (sign the chain head with the server key, timestamped when TSA_URL is
                           set; also done daily by the app)
  backup <thư mục>         Sao lưu nhất quán khi ứng dụng đang chạy: dữ liệu, tệp và manifest.json
                           có mã băm; thư mục phải trống hoặc chưa có
                           (consistent backup while the app runs: data, files and a manifest
                           with hashes; the directory must be empty or new)
  restore <thư mục>        Khôi phục bản sao lưu vào DATA_DIR (hoặc DATABASE_URL và kho tệp) trống;
                           kiểm tra mã băm từng tệp, từ chối bản sao lưu hỏng (mã 1) và đích
                           không trống (mã 2)
                           (restore a backup into an empty DATA_DIR, or an empty DATABASE_URL
                           and store; a damaged backup exits 1, a non-empty target exits 2)
  reindex [--texts]        Lập lại chỉ mục tìm kiếm cho mọi văn bản; với --texts, đọc lại chữ
                           trong mọi tệp (lớp chữ PDF, nhận dạng chữ trang quét khi có Tesseract)
                           ngay trong lệnh này, có thanh tiến độ và bảng tổng kết (mã 1: có tệp lỗi)
                           (rebuild the search index; with --texts, read every file's text again
                           in this process, OCR for scans when available; exit 1 if a file failed)
  reorganise <tệp.csv> [--apply]
                           Tổ chức lại đơn vị theo phương án CSV (đổi tên, chuyển, sáp nhập, chia
                           tách, giải thể; xem README "Tổ chức lại đơn vị"); mặc định chỉ chạy thử và in báo
                           cáo, --apply mới áp dụng, trong một giao dịch; có dòng lỗi thì liệt kê mọi
                           lỗi, không áp dụng gì (mã 1)
                           (reorganise units from a CSV plan; dry run by default with a report,
                           --apply applies it in one transaction; a bad row lists every problem,
                           applies nothing, exit 1)
  help                     Hiện hướng dẫn này (show this help)

Cơ sở dữ liệu lấy theo DATABASE_URL, nếu không có thì dùng PostgreSQL nhúng trong DATA_DIR;
khi dùng PostgreSQL nhúng, hãy dừng máy chủ trước khi chạy lệnh (trừ audit và backup, chạy
được khi ứng dụng đang chạy).
(The database is DATABASE_URL, or else the embedded PostgreSQL in DATA_DIR; with the
embedded one, stop the server first — except for audit and backup, which run beside it.)

Mã thoát (exit codes): 0 thành công (success), 1 có dòng bị từ chối, nhật ký bị thay đổi
hoặc bản sao lưu hỏng (some rows rejected, audit trail tampered, damaged backup), 2 sai cách
dùng, cấu hình hoặc đích khôi phục không trống (usage or configuration error, restore target
not empty), 3 lỗi khác (other failure).
`;

class UsageError extends Error {}

function config(): Config {
  // The demo seed is run explicitly by seed-demo; running it inside startRuntime as well
  // (DEMO=1 in the environment) would leave seed-demo with nothing to count.
  return { ...loadProcessConfig([]), demo: false };
}

/** Starts the database like the server does (migrations, admin account), logging to stderr to keep stdout for results. */
async function withRuntime<T>(cfg: Config, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const { startRuntime } = await import('../server.js');
  const runtime = await startRuntime(cfg, { log: pino({ level: cfg.logLevel }, pino.destination({ dest: 2, sync: true })) });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function seedDemoCommand(args: string[]): Promise<number> {
  const which = args[0] ?? 'district';
  if (args.length > 1 || (which !== 'district' && which !== 'province')) {
    throw new UsageError(`Cách dùng (usage): seed-demo [district|province]: ${args.join(' ')}`);
  }
  const cfg = config();
  const { seedDemo } = await import('../workflows/demo/seed-demo.js');
  const { DEMOS } = await import('../workflows/demo/datasets.js');
  const { DEMO_PASSWORD } = await import('../workflows/demo/demo-district.js');
  const added = await withRuntime(cfg, (runtime) => seedDemo(runtime.deps, DEMOS[which]));
  if (added.units === 0 && added.users === 0) {
    process.stdout.write('Dữ liệu mẫu đã có đủ, không thêm gì (demo data already present, nothing added).\n');
  } else {
    process.stdout.write(`Đã thêm ${added.units} đơn vị và ${added.users} tài khoản mẫu (added ${added.units} units and ${added.users} users).\n`);
    if (added.users > 0) process.stdout.write(`Mật khẩu các tài khoản mẫu (demo password): ${DEMO_PASSWORD}\n`);
  }
  return 0;
}

async function demoReorgCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`demo-reorg không nhận tham số (demo-reorg takes no arguments): ${args.join(' ')}`);
  const cfg = config();
  const { demoReorg, formatDemoReorg, DemoReorgError } = await import('../workflows/demo/demo-reorg.js');
  const { AppError } = await import('../lib/errors.js');
  try {
    const result = await withRuntime(cfg, (runtime) => demoReorg(runtime.deps));
    process.stdout.write(formatDemoReorg(result));
    return 0;
  } catch (err) {
    if (err instanceof DemoReorgError) throw new UsageError(err.message);
    // The plan refused (a unit of the demo changed by hand): every problem, nothing applied.
    if (err instanceof AppError) {
      process.stderr.write(`Kế hoạch bị từ chối, không thay đổi gì (the plan was refused, nothing changed): ${err.text.vi} (${err.text.en})\n`);
      return 1;
    }
    throw err;
  }
}

async function devCaCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`dev-ca không nhận tham số (dev-ca takes no arguments): ${args.join(' ')}`);
  const cfg = config();
  const { runDevCa, DevCaError } = await import('../workflows/demo/dev-ca.js');
  try {
    await withRuntime(cfg, (runtime) => runDevCa(runtime.deps, { log: (line) => process.stdout.write(`${line}\n`) }));
  } catch (err) {
    if (err instanceof DevCaError) throw new UsageError(err.message);
    throw err;
  }
  return 0;
}

async function importUnitsCommand(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('import-units cần đúng một tệp CSV (import-units takes exactly one CSV file)');
  const file = args[0]!;
  // Checked before starting the database, which takes seconds, for a typo in the path.
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new UsageError(`Không tìm thấy tệp ${file} (file not found)`);
  if (!stat.isFile()) throw new UsageError(`${file} không phải là tệp (not a regular file)`);
  const cfg = config();
  const { importUnits, formatReport, UnitsFileError } = await import('./import-units.js');
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { format: 'Nhập đơn vị (importing) [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  try {
    const report = await withRuntime(cfg, (runtime) =>
      importUnits(runtime.deps, file, {
        onProgress: (done, total) => {
          if (!started) {
            started = true;
            bar.start(total, done);
          } else bar.update(done);
        },
      }),
    );
    if (started) bar.stop();
    process.stdout.write(formatReport(report));
    return report.rejected.length > 0 ? 1 : 0;
  } catch (err) {
    if (started) bar.stop();
    if (err instanceof UnitsFileError) throw new UsageError(`Tệp ${file} không đọc được (cannot read the file as a units CSV): ${err.message}`);
    throw err;
  }
}

async function axisSystemsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const positional: string[] = [];
  const prefixes: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--prefix') {
      const p = rest[++i];
      if (!p) throw new UsageError('--prefix cần một giá trị (--prefix needs a value)');
      prefixes.push(p);
    } else positional.push(rest[i]!);
  }
  const usage = 'axis-systems list | add <systemId> <name> [--prefix P]... | remove <systemId>';
  if (sub === 'list' ? positional.length !== 0 || prefixes.length : sub === 'add' ? positional.length !== 2 : sub === 'remove' ? positional.length !== 1 || prefixes.length : true) {
    throw new UsageError(`Cách dùng (usage): ${usage}`);
  }
  const cfg = config();
  const systems = await import('../modules/axis/systems.js');
  const { AppError } = await import('../lib/errors.js');
  try {
    return await withRuntime(cfg, async (runtime) => {
      const deps = runtime.deps;
      if (sub === 'list') {
        const rows = await systems.listSystems(deps.db);
        if (!rows.length) process.stdout.write('Chưa có hệ thống nào (no systems).\n');
        for (const s of rows) {
          process.stdout.write(`${s.systemId}\t${s.name}\t${s.organIdPrefixes.join(',') || '*'}\t${s.createdAt.toISOString()}\n`);
        }
      } else if (sub === 'add') {
        const { system, secret } = await systems.addSystem(deps, null, { systemId: positional[0]!, name: positional[1]!, organIdPrefixes: prefixes });
        process.stdout.write(`Đã đăng ký hệ thống (registered) ${system.systemId}.\n`);
        process.stdout.write(`Mật khẩu kết nối, chỉ hiện một lần (secret, shown once): ${secret}\n`);
      } else {
        await systems.removeSystem(deps, null, positional[0]!);
        process.stdout.write(`Đã gỡ hệ thống (removed) ${positional[0]}.\n`);
      }
      return 0;
    });
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(err.text.vi === err.text.en ? err.text.en : `${err.text.vi} (${err.text.en})`);
    throw err;
  }
}

async function auditCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub !== 'verify' && sub !== 'checkpoint') || rest.length) throw new UsageError('Cách dùng (usage): audit verify | audit checkpoint');
  const cfg = config();
  const audit = await import('./audit.js');
  const { TargetError } = await import('./database.js');
  try {
    return await (sub === 'verify' ? audit.auditVerify(cfg) : audit.auditCheckpoint(cfg));
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(err.message);
    throw err;
  }
}

async function backupCommand(command: 'backup' | 'restore', args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError(`${command} cần đúng một thư mục (${command} takes exactly one directory)`);
  const cfg = config();
  const [backup, restore] = await Promise.all([import('./backup.js'), import('./restore.js')]);
  const { TargetError } = await import('./database.js');
  try {
    return await (command === 'backup' ? backup.backupCommand(cfg, args[0]!) : restore.restoreCommand(cfg, args[0]!));
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(err.message);
    throw err;
  }
}

async function reindexCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('Cách dùng (usage): npm run cli -- reindex [--texts]\n');
    return 0;
  }
  const bad = args.filter((a) => a !== '--texts');
  if (bad.length) throw new UsageError(`reindex chỉ nhận --texts (reindex takes only --texts): ${bad.join(' ')}`);
  const cfg = config();
  const { reindex } = await import('./reindex.js');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  return withRuntime(cfg, (runtime) => reindex(runtime.deps, { texts: args.includes('--texts'), out: process.stdout, progress: process.stderr, signal: abort.signal }));
}

async function reorganiseCommand(args: string[]): Promise<number> {
  const apply = args.includes('--apply');
  const files = args.filter((a) => a !== '--apply');
  if (files.length !== 1 || files[0]!.startsWith('--')) throw new UsageError('Cách dùng (usage): npm run cli -- reorganise <phương-án.csv> [--apply]');
  const text = await fs.readFile(files[0]!, 'utf8').catch(() => null);
  if (text === null) throw new UsageError(`Không đọc được tệp ${files[0]} (cannot read the file)`);
  const r = await import('./reorganise.js');
  let rows;
  try {
    rows = r.readPlanCsv(text);
  } catch (err) {
    if (err instanceof r.PlanFileError) throw new UsageError(err.message);
    throw err;
  }
  const cfg = config();
  const { reorganise } = await import('../workflows/reorganise.js');
  const { vnDate } = await import('../lib/time.js');
  return withRuntime(cfg, async (runtime) => {
    const at = runtime.deps.clock();
    const { plan, lines, problems } = await r.planFromRows(runtime.deps.db, rows, vnDate(at));
    // The plan's own checks run even when the file has problems, so every problem is listed at once.
    let planProblems: ReturnType<typeof r.problemsOf> = [];
    let report = null;
    try {
      report = await reorganise(runtime.deps.db, null, { ...plan, dryRun: true }, at);
    } catch (err) {
      planProblems = r.problemsOf(err, lines);
      if (!planProblems) throw err;
    }
    const all = [...problems, ...planProblems];
    if (all.length > 0) {
      process.stdout.write(r.formatProblems(all));
      return 1;
    }
    if (apply) report = await reorganise(runtime.deps.db, null, { ...plan, dryRun: false }, at);
    process.stdout.write(r.formatReport(report!));
    return 0;
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    case 'seed-demo':
      return seedDemoCommand(args);
    case 'dev-ca':
      return devCaCommand(args);
    case 'demo-reorg':
      return demoReorgCommand(args);
    case 'import-units':
      return importUnitsCommand(args);
    case 'axis-systems':
      return axisSystemsCommand(args);
    case 'audit':
      return auditCommand(args);
    case 'backup':
    case 'restore':
      return backupCommand(command, args);
    case 'reindex':
      return reindexCommand(args);
    case 'reorganise':
      return reorganiseCommand(args);
    default:
      process.stderr.write(`Lệnh không hợp lệ (unknown command): ${command}\n\n${USAGE}`);
      return 2;
  }
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  // StartupError: a DATA_DIR the embedded server cannot use, or in use by a running app — one line.
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    code = 2;
  } else {
    process.stderr.write(`Lỗi (error): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    // Not 1: a script must not mistake a failed run for a partial import.
    code = 3;
  }
}
// Exiting explicitly: pool and S3 keep-alive sockets could otherwise hold the process open.
process.exit(code);
