/**
 * What each variable of the configuration means, for docs/configuration.md: the variables and their
 * defaults come from ConfigSchema (activities/config.ts), so a variable added there without words here
 * fails to compile, and one removed leaves words here that fail to compile too.
 */
import type { ConfigSchema } from '../../activities/config.js';

export interface VariableDoc {
  /** The default in words, where the schema has none (or its own is this machine's, as the data folder). */
  default?: string;
  meaning: string;
}

export const CONFIG_VARIABLES: Record<keyof typeof ConfigSchema.shape, VariableDoc> = {
  BM_MODE: { meaning: '`production`: the checks of [running in production](security.md#running-in-production); no demo people or tokens' },
  BM_DATA_DIR: {
    default: '`<repository>/.data` (a relative path is taken from the repository)',
    meaning: 'SQLite file, logs, generated secrets, delivery ledger; the same for `npm start`, `npm run worker`, `npm run api`',
  },
  BM_REGISTRY_FILE: {
    default: 'demo registry (demo only)',
    meaning: 'organs, authorities, contacts (validated at start-up; bad data stops it); production: required',
  },
  BM_POLICY_FILE: { default: 'defaults in `domain/policy.ts`', meaning: 'local policy (本地策略) values' },
  BM_CALENDAR_FILE: { default: 'embedded calendar', meaning: 'an updated holiday calendar, read again when the file changes' },
  BM_WEBHOOK_SECRET: {
    default: 'generated into `.data/webhook-secret`',
    meaning: 'shared HMAC key for webhook receivers whose registry contact names no `webhookSecretRef`; not used in production',
  },
  BM_CODEC_KEYS: {
    default: 'one key generated into `.data/codec-key` (demo only)',
    meaning: 'payload encryption keys `id:base64(32 bytes),…`; old ids keep decoding; production: required, each exactly 32 random bytes',
  },
  BM_CODEC_KEY_ID: {
    default: "the generated key's id (demo only)",
    meaning: 'the id in `BM_CODEC_KEYS` that seals new payloads (rotation)',
  },
  BM_RECORDS_URL: {
    default: 'the embedded PostgreSQL `npm start` runs',
    meaning: 'the record database (案卷): a `postgres://` URL of a PostgreSQL server (see [the case file](case-file.md))',
  },
  BM_SMTP_URL: {
    default: '— (e-mail off)',
    meaning:
      'SMTP server for e-mail reminders, e.g. `smtp://mail.example:25`; production requires TLS: `smtps://…`, or `smtp://…:587?requireTLS=true` (STARTTLS required), never `tls.rejectUnauthorized=false`',
  },
  BM_MAIL_FROM: { meaning: 'sender of reminder e-mails' },
  PORT: { meaning: 'HTTP API port' },
  HOST: { meaning: 'HTTP API listening address' },
  BM_PUBLIC_URL: {
    default: '`http://127.0.0.1:$PORT`',
    meaning: 'the address browsers use; the OIDC redirect URI derives from it; `https:` marks cookies `Secure`',
  },
  BM_SESSION_HOURS: { default: '`8`', meaning: "longest dashboard session (never beyond `BM_TOKEN_MAX_HOURS`, nor the ID token's expiry)" },
  BM_UI_ORIGIN: { default: '`http://127.0.0.1:8233`', meaning: 'the Temporal Web UI allowed to call the codec endpoint' },
  BM_JWT_SECRET: {
    default: 'generated into `.data/jwt-secret` (demo only)',
    meaning: 'HS256 key for bearer tokens; production: required, ≥ 32 random bytes',
  },
  BM_JWT_AUDIENCE: { default: '`baomi-procedures-api`', meaning: 'the `aud` a token must carry' },
  BM_ID_SECRET: {
    default: 'generated into `.data/id-secret` (demo only)',
    meaning:
      'HMAC key of the workflow and update ids made from `Idempotency-Key` (every API process alike); production: required, ≥ 32 random bytes',
  },
  BM_TOKEN_MAX_HOURS: { default: '`12`', meaning: 'longest accepted token lifetime (`exp − iat`); production allows at most 12' },
  BM_TOKEN_DENYLIST: {
    default: '`.data/token-denylist`',
    meaning: 'revoked token ids (`jti`), one a line; read again when the file changes',
  },
  BM_OIDC_ISSUER: {
    default: '— (no identity provider)',
    meaning:
      "the identity provider's issuer URL (https; http only on loopback); discovery from `<issuer>/.well-known/openid-configuration`",
  },
  BM_OIDC_CLIENT_ID: { default: '—', meaning: "required with `BM_OIDC_ISSUER`: this system's client (the dashboard's login)" },
  BM_OIDC_CLIENT_SECRET: { default: '— (public client, PKCE)', meaning: 'for a confidential client (`client_secret_post`)' },
  BM_OIDC_AUDIENCE: { default: '`BM_OIDC_CLIENT_ID`', meaning: 'the `aud` a bearer token of the provider must carry' },
  BM_OIDC_REDIRECT_URI: { default: '`$BM_PUBLIC_URL/auth/callback`', meaning: 'the redirect URI registered at the provider' },
  BM_OIDC_POST_LOGOUT_REDIRECT_URI: {
    default: '`$BM_PUBLIC_URL/`',
    meaning: 'where the provider returns the browser after signing out (RP-initiated logout), registered at the provider',
  },
  BM_OIDC_SCOPE: { default: '`openid profile`', meaning: 'scopes asked at login (add the scope that releases the party and role claims)' },
  BM_OIDC_NAME_CLAIM: { default: '`name`', meaning: 'the claim naming the person' },
  BM_OIDC_PARTY_CLAIM: { default: '`bm_party`', meaning: 'the claim naming the party' },
  BM_OIDC_ROLES_CLAIM: { default: '`bm_roles`', meaning: 'the claim naming the roles' },
  BM_IDENTITY_MAPPING: {
    default: '`registry` in production, `claims` in demo',
    meaning:
      "who says a person's party and roles: the registry's `people` by `sub`, or the provider's claims (only where users cannot edit them; see [connecting an identity provider](security.md#connecting-an-identity-provider))",
  },
  BM_RATE_LIMIT_PER_MINUTE: { default: '`1200`', meaning: 'API requests per minute per person (valid token)' },
  BM_ANON_RATE_LIMIT_PER_MINUTE: {
    default: '`120`',
    meaning: 'API requests per minute per client address (IPv6: per /64) without a valid token',
  },
  BM_TRUST_PROXY: {
    default: '— (`X-Forwarded-For` ignored)',
    meaning:
      "the reverse proxy's (TLS front end's) IP addresses or CIDR ranges, comma-separated: its requests count as from the client in `X-Forwarded-For` (rate limit, denial log); never `true`, a host name, `/0`",
  },
  BM_DENIAL_RETENTION_DAYS: {
    meaning:
      'Days the denial log keeps a refusal (本地策略; at least 180: 网络安全法 第二十一条); older rows are purged at each API start and daily',
  },
  BM_RECORDS_PORT: { meaning: "the embedded record database's loopback port" },
  BM_RECORDS_DATABASE: { meaning: "the embedded record database's name" },
  BM_RECORD_KEYS: {
    default: 'demo: one key generated into `.data/record-key`',
    meaning: "the record's head MAC keys, `id:base64key,…` (32 random bytes each); Temporal never sees them",
  },
  BM_RECORD_KEY_ID: { default: 'the last of `BM_RECORD_KEYS`', meaning: 'the key new record heads are signed with (rotation)' },
  BM_RECORD_WATCH_SECONDS: {
    meaning:
      "seconds between the worker's checks of the record against Temporal (a reset, a terminate, a fake start alarmed within a minute)",
  },
  BM_ALARM_EMAIL: {
    default: '—',
    meaning: "the operators' e-mail addresses (comma-separated) that the record check alarms, beside the national authority's contact",
  },
  BM_WORKFLOW_BUNDLE: {
    default: 'set by `npm start` to `.cache/workflow-bundle.js`',
    meaning: 'a prebuilt workflow bundle for the worker (no webpack at worker start)',
  },
  BM_MAX_CACHED_WORKFLOWS: { meaning: 'workflows the worker keeps in memory; the others replay on their next event or timer' },
  BM_STICKY_TIMEOUT_SECONDS: {
    meaning:
      "seconds a cached procedure's task waits for its worker before any worker takes it with a full replay (Temporal's default 10 s is exceeded in a deadline storm; a worker that is gone is noticed sooner)",
  },
  BM_TEMPORAL_PORT: { meaning: 'embedded dev server port' },
  BM_TEMPORAL_UI_PORT: { meaning: "embedded dev server's Web UI port" },
  BM_CLUSTER_PORT: { meaning: "`npm run cluster`: first port (the frontend's)" },
  BM_CLUSTER_API_PORT: { meaning: '`npm run cluster`: first API port' },
  BM_CLUSTER_DIR: { default: '`$BM_DATA_DIR/cluster`', meaning: '`npm run cluster`: its folder' },
  BM_API_METRICS_PORT: {
    meaning: "the API's Prometheus `/metrics`, on 127.0.0.1 only, no token (`off` disables; one port per process on a host)",
  },
  BM_WORKER_METRICS_PORT: {
    meaning: 'the Temporal SDK runtime metrics (`temporal_*`) of the worker, its Prometheus exporter on 127.0.0.1 (`off` disables)',
  },
  BM_WORKER_APP_METRICS_PORT: { meaning: "the worker's own metrics (deliveries, alarm lateness) on 127.0.0.1 (`off` disables)" },
  LOG_LEVEL: {
    meaning:
      'API and worker log level: `trace`, `debug`, `info`, `warn` or `error` (JSON lines; each line of a start, an event or an activity carries `procedureId`)',
  },
};

/** Variables read outside ConfigSchema: Temporal's connection (@temporalio/envconfig, temporal/connection.ts), the webhook receivers' own secrets, the Temporal binaries. */
export const OTHER_VARIABLES: Array<{ names: string; default: string; meaning: string }> = [
  {
    names: '`TEMPORAL_ADDRESS`',
    default: 'embedded dev server on `127.0.0.1:$BM_TEMPORAL_PORT`',
    meaning:
      "a Temporal cluster or Temporal Cloud endpoint (then no dev server is started; production only: demo mode refuses it); the Temporal variables follow the SDK's `@temporalio/envconfig` (also `TEMPORAL_PROFILE`, `TEMPORAL_CONFIG_FILE` for a TOML profile)",
  },
  { names: '`TEMPORAL_NAMESPACE`', default: '`default`', meaning: 'namespace' },
  { names: '`TEMPORAL_TASK_QUEUE`', default: '`baomi-procedures`', meaning: 'task queue' },
  {
    names: '`TEMPORAL_API_KEY`',
    default: '—',
    meaning: 'Temporal Cloud API key (implies TLS); in production this or mTLS is required unless the address is loopback',
  },
  {
    names:
      '`TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH` (aliases `TEMPORAL_TLS_CERT`, `TEMPORAL_TLS_KEY`; or `…_DATA` with the PEM itself)',
    default: '—',
    meaning: 'mTLS client certificate and key; in production these or an API key are required unless the address is loopback',
  },
  {
    names: '`TEMPORAL_TLS_SERVER_CA_CERT_PATH` (alias `TEMPORAL_TLS_CA`), `TEMPORAL_TLS_SERVER_NAME`, `TEMPORAL_TLS=true`',
    default: '—',
    meaning: 'server CA, SNI override, plain TLS',
  },
  {
    names: 'variables or files named by `webhookSecretRef`',
    default: '—',
    meaning: 'each webhook receiver\'s own HMAC key (at least 32 characters), e.g. `BM_WEBHOOK_SECRET_GD` for `"env:BM_WEBHOOK_SECRET_GD"`',
  },
  {
    names: '`TEMPORAL_CLI_PATH`, `TEMPORAL_TEST_SERVER_PATH`',
    default: '`.cache/temporal-venv/bin/…`',
    meaning: 'use existing Temporal binaries',
  },
];
