/**
 * Signing out revoked a session only in the API process that handled it: another process, or the
 * same one restarted, still accepted the cookie. Revocations now live in the record database, which
 * every API process reads (issue 24).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { SESSION_COOKIE } from '../../api/routes/login.js';
import type { RecordStore } from '../../records/store.js';
import { bareApi, type BareApi } from '../support/bare-api.js';
import { testRecordStore } from '../support/records.js';

const jwtKey = new TextEncoder().encode('signout-everywhere-test-key-of-sufficient-length');
let records: RecordStore;
const apis: BareApi[] = [];
/** An API process of the same deployment: the same signing key, the same record database, its own memory. */
const apiProcess = async () => {
  const api = await bareApi({ jwtKey, records, demoPeople: DEMO_PEOPLE, anonymousRateLimitPerMinute: 100_000 });
  apis.push(api);
  return api;
};
beforeAll(async () => {
  records = await testRecordStore();
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.app.close()));
  await records?.close();
});

describe('a sign-out holds in every API process and over a restart', () => {
  it('a session signed out on one process is refused by another and by a process started afterwards; another session is not', async () => {
    const [one, two] = [await apiProcess(), await apiProcess()];
    const signIn = async () => {
      const login = await one.app.inject({ method: 'POST', url: '/auth/demo', payload: { sub: DEMO_PEOPLE[0]!.sub } });
      expect(login.statusCode).toBe(200);
      return login.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    };
    const me = (api: BareApi, cookie: string) => api.app.inject({ method: 'GET', url: '/api/me', cookies: { [SESSION_COOKIE]: cookie } });
    const [cookie, other] = [await signIn(), await signIn()];
    expect((await me(two, cookie)).statusCode).toBe(200);

    expect((await one.app.inject({ method: 'POST', url: '/auth/logout', cookies: { [SESSION_COOKIE]: cookie } })).statusCode).toBe(200);
    const elsewhere = await me(two, cookie);
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json().detail).toBe('signed out');
    // A restart: a process with nothing in memory.
    const restarted = await apiProcess();
    expect((await me(restarted, cookie)).statusCode).toBe(401);
    // The revocation is kept until the session's own expiry, with who signed out.
    const { rows } = await records.pool.query('select sub, party, expires_at > now() as live from revocations');
    expect(rows).toEqual([{ sub: DEMO_PEOPLE[0]!.sub, party: DEMO_PEOPLE[0]!.party, live: true }]);
    // Another session of the same person goes on.
    expect((await me(restarted, other)).statusCode).toBe(200);
  });
});
