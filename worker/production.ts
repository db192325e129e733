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
  return keys.split(',').flatMap((entry) => {
    const [id, b64] = entry.split(':').map((x) => x.trim());
    if (!id || !b64) return [`BM_CODEC_KEYS: "${entry.slice(0, 40)}" is not "id:base64key" (${how})`];
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) return [`BM_CODEC_KEYS: key "${id}" has ${key.length} bytes; AES-256 needs exactly 32 (${how})`];
    if (new Set(key).size < 16) return [`BM_CODEC_KEYS: key "${id}" is too weak (fewer than 16 distinct bytes); use random bytes (${how})`];
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

/** The registry must be given and must not be the demonstration's, whatever its file is called (its `version` says). */
function registryProblem(file: string | undefined): string | undefined {
  const how = 'a JSON file of the real organs and authorities, with a version of its own';
  if (!file) return `BM_REGISTRY_FILE: required in production mode (the demo registry is refused); ${how}`;
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
  } catch (e) {
    return `BM_REGISTRY_FILE: cannot read ${file} (${(e as Error).message}); ${how}`;
  }
  return typeof version === 'string' && isDemoRegistryVersion(version)
    ? `BM_REGISTRY_FILE: ${file} is the demonstration registry (version "${version}"; a version starting with "demo" marks it), refused in production mode; ${how}`
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
    registryProblem(env.BM_REGISTRY_FILE),
    env.TEMPORAL_ADDRESS
      ? undefined
      : 'TEMPORAL_ADDRESS: required in production mode (the embedded dev server is not started); the Temporal frontend host:port',
    weakSecret('BM_JWT_SECRET', env.BM_JWT_SECRET, 'the HS256 key of the dashboard session cookies; e.g. $(openssl rand -base64 48)'),
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
    // Webhook receivers each have their own secret (registry webhookSecretRef), checked when the worker loads them.
    hours !== undefined && !(hours > 0 && hours <= MAX_PRODUCTION_TOKEN_HOURS)
      ? `BM_TOKEN_MAX_HOURS: "${env.BM_TOKEN_MAX_HOURS}" exceeds the production maximum of ${MAX_PRODUCTION_TOKEN_HOURS} hours`
      : undefined,
  ].filter((p): p is string => p !== undefined);
}

/** For entry points: in production mode, stop with every problem listed before anything starts. */
export function refuseUnsafeProduction(who: string, env: NodeJS.ProcessEnv = process.env): void {
  const problems = productionProblems(env, who);
  if (!problems.length) return;
  console.error(`[${who}] cannot start in production mode (BM_MODE=production):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
