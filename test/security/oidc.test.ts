import type { FastifyInstance } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denyListSource } from '../../api/auth.js';
import { connectOidc, oidcSettingsOf, type Oidc } from '../../api/oidc.js';
import { startStack, type Stack } from '../support/stack.js';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.js';
import { parseConfig } from '../../activities/config.js';

/** The identity provider's settings as the API reads them: the variables and the public address. */
const settingsFrom = (env: Record<string, string>, publicUrl: string) => oidcSettingsOf(parseConfig({ ...env, BM_PUBLIC_URL: publicUrl }));

let stack: Stack;
let idp: TestIdp;
let api: FastifyInstance;
let apiEs256: FastifyInstance;

const ACCOUNTS = [
  { sub: 'u-li', name: '李某', bm_party: 'org-gz-bureau', bm_roles: ['secrecy-officer'] },
  { sub: 'u-zhang', name: '张某', bm_party: 'auth-440000', bm_roles: ['head'] },
  { sub: 'u-nowhere', name: '无名', bm_party: 'org-nowhere', bm_roles: ['head'] },
  { sub: 'u-badrole', name: '钱某', bm_party: 'org-gz-bureau', bm_roles: ['superuser'] },
];

const oidcFor = (audience: string): Promise<Oidc> =>
  connectOidc(
    settingsFrom({ BM_OIDC_ISSUER: idp.issuer, BM_OIDC_CLIENT_ID: 'bm-dashboard', BM_OIDC_AUDIENCE: audience }, 'http://127.0.0.1:1')!,
  );

beforeAll(async () => {
  stack = await startStack('oidc-test');
  idp = await startTestIdp({ accounts: ACCOUNTS });
  api = await stack.extraApp({ oidc: await oidcFor('bm-dashboard') });
  apiEs256 = await stack.extraApp({ oidc: await oidcFor('bm-api-es256') });
});

afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

const me = (app: FastifyInstance, token: string) =>
  app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

describe('tokens of the OpenID Connect identity provider (verified by its JWKS)', () => {
  it('an RS256 access token is accepted and mapped: sub and name to the person, bm_party to the party, bm_roles to the roles', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    expect(decodeProtectedHeader(access_token).alg).toBe('RS256');
    const res = await me(api, access_token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'auth-440000',
      name: '广东省国家保密局',
      person: { sub: 'u-zhang', name: '张某' },
      roles: ['head'],
      label: '广东省国家保密局 张某（负责人）',
    });
  });

  it('an ES256 token is accepted where its audience is the configured BM_OIDC_AUDIENCE', async () => {
    const { access_token } = await idp.codeFlow('u-li', 'bm-api-es256');
    expect(decodeProtectedHeader(access_token).alg).toBe('ES256');
    const res = await me(apiEs256, access_token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'org-gz-bureau', person: { sub: 'u-li', name: '李某' }, roles: ['secrecy-officer'] });
  });

  it('a person signed in at the provider starts a procedure and sends an event; the audit trail names the person and the party', async () => {
    const { access_token } = await idp.codeFlow('u-li', 'bm-dashboard');
    const headers = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
    const proposal = { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' };
    const started = await api.inject({
      method: 'POST',
      url: '/api/procedures/unclear-matter',
      headers,
      payload: {
        organId: 'org-gz-bureau',
        matterRef: 'OIDC-1',
        title: '某事项',
        draftedOn: '2025-09-26',
        protectiveMeasures: '先行保护',
        proposal,
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { id } = started.json() as { id: string };
    const sent = await api.inject({ method: 'POST', url: `/api/procedures/${id}/events`, headers, payload: { type: 'SUBMIT_REPORT' } });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const view = (
      await api.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: headers.authorization } })
    ).json() as { audit: Array<{ kind: string; by?: string; actor: { person?: { sub: string } } }> };
    const byWhom = view.audit.filter((a) => a.kind === 'started' || a.kind === 'event').map((a) => [a.kind, a.by, a.actor.person?.sub]);
    expect(byWhom).toEqual([
      ['started', '广州市某局 李某（保密员）', 'u-li'],
      ['event', '广州市某局 李某（保密员）', 'u-li'],
    ]);
  });

  it('a token signed by another key under the provider’s key id is refused with 401', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(access_token))
      .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(access_token).kid! })
      .sign(privateKey);
    const res = await me(api, forged);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('signature verification failed');
  });

  it('a token signed with an unknown key id is refused with 401', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(decodeJwt(access_token)).setProtectedHeader({ alg: 'ES256', kid: 'attacker' }).sign(privateKey);
    expect((await me(api, forged)).statusCode).toBe(401);
  });

  it('an HS256 token made with the provider’s public key as secret (algorithm confusion) is refused with 401', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const pub = { ...idp.keys[0]! };
    const secret = new TextEncoder().encode(JSON.stringify({ e: pub.e, kty: pub.kty, n: pub.n }));
    const forged = await new SignJWT(decodeJwt(access_token)).setProtectedHeader({ alg: 'HS256', kid: 'test-rsa' }).sign(secret);
    expect((await me(api, forged)).statusCode).toBe(401);
  });

  it('a token for another audience is refused with 401 naming the aud claim', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'other-app');
    const res = await me(api, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('claim aud');
  });

  it('an expired token of the provider is refused with 401', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'short-lived');
    const fresh = await connectOidc(settingsFrom({ BM_OIDC_ISSUER: idp.issuer, BM_OIDC_CLIENT_ID: 'short-lived' }, 'http://127.0.0.1:1')!);
    const app = await stack.extraApp({ oidc: fresh });
    expect((await me(app, access_token)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    const res = await me(app, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('token expired');
  });

  it('a party that is not in the registry is refused with 401 naming the claim', async () => {
    const { access_token } = await idp.codeFlow('u-nowhere', 'bm-dashboard');
    const res = await me(api, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token: claim bm_party "org-nowhere" is not in the registry');
  });

  it('a role outside RoleSchema is refused with 401 naming the claim and the allowed roles', async () => {
    const { access_token } = await idp.codeFlow('u-badrole', 'bm-dashboard');
    const res = await me(api, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('claim bm_roles must list roles among secrecy-officer, classification-officer, head, admin');
  });

  it('the claim names are configurable (BM_OIDC_PARTY_CLAIM, BM_OIDC_ROLES_CLAIM) and a plain issuer over http is refused off loopback', async () => {
    const s = settingsFrom(
      {
        BM_OIDC_ISSUER: 'https://idp.example.gov.cn/realms/bm',
        BM_OIDC_CLIENT_ID: 'bm',
        BM_OIDC_PARTY_CLAIM: 'org',
        BM_OIDC_ROLES_CLAIM: 'groups',
      },
      'https://bm.example.gov.cn',
    );
    expect(s).toMatchObject({
      audience: 'bm',
      redirectUri: 'https://bm.example.gov.cn/auth/callback',
      claims: { name: 'name', party: 'org', roles: 'groups' },
    });
    expect(() => settingsFrom({ BM_OIDC_ISSUER: 'http://idp.example.gov.cn', BM_OIDC_CLIENT_ID: 'bm' }, 'https://x')).toThrow(
      /BM_OIDC_ISSUER: .* must be https/,
    );
    expect(() => settingsFrom({ BM_OIDC_ISSUER: 'https://idp.example.gov.cn' }, 'https://x')).toThrow(/BM_OIDC_CLIENT_ID: required/);
  });

  it('the embedded HS256 tokens keep working beside the provider', async () => {
    expect((await me(api, await stack.token('org-gz-bureau'))).statusCode).toBe(200);
  });
});

describe('the provider’s bearer tokens obey the token rules: iat and jti required, maximum lifetime, deny list', () => {
  /** Signs claims with the provider's own RSA key (the one its JWKS serves): only the rules can refuse them. */
  const signedByProvider = async (claims: JWTPayload) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'test-rsa' }).sign(
      await importJWK(
        idp.keys.find((k) => k.kid === 'test-rsa')!,
        'RS256',
      ),
    );
  const accessClaims = async () => decodeJwt((await idp.codeFlow('u-zhang', 'bm-dashboard')).access_token);

  it('a token without jti (the provider’s own ID token, or its access token re-signed without one) is refused with 401: it could not be revoked', async () => {
    const { id_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    expect(decodeJwt(id_token)).not.toHaveProperty('jti');
    const res = await me(api, id_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token: claim jti is missing');
    const { jti: _jti, ...withoutJti } = await accessClaims();
    const again = await me(api, await signedByProvider(withoutJti));
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toBe('invalid token: claim jti is missing');
  });

  it('an ID token is no bearer credential, even with a jti (as Keycloak issues them): it travels in the sign-out URL and outlives the sign-out', async () => {
    const { id_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const claims = decodeJwt(id_token);
    expect(claims).toHaveProperty('nonce');
    const res = await me(api, await signedByProvider({ ...claims, jti: 'id-token-1' }));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/^invalid token: an ID token is not a bearer credential/);
    const { nonce: _nonce, ...keycloakStyle } = claims;
    expect((await me(api, await signedByProvider({ ...keycloakStyle, jti: 'id-token-2', typ: 'ID' }))).statusCode).toBe(401);
    // Control: the provider's access token with the same audience is accepted.
    expect((await me(api, await signedByProvider(await accessClaims()))).statusCode).toBe(200);
  });

  it('a token without iat is refused with 401 naming the claim: its lifetime could not be checked', async () => {
    const { iat: _iat, ...withoutIat } = await accessClaims();
    const res = await me(api, await signedByProvider(withoutIat));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token: claim iat is missing');
  });

  it('a token living longer than the maximum is refused with 401 (BM_TOKEN_MAX_HOURS, default 12)', async () => {
    const claims = await accessClaims();
    const long = await me(api, await signedByProvider({ ...claims, exp: claims.iat! + 13 * 3600 }));
    expect(long.statusCode).toBe(401);
    expect(long.json().detail).toBe('invalid token: lifetime exp − iat 46800 s exceeds the maximum 43200 s');
    // The provider's own one-hour token, where the maximum is half an hour.
    const strict = await stack.extraApp({ oidc: await oidcFor('bm-dashboard'), tokenRules: { maxLifetimeSeconds: 1800 } });
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    const res = await me(strict, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('invalid token: lifetime exp − iat 3600 s exceeds the maximum 1800 s');
  });

  it('a token whose jti is on the deny list is refused with 401; the same token was accepted before', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-deny-')), 'token-denylist');
    writeFileSync(file, '# revoked tokens\n');
    const app = await stack.extraApp({ oidc: await oidcFor('bm-dashboard'), tokenRules: { denied: denyListSource(file) } });
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    expect((await me(app, access_token)).statusCode).toBe(200);
    writeFileSync(file, `# revoked tokens\n${decodeJwt(access_token).jti}\n`);
    const res = await me(app, access_token);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('token revoked');
  });

  it('a token the provider issued with iat, jti and a lifetime within the maximum is accepted, as is one signed by its key with the same claims', async () => {
    const { access_token } = await idp.codeFlow('u-zhang', 'bm-dashboard');
    expect(decodeJwt(access_token)).toMatchObject({ iat: expect.any(Number), jti: expect.any(String) });
    expect((await me(api, access_token)).statusCode).toBe(200);
    const res = await me(api, await signedByProvider(await accessClaims()));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'auth-440000', person: { sub: 'u-zhang', name: '张某' } });
  });
});
