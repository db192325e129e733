import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { bareApi, type BareApi } from '../support/bare-api.js';

/**
 * Cookie tossing (issue 24): a sibling subdomain (e.g. a compromised intranet host) sets a cookie
 * named like ours for the whole domain — its own session, obtained by signing in as itself — and
 * the browser sends it beside the victim's, before it. Over https the session cookie is
 * `__Host-bm_session`, which a browser accepts only from this host (Secure, Path=/, no Domain),
 * and a plain `bm_session` is not read.
 */
let api: BareApi;
beforeAll(async () => {
  api = await bareApi({ demoPeople: DEMO_PEOPLE, secureCookies: true });
});
afterAll(async () => {
  await api?.app.close();
});

const VICTIM = DEMO_PEOPLE.find((p) => p.sub === 'demo:auth-440000:zhang')!;
const ATTACKER = DEMO_PEOPLE.find((p) => p.sub === 'demo:ent-gz-tech:guo')!;

async function signIn(sub: string) {
  const res = await api.app.inject({ method: 'POST', url: '/auth/demo', payload: { sub } });
  expect(res.statusCode).toBe(200);
  expect(res.cookies).toHaveLength(1);
  return res.cookies[0]!;
}

describe('a sibling subdomain cannot toss in its own session cookie', () => {
  it('over https the session cookie is __Host-bm_session: Secure, Path=/, no Domain', async () => {
    const cookie = await signIn(VICTIM.sub);
    expect(cookie).toMatchObject({ name: '__Host-bm_session', secure: true, path: '/', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.domain).toBeUndefined();
  });

  it('a tossed bm_session sent first is not read: /api/me answers as the victim, and the tossed cookie alone signs nobody in', async () => {
    const victim = (await signIn(VICTIM.sub)).value;
    const tossed = (await signIn(ATTACKER.sub)).value;
    const both = await api.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `bm_session=${tossed}; __Host-bm_session=${victim}` },
    });
    expect(both.statusCode).toBe(200);
    expect(both.json()).toMatchObject({ id: 'auth-440000', person: { sub: VICTIM.sub } });
    const alone = await api.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `bm_session=${tossed}` } });
    expect(alone.statusCode).toBe(401);
  });

  it('signing out clears the __Host- cookie (Secure, as a browser requires to overwrite it)', async () => {
    const victim = (await signIn(VICTIM.sub)).value;
    const out = await api.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: `__Host-bm_session=${victim}` } });
    expect(out.cookies.find((c) => c.name === '__Host-bm_session')).toMatchObject({ value: '', secure: true, path: '/' });
    const me = await api.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `__Host-bm_session=${victim}` } });
    expect(me.statusCode).toBe(401);
  });
});
