import path from 'node:path';

/** Every setting of the app, parsed once from the environment. Nothing else reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** The app's address as others reach it (links it publishes, e.g. the dev CA's CRL URL); no trailing slash. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  /** Port for the embedded PostgreSQL; 0 picks a free one at each start. */
  embeddedPgPort: number;
  s3: null | {
    endPoint: string;
    port: number | undefined;
    useSSL: boolean;
    accessKey: string;
    secretKey: string;
    bucket: string;
  };
  adminPassword: string | null;
  /** DEMO: `district` (1) seeds huyện Sơn Hà before July 2025, `province` tỉnh Vân Sơn after it; false = none. */
  demo: false | 'district' | 'province';
  tsaUrl: string | null;
  /** How long a signature waits for the TSA before it is made without a timestamp (B-B), in ms. */
  tsaTimeoutMs: number;
  /** Store objects and staged copies younger than this are never swept (STORE_SWEEP_GRACE_SECONDS). */
  storeSweepGraceMs: number;
  /**
   * An issue still `issuing` this long after its number was taken is finished by the recovery job
   * (ISSUE_RECOVERY_SECONDS); longer than any issue takes, TSA wait included.
   */
  issueRecoveryGraceMs: number;
  /** Secret for session tokens; when null a random one is kept in DATA_DIR. */
  appSecret: string | null;
  /** Secret from which the key that encrypts stored private keys is derived; null = kept in DATA_DIR. */
  keySecret: string | null;
  /** Largest accepted upload, in bytes. */
  maxUploadBytes: number;
  /** Largest accepted JSON body, in bytes. */
  maxJsonBytes: number;
  /** Serve the province's exchange axis (`/axis/v1/*` and `/api/axis/*`). */
  axis: boolean;
  /** Largest edXML package the axis accepts, in bytes. */
  maxPackageBytes: number;
  /** Connect to an exchange axis as this system (AXIS_URL, AXIS_SYSTEM_ID, AXIS_SECRET); null when not connected. */
  axisClient: { url: string; systemId: string; secret: string } | null;
  tokenTtlSeconds: number;
  /**
   * Password guessing: failed logins are counted per account and per client address in a window
   * of `loginWindowMinutes`; past the threshold the account (or address) is refused with 429 for
   * `loginBlockMinutes`. The address threshold is higher: a whole agency may sit behind one NAT.
   */
  loginMaxFailuresPerUser: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  loginBlockMinutes: number;
  /**
   * Which hops may tell the client's address in X-Forwarded-For (fastify `trustProxy`): `true`
   * every hop, `false` none, or addresses/CIDRs/`loopback`/`linklocal`/`uniquelocal`.
   */
  trustProxy: boolean | string[];
  /** A flash delivery rings again this often until acknowledged. */
  alarmRepeatSeconds: number;
  /** Unacknowledged this long, a flash delivery is escalated to the unit's leaders. */
  escalateAfterMinutes: number;
  /** How often each replica looks for due alarms (they are also woken by new events). */
  alarmTickMs: number;
  /** Web Push contact (VAPID "sub"), a mailto: or https: URL. */
  vapidSubject: string;
  /** Read the text of stored files on this instance (TEXT_EXTRACTION; off on a replica that should not). */
  textExtraction: boolean;
  /** Render pages 1–2 of a main file as page images in the background when it is issued or opened (PAGE_IMAGES_AHEAD). */
  pageImagesAhead: boolean;
  /** Reading one file's text layer gives up after this long (TEXT_TIMEOUT_SECONDS). */
  textTimeoutMs: number;
  /** Pages of a file read at most (TEXT_MAX_PAGES). */
  textMaxPages: number;
  /** A file whose reading failed this many times is marked failed, never retried (TEXT_MAX_ATTEMPTS). */
  textMaxAttempts: number;
  /** The wait after the first failure, doubled after each further one (TEXT_RETRY_SECONDS). */
  textRetryMs: number;
  /** A claimed file is the claimer's for this long, renewed while it reads (TEXT_LEASE_SECONDS). */
  textLeaseMs: number;
  /** How often the text job looks for due files besides being woken (TEXT_TICK_SECONDS). */
  textTickMs: number;
  /** The Tesseract binary (OCR_COMMAND), its language(s) (OCR_LANGUAGE), the rasterising resolution (OCR_DPI). */
  ocrCommand: string;
  ocrLanguage: string;
  ocrDpi: number;
  /** Rasterising or recognising one page is killed after this long (OCR_PAGE_TIMEOUT_SECONDS). */
  ocrPageTimeoutMs: number;
  /** Email notifications by SMTP (SMTP_URL, MAIL_FROM); null: no email. */
  mail: null | { url: string; from: string };
  /**
   * SMS through an HTTP gateway (SMS_URL, SMS_METHOD, SMS_HEADERS as a JSON object, SMS_BODY a
   * template with {phone}, {phoneLocal}, {text} and {id}); null: no SMS.
   */
  sms: null | { url: string; method: 'GET' | 'POST' | 'PUT'; headers: Record<string, string>; body: string | null };
  /** A failed notification is retried after this, doubled each time (NOTIFY_RETRY_SECONDS), at most NOTIFY_MAX_ATTEMPTS times. */
  notifyRetryMs: number;
  notifyMaxAttempts: number;
  /** How often each replica looks for due notifications besides being woken by events (NOTIFY_TICK_MS). */
  notifyTickMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env`, collecting every problem before failing so an operator fixes them all at once. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = str(name);
    if (v === null) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return def;
    }
    return Number(v);
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = str(name);
    if (v === null) return def;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    problems.push(`${name} must be 1/0, true/false, yes/no or on/off (got "${v}")`);
    return def;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const v = str(name);
    if (v === null) return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return v;
  };

  const s3Endpoint = str('S3_ENDPOINT');
  let s3: Config['s3'] = null;
  if (s3Endpoint) {
    const accessKey = str('S3_ACCESS_KEY');
    const secretKey = str('S3_SECRET_KEY');
    if (!accessKey) problems.push('S3_ACCESS_KEY is required when S3_ENDPOINT is set');
    if (!secretKey) problems.push('S3_SECRET_KEY is required when S3_ENDPOINT is set');
    const bucket = str('S3_BUCKET') ?? 'lienthong';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET "${bucket}" is not a valid bucket name`);
    s3 = {
      endPoint: s3Endpoint,
      port: str('S3_PORT') === null ? undefined : int('S3_PORT', 9000, 1, 65535),
      useSSL: bool('S3_USE_SSL', false),
      accessKey: accessKey ?? '',
      secretKey: secretKey ?? '',
      bucket,
    };
  } else if (str('S3_ACCESS_KEY') || str('S3_BUCKET')) {
    problems.push('S3_ACCESS_KEY/S3_BUCKET are set but S3_ENDPOINT is not');
  }

  const axisUrl = url('AXIS_URL', ['http:', 'https:']);
  const axisSystemId = str('AXIS_SYSTEM_ID');
  const axisSecret = str('AXIS_SECRET');
  let axisClient: Config['axisClient'] = null;
  if (axisUrl || axisSystemId || axisSecret) {
    if (!axisUrl || !axisSystemId || !axisSecret) problems.push('AXIS_URL, AXIS_SYSTEM_ID and AXIS_SECRET must be set together');
    else axisClient = { url: axisUrl.replace(/\/+$/, ''), systemId: axisSystemId, secret: axisSecret };
  }

  const appSecret = str('APP_SECRET');
  if (appSecret !== null && appSecret.length < 32) problems.push('APP_SECRET must be at least 32 characters');
  const keySecret = str('KEY_SECRET');
  if (keySecret !== null && keySecret.length < 32) problems.push('KEY_SECRET must be at least 32 characters');
  const adminPassword = str('ADMIN_PASSWORD');
  if (adminPassword !== null && adminPassword.length < 8) problems.push('ADMIN_PASSWORD must be at least 8 characters');

  const port = int('PORT', 3000, 0, 65535);
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = str('MAIL_FROM');
  if (mailFrom && !smtpUrl) problems.push('MAIL_FROM is set but SMTP_URL is not');
  const smsUrl = url('SMS_URL', ['http:', 'https:']);
  let sms: Config['sms'] = null;
  if (smsUrl) {
    const method = (str('SMS_METHOD') ?? 'POST').toUpperCase();
    if (!['GET', 'POST', 'PUT'].includes(method)) problems.push(`SMS_METHOD must be GET, POST or PUT (got "${method}")`);
    let headers: Record<string, string> = {};
    const rawHeaders = str('SMS_HEADERS');
    if (rawHeaders) {
      try {
        const parsed: unknown = JSON.parse(rawHeaders);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) throw new Error('not an object of strings');
        headers = parsed as Record<string, string>;
      } catch {
        problems.push('SMS_HEADERS must be a JSON object of strings, e.g. {"Content-Type":"application/json","Authorization":"Bearer …"}');
      }
    }
    const body = str('SMS_BODY');
    if (method !== 'GET' && !body) problems.push('SMS_BODY is required when SMS_METHOD is POST or PUT (a template with {phone} and {text})');
    if (![smsUrl, body ?? ''].some((t) => t.includes('{text}'))) problems.push('SMS_URL or SMS_BODY must contain {text}');
    if (![smsUrl, body ?? ''].some((t) => t.includes('{phone}') || t.includes('{phoneLocal}'))) problems.push('SMS_URL or SMS_BODY must contain {phone} or {phoneLocal}');
    sms = { url: smsUrl, method: method as 'GET' | 'POST' | 'PUT', headers, body: method === 'GET' ? null : body };
  } else if (str('SMS_BODY') || str('SMS_HEADERS') || str('SMS_METHOD')) {
    problems.push('SMS_BODY/SMS_HEADERS/SMS_METHOD are set but SMS_URL is not');
  }
  const config: Config = {
    port,
    publicUrl: (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    host: str('HOST') ?? '127.0.0.1',
    dataDir: path.resolve(str('DATA_DIR') ?? './storage'),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 0, 0, 65535),
    s3,
    adminPassword,
    demo: demoSetting(str('DEMO')),
    tsaUrl: url('TSA_URL', ['http:', 'https:']),
    tsaTimeoutMs: int('TSA_TIMEOUT_SECONDS', 15, 1, 120) * 1000,
    storeSweepGraceMs: int('STORE_SWEEP_GRACE_SECONDS', 3600, 1, 30 * 24 * 3600) * 1000,
    issueRecoveryGraceMs: int('ISSUE_RECOVERY_SECONDS', 120, 5, 3600) * 1000,
    appSecret,
    keySecret,
    maxUploadBytes: int('MAX_UPLOAD_MB', 50, 1, 4096) * 1024 * 1024,
    maxJsonBytes: int('MAX_JSON_KB', 1024, 1, 65536) * 1024,
    axis: bool('AXIS', false),
    maxPackageBytes: int('MAX_PACKAGE_MB', 100, 1, 4096) * 1024 * 1024,
    axisClient,
    tokenTtlSeconds: int('TOKEN_TTL_HOURS', 12, 1, 24 * 30) * 3600,
    loginMaxFailuresPerUser: int('LOGIN_MAX_FAILURES_PER_USER', 10, 1, 100_000),
    loginMaxFailuresPerAddress: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 100, 1, 1_000_000),
    loginWindowMinutes: int('LOGIN_WINDOW_MINUTES', 15, 1, 7 * 24 * 60),
    loginBlockMinutes: int('LOGIN_BLOCK_MINUTES', 15, 1, 7 * 24 * 60),
    trustProxy: trustProxy(str('TRUST_PROXY')),
    alarmRepeatSeconds: int('ALARM_REPEAT_SECONDS', 60, 1, 3600),
    escalateAfterMinutes: int('ESCALATE_AFTER_MINUTES', 10, 1, 24 * 60),
    alarmTickMs: int('ALARM_TICK_MS', 1000, 50, 60_000),
    vapidSubject: str('VAPID_SUBJECT') ?? 'mailto:admin@lienthong.invalid',
    textExtraction: bool('TEXT_EXTRACTION', true),
    pageImagesAhead: bool('PAGE_IMAGES_AHEAD', true),
    textTimeoutMs: int('TEXT_TIMEOUT_SECONDS', 120, 1, 3600) * 1000,
    textMaxPages: int('TEXT_MAX_PAGES', 2000, 1, 100_000),
    textMaxAttempts: int('TEXT_MAX_ATTEMPTS', 5, 1, 100),
    textRetryMs: int('TEXT_RETRY_SECONDS', 60, 1, 24 * 3600) * 1000,
    textLeaseMs: int('TEXT_LEASE_SECONDS', 300, 5, 24 * 3600) * 1000,
    textTickMs: int('TEXT_TICK_SECONDS', 30, 1, 3600) * 1000,
    ocrCommand: str('OCR_COMMAND') ?? 'tesseract',
    ocrLanguage: str('OCR_LANGUAGE') ?? 'vie',
    ocrDpi: int('OCR_DPI', 300, 70, 600),
    ocrPageTimeoutMs: int('OCR_PAGE_TIMEOUT_SECONDS', 120, 1, 3600) * 1000,
    mail: smtpUrl ? { url: smtpUrl, from: mailFrom ?? 'lienthong <no-reply@lienthong.invalid>' } : null,
    sms,
    notifyRetryMs: int('NOTIFY_RETRY_SECONDS', 30, 1, 3600) * 1000,
    notifyMaxAttempts: int('NOTIFY_MAX_ATTEMPTS', 6, 1, 50),
    notifyTickMs: int('NOTIFY_TICK_MS', 5000, 50, 600_000),
    logLevel: str('LOG_LEVEL') ?? 'info',
  };
  function demoSetting(v: string | null): Config['demo'] {
    if (v === null) return false;
    if (/^(province|tinh|tỉnh)$/i.test(v)) return 'province';
    if (/^(district|huyen|huyện)$/i.test(v)) return 'district';
    if (/^(1|true|yes|on)$/i.test(v)) return 'district';
    if (/^(0|false|no|off)$/i.test(v)) return false;
    problems.push(`DEMO must be 1 (the district huyện Sơn Hà), province (the province tỉnh Vân Sơn) or 0 (got "${v}")`);
    return false;
  }
  function trustProxy(v: string | null): boolean | string[] {
    if (v === null) return ['loopback'];
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    const hops = v.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = hops.filter((h) => !/^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i.test(h));
    if (bad.length) problems.push(`TRUST_PROXY must be 1, 0 or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal (got "${bad.join(', ')}")`);
    return hops;
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${config.logLevel}")`);
  }
  if (!/^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$/.test(config.ocrLanguage)) {
    problems.push(`OCR_LANGUAGE must be Tesseract language names joined by + (e.g. vie or vie+eng; got "${config.ocrLanguage}")`);
  }
  if (config.issueRecoveryGraceMs <= config.tsaTimeoutMs) {
    problems.push('ISSUE_RECOVERY_SECONDS must be longer than TSA_TIMEOUT_SECONDS (an issue may wait that long for its timestamp)');
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...config, ...overrides };
}

/** The process's own settings; `--demo` (used by `npm start`) makes DEMO default to 1. */
export function loadProcessConfig(argv: string[] = process.argv): Config {
  const env = { ...process.env };
  if (argv.includes('--demo') && env.DEMO === undefined) env.DEMO = '1';
  return loadConfig(env);
}
