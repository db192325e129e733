/**
 * A real OpenID Connect provider on loopback for the tests: panva's `oidc-provider` (the certified
 * implementation), with RSA and EC signing keys, test clients and test accounts whose claims carry
 * the party (bm_party) and the roles (bm_roles). Its login page lists the accounts as buttons (a
 * plain form, no script); `codeFlow` walks the same pages without a browser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type AsymmetricSigningAlgorithm, type ClientMetadata } from 'oidc-provider';
import { freePort } from './ports.js';

export interface TestAccount {
  sub: string;
  name: string;
  bm_party: string;
  bm_roles: string[];
}

export interface TestIdp {
  issuer: string;
  /** The provider's signing keys (private), e.g. to forge a token with another key under the same kid. */
  keys: JWK[];
  /** Runs the authorization code + PKCE flow for an account through the provider's pages; returns its tokens (the access token a JWT with iat and jti, the ID token without jti). */
  codeFlow(accountSub: string, clientId: string, redirectUri?: string): Promise<{ id_token: string; access_token: string }>;
  stop(): Promise<void>;
}

/** The redirect URI of the clients the API tests use (never called: the code is read from Location). */
export const TEST_REDIRECT = 'http://127.0.0.1:9/cb';

/** The resource (this system's API) the provider issues JWT access tokens for; their `aud` is the client id. */
const API_RESOURCE = 'urn:baomi:api';

export async function startTestIdp(o: { accounts: TestAccount[]; dashboardRedirect?: string }): Promise<TestIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.privateKey)), kid: 'test-rsa', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.privateKey)), kid: 'test-ec', alg: 'ES256', use: 'sig' },
  ];
  const publicClient = (client_id: string, redirect: string, extra: Partial<ClientMetadata> = {}): ClientMetadata => ({
    client_id,
    token_endpoint_auth_method: 'none',
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...extra,
  });
  const accounts = new Map(o.accounts.map((a) => [a.sub, a]));
  const provider = new Provider(issuer, {
    clients: [
      publicClient('bm-dashboard', o.dashboardRedirect ?? TEST_REDIRECT, {
        // RP-initiated logout returns the browser to the dashboard's root.
        post_logout_redirect_uris: [new URL('/', o.dashboardRedirect ?? TEST_REDIRECT).href],
      }),
      publicClient('bm-api-es256', TEST_REDIRECT, { id_token_signed_response_alg: 'ES256' }),
      publicClient('other-app', TEST_REDIRECT),
      publicClient('short-lived', TEST_REDIRECT),
    ],
    jwks: { keys },
    claims: { openid: ['sub'], profile: ['name'], bm: ['bm_party', 'bm_roles'] },
    scopes: ['openid', 'profile', 'bm'],
    // The mapped claims travel in the ID token (as most department IdPs are configured to do).
    conformIdTokenClaims: false,
    // …and in the access token, as a Keycloak mapper adds them (the API's bearer tokens).
    extraTokenClaims: async (_ctx, token) => {
      const a = token.kind === 'AccessToken' && token.accountId ? accounts.get(token.accountId) : undefined;
      return a ? { name: a.name, bm_party: a.bm_party, bm_roles: a.bm_roles } : undefined;
    },
    features: {
      // Access tokens are JWTs (with iat and jti) for the API, signed like the client's ID tokens.
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, _resource, client) => ({
          scope: 'bm',
          audience: client.clientId,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: client.idTokenSignedResponseAlg as AsymmetricSigningAlgorithm } },
        }),
      },
      devInteractions: { enabled: false },
      // The sign-out confirmation the provider shows (its form posts to end the session), without the default's web font.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出测试身份提供方</title></head><body><h1>退出测试身份提供方？</h1>${form}<button id="logout-yes" type="submit" form="op.logoutForm" value="yes" name="logout">退出</button></body></html>`;
        },
      },
    },
    pkce: { required: () => true },
    ttl: {
      IdToken: (_ctx, _token, client) => (client.clientId === 'short-lived' ? 2 : 3600),
      AccessToken: (_ctx, _token, client) => (client.clientId === 'short-lived' ? 2 : 3600),
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
    },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: (_ctx, sub) => {
      const a = accounts.get(sub);
      return a ? { accountId: sub, claims: () => ({ ...a }) } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action?: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET') {
      const buttons = o.accounts
        .map((a) => `<button type="submit" name="account" value="${a.sub}" id="account-${a.sub}">${a.name}</button>`)
        .join('\n');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试身份提供方</title></head><body><h1>测试身份提供方（oidc-provider）</h1><form method="post" action="/interaction/${uid}/login">${buttons}</form></body></html>`,
      );
      return;
    }
    if (action !== 'login') throw new Error(`unknown interaction action ${action}`);
    const body = new URLSearchParams(
      await new Promise<string>((resolve) => {
        let s = '';
        req.on('data', (c: Buffer) => (s += c.toString()));
        req.on('end', () => resolve(s));
      }),
    );
    const accountId = body.get('account') ?? '';
    if (!accounts.has(accountId)) throw new Error(`unknown account ${accountId}`);
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    grant.addResourceScope(API_RESOURCE, 'bm');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  const server: Server = createServer((req, res) => {
    const m = req.url?.match(/^\/interaction\/([\w-]+)(?:\/(\w+))?$/);
    if (!m) return void callback(req, res);
    interaction(req, res, m[1]!, m[2]).catch((e: Error) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(e.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    issuer,
    keys,
    async codeFlow(sub, clientId, redirectUri = TEST_REDIRECT) {
      const jar = new Map<string, string>();
      const go = async (url: string, init: RequestInit = {}) => {
        const res = await fetch(new URL(url, issuer), {
          ...init,
          redirect: 'manual',
          headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const i = pair!.indexOf('=');
          jar.set(pair!.slice(0, i), pair!.slice(i + 1));
        }
        return res;
      };
      const verifier = randomBytes(32).toString('base64url');
      const auth = new URL('/auth', issuer);
      auth.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid profile bm',
        state: randomBytes(8).toString('hex'),
        nonce: randomBytes(8).toString('hex'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      let res = await go(auth.href);
      const login = res.headers.get('location')!;
      res = await go(`${login}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ account: sub }).toString(),
      });
      for (let i = 0; i < 5 && !res.headers.get('location')?.startsWith(redirectUri); i++) res = await go(res.headers.get('location')!);
      const code = new URL(res.headers.get('location')!).searchParams.get('code');
      if (!code) throw new Error(`no code: ${res.status} ${res.headers.get('location')}`);
      const token = await fetch(new URL('/token', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: clientId,
          code_verifier: verifier,
        }).toString(),
      });
      const body = (await token.json()) as { id_token: string; access_token: string; error_description?: string };
      if (!token.ok) throw new Error(`token endpoint: ${token.status} ${body.error_description}`);
      return body;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
