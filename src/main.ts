import { ConfigError, loadProcessConfig } from './config.js';
import { StartupError } from './db/embedded.js';
import { startServer } from './server.js';

let config;
try {
  config = loadProcessConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

let server;
try {
  server = await startServer(config);
} catch (err) {
  // Something the operator must fix (a DATA_DIR the server cannot use): one line, no stack trace.
  if (err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
