/**
 * The API runs behind a TLS front end (a reverse proxy). Without knowing that, it sees one client —
 * the proxy — and every anonymous visitor shares one rate-limit bucket: 120 requests a minute from
 * anyone lock everyone out of sign-in. BM_TRUST_PROXY names the proxy: only a request from it has
 * its X-Forwarded-For believed. Without it nobody's is (anyone could write one).
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../activities/config.js';
import { bareApi } from '../support/bare-api.js';
import { testRecordStore } from '../support/records.js';

const root = new URL('../..', import.meta.url).pathname;
const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

/** An anonymous GET /api/me (401 until the client's bucket is used up, then 429). */
const anonymous = (app: FastifyInstance, from: string, forwardedFor?: string) =>
  app
    .inject({ method: 'GET', url: '/api/me', remoteAddress: from, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} })
    .then((r) => r.statusCode);

describe('the anonymous rate limit behind a reverse proxy', () => {
  it('without BM_TRUST_PROXY, X-Forwarded-For is ignored: different values from one address share its bucket (spoofing does not help)', async () => {
    expect(parseConfig({}).trustProxy).toBeUndefined();
    const { app } = await bareApi({ anonymousRateLimitPerMinute: 3 });
    apps.push(app);
    const codes = [];
    for (let i = 1; i <= 5; i++) codes.push(await anonymous(app, '10.0.0.9', `203.0.113.${i}`));
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect(await anonymous(app, '10.0.0.10', '203.0.113.1')).toBe(401); // another address, its own bucket
  });

  it('with BM_TRUST_PROXY=127.0.0.1, two clients behind the proxy have buckets of their own, and the denial log names the client', async () => {
    const { trustProxy } = parseConfig({ BM_TRUST_PROXY: '127.0.0.1' });
    expect(trustProxy).toEqual(['127.0.0.1']);
    const records = await testRecordStore();
    const { app } = await bareApi({ records, anonymousRateLimitPerMinute: 3, ...(trustProxy ? { trustProxy } : {}) });
    const proxy = '127.0.0.1';
    const a = [];
    for (let i = 0; i < 4; i++) a.push(await anonymous(app, proxy, '203.0.113.1'));
    expect(a).toEqual([401, 401, 401, 429]);
    expect(await anonymous(app, proxy, '203.0.113.2')).toBe(401); // client B, behind the same proxy: not locked out
    // Client A prepending a made-up address: the proxy appends the real one, and that one counts.
    expect(await anonymous(app, proxy, '198.51.100.7, 203.0.113.1')).toBe(429);
    // A sender that is not the proxy is not believed: its own address counts, whatever it forwards.
    const direct = [];
    for (let i = 1; i <= 4; i++) direct.push(await anonymous(app, '10.0.0.9', `198.51.100.${i}`));
    expect(direct).toEqual([401, 401, 401, 429]);
    await app.close(); // writes the denial log's anonymous counts
    const logged = (await records.pool.query<{ ip: string }>('select ip from denials')).rows.map((r) => r.ip);
    await records.close();
    expect(new Set(logged)).toEqual(new Set(['203.0.113.1', '203.0.113.2', '10.0.0.9']));
  });

  it('a bad BM_TRUST_PROXY is refused at startup, naming the setting, the value and what is allowed', () => {
    expect(parseConfig({ BM_TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16 ,fd00::/8' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8']);
    for (const bad of ['true', '*', '0.0.0.0/0', '::/0', '10.0.0.0/33', 'proxy.internal', '10.0.0.5,,10.0.0.6', '300.1.1.1']) {
      let error: unknown;
      try {
        parseConfig({ BM_TRUST_PROXY: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems, bad).toEqual([
        expect.stringMatching(
          new RegExp(
            `^BM_TRUST_PROXY: "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not allowed; expected .*IP addresses or CIDR ranges`,
          ),
        ),
      ]);
    }
    const r = spawnSync(process.execPath, ['--import', join(root, 'node_modules/tsx/dist/loader.mjs'), join(root, 'api/main.ts')], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, BM_TEMPORAL_PORT: '1', BM_TRUST_PROXY: 'true' },
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('[api] cannot start: invalid configuration:');
    expect(r.stderr).toMatch(/BM_TRUST_PROXY: "true" is not allowed; expected .*IP addresses or CIDR ranges/);
  });
});
