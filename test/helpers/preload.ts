// Loaded by the test runner before every test file (`--import`).
// 1. Certificates made in tests take their RSA keys from test/fixtures/rsa-test-keys.pem, each key once
//    per process, instead of generating them (≈ 150 ms of CPU each, a few hundred per run). A file
//    that needs more gets generated ones.
// 2. With LIENTHONG_TEST_CPU_DIR set, the CPU seconds the file used — its own and those of the
//    processes it started and waited for (chromium, `npm start`) — are written there on exit, for the
//    runner's summary (where the run's CPU goes; the shared PostgreSQL's work is not included).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setRsaKeySource } from '../../src/modules/signing/crypto/dev-ca.js';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rsa-test-keys.pem');
const keys = fs.readFileSync(file, 'utf8').match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g) ?? [];
let next = 0;
setRsaKeySource(() => keys[next++]);

const cpuDir = process.env.LIENTHONG_TEST_CPU_DIR;
if (cpuDir && fs.existsSync('/proc/self/stat')) {
  process.on('exit', () => {
    try {
      const stat = fs.readFileSync('/proc/self/stat', 'utf8');
      // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are 14–17 (1-based).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      const ticks = f[11]! + f[12]! + f[13]! + f[14]!;
      fs.writeFileSync(path.join(cpuDir, `${path.basename(process.argv[1] ?? 'file')}.cpu`), String(ticks / 100));
    } catch {
      // a missing figure is only a missing figure
    }
  });
}
