import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueToken } from '../../api/auth.js';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { Registry } from '../../domain/registry/registry.js';
import { bareApi } from '../support/bare-api.js';

const root = new URL('../..', import.meta.url).pathname;
const DEMO_REGISTRY = join(root, 'domain/registry/demo-registry.json');
/** A department's own registry: the same parties under a version of its own (issue 24: `gd-2026-03`). */
const own = { ...JSON.parse(readFileSync(DEMO_REGISTRY, 'utf8')), version: 'gd-2026-03' };
const OWN_REGISTRY = join(mkdtempSync(join(tmpdir(), 'bm-own-registry-')), 'registry.json');
writeFileSync(OWN_REGISTRY, JSON.stringify(own));
const NATIONAL_HEAD = DEMO_PEOPLE.find((p) => p.sub === 'demo:auth-000000:feng')!;

/** Runs an entry point with this environment only (no BM_* or TEMPORAL_* inherited) and a data folder not yet created. */
function run(
  script: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string; stdout: string; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'bm-demo-accident-')), 'data');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BM_') && !k.startsWith('TEMPORAL_') && k !== 'PORT'),
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], {
      cwd: root,
      env: { ...clean, BM_DATA_DIR: dataDir, PORT: '1', BM_TEMPORAL_PORT: '1', ...env },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => (clearTimeout(timer), resolve({ status, stderr, stdout, dataDir })));
  });
}

describe('demo mode only on purpose (issue 24)', () => {
  it('with a registry of its own, the API offers no demo person: POST /auth/demo does not exist and a demo token of the national head is refused', async () => {
    const { app, jwtKey } = await bareApi({ registry: new Registry(own), demoPeople: DEMO_PEOPLE });
    try {
      const options = await app.inject({ method: 'GET', url: '/auth/options' });
      expect(options.json()).toEqual({ oidc: false, demo: [] });
      const signIn = await app.inject({ method: 'POST', url: '/auth/demo', payload: { sub: NATIONAL_HEAD.sub } });
      expect(signIn.statusCode).toBe(404);
      expect(signIn.headers['set-cookie']).toBeUndefined();
      // The token `npm start` printed (bm_demo) names the national authority's head: refused.
      const token = await issueToken(jwtKey, NATIONAL_HEAD);
      const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.statusCode).toBe(401);
      expect(me.json().detail).toContain('demo tokens are accepted only with the demo registry, not "gd-2026-03"');
    } finally {
      await app.close();
    }
  });

  it('the demonstration itself is unchanged: the demo registry signs the national head in with one click', async () => {
    const { app } = await bareApi({ demoPeople: DEMO_PEOPLE });
    try {
      const signIn = await app.inject({ method: 'POST', url: '/auth/demo', payload: { sub: NATIONAL_HEAD.sub } });
      expect(signIn.statusCode).toBe(200);
      const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
      const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect(me.json()).toMatchObject({ id: 'auth-000000', roles: ['head'] });
    } finally {
      await app.close();
    }
  });

  const settings: Array<[string, Record<string, string>]> = [
    ['BM_REGISTRY_FILE', { BM_REGISTRY_FILE: OWN_REGISTRY }],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: '127.0.0.1:1' }],
    ['BM_RECORDS_URL', { BM_RECORDS_URL: 'postgres://bm@127.0.0.1:1/records' }],
    ['BM_OIDC_ISSUER', { BM_OIDC_ISSUER: 'https://idp.example.gov.cn', BM_OIDC_CLIENT_ID: 'baomi-procedures' }],
  ];
  it.each(settings)('with %s set and BM_MODE unset, the API refuses to start, naming it and BM_MODE=production', async (name, env) => {
    const r = await run('api/main.ts', env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[api] cannot start in demo mode (BM_MODE unset or demo):');
    expect(r.stderr).toMatch(new RegExp(`- ${name}: .*set BM_MODE=production`));
    expect(r.stderr).not.toMatch(/listening/);
  });

  it('npm start and the worker refuse a registry of their own in demo mode (BM_MODE=demo too): nothing written, started or printed', async () => {
    for (const [script, env] of [
      ['scripts/start.ts', { BM_REGISTRY_FILE: OWN_REGISTRY }],
      ['worker/main.ts', { BM_REGISTRY_FILE: OWN_REGISTRY, BM_MODE: 'demo' }],
    ] as const) {
      const r = await run(script, env);
      expect(r.status, script).toBe(1);
      expect(r.stderr, script).toMatch(
        /cannot start in demo mode \(BM_MODE unset or demo\):\n {2}- BM_REGISTRY_FILE: .*"gd-2026-03".*BM_MODE=production/,
      );
      expect(existsSync(r.dataDir) ? readdirSync(r.dataDir) : []).toEqual([]);
      expect(r.stderr).not.toContain('starting the Temporal dev server');
      expect(r.stdout + r.stderr).not.toMatch(/eyJ/); // no 8-hour token printed
    }
  });
});
