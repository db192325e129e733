/**
 * POST /auth/logout is public (it must work with a session that has already expired). It used to
 * decode the cookie without verifying it and keep its `jti` until its `exp`: a forged cookie with
 * an 8 KB `jti` and an `exp` far in the future, sent again and again by anyone, filled the
 * process's memory for good. Now only a cookie that verifies as this server's own session is
 * revoked; anything else is cleared and stored nowhere.
 */
import { randomBytes } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTokenRules } from '../../api/auth.js';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { SESSION_COOKIE, Sessions } from '../../api/routes/login.js';
import { demoRegistry } from '../support/demo.js';
import { bareApi, type BareApi } from '../support/bare-api.js';

let api: BareApi;
let sessions: Sessions;
const jwtKey = new TextEncoder().encode('logout-forgery-test-key-of-sufficient-length');
beforeAll(async () => {
  // The server's own sessions, passed in so that the test can count its deny list.
  sessions = new Sessions(jwtKey, defaultTokenRules(), demoRegistry);
  api = await bareApi({ jwtKey, sessions, demoPeople: DEMO_PEOPLE, anonymousRateLimitPerMinute: 100_000 });
});
afterAll(async () => {
  await api?.app.close();
});

const now = () => Math.floor(Date.now() / 1000);
const json = (v: unknown) => base64url.encode(JSON.stringify(v));
const bigJti = () => randomBytes(6 * 1024).toString('base64'); // 8 KB

/** What an attacker can send: unsigned, signed with another key, or (had they our key) expired or longer than any session. */
async function forgedCookies(): Promise<Array<[string, string]>> {
  const claims = { name: '攻击者', bm_party: 'org-gz-bureau', bm_roles: ['head'], iss: 'baomi-procedures', aud: 'baomi-procedures-api' };
  const sign = (k: Uint8Array, c: Record<string, unknown>) =>
    new SignJWT({ ...claims, sub: 'mallory', ...c }).setProtectedHeader({ alg: 'HS256' }).sign(k);
  return [
    ['alg none', `${json({ alg: 'none', typ: 'JWT' })}.${json({ jti: bigJti(), exp: 9e15 })}.x`],
    ['alg none, every claim', `${json({ alg: 'none' })}.${json({ ...claims, sub: 'mallory', jti: bigJti(), iat: now(), exp: 9e15 })}.`],
    [
      'another key',
      await sign(new TextEncoder().encode('not-the-servers-key-but-long-enough!!'), { jti: bigJti(), iat: now(), exp: 9e15 }),
    ],
    ['our key, expired', await sign(jwtKey, { jti: bigJti(), iat: now() - 7200, exp: now() - 3600 })],
    ['our key, exp far in the future', await sign(jwtKey, { jti: bigJti(), iat: now(), exp: 9e15 })],
    ['our key, longer than a session (8 h)', await sign(jwtKey, { jti: bigJti(), iat: now(), exp: now() + 10 * 3600 })],
    ['not a token', 'garbage'],
  ];
}

const logout = (cookie: string) => api.app.inject({ method: 'POST', url: '/auth/logout', cookies: { [SESSION_COOKIE]: cookie } });

describe('signing out with a cookie that is not a session of this server', () => {
  it('forged, foreign or expired cookies, sent again and again, are cleared (200) and the deny list stays empty', async () => {
    for (const [what, token] of await forgedCookies())
      for (let i = 0; i < 20; i++) {
        const res = await logout(token);
        expect(res.statusCode, what).toBe(200);
        expect(res.json(), what).toEqual({ signedOut: true });
        expect(res.cookies.find((c) => c.name === SESSION_COOKIE)?.value, what).toBe('');
      }
    expect(sessions.revokedCount).toBe(0);
    // Straight to the session store too: nothing kept, nothing reported revoked.
    for (const [what, token] of await forgedCookies()) expect(await sessions.revoke(token), what).toBeUndefined();
    expect(sessions.revokedCount).toBe(0);
  });

  it('a real session’s sign-out still revokes it: the cookie worked until then, and is refused after', async () => {
    const before = sessions.revokedCount;
    const login = await api.app.inject({ method: 'POST', url: '/auth/demo', payload: { sub: DEMO_PEOPLE[0]!.sub } });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const me = () => api.app.inject({ method: 'GET', url: '/api/me', cookies: { [SESSION_COOKIE]: cookie } });
    expect((await me()).statusCode).toBe(200);
    expect((await logout(cookie)).statusCode).toBe(200);
    expect(sessions.revokedCount).toBe(before + 1);
    const replay = await me();
    expect(replay.statusCode).toBe(401);
    expect(replay.json().detail).toBe('signed out');
    // Signing out twice keeps one entry.
    expect((await logout(cookie)).statusCode).toBe(200);
    expect(sessions.revokedCount).toBe(before + 1);
  });
});
