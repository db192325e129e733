/**
 * Issue 24: the denial log was a JSON-lines file rotated by size, and 48,000 anonymous 401s rotated
 * an insider's earlier 403 out of it in 17 s. Denials now live in the record database: a signed-in
 * caller's refusal is one row, anonymous ones are counted per address block, route, status and
 * reason in a minute, and nothing but the retention's purge deletes a row.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/auth.js';
import { DENIAL_WINDOW_KEYS, DENIAL_WINDOW_MS, type DenialRow } from '../../api/denials.js';
import type { RecordStore } from '../../records/store.js';
import { bareApi } from '../support/bare-api.js';
import { unclearMatterInput } from '../support/inputs.js';
import { recordedDenials, testRecordKeysEnv, testRecordStore } from '../support/records.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const jwtKey = new TextEncoder().encode('denial-flood-test-key-of-sufficient-length');
/** Past twice the old file log's 8 MiB with these URLs (the old log lost the 403 under this flood, in about 25 s). */
const FLOOD = 50_000;
/** A long query string: the most a refusal could write into the old log (its fields were cut at 200 characters). */
const PAD = `?${'x'.repeat(300)}`;
let records: RecordStore;
beforeAll(async () => {
  records = await testRecordStore();
});
afterAll(async () => {
  await records?.close();
});

/** The API process of the deployment: its record database, no anonymous rate limit in the way of the flood. */
const apiProcess = async () => (await bareApi({ jwtKey, records, anonymousRateLimitPerMinute: 1_000_000_000 })).app;
const denials = () => recordedDenials(records);
const windowsSpanned = (began: number, ended: number) => Math.floor(ended / DENIAL_WINDOW_MS) - Math.floor(began / DENIAL_WINDOW_MS) + 1;

/** `count` anonymous requests with made-up tokens from `from(i)`, 500 at a time; each must be a 401. */
async function flood(app: Awaited<ReturnType<typeof apiProcess>>, count: number, from: (i: number) => string) {
  for (let i = 0; i < count; i += 500) {
    const codes = await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, (_, j) =>
        app
          .inject({
            method: 'GET',
            url: `/api/procedures/unclear-matter-${i + j}${PAD}`,
            remoteAddress: from(i + j),
            headers: { authorization: `Bearer forged.${i + j}` },
          })
          .then((r) => r.statusCode),
      ),
    );
    expect(new Set(codes)).toEqual(new Set([401]));
  }
}

describe('the denial log in the record database', () => {
  it("an insider's 403, then 50,000 anonymous 401s: the 403 is kept with who and what, the flood is a few rows counting every refusal", async () => {
    const app = await apiProcess();
    const insider = await issueToken(jwtKey, { party: 'org-nj-bureau', sub: 'insider-7', name: '内部人员', roles: ['secrecy-officer'] });
    const refused = await app.inject({
      method: 'POST',
      url: '/api/procedures/unclear-matter',
      remoteAddress: '10.20.30.40',
      headers: { authorization: `Bearer ${insider}` },
      payload: unclearMatterInput({ organId: 'org-gz-bureau' }),
    });
    expect(refused.statusCode).toBe(403);
    const insiderRow = {
      status: 403,
      caller: 'org-nj-bureau',
      person: 'insider-7',
      what: 'start unclear-matter for org-gz-bureau',
      method: 'POST',
      url: '/api/procedures/unclear-matter',
      route: '/api/procedures/unclear-matter',
      ip: '10.20.30.40',
      count: 1,
    };
    // Written in the background within about a second, not on the request's path, and not only at close.
    await expect.poll(denials, { timeout: 5_000 }).toEqual([expect.objectContaining(insiderRow)]);

    const began = Date.now();
    await flood(app, FLOOD, () => '198.51.100.66');
    const ended = Date.now();
    await app.close(); // a clean shutdown writes the counts still held

    const rows = await denials();
    expect(rows.filter((r) => r.caller !== null)).toEqual([expect.objectContaining(insiderRow)]);
    const counted = rows.filter((r) => r.caller === null);
    // One row a minute for the one client, route, status and reason.
    expect(counted.length).toBeLessThanOrEqual(windowsSpanned(began, ended));
    expect(counted.reduce((n, r) => n + r.count, 0)).toBe(FLOOD);
    for (const r of counted) {
      expect(r).toMatchObject({ status: 401, ip: '198.51.100.66', method: 'GET', route: '/api/procedures/:id', what: 'invalid token' });
      expect(r.first_at.getTime()).toBeLessThanOrEqual(r.last_at.getTime());
      expect(r.url).toMatch(/^\/api\/procedures\/unclear-matter-\d+\?x+…\[\d+ more\]$/); // the first URL of its window, cut
      expect(r.url!.length).toBeLessThan(220);
    }
  });

  it('a flood from thousands of IPv6 /64s adds at most a bounded number of rows a minute, and loses no count', async () => {
    const before = (await denials()).length;
    const app = await apiProcess();
    const began = Date.now();
    await flood(app, 6_000, (i) => `2001:db8:${(i % 4096).toString(16)}:${(i >> 12).toString(16)}::1`);
    const ended = Date.now();
    await app.close();
    const added = (await denials()).slice(before);
    expect(added.length).toBeLessThanOrEqual(windowsSpanned(began, ended) * (DENIAL_WINDOW_KEYS + 1));
    expect(added.reduce((n, r) => n + r.count, 0)).toBe(6_000);
    expect(added.filter((r) => r.ip === '*').reduce((n, r) => n + r.count, 0)).toBeGreaterThan(0); // the rest, counted together
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of a denial, and a purge naming a retention under 180 days', async () => {
    const insert = async (daysAgo: number) =>
      (
        await records.pool.query<{ id: string }>(
          `insert into denials (first_at, last_at, count, status, caller, person, what)
           values (now() - make_interval(days => $1), now() - make_interval(days => $1), 1, 403, 'org-nj-bureau', 'old-insider', $2) returning id`,
          [daysAgo, `${daysAgo} days ago`],
        )
      ).rows[0]!.id;
    const [recent, old] = [await insert(0), await insert(400)];
    await expect(records.pool.query(`update denials set what = 'nothing' where id = $1`, [recent])).rejects.toThrow(
      /append-only: UPDATE on denials refused/,
    );
    await expect(records.pool.query('delete from denials where id = $1', [old])).rejects.toThrow(/append-only: DELETE on denials refused/);
    await expect(records.pool.query('truncate denials')).rejects.toThrow(/append-only: TRUNCATE on denials refused/);
    // A purge must name a retention of at least 180 days, and deletes only rows beyond it.
    const purgeAs = async (days: number, row: string) => {
      const client = await records.pool.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('bm.denial_retention_days', $1, true)`, [String(days)]);
        return await client.query('delete from denials where id = $1', [row]);
      } finally {
        await client.query('rollback');
        client.release();
      }
    };
    await expect(purgeAs(1, old)).rejects.toThrow(/DELETE on denials refused/);
    await expect(purgeAs(365, recent)).rejects.toThrow(/DELETE on denials refused/);
    expect((await purgeAs(365, old)).rowCount).toBe(1); // (rolled back)
  });

  it('the retention purge (BM_DENIAL_RETENTION_DAYS, at each API start) removes only the rows older than the retention', async () => {
    await records.pool.query(
      `insert into denials (first_at, last_at, count, status, caller, person, what)
       select now() - make_interval(days => d), now() - make_interval(days => d), 1, 403, 'org-nj-bureau', 'purged-insider', d || ' days ago'
       from unnest(array[400, 200, 0]) as d`,
    );
    const kept = async () =>
      (await records.pool.query<{ what: string }>(`select what from denials where person = 'purged-insider' order by id`)).rows.map(
        (r) => r.what,
      );
    const started = await bareApi({ jwtKey, records, denialRetentionDays: 365 });
    await started.app.close(); // waits for the purge it started with
    expect(await kept()).toEqual(['200 days ago', '0 days ago']);
    const shorter = await bareApi({ jwtKey, records, denialRetentionDays: 180 });
    await shorter.app.close();
    expect(await kept()).toEqual(['0 days ago']);
  });

  it('`npm run denials` shows them to the operator, as JSON and as lines', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/denials.ts'), ...args], {
        env: {
          ...process.env,
          BM_RECORDS_URL: records.url,
          ...testRecordKeysEnv(),
          BM_DATA_DIR: mkdtempSync(join(tmpdir(), 'bm-denials-')),
        },
      });
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const json = JSON.parse((await run('--since', since, '--json')).stdout) as DenialRow[];
    expect(json[0]).toMatchObject({ status: 403, caller: 'org-nj-bureau', person: 'insider-7', count: 1 });
    expect(json.filter((d) => d.ip === '198.51.100.66').reduce((n, d) => n + d.count, 0)).toBe(FLOOD);
    const text = (await run('--since', since)).stdout;
    expect(text).toContain(
      '403 org-nj-bureau/insider-7 from 10.20.30.40 POST /api/procedures/unclear-matter: start unclear-matter for org-gz-bureau',
    );
    expect(text).toMatch(/ 401 anonymous from 198\.51\.100\.66 GET \/api\/procedures\/unclear-matter-\d+\?x+…\[\d+ more\]: invalid token/);
    await expect(run('--since', 'yesterday')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: denials --since') });
  });
});
