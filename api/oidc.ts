/**
 * OpenID Connect: tokens of the department's identity provider, verified by its JWKS (jose), and
 * the browser login (authorization code + PKCE, openid-client). The provider's metadata comes from
 * discovery (`<issuer>/.well-known/openid-configuration`). See docs/security.md, "Connecting an identity provider".
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../activities/config.js';
import type { Registry } from '../domain/registry/registry.js';
import {
  authenticate,
  AuthError,
  callerFromClaims,
  checkLifetimeAndRevocation,
  EMBEDDED_CLAIMS,
  refusal,
  type Caller,
  type ClaimMapping,
  type TokenRules,
} from './auth.js';

export interface OidcSettings {
  /** BM_OIDC_ISSUER: the provider's issuer URL (exactly the `iss` of its tokens). */
  issuer: string;
  /** BM_OIDC_CLIENT_ID: this system's client at the provider (the dashboard's login). */
  clientId: string;
  /** BM_OIDC_CLIENT_SECRET: for a confidential client; without it, a public client (PKCE only). */
  clientSecret?: string;
  /** BM_OIDC_AUDIENCE: the `aud` a bearer token must carry (default: the client id). */
  audience: string;
  /** BM_OIDC_REDIRECT_URI: where the provider returns the browser (default `<BM_PUBLIC_URL>/auth/callback`). */
  redirectUri: string;
  /** BM_OIDC_POST_LOGOUT_REDIRECT_URI: where the provider returns the browser after signing out (default `<BM_PUBLIC_URL>/`). */
  postLogoutRedirectUri: string;
  /** BM_OIDC_SCOPE (default `openid profile`). */
  scope: string;
  /** BM_OIDC_NAME_CLAIM, BM_OIDC_PARTY_CLAIM, BM_OIDC_ROLES_CLAIM; BM_IDENTITY_MAPPING. */
  claims: ClaimMapping;
}

/**
 * The ID token of a sign-in: it carries the nonce of our sign-in request (every sign-in sends one),
 * or the provider marks it (Keycloak's `typ: "ID"`).
 */
const isIdToken = (claims: JWTPayload) => claims.nonce !== undefined || claims.typ === 'ID';

/** The signature algorithms accepted from the provider (asymmetric only). */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'];

/**
 * What the provider's tokens must carry. A bearer token (its access token; never an ID token) as
 * our own do: `iat` for the maximum lifetime, `jti` to be revocable by the deny list.
 * The ID token of a sign-in (OIDC Core requires `iat`, defines no `jti`; its nonce binds it to one
 * sign-in) opens a session cookie of our own, which carries a `jti`.
 */
export const REQUIRED_CLAIMS = { bearer: ['exp', 'iat', 'jti', 'sub'], 'id-token': ['exp', 'iat', 'sub'] } as const;
export type OidcTokenUse = keyof typeof REQUIRED_CLAIMS;

/** OIDC settings from the configuration; undefined when BM_OIDC_ISSUER is not set. */
export function oidcSettingsOf(config: Pick<Config, 'oidc' | 'publicUrl' | 'production'>): OidcSettings | undefined {
  const o = config.oidc;
  if (!o.issuer) return undefined;
  const issuer = o.issuer;
  if (new URL(issuer).protocol !== 'https:' && !isLoopback(issuer))
    throw new Error(`BM_OIDC_ISSUER: "${issuer}" must be https (plain http only on a loopback address)`);
  const clientId = o.clientId;
  if (!clientId)
    throw new Error('BM_OIDC_CLIENT_ID: required with BM_OIDC_ISSUER (the client registered for this system at the identity provider)');
  const base = config.publicUrl.replace(/\/$/, '');
  return {
    issuer,
    clientId,
    ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
    audience: o.audience ?? clientId,
    redirectUri: o.redirectUri ?? `${base}/auth/callback`,
    postLogoutRedirectUri: o.postLogoutRedirectUri ?? `${base}/`,
    scope: o.scope ?? 'openid profile',
    claims: {
      name: o.nameClaim ?? EMBEDDED_CLAIMS.name,
      party: o.partyClaim ?? EMBEDDED_CLAIMS.party,
      roles: o.rolesClaim ?? EMBEDDED_CLAIMS.roles,
      // Production takes party and roles from the registry's people: a provider may let users edit their own attributes.
      from: o.mapping ?? (config.production ? 'registry' : 'claims'),
    },
  };
}

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

export interface Oidc {
  settings: OidcSettings;
  /** The discovered provider, for the browser login. */
  config: client.Configuration;
  /**
   * Verifies a token's signature (JWKS), issuer, audience (a bearer token: BM_OIDC_AUDIENCE; an ID
   * token: the client id), expiry and required claims (REQUIRED_CLAIMS); returns its claims.
   */
  verify(token: string, use: OidcTokenUse): Promise<JWTPayload>;
  /** A verified token's claims mapped to a caller (the token rules' lifetime and deny list apply too). */
  callerOf(claims: JWTPayload, rules: TokenRules, registry: Registry): Caller;
}

/** Discovers the provider (plain http only on loopback, e.g. the tests' local provider). */
export async function connectOidc(s: OidcSettings): Promise<Oidc> {
  const options = isLoopback(s.issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
  const config = await client.discovery(new URL(s.issuer), s.clientId, s.clientSecret, s.clientSecret ? undefined : client.None(), options);
  const meta = config.serverMetadata();
  if (!meta.jwks_uri) throw new Error(`BM_OIDC_ISSUER: the provider's discovery document names no jwks_uri`);
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
  return {
    settings: s,
    config,
    async verify(token, use) {
      const audience = use === 'bearer' ? s.audience : s.clientId;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: meta.issuer,
          audience,
          algorithms: OIDC_ALGORITHMS,
          requiredClaims: [...REQUIRED_CLAIMS[use]],
        }));
      } catch (e) {
        throw refusal(e);
      }
      if (use === 'bearer' && isIdToken(payload))
        throw new AuthError(
          401,
          "invalid token: an ID token is not a bearer credential (it leaves the browser in the sign-out URL's id_token_hint and outlives the sign-out); send the provider's access token",
        );
      return payload;
    },
    callerOf(claims, rules, registry) {
      checkLifetimeAndRevocation(claims as { exp: number; iat: number; jti?: string }, rules);
      return callerFromClaims(claims, registry, s.claims);
    },
  };
}

/**
 * Bearer tokens: one whose `iss` is the identity provider is verified by its JWKS; any other in the
 * embedded HS256 format (api/auth.ts), except in production mode, which accepts the provider's only.
 */
export function bearerAuthenticator(key: Uint8Array, rules: TokenRules, registry: Registry, oidc?: Oidc) {
  return async (header: string): Promise<Caller> => {
    const token = header.match(/^Bearer (\S+)$/)?.[1];
    if (oidc && token && issuerOf(token) === oidc.config.serverMetadata().issuer)
      return oidc.callerOf(await oidc.verify(token, 'bearer'), rules, registry);
    if (rules.production && token)
      throw new AuthError(
        401,
        `invalid token: production mode accepts only tokens of the identity provider (${oidc?.settings.issuer ?? 'BM_OIDC_ISSUER, not configured'}), not the embedded HS256 format`,
      );
    return authenticate(key, rules, registry, header);
  };
}

const issuerOf = (token: string): string | undefined => {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
};
