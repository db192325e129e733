import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { issueToken } from '../../api/auth.js';
import { parseConfig } from '../../activities/config.js';
import { connectOidc, oidcSettingsOf } from '../../api/oidc.js';
import { SESSION_COOKIE } from '../../api/routes/login.js';
import { startStack, type Stack } from '../support/stack.js';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.js';

/**
 * Production mode requires OpenID Connect (issue 13): the API accepts the identity provider's
 * tokens only; the embedded HS256 tokens (the development format, demo or not) are refused, and
 * there is no demo sign-in. The session cookie the API sets after an OIDC sign-in still works.
 */
let stack: Stack;
let idp: TestIdp;
let production: FastifyInstance;

beforeAll(async () => {
  stack = await startStack('production-oidc-test');
  idp = await startTestIdp({ accounts: [{ sub: 'u-zhang', name: '张某', bm_party: 'auth-440000', bm_roles: ['head'] }] });
  const oidc = await connectOidc(
    oidcSettingsOf(
      parseConfig({
        BM_OIDC_ISSUER: idp.issuer,
        BM_OIDC_CLIENT_ID: 'bm-dashboard',
        BM_OIDC_SCOPE: 'openid profile bm',
        BM_PUBLIC_URL: 'http://127.0.0.1:1',
      }),
    )!,
  );
  production = await stack.extraApp({ oidc, demoPeople: DEMO_PEOPLE, tokenRules: { production: true } });
});

afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

const me = (headers: Record<string, string>) => production.inject({ method: 'GET', url: '/api/me', headers });

describe('production mode requires the identity provider', () => {
  it('refuses an HS256 token of the embedded format, signed with the right key and not a demo one, naming why', async () => {
    const res = await me({ authorization: `Bearer ${await stack.token('auth-440000')}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe(
      `invalid token: production mode accepts only tokens of the identity provider (${idp.issuer}), not the embedded HS256 format`,
    );
    // The same token is accepted in demo mode: the refusal is production's, not a bad token's.
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${await stack.token('auth-440000')}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a demo person’s token and offers no demo sign-in: /auth/options lists none, POST /auth/demo does not exist', async () => {
    const demo = DEMO_PEOPLE[0]!;
    expect((await me({ authorization: `Bearer ${await issueToken(stack.jwtKey, demo)}` })).statusCode).toBe(401);
    expect((await production.inject({ method: 'GET', url: '/auth/options' })).json()).toEqual({ oidc: true, demo: [] });
    expect((await production.inject({ method: 'POST', url: '/auth/demo', payload: { sub: demo.sub } })).statusCode).toBe(404);
  });

  it('accepts the identity provider’s token, and the session cookie the API issues after an OIDC sign-in', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const res = await me({ authorization: `Bearer ${access_token}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().label).toBe('广东省国家保密局 张某（负责人）');
    // What /auth/callback sets (api/routes/login.ts): accepted as the cookie, refused as a bearer token.
    const session = await issueToken(stack.jwtKey, { party: 'auth-440000', sub: 'u-zhang', name: '张某', roles: ['head'] });
    expect((await me({ cookie: `${SESSION_COOKIE}=${session}` })).statusCode).toBe(200);
    expect((await me({ authorization: `Bearer ${session}` })).statusCode).toBe(401);
  });
});
