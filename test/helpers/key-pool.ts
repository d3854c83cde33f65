// Loaded by the test runner before every test file (`--import`): certificates made in tests take their
// RSA keys from test/fixtures/rsa-test-keys.pem, each key once per process, instead of generating them
// (≈ 150 ms of CPU each, a few hundred per run). A file that needs more gets generated ones.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setRsaKeySource } from '../../src/modules/signing/crypto/dev-ca.js';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rsa-test-keys.pem');
const keys = fs.readFileSync(file, 'utf8').match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g) ?? [];
let next = 0;
setRsaKeySource(() => keys[next++]);
