/**
 * Sign-in for the dashboard. The session is an HttpOnly, SameSite=Strict cookie holding a token
 * of the embedded format (api/auth.ts), signed by the API's key, naming the person, the party and
 * the roles, at most BM_SESSION_HOURS long and never longer than the ID token it came from; the
 * page's script never sees it. Two ways to get one:
 * - the identity provider (OIDC authorization code + PKCE, openid-client): /auth/login → provider
 *   → /auth/callback, which verifies the ID token by the provider's JWKS and maps its claims;
 * - the demonstration (演示, never in production mode): one click on a demo person.
 * Signing out clears the cookie and, when it verifies as a session of this server, revokes its
 * `jti` in this process; after an OIDC sign-in it also ends the session at the provider
 * (RP-initiated logout: the browser is sent to its end_session_endpoint with the ID token as
 * id_token_hint and the post-logout redirect URI).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodeJwt, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { Registry } from '../../domain/registry/registry.js';
import { ROLE_LABELS } from '../../domain/labels.zh.js';
import { authenticate, AuthError, issueToken, type Caller, type TokenRules, type TokenSubject } from '../auth.js';
import { isDemonstration } from '../demo-people.js';
import type { Oidc } from '../oidc.js';
import type { Revocations } from '../../records/revocations.js';
import { ApiError } from '../problem.js';
import { LoginOptionsSchema, SessionSchema, SignedOutSchema } from '../response-schemas.js';

export const SESSION_COOKIE = 'bm_session';
/**
 * The session cookie when Secure: a browser takes a `__Host-` cookie only from this host over https,
 * with Path=/ and no Domain, so a sibling subdomain cannot toss in a session of its own (RFC 6265bis 4.1.3.2).
 */
export const SECURE_SESSION_COOKIE = '__Host-bm_session';
export const sessionCookieName = (secure: boolean): string => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
/** The login transaction (PKCE verifier, state, nonce): signed, 10 minutes, sent only to the callback. */
const TX_COOKIE = 'bm_oidc_tx';
/** The provider's ID token, kept for the id_token_hint of the sign-out (sent only to /auth/logout). */
const ID_TOKEN_COOKIE = 'bm_oidc_id';
const LOGOUT_PATH = '/auth/logout';
export const DEFAULT_SESSION_HOURS = 8;

/** Routes that need no identity (they create one). */
export const LOGIN_ROUTES = ['/auth/options', '/auth/demo', '/auth/login', '/auth/callback', '/auth/logout', '/dashboard/login.js'];

/** The longest session: BM_SESSION_HOURS (default 8), never beyond the token rules' maximum lifetime. */
export const sessionMaxSeconds = (rules: TokenRules, sessionHours?: number): number =>
  Math.min((sessionHours ?? DEFAULT_SESSION_HOURS) * 3600, rules.maxLifetimeSeconds);

/**
 * Session cookies: verification, and revocation on sign-out (in memory, until the session's expiry).
 * Only a cookie that verifies as this server's own session is revoked: its signature, issuer,
 * audience, expiry, a lifetime of at most the session maximum, its party. Anything else sent to the
 * public sign-out route (forged, expired, not a token) is stored nowhere, so the deny list holds at
 * most the sessions this server issued and has not yet seen expire.
 */
export class Sessions {
  private readonly revoked = new Map<string, number>();
  /** The longest session this server issues, in seconds. */
  readonly maxSeconds: number;
  constructor(
    private readonly key: Uint8Array,
    private readonly rules: TokenRules,
    private readonly registry: Registry,
    sessionHours?: number,
    /** Sign-outs every API process reads, kept over a restart (the record database); without it, this process's memory. */
    private readonly shared?: Revocations,
  ) {
    this.maxSeconds = sessionMaxSeconds(rules, sessionHours);
  }

  /** How many signed-out sessions are kept (each until its expiry). */
  get revokedCount(): number {
    return this.revoked.size;
  }

  /** The session check: the token verified as the embedded format, and no longer than a session of this server. */
  private async verify(token: string): Promise<{ caller: Caller; jti: string; exp: number }> {
    const caller = await authenticate(this.key, this.rules, this.registry, `Bearer ${token}`);
    // Verified by authenticate (signature, exp, iat, jti required): safe to read.
    const { jti, exp, iat } = decodeJwt(token) as { jti: string; exp: number; iat: number };
    if (exp - iat > this.maxSeconds)
      throw new AuthError(401, `invalid session: lifetime exp − iat ${exp - iat} s exceeds the session maximum ${this.maxSeconds} s`);
    return { caller, jti, exp };
  }

  /**
   * The caller of a session cookie. A request that changes something must come from this site's
   * own pages (Sec-Fetch-Site), besides SameSite=Strict.
   */
  async authenticate(req: FastifyRequest, token: string): Promise<Caller> {
    const site = req.headers['sec-fetch-site'];
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && site !== undefined && site !== 'same-origin')
      throw new AuthError(401, `session cookie refused on a ${site} request`);
    const { caller, jti } = await this.verify(token);
    if (this.revoked.has(jti) || (await this.shared?.isRevoked(jti))) throw new AuthError(401, 'signed out');
    return caller;
  }

  /**
   * Revokes a session cookie that verifies (see verify) until its expiry — at most the session
   * maximum from its issue; returns whether it did. A cookie that does not verify revokes nothing.
   */
  async revoke(token: string): Promise<{ jti: string } | undefined> {
    let session;
    try {
      session = await this.verify(token);
    } catch (e) {
      if (e instanceof AuthError) return undefined;
      throw e;
    }
    const now = Date.now() / 1000;
    for (const [jti, exp] of this.revoked) if (exp < now) this.revoked.delete(jti);
    this.revoked.set(session.jti, session.exp);
    const person = session.caller.person;
    await this.shared?.revoke({ jti: session.jti, exp: session.exp, sub: person?.sub ?? '', party: session.caller.party.id });
    return { jti: session.jti };
  }
}

export interface LoginDeps {
  key: Uint8Array;
  rules: TokenRules;
  registry: Registry;
  sessions: Sessions;
  oidc?: Oidc;
  /** Demo people offered for one-click sign-in; ignored in production mode and with a registry not the demo's. */
  demoPeople?: readonly TokenSubject[];
  /** Cookies marked Secure (the public URL is https). */
  secureCookies: boolean;
}

const script = readFileSync(new URL('../../dashboard/login.js', import.meta.url), 'utf8');

export const loginRoutes =
  (d: LoginDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const demo = isDemonstration(d.registry, d.rules.production) ? (d.demoPeople ?? []) : [];
    const maxSeconds = d.sessions.maxSeconds;
    const cookie = { path: '/', httpOnly: true, sameSite: 'strict', secure: d.secureCookies } as const;
    const sessionCookie = sessionCookieName(d.secureCookies);

    /** Sets the session cookie; returns its lifetime in seconds. */
    async function startSession(reply: FastifyReply, who: TokenSubject, notAfter?: number): Promise<number> {
      const ttlSeconds = Math.floor(Math.min(maxSeconds, notAfter ? notAfter - Date.now() / 1000 : maxSeconds));
      if (ttlSeconds < 60) throw new AuthError(401, 'the identity provider’s token expires within a minute');
      reply.setCookie(sessionCookie, await issueToken(d.key, who, { ttlSeconds, jti: randomUUID() }), { ...cookie, maxAge: ttlSeconds });
      return ttlSeconds;
    }

    app.get('/dashboard/login.js', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(script),
    );

    app.get(
      '/auth/options',
      {
        schema: { response: { 200: LoginOptionsSchema }, summary: '登录方式：统一身份认证（OIDC）；演示模式下的演示人员', tags: ['auth'] },
      },
      async () => ({
        oidc: !!d.oidc,
        demo: demo.map((p) => {
          const party = d.registry.party(p.party);
          const roleLabel = p.roles.map((r) => ROLE_LABELS[r]).join('、');
          return {
            sub: p.sub,
            party: party.id,
            partyName: party.name,
            name: p.name,
            roles: p.roles,
            roleLabel,
            label: `${party.name} ${p.name}（${roleLabel}）`,
          };
        }),
      }),
    );

    if (demo.length) {
      app.post(
        '/auth/demo',
        {
          schema: {
            body: z.strictObject({ sub: z.string().max(100) }),
            response: { 200: SessionSchema },
            summary: '演示：以演示人员身份登录（生产模式下不存在）',
            tags: ['auth'],
          },
        },
        async (req, reply) => {
          const who = demo.find((p) => p.sub === req.body.sub);
          if (!who)
            throw new ApiError(400, 'Invalid request', `body.sub: "${req.body.sub}" is not a demo person (GET /auth/options lists them)`, {
              fieldErrors: [{ field: 'body.sub', message: 'not a demo person' }],
            });
          await startSession(reply, who);
          return { party: who.party, name: who.name, roles: who.roles };
        },
      );
    }

    app.post(
      LOGOUT_PATH,
      {
        schema: {
          response: { 200: SignedOutSchema },
          summary: '退出登录：清除会话并使其失效；经统一身份认证登录的，一并退出身份提供方（logoutUrl）',
          tags: ['auth'],
        },
      },
      async (req, reply) => {
        const token = req.cookies[sessionCookie];
        // Revokes only this server's own session; a forged or expired cookie is just cleared.
        const revoked = token ? await d.sessions.revoke(token) : undefined;
        // The revoked session's jti in the log: what an operator adds to BM_TOKEN_DENYLIST for a bearer copy of it.
        if (revoked) req.log.warn({ jti: revoked.jti }, 'session signed out and revoked');
        reply.clearCookie(sessionCookie, { path: '/', secure: d.secureCookies });
        const idToken = req.cookies[ID_TOKEN_COOKIE];
        reply.clearCookie(ID_TOKEN_COOKIE, { path: LOGOUT_PATH });
        // RP-initiated logout: the page sends the browser on to the provider, which ends its own session.
        const oidc = d.oidc;
        const logoutUrl =
          oidc && idToken && oidc.config.serverMetadata().end_session_endpoint
            ? client.buildEndSessionUrl(oidc.config, {
                id_token_hint: idToken,
                post_logout_redirect_uri: oidc.settings.postLogoutRedirectUri,
              }).href
            : undefined;
        return { signedOut: true as const, ...(logoutUrl ? { logoutUrl } : {}) };
      },
    );

    const oidc = d.oidc;
    if (!oidc) return;
    app.get('/auth/login', { schema: { hide: true } }, async (_req, reply) => {
      const tx = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      const url = client.buildAuthorizationUrl(oidc.config, {
        redirect_uri: oidc.settings.redirectUri,
        scope: oidc.settings.scope,
        code_challenge: await client.calculatePKCECodeChallenge(tx.verifier),
        code_challenge_method: 'S256',
        state: tx.state,
        nonce: tx.nonce,
      });
      // Lax: the provider's redirect back is a cross-site navigation.
      reply.setCookie(TX_COOKIE, JSON.stringify(tx), {
        path: new URL(oidc.settings.redirectUri).pathname,
        httpOnly: true,
        sameSite: 'lax',
        secure: d.secureCookies,
        signed: true,
        maxAge: 600,
      });
      return reply.redirect(url.href, 303);
    });

    app.get('/auth/callback', { schema: { hide: true } }, async (req, reply) => {
      const failed = (why: string) => {
        req.log.warn({ why }, 'OIDC sign-in failed');
        return reply.redirect(`/#/signin-failed/${encodeURIComponent(why)}`, 303);
      };
      const raw = req.cookies[TX_COOKIE];
      reply.clearCookie(TX_COOKIE, { path: new URL(oidc.settings.redirectUri).pathname });
      const unsigned = raw ? req.unsignCookie(raw) : undefined;
      if (!unsigned?.valid || !unsigned.value) return failed('登录已过期或不是从本系统发起，请重新登录');
      const tx = JSON.parse(unsigned.value) as { verifier: string; state: string; nonce: string };
      const current = new URL(oidc.settings.redirectUri);
      current.search = new URL(req.url, current).search;
      let claims: JWTPayload;
      let idToken: string;
      try {
        const tokens = await client.authorizationCodeGrant(oidc.config, current, {
          pkceCodeVerifier: tx.verifier,
          expectedState: tx.state,
          expectedNonce: tx.nonce,
          idTokenExpected: true,
        });
        // The ID token verified like any token of the provider (JWKS, issuer, audience = this client, expiry).
        idToken = tokens.id_token!;
        claims = await oidc.verify(idToken, 'id-token');
        // Claims the provider keeps out of the ID token are read from its userinfo endpoint.
        const { party, roles, name } = oidc.settings.claims;
        if ([party, roles, name].some((c) => claims[c] === undefined))
          claims = { ...(await client.fetchUserInfo(oidc.config, tokens.access_token, claims.sub!)), ...claims };
      } catch (e) {
        // The person reads the reason in Chinese; the English detail goes to the log (failed() logs it).
        req.log.warn({ detail: (e as Error).message }, 'OIDC token refused');
        return failed(e instanceof AuthError ? (e.zh ?? '身份提供方的令牌无效，请重新登录') : '身份提供方拒绝了登录');
      }
      let caller: Caller;
      try {
        caller = oidc.callerOf(claims, d.rules, d.registry);
      } catch (e) {
        req.log.warn({ detail: (e as Error).message }, 'OIDC claims refused');
        return failed(e instanceof AuthError ? (e.zh ?? '身份提供方的令牌无效，请重新登录') : '登录未成功');
      }
      const ttlSeconds = await startSession(
        reply,
        { party: caller.party.id, sub: caller.person.sub, name: caller.person.name, roles: caller.roles },
        claims.exp,
      );
      reply.setCookie(ID_TOKEN_COOKIE, idToken, { ...cookie, path: LOGOUT_PATH, maxAge: ttlSeconds });
      return reply.redirect('/', 303);
    });
  };
