import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * How long denials are kept (BM_DENIAL_RETENTION_DAYS): 365 days by default (本地策略), never under
 * 180 (网络安全法 第二十一条(三): network logs kept at least six months; the database's trigger refuses less).
 */
export const DENIAL_RETENTION = { defaultDays: 365, minDays: 180 } as const;

/** The repository root: every entry point's default data folder hangs from it, whatever the working directory. */
export const ROOT = new URL('..', import.meta.url).pathname;
/** The one default of BM_DATA_DIR, for `npm start`, `npm run worker`, `npm run api` and the scripts alike. */
export const DEFAULT_DATA_DIR = join(ROOT, '.data');

const optionalText = z.string().min(1).optional();
const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `a whole number (${what})` })
    .int(`a whole number (${what})`)
    .positive(`above 0 (${what})`);
const port = z.coerce
  .number({ error: 'a port number 1–65535' })
  .int('a port number 1–65535')
  .min(1, 'a port number 1–65535')
  .max(65535, 'a port number 1–65535');
const metricsPort = z.union([z.literal('off'), port], { error: 'a port number 1–65535 or "off"' });
const portOrOff = (v: number | 'off') => (v === 'off' ? undefined : v);
/** An IP address, or a CIDR range narrower than everyone (a /0 would believe any sender's X-Forwarded-For). */
const isAddressOrRange = (s: string) => {
  const [ip = '', prefix, ...rest] = s.split('/');
  const family = isIP(ip);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
};
const TRUST_PROXY_EXPECTED =
  'the reverse proxy\'s IP addresses or CIDR ranges, separated by commas (e.g. 10.0.0.5 or 10.0.0.5,10.1.0.0/16); only requests from them have X-Forwarded-For believed, so never "true", a host name or a range of everyone (/0)';
const trustProxy = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .refine((list) => list.every(isAddressOrRange), { error: TRUST_PROXY_EXPECTED });

/**
 * Every BM_* (and PORT, HOST, LOG_LEVEL) variable the entry points read, with its default: the
 * one place they are named. Temporal's connection (TEMPORAL_*) follows @temporalio/envconfig,
 * read in temporal/connection.ts. The README's Configuration table and .env.example list the same.
 */
export const ConfigSchema = z.object({
  BM_MODE: z.enum(['demo', 'production'], { error: '"demo" (the default) or "production"' }).default('demo'),
  BM_DATA_DIR: z.string().min(1, 'a folder path').default(DEFAULT_DATA_DIR),
  BM_REGISTRY_FILE: optionalText,
  BM_POLICY_FILE: optionalText,
  BM_CALENDAR_FILE: optionalText,
  BM_WEBHOOK_SECRET: optionalText,
  BM_CODEC_KEYS: optionalText,
  BM_CODEC_KEY_ID: optionalText,
  // The record database (案卷, SPEC §4a), a PostgreSQL server's URL: a real deployment's (demo mode refuses it and
  // runs the embedded one `npm start` starts on BM_RECORDS_PORT).
  BM_RECORDS_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'the record database URL, e.g. postgres://user:password@host/db' })
    .optional(),
  BM_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }).optional(),
  BM_MAIL_FROM: z.string().min(1).default('保密法定程序编排 <noreply@baomi-procedures.local>'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BM_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  BM_SESSION_HOURS: z.coerce
    .number({ error: 'a number of hours between 0 and 24' })
    .gt(0, 'a number of hours between 0 and 24')
    .max(24, 'a number of hours between 0 and 24')
    .optional(),
  BM_UI_ORIGIN: z.url({ error: 'an origin such as http://127.0.0.1:8233' }).optional(),
  // Bearer tokens (api/auth.ts); defaults there: audience baomi-procedures-api, 12 hours, $BM_DATA_DIR/token-denylist.
  BM_JWT_SECRET: optionalText,
  BM_JWT_AUDIENCE: optionalText,
  // HMAC key of the workflow and update ids made from Idempotency-Key (api/procedure-client.ts).
  BM_ID_SECRET: optionalText,
  BM_TOKEN_MAX_HOURS: z.coerce
    .number({ error: 'a number of hours between 0 and 720' })
    .gt(0, 'a number of hours between 0 and 720')
    .max(720, 'a number of hours between 0 and 720')
    .optional(),
  BM_TOKEN_DENYLIST: optionalText,
  // The identity provider (api/oidc.ts, README "Connecting an identity provider"); none without BM_OIDC_ISSUER.
  BM_OIDC_ISSUER: z.url({ error: "the identity provider's issuer URL" }).optional(),
  BM_OIDC_CLIENT_ID: optionalText,
  BM_OIDC_CLIENT_SECRET: optionalText,
  BM_OIDC_AUDIENCE: optionalText,
  BM_OIDC_REDIRECT_URI: z.url({ error: 'the redirect URI registered at the provider' }).optional(),
  BM_OIDC_POST_LOGOUT_REDIRECT_URI: z.url({ error: 'the post-logout redirect URI registered at the provider' }).optional(),
  BM_OIDC_SCOPE: optionalText,
  BM_OIDC_NAME_CLAIM: optionalText,
  BM_OIDC_PARTY_CLAIM: optionalText,
  BM_OIDC_ROLES_CLAIM: optionalText,
  // Who says a person's party and roles: the registry's people by sub (production's default), or the provider's claims.
  BM_IDENTITY_MAPPING: z.enum(['registry', 'claims'], { error: '"registry" (the registry\'s people, by sub) or "claims"' }).optional(),
  BM_RATE_LIMIT_PER_MINUTE: positiveInt('requests per minute').optional(),
  BM_ANON_RATE_LIMIT_PER_MINUTE: positiveInt('requests per minute').optional(),
  // The TLS front end (README "Security model"): off by default, X-Forwarded-For is then nobody's to set.
  BM_TRUST_PROXY: trustProxy.optional(),
  // How long the denial log keeps a refusal (api/denials.ts): 本地策略, never under six months (网络安全法 第二十一条).
  BM_DENIAL_RETENTION_DAYS: z.coerce
    .number({ error: `a whole number of days, at least ${DENIAL_RETENTION.minDays}` })
    .int(`a whole number of days, at least ${DENIAL_RETENTION.minDays}`)
    .min(DENIAL_RETENTION.minDays, `a whole number of days, at least ${DENIAL_RETENTION.minDays} (six months: 网络安全法 第二十一条)`)
    .default(DENIAL_RETENTION.defaultDays),
  BM_RECORDS_PORT: port.default(5433),
  BM_RECORDS_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a database name of lower-case letters, digits and _')
    .default('baomi_records'),
  // The record's head MAC keys (records/keys.ts): "id:base64key,…", the current one's id.
  BM_RECORD_KEYS: optionalText,
  BM_RECORD_KEY_ID: optionalText,
  // The continuous check of the record against Temporal (worker/record-watch.ts): its period, and the operators it alarms.
  BM_RECORD_WATCH_SECONDS: positiveInt('seconds between checks').default(20),
  BM_ALARM_EMAIL: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .refine((list) => list.every((a) => z.email().safeParse(a).success), { error: 'e-mail addresses separated by commas' })
    .optional(),
  BM_WORKFLOW_BUNDLE: optionalText,
  // 0: no workflow cache (every task replays its history).
  BM_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'a whole number of workflows kept in memory, 0 or more' })
    .int('a whole number of workflows kept in memory, 0 or more')
    .min(0, 'a whole number of workflows kept in memory, 0 or more')
    .default(300),
  // How long a cached procedure's task waits for this worker before any worker takes it with a full
  // replay (Temporal's default 10 s is exceeded in a deadline storm's backlog, issue 28). A worker
  // that is gone is noticed by the server sooner, whatever this value.
  BM_STICKY_TIMEOUT_SECONDS: positiveInt('seconds a cached procedure’s task waits for its worker').default(300),
  BM_TEMPORAL_PORT: port.default(7233),
  BM_TEMPORAL_UI_PORT: port.default(8233),
  BM_CLUSTER_PORT: port.default(17233),
  BM_CLUSTER_API_PORT: port.default(3101),
  BM_CLUSTER_DIR: optionalText,
  // Metrics on loopback ports (README "Metrics"); "off" disables one (e.g. several processes on one host).
  BM_API_METRICS_PORT: metricsPort.default(9463),
  BM_WORKER_METRICS_PORT: metricsPort.default(9464),
  BM_WORKER_APP_METRICS_PORT: metricsPort.default(9465),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error'], { error: 'trace, debug, info, warn or error' }).default('warn'),
});

type Parsed = z.infer<typeof ConfigSchema>;

/** The typed configuration, parsed once per process. */
export interface Config {
  mode: Parsed['BM_MODE'];
  production: boolean;
  /** Absolute: the same folder whichever directory a process starts in. */
  dataDir: string;
  registryFile?: string;
  policyFile?: string;
  calendarFile?: string;
  webhookSecret?: string;
  /** "id:base64key,…" (checked by the codec and, in production, by worker/production.ts). */
  codecKeys?: string;
  codecKeyId?: string;
  /** The record database's URL (none: the embedded one `npm start` runs on recordsPort). */
  recordsUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  port: number;
  host: string;
  /** The address browsers use (the OIDC redirect URI derives from it; https marks cookies Secure). */
  publicUrl: string;
  sessionHours?: number;
  uiOrigin?: string;
  jwtSecret?: string;
  jwtAudience?: string;
  idSecret?: string;
  tokenMaxHours?: number;
  tokenDenylist?: string;
  /** The identity provider's settings as given (api/oidc.ts checks them together and fills the defaults). */
  oidc: {
    issuer?: string;
    clientId?: string;
    clientSecret?: string;
    audience?: string;
    redirectUri?: string;
    postLogoutRedirectUri?: string;
    scope?: string;
    nameClaim?: string;
    partyClaim?: string;
    rolesClaim?: string;
    /** BM_IDENTITY_MAPPING as given (api/oidc.ts: default registry in production, claims in demo). */
    mapping?: 'registry' | 'claims';
  };
  rateLimitPerMinute?: number;
  anonymousRateLimitPerMinute?: number;
  /** The reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client; none by default. */
  trustProxy?: string[];
  /** Days the denial log keeps a refusal. */
  denialRetentionDays: number;
  recordsPort: number;
  /** The embedded record database's name. */
  recordsDatabase: string;
  recordKeys?: string;
  recordKeyId?: string;
  recordWatchSeconds: number;
  alarmEmails: string[];
  workflowBundle?: string;
  maxCachedWorkflows: number;
  stickyTimeoutSeconds: number;
  devServerPort: number;
  devServerUiPort: number;
  /** `npm run cluster` (the multi-node test cluster): first port, first API port, its folder (default $BM_DATA_DIR/cluster). */
  clusterPort: number;
  clusterApiPort: number;
  clusterDir?: string;
  /** Loopback metrics ports; undefined when "off". */
  apiMetricsPort?: number;
  workerMetricsPort?: number;
  workerAppMetricsPort?: number;
  logLevel: Parsed['LOG_LEVEL'];
}

/**
 * Settings that hold a secret, or a URL that may carry a password: a refusal names the variable and
 * the fault, never the value (it would land in logs and terminals).
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'BM_JWT_SECRET',
  'BM_ID_SECRET',
  'BM_CODEC_KEYS',
  'BM_WEBHOOK_SECRET',
  'BM_OIDC_CLIENT_SECRET',
  'BM_SMTP_URL',
  'BM_RECORDS_URL',
]);

/** Bad configuration: one line per variable, naming it, the value's fault (the value itself unless a secret) and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Environment → Config. Empty strings count as unset (as `VAR=` in a shell or an .env file). */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const set = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in ConfigSchema.shape && v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '(environment)');
        if (SECRET_SETTINGS.has(name)) return `${name}: its value (withheld: it holds a secret) is not allowed; expected ${i.message}`;
        return `${name}: "${String(set[name] ?? '')}" is not allowed; expected ${i.message}`;
      }),
    );
  }
  const c = parsed.data;
  const dataDir = isAbsolute(c.BM_DATA_DIR) ? c.BM_DATA_DIR : resolve(ROOT, c.BM_DATA_DIR);
  return {
    mode: c.BM_MODE,
    production: c.BM_MODE === 'production',
    dataDir,
    registryFile: c.BM_REGISTRY_FILE,
    policyFile: c.BM_POLICY_FILE,
    calendarFile: c.BM_CALENDAR_FILE,
    webhookSecret: c.BM_WEBHOOK_SECRET,
    codecKeys: c.BM_CODEC_KEYS,
    codecKeyId: c.BM_CODEC_KEY_ID,
    recordsUrl: c.BM_RECORDS_URL,
    smtpUrl: c.BM_SMTP_URL,
    mailFrom: c.BM_MAIL_FROM,
    port: c.PORT,
    host: c.HOST,
    publicUrl: c.BM_PUBLIC_URL ?? `http://127.0.0.1:${c.PORT}`,
    sessionHours: c.BM_SESSION_HOURS,
    uiOrigin: c.BM_UI_ORIGIN,
    jwtSecret: c.BM_JWT_SECRET,
    jwtAudience: c.BM_JWT_AUDIENCE,
    idSecret: c.BM_ID_SECRET,
    tokenMaxHours: c.BM_TOKEN_MAX_HOURS,
    tokenDenylist: c.BM_TOKEN_DENYLIST,
    oidc: {
      issuer: c.BM_OIDC_ISSUER,
      clientId: c.BM_OIDC_CLIENT_ID,
      clientSecret: c.BM_OIDC_CLIENT_SECRET,
      audience: c.BM_OIDC_AUDIENCE,
      redirectUri: c.BM_OIDC_REDIRECT_URI,
      postLogoutRedirectUri: c.BM_OIDC_POST_LOGOUT_REDIRECT_URI,
      scope: c.BM_OIDC_SCOPE,
      nameClaim: c.BM_OIDC_NAME_CLAIM,
      partyClaim: c.BM_OIDC_PARTY_CLAIM,
      rolesClaim: c.BM_OIDC_ROLES_CLAIM,
      mapping: c.BM_IDENTITY_MAPPING,
    },
    rateLimitPerMinute: c.BM_RATE_LIMIT_PER_MINUTE,
    anonymousRateLimitPerMinute: c.BM_ANON_RATE_LIMIT_PER_MINUTE,
    trustProxy: c.BM_TRUST_PROXY,
    denialRetentionDays: c.BM_DENIAL_RETENTION_DAYS,
    recordsPort: c.BM_RECORDS_PORT,
    recordsDatabase: c.BM_RECORDS_DATABASE,
    recordKeys: c.BM_RECORD_KEYS,
    recordKeyId: c.BM_RECORD_KEY_ID,
    recordWatchSeconds: c.BM_RECORD_WATCH_SECONDS,
    alarmEmails: c.BM_ALARM_EMAIL ?? [],
    workflowBundle: c.BM_WORKFLOW_BUNDLE,
    maxCachedWorkflows: c.BM_MAX_CACHED_WORKFLOWS,
    stickyTimeoutSeconds: c.BM_STICKY_TIMEOUT_SECONDS,
    devServerPort: c.BM_TEMPORAL_PORT,
    devServerUiPort: c.BM_TEMPORAL_UI_PORT,
    clusterPort: c.BM_CLUSTER_PORT,
    clusterApiPort: c.BM_CLUSTER_API_PORT,
    clusterDir: c.BM_CLUSTER_DIR,
    apiMetricsPort: portOrOff(c.BM_API_METRICS_PORT),
    workerMetricsPort: portOrOff(c.BM_WORKER_METRICS_PORT),
    workerAppMetricsPort: portOrOff(c.BM_WORKER_APP_METRICS_PORT),
    logLevel: c.LOG_LEVEL,
  };
}

let loaded: Config | undefined;
/** For entry points: the process's configuration, parsed once; bad values stop the process with every problem listed. */
export function loadConfig(who: string): Config {
  if (loaded) return loaded;
  try {
    return (loaded = parseConfig(process.env));
  } catch (e) {
    console.error(`[${who}] cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}
