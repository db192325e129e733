import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { secretFromFile } from '../activities/deps.js';
import type { Config } from '../activities/config.js';
import { isDemoRegistryVersion, type Registry } from '../domain/registry/registry.js';
import { RoleSchema, type PartyRef, type Role } from '../domain/parties.js';
import type { Actor } from '../domain/procedure-view.js';

/**
 * Who calls: a person (the token's `sub` and `name`) acting for a party of the registry
 * (`bm_party`: an organ or an authority) with the roles that party gave them (`bm_roles`).
 * OIDC tokens (api/oidc.ts) map onto the same shape through a configurable ClaimMapping.
 */
export interface Caller {
  party: PartyRef;
  person: { sub: string; name: string };
  roles: Role[];
}

/** The actor the workflow records and checks (the driver enforces an event's required role). */
export const actorOf = (c: Caller): Actor => ({ id: c.party.id, name: c.party.name, person: c.person, roles: c.roles });

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** The refusal in Chinese for the pages (the sign-in page, detailZh); the English stays for programs and the log. */
    readonly zh?: string,
  ) {
    super(message);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of a valid bearer token or session cookie, set before anything else runs (api/server.ts). */
    caller?: Caller;
    authError?: AuthError;
    /** The caller, or the refusal (401) saying why there is none: a request decorator (api/server.ts) every route calls. */
    authenticate(): Promise<Caller>;
  }
}

export const ISSUER = 'baomi-procedures';
export const DEFAULT_AUDIENCE = 'baomi-procedures-api';
/** Longest accepted token lifetime (exp − iat) unless BM_TOKEN_MAX_HOURS says otherwise. */
export const DEFAULT_MAX_TOKEN_HOURS = 12;

/** What a token must satisfy besides its signature. */
export interface TokenRules {
  audience: string;
  maxLifetimeSeconds: number;
  /** Production mode: tokens marked `bm_demo` are refused. */
  production: boolean;
  /** Revoked token ids (`jti`), re-read when the file changes. */
  denied: () => ReadonlySet<string>;
}

export const defaultTokenRules = (over: Partial<TokenRules> = {}): TokenRules => ({
  audience: DEFAULT_AUDIENCE,
  maxLifetimeSeconds: DEFAULT_MAX_TOKEN_HOURS * 3600,
  production: false,
  denied: () => new Set(),
  ...over,
});

/** The signing key: BM_JWT_SECRET, else (demo only) one generated once and kept in the data folder. */
export function signingKey(config: Pick<Config, 'jwtSecret' | 'dataDir'>): Uint8Array {
  return new TextEncoder().encode(config.jwtSecret ?? secretFromFile(config.dataDir, 'jwt-secret'));
}

/** The deny list: one `jti` a line (`#` starts a comment); a missing file denies nothing. Re-read when it changes. */
export function denyListSource(file: string): () => ReadonlySet<string> {
  let mtime = -1;
  let size = -1;
  let cached: ReadonlySet<string> = new Set();
  return () => {
    let st;
    try {
      st = statSync(file);
    } catch {
      return ((cached = new Set()), (mtime = -1), cached);
    }
    if (st.mtimeMs !== mtime || st.size !== size) {
      cached = new Set(
        readFileSync(file, 'utf8')
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim())
          .filter(Boolean),
      );
      mtime = st.mtimeMs;
      size = st.size;
    }
    return cached;
  };
}

/** Token rules from the configuration (BM_JWT_AUDIENCE, BM_TOKEN_MAX_HOURS, BM_TOKEN_DENYLIST, BM_MODE). */
export function tokenRulesOf(
  config: Pick<Config, 'jwtAudience' | 'tokenMaxHours' | 'tokenDenylist' | 'production' | 'dataDir'>,
): TokenRules {
  return {
    audience: config.jwtAudience ?? DEFAULT_AUDIENCE,
    maxLifetimeSeconds: (config.tokenMaxHours ?? DEFAULT_MAX_TOKEN_HOURS) * 3600,
    production: config.production,
    denied: denyListSource(config.tokenDenylist ?? `${config.dataDir}/token-denylist`),
  };
}

export interface TokenSubject {
  /** The registry party the person acts for. */
  party: string;
  sub: string;
  name: string;
  roles: Role[];
  /** A demo identity printed by `npm start`: refused in production mode and with a registry not the demo's. */
  demo?: boolean;
}

export async function issueToken(
  key: Uint8Array,
  who: TokenSubject,
  o: { ttlSeconds?: number; audience?: string; jti?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: who.name, bm_party: who.party, bm_roles: who.roles, ...(who.demo ? { bm_demo: true } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(who.sub)
    .setIssuer(ISSUER)
    .setAudience(o.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.ttlSeconds ?? 8 * 3600))
    .setJti(o.jti ?? randomUUID())
    .sign(key);
}

/** A 401 naming why jose refused a token (expired, a claim, else the signature or format). */
export function refusal(e: unknown): AuthError {
  if (e instanceof errors.JWTExpired) return new AuthError(401, 'token expired', '登录已过期，请重新登录。');
  if (e instanceof errors.JWTClaimValidationFailed)
    return new AuthError(401, `invalid token: claim ${e.claim} ${e.reason === 'missing' ? 'is missing' : `check failed (${e.message})`}`);
  if (e instanceof errors.JWKSNoMatchingKey) return new AuthError(401, "invalid token: no key of the identity provider's JWKS matches");
  if (e instanceof errors.JWSSignatureVerificationFailed) return new AuthError(401, 'invalid token: signature verification failed');
  if (e instanceof errors.JOSEAlgNotAllowed) return new AuthError(401, 'invalid token: signing algorithm not allowed');
  return new AuthError(401, 'invalid token');
}

/**
 * The rules every token obeys, ours and the identity provider's: a lifetime exp − iat of at most
 * the maximum, an `iat` not in the future, and a `jti` not on the deny list (tokens that carry none
 * — only the provider's ID tokens, consumed once at sign-in — open a session that carries one).
 */
export function checkLifetimeAndRevocation(claims: { exp: number; iat: number; jti?: string }, rules: TokenRules): void {
  const { exp, iat, jti } = claims;
  if (exp - iat > rules.maxLifetimeSeconds)
    throw new AuthError(401, `invalid token: lifetime exp − iat ${exp - iat} s exceeds the maximum ${rules.maxLifetimeSeconds} s`);
  if (iat > Date.now() / 1000 + 60) throw new AuthError(401, 'invalid token: iat lies in the future');
  if (jti !== undefined && rules.denied().has(jti)) throw new AuthError(401, 'token revoked', '令牌已被吊销，请重新登录。');
}

/** Verifies a bearer token and maps its claims to a caller; every refusal is a 401 naming the claim. */
export async function authenticate(key: Uint8Array, rules: TokenRules, registry: Registry, header: string | undefined): Promise<Caller> {
  const token = header?.match(/^Bearer (\S+)$/)?.[1];
  if (!token) throw new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)', '尚未登录或登录已过期，请重新登录。');
  let claims;
  try {
    claims = (
      await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: rules.audience,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      })
    ).payload;
  } catch (e) {
    throw refusal(e);
  }
  checkLifetimeAndRevocation(claims as { exp: number; iat: number; jti: string }, rules);
  if (rules.production && claims.bm_demo) throw new AuthError(401, 'demo tokens are not accepted in production mode');
  if (claims.bm_demo && !isDemoRegistryVersion(registry.version))
    throw new AuthError(401, `demo tokens are accepted only with the demo registry, not "${registry.version}"`);
  return callerFromClaims(claims, registry, EMBEDDED_CLAIMS);
}

/**
 * Which claims name the person, the party and the roles. The embedded format uses the defaults;
 * an identity provider may use other claim names (BM_OIDC_NAME_CLAIM, BM_OIDC_PARTY_CLAIM,
 * BM_OIDC_ROLES_CLAIM). `sub` is always the person's stable identifier. `from: 'registry'`
 * (BM_IDENTITY_MAPPING=registry, production's default) takes the party and the roles from the
 * registry's people by `sub` instead: claims a user may edit at the provider choose nothing.
 */
export interface ClaimMapping {
  name: string;
  party: string;
  roles: string;
  from?: IdentityMapping;
}
export type IdentityMapping = 'claims' | 'registry';
export const EMBEDDED_CLAIMS: ClaimMapping = { name: 'name', party: 'bm_party', roles: 'bm_roles' };

/** The longest name shown (characters, after cleaning): names travel into the audit trail, timelines and e-mails. */
export const MAX_NAME_LENGTH = 64;
/** The longest `sub` (OIDC Core 2: at most 255 ASCII characters). */
const MAX_SUB_LENGTH = 255;
/** Control and format characters (line breaks, bidi overrides, zero-width), line and paragraph separators: never shown. */
const UNSHOWN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A claimed name fit to show: control and format characters taken out, spaces collapsed, at most MAX_NAME_LENGTH characters. */
export function cleanName(raw: unknown, claim: string): string {
  const name = typeof raw === 'string' ? raw.replace(UNSHOWN, ' ').replace(/\s+/g, ' ').trim() : '';
  if (!name) throw new AuthError(401, `invalid token: claim ${claim} (the person's name) is missing`);
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH)
    throw new AuthError(401, `invalid token: claim ${claim} (the person's name) has ${length} characters; at most ${MAX_NAME_LENGTH}`);
  return name;
}

/** The person's stable id, shown beside the name: present, at most 255 characters, nothing unshown in it. */
function stableId(sub: unknown): string {
  if (typeof sub !== 'string' || !sub) throw new AuthError(401, 'invalid token: claim sub is missing');
  if (sub.length > MAX_SUB_LENGTH || new RegExp(UNSHOWN.source, 'u').test(sub))
    throw new AuthError(401, `invalid token: claim sub must be at most ${MAX_SUB_LENGTH} characters, without control characters`);
  return sub;
}

/**
 * Maps verified claims to a caller: the party must be in the registry, the roles among RoleSchema
 * (a list, or one string of roles separated by spaces or commas, as some providers emit them) —
 * or, mapped by the registry, the registry's person of that `sub` says both.
 */
export function callerFromClaims(claims: JWTPayload, registry: Registry, m: ClaimMapping): Caller {
  const sub = stableId(claims.sub);
  if (m.from === 'registry') {
    const person = registry.person(sub);
    if (!person)
      throw new AuthError(401, `invalid token: person "${sub}" is not among the registry's people (BM_IDENTITY_MAPPING=registry)`);
    const name = person.name ?? cleanName(claims[m.name], m.name);
    return { party: registry.party(person.partyId), person: { sub, name }, roles: [...new Set(person.roles)] };
  }
  const raw = claims[m.roles] ?? [];
  const roles = RoleSchema.array().safeParse(typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : raw);
  if (!roles.success) throw new AuthError(401, `invalid token: claim ${m.roles} must list roles among ${RoleSchema.options.join(', ')}`);
  const name = cleanName(claims[m.name], m.name);
  const partyId = typeof claims[m.party] === 'string' ? (claims[m.party] as string) : '';
  let party: PartyRef;
  try {
    party = registry.party(partyId);
  } catch {
    throw new AuthError(
      401,
      `invalid token: claim ${m.party} "${partyId.slice(0, 100)}" is not in the registry`,
      `所代表的单位（${partyId.slice(0, 100)}）不在登记簿中，请联系系统管理员。`,
    );
  }
  return { party, person: { sub, name }, roles: [...new Set(roles.data)] };
}
