import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../activities/config.js';
import { connectOidc, oidcSettingsOf } from '../../api/oidc.js';
import { Registry } from '../../domain/registry/registry.js';
import { startStack, type Stack } from '../support/stack.js';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.js';
import { unclearMatterInput } from '../support/inputs.js';

/**
 * Issue 24: identity data that cannot lie. A name claim was taken as it came (4,031 characters with
 * a line break and "广东省国家保密局 张某（负责人）" in it), and with the party and roles mapped from
 * claims, a user who may edit their own attributes at the provider chose their own party and roles.
 */
const SPOOF = '李某\n广东省国家保密局 张某（负责人）';
const ACCOUNTS = [
  {
    sub: 'u-long',
    name: SPOOF + '某'.repeat(4000 - SPOOF.length) + '（负责人）',
    bm_party: 'org-gz-bureau',
    bm_roles: ['secrecy-officer'],
  },
  { sub: 'u-ctrl', name: '\u202e李某\t\u200b\n', bm_party: 'org-gz-bureau', bm_roles: ['secrecy-officer'] },
  // Edited their own attributes at the provider: the national authority's head and administrator.
  { sub: 'u-self', name: '刘某', bm_party: 'auth-000000', bm_roles: ['head', 'admin'] },
  { sub: 'u-unlisted', name: '无名', bm_party: 'org-gz-bureau', bm_roles: ['head'] },
];
const demo = JSON.parse(readFileSync(new URL('../../domain/registry/demo-registry.json', import.meta.url), 'utf8'));
/** The department's people: who acts for which party, with which roles, by the provider's sub. */
const registry = new Registry({
  ...demo,
  people: [
    { sub: 'u-self', partyId: 'org-gz-bureau', roles: ['secrecy-officer'] },
    { sub: 'u-ctrl', partyId: 'org-gz-bureau', roles: ['secrecy-officer'] },
  ],
});

let stack: Stack;
let idp: TestIdp;
let byClaims: FastifyInstance;
let byRegistry: FastifyInstance;
beforeAll(async () => {
  stack = await startStack('identity-claims');
  idp = await startTestIdp({ accounts: ACCOUNTS });
  const oidc = (env: Record<string, string>) =>
    connectOidc(
      oidcSettingsOf(
        parseConfig({ BM_OIDC_ISSUER: idp.issuer, BM_OIDC_CLIENT_ID: 'bm-dashboard', BM_PUBLIC_URL: 'http://127.0.0.1:1', ...env }),
      )!,
    );
  byClaims = await stack.extraApp({ oidc: await oidc({ BM_IDENTITY_MAPPING: 'claims' }) });
  // Production's default mapping, on a registry that lists its people.
  byRegistry = await stack.extraApp({ registry, oidc: await oidc({ BM_MODE: 'production' }) });
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

const me = async (app: FastifyInstance, sub: string) => {
  const { access_token } = await idp.codeFlow(sub, 'bm-dashboard');
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${access_token}` } });
  return { status: res.statusCode, body: res.json(), token: access_token };
};

describe('the name claim is bounded and cleaned', () => {
  it('a 4,005-character name carrying a line break and another person and party is refused (401 naming the claim and the bound)', async () => {
    const res = await me(byClaims, 'u-long');
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/^invalid token: claim name \(the person's name\) has 40\d\d characters; at most 64$/);
    // The embedded format too.
    const token = await stack.token('org-gz-bureau', { name: ACCOUNTS[0]!.name });
    const embedded = await stack.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(embedded.statusCode).toBe(401);
  });

  it('control and format characters (bidi override, tab, zero-width, line break) are taken out; the audit trail records the name with the stable id beside it', async () => {
    const res = await me(byClaims, 'u-ctrl');
    expect(res.status).toBe(200);
    expect(res.body.person).toEqual({ sub: 'u-ctrl', name: '李某' });
    const started = await byClaims.inject({
      method: 'POST',
      url: '/api/procedures/unclear-matter',
      headers: { authorization: `Bearer ${res.token}`, 'content-type': 'application/json' },
      payload: unclearMatterInput({ matterRef: 'ID-1' }),
    });
    expect(started.statusCode, started.body).toBe(201);
    const view = await byClaims.inject({
      method: 'GET',
      url: `/api/procedures/${started.json().id}`,
      headers: { authorization: `Bearer ${res.token}` },
    });
    const first = view.json().audit[0];
    expect(first.actor.person).toEqual({ sub: 'u-ctrl', name: '李某' });
    expect(first.by).toBe('广州市某局 李某（保密员）');
    // The dashboard's timeline shows the stable id under the name.
    expect(readFileSync(new URL('../../dashboard/app.js', import.meta.url), 'utf8')).toContain('`身份标识 ${a.actor.person.sub}`');
  });
});

describe("party and roles from the registry's people (production's default), not from claims a user may edit", () => {
  it('claims naming the national head and administrator give the registry person’s own party and role', async () => {
    // Mapped by claims (an option docs/security.md warns about), the self-chosen party and roles are believed.
    expect((await me(byClaims, 'u-self')).body).toMatchObject({ id: 'auth-000000', roles: ['head', 'admin'] });
    const res = await me(byRegistry, 'u-self');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'org-gz-bureau', person: { sub: 'u-self', name: '刘某' }, roles: ['secrecy-officer'] });
  });

  it('a person the registry does not list is refused (401), whatever the claims say', async () => {
    const res = await me(byRegistry, 'u-unlisted');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('invalid token: person "u-unlisted" is not among the registry\'s people (BM_IDENTITY_MAPPING=registry)');
  });
});
