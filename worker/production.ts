import { readFileSync } from 'node:fs';
import { isDemoRegistryVersion } from '../domain/registry/registry.js';
import { isProduction } from '../temporal/connection.js';

/** Minimum strength of a shared secret: 32 bytes, not a short pattern repeated. */
export const MIN_SECRET_BYTES = 32;
const MIN_DISTINCT = 10;
/** Longest token lifetime production accepts (hours). */
export const MAX_PRODUCTION_TOKEN_HOURS = 12;

function weakSecret(name: string, value: string | undefined, how: string): string | undefined {
  if (!value) return `${name}: required in production mode (${how})`;
  const bytes = Buffer.byteLength(value);
  if (bytes < MIN_SECRET_BYTES)
    return `${name}: too short (${bytes} bytes); at least ${MIN_SECRET_BYTES} random bytes are required (${how})`;
  if (new Set(value).size < MIN_DISTINCT)
    return `${name}: too weak (fewer than ${MIN_DISTINCT} distinct characters); use random bytes (${how})`;
  return undefined;
}

function codecKeyProblems(keys: string | undefined): string[] {
  const how = 'id:base64(32 random bytes), comma-separated; e.g. k1:$(openssl rand -base64 32)';
  if (!keys) return [`BM_CODEC_KEYS: required in production mode (${how})`];
  const entries = keys.split(',');
  return entries.flatMap((entry, i) => {
    const [id, b64] = entry.split(':').map((x) => x.trim());
    // Never the value: an entry without its "id:" is the key itself. A key is named by its id only when that looks like one.
    if (!id || !b64) return [`BM_CODEC_KEYS: entry ${i + 1} of ${entries.length} is not "id:base64key" (value withheld; ${how})`];
    const name = /^[\w.-]{1,20}$/.test(id) ? `key "${id}"` : `key ${i + 1} of ${entries.length}`;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) return [`BM_CODEC_KEYS: ${name} has ${key.length} bytes; AES-256 needs exactly 32 (${how})`];
    if (new Set(key).size < 16) return [`BM_CODEC_KEYS: ${name} is too weak (fewer than 16 distinct bytes); use random bytes (${how})`];
    return [];
  });
}

/** The record's head MAC keys (records/keys.ts): each fault named, never a key. */
function recordKeyProblems(keys: string | undefined): string[] {
  const how = 'id:base64(32 random bytes), comma-separated; e.g. r1:$(openssl rand -base64 32)';
  if (!keys) return [`BM_RECORD_KEYS: required in production mode (the record's MAC keys, which Temporal never sees; ${how})`];
  return keys.split(',').flatMap((entry, i) => {
    const at = entry.indexOf(':');
    if (at < 1) return [`BM_RECORD_KEYS: entry ${i + 1} has no "id:" before its key (${how})`];
    const key = Buffer.from(entry.slice(at + 1).trim(), 'base64');
    const id = entry.slice(0, at).trim();
    if (key.length < 32) return [`BM_RECORD_KEYS: key "${id}" has ${key.length} bytes; at least 32 are required (${how})`];
    if (new Set(key).size < 16)
      return [`BM_RECORD_KEYS: key "${id}" is too weak (fewer than 16 distinct bytes); use random bytes (${how})`];
    return [];
  });
}

/**
 * The registry must be given and must not be the demonstration's, whatever its file is called (its
 * `version` says); where people sign in mapped by it (the API, BM_IDENTITY_MAPPING=registry, the
 * default), it lists them.
 */
function registryProblem(file: string | undefined, people: boolean): string | undefined {
  const how = 'a JSON file of the real organs and authorities, with a version of its own';
  if (!file) return `BM_REGISTRY_FILE: required in production mode (the demo registry is refused); ${how}`;
  let data: { version?: unknown; people?: unknown };
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } catch (e) {
    return `BM_REGISTRY_FILE: cannot read ${file} (${(e as Error).message}); ${how}`;
  }
  if (typeof data.version === 'string' && isDemoRegistryVersion(data.version))
    return `BM_REGISTRY_FILE: ${file} is the demonstration registry (version "${data.version}"; a version starting with "demo" marks it), refused in production mode; ${how}`;
  return people && !(Array.isArray(data.people) && data.people.length)
    ? `BM_REGISTRY_FILE: ${file} lists no people, and BM_IDENTITY_MAPPING is registry (the default in production): nobody could sign in; add "people" (sub, partyId, roles), or set BM_IDENTITY_MAPPING=claims (docs/security.md: the provider's users must not edit those claims)`
    : undefined;
}

/**
 * What production mode (BM_MODE=production) refuses to start without: no demo registry, strong
 * secrets from the environment (never generated into the data folder), no embedded dev server,
 * and, where people sign in (the API, npm start; not the worker), the department's identity
 * provider: production accepts no token of the embedded format and offers no demo sign-in.
 * Each problem names the variable and what is required.
 */
export function productionProblems(env: NodeJS.ProcessEnv = process.env, who = 'api'): string[] {
  if (!isProduction(env)) return [];
  const hours = env.BM_TOKEN_MAX_HOURS === undefined ? undefined : Number(env.BM_TOKEN_MAX_HOURS);
  return [
    registryProblem(env.BM_REGISTRY_FILE, who !== 'worker' && env.BM_IDENTITY_MAPPING !== 'claims'),
    env.TEMPORAL_ADDRESS
      ? undefined
      : 'TEMPORAL_ADDRESS: required in production mode (the embedded dev server is not started); the Temporal frontend host:port',
    weakSecret('BM_JWT_SECRET', env.BM_JWT_SECRET, 'the HS256 key of the dashboard session cookies; e.g. $(openssl rand -base64 48)'),
    who === 'worker'
      ? undefined
      : weakSecret('BM_ID_SECRET', env.BM_ID_SECRET, 'the HMAC key of the ids made from Idempotency-Key; e.g. $(openssl rand -base64 48)'),
    who === 'worker' || env.BM_OIDC_ISSUER
      ? undefined
      : "BM_OIDC_ISSUER: required in production mode (people sign in through the department's identity provider, OpenID Connect; the embedded HS256 tokens and the demo sign-in are refused)",
    who === 'worker' || !env.BM_OIDC_ISSUER || env.BM_OIDC_CLIENT_ID
      ? undefined
      : 'BM_OIDC_CLIENT_ID: required with BM_OIDC_ISSUER (the client registered for this system at the identity provider)',
    ...codecKeyProblems(env.BM_CODEC_KEYS),
    env.BM_RECORDS_URL
      ? undefined
      : 'BM_RECORDS_URL: required in production mode (the embedded record database is not started); the postgres:// URL of the record database (案卷)',
    ...recordKeyProblems(env.BM_RECORD_KEYS),
    mailProblem(env.BM_SMTP_URL),
    // Webhook receivers each have their own secret (registry webhookSecretRef), checked when the worker loads them.
    hours !== undefined && !(hours > 0 && hours <= MAX_PRODUCTION_TOKEN_HOURS)
      ? `BM_TOKEN_MAX_HOURS: "${env.BM_TOKEN_MAX_HOURS}" exceeds the production maximum of ${MAX_PRODUCTION_TOKEN_HOURS} hours`
      : undefined,
  ].filter((p): p is string => p !== undefined);
}

/**
 * Production mail goes over TLS: `smtps://`, or `smtp://…?requireTLS=true` (STARTTLS required, the
 * message refused without it), and never with the certificate check off. The URL is not quoted (it
 * may carry the password).
 */
function mailProblem(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the configuration check names it
  }
  const how = 'smtps://host:465, or smtp://host:587?requireTLS=true for STARTTLS';
  if (parsed.protocol !== 'smtps:' && parsed.searchParams.get('requireTLS') !== 'true')
    return `BM_SMTP_URL: production mail requires TLS (value withheld); use ${how}`;
  if (parsed.searchParams.get('tls.rejectUnauthorized') === 'false')
    return `BM_SMTP_URL: tls.rejectUnauthorized=false turns off the server certificate check, refused in production mode (value withheld)`;
  return undefined;
}

/** The registry file's `version`, when the file can be read (production reports an unreadable one; demo mode leaves it to the loader). */
function registryVersion(file: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Demo mode (BM_MODE unset or "demo") signs anyone in as any party with one click: it runs only
 * as the demonstration — the demo registry, the embedded Temporal dev server, no record database,
 * no identity provider. Any of these set means a real deployment that forgot BM_MODE=production.
 */
export function demoProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  if (isProduction(env)) return [];
  const fix = 'set BM_MODE=production (demo mode offers one-click sign-in as any party)';
  const version = env.BM_REGISTRY_FILE ? registryVersion(env.BM_REGISTRY_FILE) : undefined;
  return [
    version !== undefined && !isDemoRegistryVersion(version)
      ? `BM_REGISTRY_FILE: a registry of your own (version "${version}", not a demonstration's "demo…") is refused in demo mode; ${fix}`
      : undefined,
    env.TEMPORAL_ADDRESS
      ? `TEMPORAL_ADDRESS: a Temporal cluster of your own is refused in demo mode (the demonstration runs its embedded dev server on BM_TEMPORAL_PORT); ${fix}`
      : undefined,
    env.BM_RECORDS_URL ? `BM_RECORDS_URL: a record database is refused in demo mode; ${fix}` : undefined,
    env.BM_OIDC_ISSUER ? `BM_OIDC_ISSUER: an identity provider is refused in demo mode; ${fix}` : undefined,
  ].filter((p): p is string => p !== undefined);
}

/**
 * For entry points: stop with every problem listed before anything starts — production mode
 * without what it needs, or demo mode configured as a real deployment.
 */
export function refuseUnsafeStart(who: string, env: NodeJS.ProcessEnv = process.env): void {
  const production = isProduction(env);
  const problems = production ? productionProblems(env, who) : demoProblems(env);
  if (!problems.length) return;
  const mode = production ? 'production mode (BM_MODE=production)' : 'demo mode (BM_MODE unset or demo)';
  console.error(`[${who}] cannot start in ${mode}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
