/**
 * Attacks on authentication against the real stack (dev server, worker, API): requests without
 * a valid token, forged or stale tokens, floods from one address, a denial log row made long.
 * Each shows the refusal and that nothing changed.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../machines/index.js';
import { authenticate, DEFAULT_AUDIENCE, defaultTokenRules, denyListSource, issueToken } from '../../api/auth.js';
import { demoRegistry } from '../support/demo.js';
import { recordedDenials } from '../support/records.js';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

let stack: Stack;
let id: string;
const unclear = () => unclearMatterInput({ matterRef: 'SEC-1', title: '安全测试事项' });

async function call(method: string, path: string, o: { token?: string; authorization?: string; body?: unknown } = {}) {
  const authorization = o.authorization ?? (o.token ? `Bearer ${o.token}` : undefined);
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as any };
}
const audit = async () =>
  (await call('GET', `/api/procedures/${id}`, { token: await stack.token('org-gz-bureau') })).body.audit as Array<{
    kind: string;
    actor: unknown;
    event?: { type: string };
  }>;
const procedureCount = async () => Number((await stack.client.workflow.count()).count);

/** A token signed with the right key but shaped by the attacker. */
const forge = (claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT) =>
  build(
    new SignJWT({ name: '攻击者', bm_party: 'org-gz-bureau', bm_roles: ['head'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('baomi-procedures')
      .setSubject('mallory'),
  ).sign(stack.jwtKey);
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  stack = await startStack('security-auth');
  id = (await call('POST', '/api/procedures/unclear-matter', { token: await stack.token('org-gz-bureau'), body: unclear() })).body.id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('authentication runs before the body is read or validated', () => {
  it('every POST route, with a bad body and no token or a bad one, gets 401, never a schema error, and starts nothing', async () => {
    // An instance that lets this many anonymous requests through (the limit itself is tested below).
    const app = await stack.extraApp({ anonymousRateLimitPerMinute: 100_000 });
    const before = await procedureCount();
    const routes = [
      ...Object.keys(PROCEDURES).map((k) => `/api/procedures/${k}`),
      `/api/procedures/${id}/events`,
      '/api/procedures/NOT-AN-ID/events',
      '/codec/decode',
    ];
    const bodies = [{}, { type: 'lower case', organId: 42 }, '{"organId":', JSON.stringify({ pad: 'x'.repeat(70_000) })];
    for (const route of routes)
      for (const body of bodies)
        for (const authorization of [undefined, 'Bearer not.a.jwt', 'Basic YWRtaW46YWRtaW4=']) {
          const r = await app.inject({
            method: 'POST',
            url: route,
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            payload: typeof body === 'string' ? body : JSON.stringify(body),
          });
          expect(r.statusCode, `${route} ${JSON.stringify(body).slice(0, 30)} ${authorization}`).toBe(401);
          expect(r.json().fieldErrors).toBeUndefined();
        }
    expect(await procedureCount()).toBe(before);
    expect((await audit()).filter((a) => a.kind === 'event')).toEqual([]);
  });
});

describe('tokens: exp required with a maximum lifetime, audience checked, revocable, demo tokens refused in production', () => {
  const iat = () => now() - 5;
  const attacks: Array<[string, () => Promise<string>, string]> = [
    [
      'no exp',
      () => forge({}, (j) => j.setAudience(DEFAULT_AUDIENCE).setIssuedAt(iat()).setJti('j-1')),
      'invalid token: claim exp is missing',
    ],
    [
      'a lifetime of 30 days',
      () =>
        forge({}, (j) =>
          j
            .setAudience(DEFAULT_AUDIENCE)
            .setIssuedAt(iat())
            .setExpirationTime(iat() + 30 * 86400)
            .setJti('j-2'),
        ),
      'exceeds the maximum 43200 s',
    ],
    [
      'another audience',
      () => forge({}, (j) => j.setAudience('some-other-service').setIssuedAt(iat()).setExpirationTime('1h').setJti('j-3')),
      'invalid token: claim aud check failed',
    ],
    [
      'no audience',
      () => forge({}, (j) => j.setIssuedAt(iat()).setExpirationTime('1h').setJti('j-4')),
      'invalid token: claim aud is missing',
    ],
    [
      'no jti (not revocable)',
      () => forge({}, (j) => j.setAudience(DEFAULT_AUDIENCE).setIssuedAt(iat()).setExpirationTime('1h')),
      'invalid token: claim jti is missing',
    ],
    [
      'the old shape (subject = party, 30 days)',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('auth-000000')
          .setIssuedAt()
          .setExpirationTime('30d')
          .setIssuer('baomi-procedures')
          .sign(stack.jwtKey),
      'invalid token: claim aud is missing',
    ],
    [
      'a party outside the registry',
      () =>
        forge({ bm_party: 'auth-999999' }, (j) => j.setAudience(DEFAULT_AUDIENCE).setIssuedAt(iat()).setExpirationTime('1h').setJti('j-5')),
      'claim bm_party "auth-999999" is not in the registry',
    ],
    [
      'an invented role',
      () => forge({ bm_roles: ['god'] }, (j) => j.setAudience(DEFAULT_AUDIENCE).setIssuedAt(iat()).setExpirationTime('1h').setJti('j-6')),
      'claim bm_roles must list roles among secrecy-officer, classification-officer, head, admin',
    ],
    [
      'an expired token',
      () =>
        forge({}, (j) =>
          j
            .setAudience(DEFAULT_AUDIENCE)
            .setIssuedAt(iat() - 7200)
            .setExpirationTime(iat() - 3600)
            .setJti('j-7'),
        ),
      'token expired',
    ],
    [
      'another key',
      () =>
        issueToken(new TextEncoder().encode('a-key-the-attacker-made-up-himself'), {
          party: 'org-gz-bureau',
          sub: 'mallory',
          name: '攻击者',
          roles: ['head'],
        }),
      'invalid token',
    ],
  ];
  it.each(attacks)('a token with %s is refused (401) and its event changes nothing', async (_what, make, message) => {
    const before = await audit();
    const token = await make();
    const read = await call('GET', `/api/procedures/${id}`, { token });
    expect(read.status).toBe(401);
    expect(read.body.detail).toContain(message);
    const ev = await call('POST', `/api/procedures/${id}/events`, { token, body: { type: 'SUBMIT_REPORT' } });
    expect(ev.status).toBe(401);
    expect(await audit()).toEqual(before);
  });

  it('a revoked jti is refused as soon as the deny list names it (re-read when it changes)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-deny-')), 'token-denylist');
    writeFileSync(file, '# revoked tokens\n');
    const app = await stack.extraApp({ tokenRules: { denied: denyListSource(file) } });
    const token = await issueToken(
      stack.jwtKey,
      { party: 'org-gz-bureau', sub: 'li', name: '李某', roles: ['secrecy-officer'] },
      { jti: 'stolen-laptop-1' },
    );
    const get = () => app.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect((await get()).statusCode).toBe(200);
    appendFileSync(file, 'stolen-laptop-1\n');
    const refused = await get();
    expect(refused.statusCode).toBe(401);
    expect(refused.json().detail).toBe('token revoked');
    const before = await audit();
    const ev = await app.inject({
      method: 'POST',
      url: `/api/procedures/${id}/events`,
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'SUBMIT_REPORT' },
    });
    expect(ev.statusCode).toBe(401);
    expect(await audit()).toEqual(before);
  });

  it('production mode refuses the demo persons that npm start prints, and every other token of the embedded format (only the identity provider’s are accepted: test/security/production-oidc.test.ts)', async () => {
    const app = await stack.extraApp({ tokenRules: { production: true } });
    const demo = await issueToken(stack.jwtKey, {
      party: 'auth-440000',
      sub: 'demo:auth-440000:zhang',
      name: '张某（负责人）',
      roles: ['head'],
      demo: true,
    });
    const r = await app.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: `Bearer ${demo}` } });
    expect(r.statusCode).toBe(401);
    expect(r.json().detail).toMatch(/^invalid token: production mode accepts only tokens of the identity provider/);
    const real = await issueToken(stack.jwtKey, { party: 'auth-440000', sub: 'p-4711', name: '张某', roles: ['head'] });
    expect(
      (await app.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: `Bearer ${real}` } })).statusCode,
    ).toBe(401);
    // The demo check stays behind it: a demo token is refused in production by the token rules too (api/auth.ts).
    await expect(authenticate(stack.jwtKey, defaultTokenRules({ production: true }), demoRegistry, `Bearer ${demo}`)).rejects.toThrow(
      'demo tokens are not accepted in production mode',
    );
  });

  it('the person and roles behind a token reach the workflow as the actor and its audit trail', async () => {
    const token = await stack.token('org-gz-bureau', { sub: 'p-li', name: '李某', roles: ['secrecy-officer'] });
    const started = await call('POST', '/api/procedures/unclear-matter', { token, body: { ...unclear(), matterRef: 'SEC-ACTOR' } });
    expect(started.status).toBe(201);
    await call('POST', `/api/procedures/${started.body.id}/events`, { token, body: { type: 'SUBMIT_REPORT' } });
    const view = (await call('GET', `/api/procedures/${started.body.id}`, { token })).body;
    const actor = { id: 'org-gz-bureau', name: '广州市某局', person: { sub: 'p-li', name: '李某' }, roles: ['secrecy-officer'] };
    expect(view.audit.find((a: { kind: string }) => a.kind === 'started').actor).toEqual(actor);
    expect(view.audit.find((a: { event?: { type: string } }) => a.event?.type === 'SUBMIT_REPORT').actor).toEqual(actor);
  });
});

describe('floods and the denial log', () => {
  it('requests without a valid token are limited per client address, people per identity', async () => {
    const app = await stack.extraApp({ anonymousRateLimitPerMinute: 3, rateLimitPerMinute: 100 });
    const codes: number[] = [];
    // A new made-up token each time: varying the header must not escape the limit.
    for (let i = 0; i < 5; i++)
      codes.push(
        (await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '10.0.0.1', headers: { authorization: `Bearer forged.${i}.x` } }))
          .statusCode,
      );
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '10.0.0.1' })).statusCode).toBe(429); // no token: same address, same bucket
    expect((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '10.0.0.2' })).statusCode).toBe(401); // per address
    const person = await app.inject({
      method: 'GET',
      url: '/api/me',
      remoteAddress: '10.0.0.1',
      headers: { authorization: `Bearer ${await stack.token('org-gz-bureau')}` },
    });
    expect(person.statusCode).toBe(200); // a valid token counts against its person, not the address
  });

  it('a long request cannot write a long row into the denial log', async () => {
    const app = await stack.extraApp({});
    const r = await app.inject({
      method: 'GET',
      url: `/api/procedures?${'q'.repeat(8000)}`,
      headers: { authorization: `Bearer ${'x'.repeat(4000)}` },
    });
    expect(r.statusCode).toBe(401);
    await app.close(); // writes the anonymous counts it holds
    const row = (await recordedDenials(stack.records)).find((d) => d.url?.startsWith('/api/procedures?q'))!;
    expect(row).toMatchObject({ status: 401, what: 'invalid token', count: 1 });
    expect(row.url!.length).toBeLessThan(220);
    expect(row.url).toContain('…[7'); // the URL, cut
  });
});
