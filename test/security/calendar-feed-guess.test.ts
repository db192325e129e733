import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startStack, type Stack } from '../support/stack.js';

/** Guesses per minute an address gets without a valid token (lowered here so the test reaches it). */
const ANON_LIMIT = 40;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('calendar-guess-test', { api: { anonymousRateLimitPerMinute: ANON_LIMIT } });
});
afterAll(async () => {
  await stack?.stop();
});

const subscribe = async (as: string) => (await callAs(stack, 'POST', '/api/calendar/subscription', as)).body.url as string;
const parts = (url: string) => {
  const m = /\/api\/calendar\/feeds\/([\w-]{16})\.([\w-]{43})\.ics$/.exec(url)!;
  return { id: m[1]!, secret: m[2]! };
};
const feed = (id: string, secret: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.url}/api/calendar/feeds/${id}.${secret}.ics`, { headers }).then(async (r) => ({ status: r.status, body: await r.text() }));

describe('another person’s calendar feed cannot be read by guessing or altering its token (issue 27)', () => {
  let victim: { id: string; secret: string };
  let attacker: { id: string; secret: string };

  beforeAll(async () => {
    victim = parts(await subscribe('auth-440000'));
    attacker = parts(await subscribe('org-th-office'));
  });

  it('keeps only a hash of the secret', async () => {
    const { rows } = await stack.records.pool.query('select * from calendar_subscriptions where id = $1', [victim.id]);
    expect(JSON.stringify(rows)).not.toContain(victim.secret);
    expect(Buffer.from(rows[0].secret_sha256).equals(createHash('sha256').update(victim.secret).digest())).toBe(true);
  });

  it('refuses the victim’s id with the attacker’s secret, an altered, truncated or missing secret, alike (404, one answer)', async () => {
    const unknownId = await feed('A'.repeat(16), victim.secret);
    expect(unknownId.status).toBe(404);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const guesses = [
      feed(victim.id, attacker.secret),
      feed(victim.id, flip(victim.secret, 0)),
      feed(victim.id, flip(victim.secret, 21)),
      feed(victim.id, flip(victim.secret, 42)),
      feed(victim.id, victim.secret.slice(0, 42)),
      feed(victim.id, ''),
      feed(attacker.id, victim.secret),
      // The attacker's own valid bearer token changes nothing: the feed knows only its URL.
      feed(victim.id, flip(victim.secret, 10), { authorization: `Bearer ${await stack.token('org-th-office')}` }),
      fetch(`${stack.url}/api/calendar/feeds/${victim.id}.ics`).then(async (r) => ({ status: r.status, body: await r.text() })),
      fetch(`${stack.url}/api/calendar/feeds/..%2F${victim.id}.${victim.secret}.ics`).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      })),
    ];
    for (const g of await Promise.all(guesses)) {
      expect(g.status).toBe(404);
      // The same answer as for an id that does not exist: no oracle for which ids are real.
      expect(JSON.parse(g.body).detail).toBe(JSON.parse(unknownId.body).detail);
      expect(g.body).not.toContain('BEGIN:VCALENDAR');
    }
    // The victim's own URL works.
    const own = await feed(victim.id, victim.secret);
    expect(own.status).toBe(200);
    expect(own.body).toContain('BEGIN:VCALENDAR');
  });

  it('tells that a URL was revoked only to its holder', async () => {
    const old = parts(await subscribe('auth-440100'));
    await callAs(stack, 'DELETE', '/api/calendar/subscription', 'auth-440100');
    expect((await feed(old.id, old.secret)).status).toBe(410);
    expect((await feed(old.id, attacker.secret)).status).toBe(404);
  });

  it('limits guesses per address like every anonymous route (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ANON_LIMIT + 5; i++) statuses.push((await feed(victim.id, `${'x'.repeat(42)}${i % 10}`)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 404 && s !== 429)).toEqual([]);
  });
});
