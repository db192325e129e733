import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { SA } from '../../workflows/search-attributes.js';
import { bareApi } from '../support/bare-api.js';
import { leakInput, unclearMatterInput } from '../support/inputs.js';
import { startStack, type Stack } from '../support/stack.js';

/** Issue 24: limits an address block, a flood of starts or of health checks could dodge. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('limits', {
    api: {
      policy: {
        ...DEFAULT_POLICY,
        maxOpenProceduresPerParty: { ...DEFAULT_POLICY.maxOpenProceduresPerParty, leak: 3 },
        startsPerPartyPerHour: 6,
      },
    },
  });
});
const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await stack?.stop();
});

describe('the anonymous rate limit counts an IPv6 /64 as one client', () => {
  it('400 requests from 400 addresses of one /64 meet 429 after the limit; another /64 and IPv4 addresses keep their own buckets', async () => {
    const { app } = await bareApi({ anonymousRateLimitPerMinute: 120 });
    apps.push(app);
    const codes: number[] = [];
    for (let i = 1; i <= 400; i++) {
      const from = `2001:db8:77:1:${((i * 7919) % 0x10000).toString(16)}:${i.toString(16)}:0:1`;
      codes.push((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: from })).statusCode);
    }
    expect(codes.filter((c) => c === 401)).toHaveLength(120);
    expect(codes.slice(120).every((c) => c === 429)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '2001:db8:77:2::1' })).statusCode).toBe(401);
    // IPv4: each address is its own client (/32), as before; an IPv4-mapped address is that address.
    expect((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '192.0.2.1' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '::ffff:192.0.2.2' })).statusCode).toBe(401);
    const limited = await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '2001:db8:77:1::beef' });
    expect(limited.json().detail).toContain('per client address (IPv6: per /64)');
  });

  it('the page and its files are not counted: an office behind one address loads the dashboard twenty times in a minute, and its anonymous API calls are still limited', async () => {
    const { app } = await bareApi({ anonymousRateLimitPerMinute: 120 });
    apps.push(app);
    const files = [
      '/',
      '/dashboard/app.js',
      '/dashboard/login.js',
      '/dashboard/style.css',
      '/dashboard/workbench.js',
      '/dashboard/names.js',
    ];
    const codes: number[] = [];
    for (let load = 0; load < 25; load++)
      for (const url of files) codes.push((await app.inject({ method: 'GET', url, remoteAddress: '192.0.2.9' })).statusCode);
    expect(codes.every((c) => c === 200)).toBe(true);
    const api: number[] = [];
    for (let i = 0; i < 121; i++) api.push((await app.inject({ method: 'GET', url: '/api/me', remoteAddress: '192.0.2.9' })).statusCode);
    expect(api.slice(0, 120).every((c) => c === 401)).toBe(true);
    expect(api[120]).toBe(429);
  });
});

async function start(party: string, kind: 'leak' | 'unclear-matter', matterRef: string) {
  const body = kind === 'leak' ? leakInput({ organId: party }) : unclearMatterInput({ organId: party, matterRef });
  const res = await fetch(`${stack.url}/api/procedures/${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(party)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; title?: string; detail?: string; detailZh?: string } };
}

async function openLeaks(party: string): Promise<number> {
  let n = 0;
  for await (const w of stack.client.workflow.list({ query: `BmKind = 'leak' AND BmOrgan = '${party}' AND ExecutionStatus = 'Running'` }))
    if (w.typedSearchAttributes.get(SA.kind) === 'leak') n++;
  return n;
}

describe('per-party limits on starts (本地策略)', () => {
  it('an organ starting 8 leak procedures at once gets 3 (its cap) and clear 429s naming the cap; another organ is not affected', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => start('org-gz-bureau', 'leak', `L-${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.body.title).toBe('Start limit reached');
      expect(r.body.detail).toContain('org-gz-bureau has 3 open leak procedures');
      expect(r.body.detail).toContain('maxOpenProceduresPerParty.leak = 3');
      expect(r.body.detailZh).toContain('进行中的泄密报告已达上限（3件，本地策略）');
    }
    for (let i = 0; i < 50 && (await openLeaks('org-gz-bureau')) < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await openLeaks('org-gz-bureau')).toBe(3);
    expect((await start('org-th-office', 'leak', 'TH-1')).status).toBe(201);
  });

  it('a per-party start rate across kinds: the 7th start within the hour is refused (startsPerPartyPerHour = 6)', async () => {
    // org-gz-bureau has started 3 (the refused ones do not count): 3 more are accepted, then none.
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await start('org-gz-bureau', 'unclear-matter', `R-${i}`)).status);
    expect(codes).toEqual([201, 201, 201, 429]);
    const refused = await start('org-gz-bureau', 'unclear-matter', 'R-9');
    expect(refused.body.detail).toContain('startsPerPartyPerHour = 6');
    expect(refused.body.detailZh).toContain('一小时内启动的程序已达上限（6件，本地策略）');
  });
});

describe('the start rate is one count across API processes and restarts (issue 24)', () => {
  /** A start on one API process (the stack's, or another on the same Temporal and record database). */
  const startOn = async (app: FastifyInstance, party: string, matterRef: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/procedures/unclear-matter',
        headers: { authorization: `Bearer ${await stack.token(party)}` },
        payload: unclearMatterInput({ organId: party, matterRef }),
      })
    ).json() as { id?: string; detail?: string; status?: number };

  it('8 starts at once, 4 on each of two API processes, get 6 (startsPerPartyPerHour = 6); then both refuse, and so does a restarted process', async () => {
    const party = 'org-nj-bureau';
    const [one, two] = [stack.app, await stack.extraApp({})];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => startOn(i % 2 ? two : one, party, `NJ-${i}`)));
    expect(results.filter((r) => r.id)).toHaveLength(6);
    const refused = results.filter((r) => !r.id);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r).toMatchObject({ status: 429, detail: expect.stringContaining('startsPerPartyPerHour = 6') });
    for (const app of [one, two, await stack.extraApp({})])
      expect(await startOn(app, party, 'NJ-9')).toMatchObject({
        status: 429,
        detail: `${party} started 6 procedures within the hour, the most one party may (本地策略 startsPerPartyPerHour = 6); retry later`,
      });
    // Another party has its own count.
    expect((await startOn(two, 'org-gz-institute', 'GI-1')).id).toBeDefined();
  });
});

describe('unauthenticated /healthz', () => {
  it('100 health checks cost Temporal one check (two calls) a second, not two calls each', async () => {
    const service = stack.client.workflowService;
    const [info, queue] = [service.getSystemInfo.bind(service), service.describeTaskQueue.bind(service)];
    let calls = 0;
    Object.assign(service, {
      getSystemInfo: (req: Parameters<typeof info>[0]) => (calls++, info(req)),
      describeTaskQueue: (req: Parameters<typeof queue>[0]) => (calls++, queue(req)),
    });
    try {
      await new Promise((r) => setTimeout(r, 1100)); // past any answer kept from before
      calls = 0;
      const began = Date.now();
      const codes = await Promise.all(Array.from({ length: 100 }, () => fetch(`${stack.url}/healthz`).then((r) => r.status)));
      const seconds = Math.floor((Date.now() - began) / 1000) + 1;
      expect(new Set(codes)).toEqual(new Set([200]));
      // One check a second at most, however long the 100 took on a loaded machine.
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThanOrEqual(2 * seconds);
    } finally {
      Object.assign(service, { getSystemInfo: info, describeTaskQueue: queue });
    }
  });
});
