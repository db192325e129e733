import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productionProblems } from '../../worker/production.js';
import { startDevServer } from '../../scripts/dev-server.js';
import { startTestIdp } from '../support/oidc-idp.js';
import { freePort } from '../support/ports.js';
import { testRecordsUrl } from '../support/records.js';

const root = new URL('../..', import.meta.url).pathname;
const strong = () => randomBytes(48).toString('base64');

/** The demonstration's registry, and a copy of it under another name: production refuses both by their content. */
const DEMO_REGISTRY = join(root, 'domain/registry/demo-registry.json');
const registries = mkdtempSync(join(tmpdir(), 'bm-prod-registry-'));
const RENAMED_DEMO = join(registries, 'organs-2026.json');
copyFileSync(DEMO_REGISTRY, RENAMED_DEMO);
/** A registry of the department's own: the same parties under a version of its own. */
const OWN_REGISTRY = join(registries, 'registry.json');
const own = { ...JSON.parse(readFileSync(DEMO_REGISTRY, 'utf8')), version: 'gd-2026-11' };
writeFileSync(OWN_REGISTRY, JSON.stringify({ ...own, people: [{ sub: 'u-zhang', partyId: 'auth-440000', roles: ['head'] }] }));
/** The same without people: nobody could sign in mapped by the registry. */
const NO_PEOPLE = join(registries, 'no-people.json');
writeFileSync(NO_PEOPLE, JSON.stringify(own));

/** Everything production needs, valid: each test spoils one item. */
const complete = (): Record<string, string> => ({
  BM_MODE: 'production',
  BM_REGISTRY_FILE: OWN_REGISTRY,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  BM_JWT_SECRET: strong(),
  BM_ID_SECRET: strong(),
  BM_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  BM_RECORDS_URL: 'postgres://baomi_records:secret@records.example.gov.cn:5432/baomi_records',
  BM_RECORD_KEYS: `r1:${randomBytes(32).toString('base64')}`,
  BM_OIDC_ISSUER: 'https://idp.example.gov.cn',
  BM_OIDC_CLIENT_ID: 'baomi-procedures',
});

/** Runs an entry point with exactly this environment (no secrets inherited) and a fresh, not yet created data folder. */
function run(
  script: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string; stdout: string; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'bm-prod-')), 'data');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BM_') && !k.startsWith('TEMPORAL_') && k !== 'PORT'),
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], {
      cwd: root,
      env: { ...clean, BM_DATA_DIR: dataDir, PORT: '1', ...env },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => (clearTimeout(timer), resolve({ status, stderr, stdout, dataDir })));
  });
}

/** Refused before anything was written or started: no data folder, no secret, no dev server, no token. */
function expectRefusedUntouched(r: Awaited<ReturnType<typeof run>>) {
  expect(r.status).toBe(1);
  expect(existsSync(r.dataDir) ? readdirSync(r.dataDir) : []).toEqual([]);
  expect(r.stderr).not.toContain('starting the Temporal dev server');
  expect(r.stdout).not.toMatch(/eyJ/); // no JWT printed
}

describe('production mode refuses to start without its secrets, registry and cluster', () => {
  it('npm start in production with nothing configured names every missing variable and starts nothing', async () => {
    const r = await run('scripts/start.ts', { BM_MODE: 'production' });
    expectRefusedUntouched(r);
    expect(r.stderr).toContain('[start] cannot start in production mode (BM_MODE=production)');
    for (const v of [
      'BM_REGISTRY_FILE: required in production mode (the demo registry is refused)',
      'TEMPORAL_ADDRESS: required in production mode (the embedded dev server is not started)',
      'BM_JWT_SECRET: required',
      'BM_ID_SECRET: required',
      'BM_CODEC_KEYS: required',
      'BM_RECORDS_URL: required in production mode (the embedded record database is not started)',
      'BM_RECORD_KEYS: required in production mode',
      'BM_OIDC_ISSUER: required in production mode',
    ])
      expect(r.stderr).toContain(v);
  });

  const spoiled: Array<[string, Record<string, string | undefined>, string]> = [
    ['no registry (the demo registry is the default)', { BM_REGISTRY_FILE: undefined }, 'BM_REGISTRY_FILE: required'],
    [
      'the demo registry',
      { BM_REGISTRY_FILE: DEMO_REGISTRY },
      `BM_REGISTRY_FILE: ${DEMO_REGISTRY} is the demonstration registry (version "demo-2026-11"; a version starting with "demo" marks it), refused in production mode`,
    ],
    [
      'the demo registry under another name',
      { BM_REGISTRY_FILE: RENAMED_DEMO },
      `BM_REGISTRY_FILE: ${RENAMED_DEMO} is the demonstration registry (version "demo-2026-11"`,
    ],
    [
      'a registry listing no people (mapped by the registry)',
      { BM_REGISTRY_FILE: NO_PEOPLE },
      `BM_REGISTRY_FILE: ${NO_PEOPLE} lists no people`,
    ],
    ['a registry file that cannot be read', { BM_REGISTRY_FILE: join(registries, 'missing.json') }, 'BM_REGISTRY_FILE: cannot read'],
    ['the embedded dev server', { TEMPORAL_ADDRESS: undefined }, 'TEMPORAL_ADDRESS: required'],
    ['a short token key', { BM_JWT_SECRET: 'x'.repeat(10) + 'abcdefghijk' }, 'BM_JWT_SECRET: too short (21 bytes); at least 32'],
    ['a repeated token key', { BM_JWT_SECRET: 'ab'.repeat(40) }, 'BM_JWT_SECRET: too weak'],
    ['no id secret', { BM_ID_SECRET: undefined }, 'BM_ID_SECRET: required in production mode'],
    [
      'a 16-byte codec key',
      { BM_CODEC_KEYS: `k1:${randomBytes(16).toString('base64')}` },
      'BM_CODEC_KEYS: key "k1" has 16 bytes; AES-256 needs exactly 32',
    ],
    ['an all-zero codec key', { BM_CODEC_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` }, 'BM_CODEC_KEYS: key "k1" is too weak'],
    ['a malformed codec key list', { BM_CODEC_KEYS: 'no-colon-here' }, 'BM_CODEC_KEYS: entry 1 of 1 is not "id:base64key" (value withheld'],
    ['mail without TLS', { BM_SMTP_URL: 'smtp://mail.example.gov.cn:25' }, 'BM_SMTP_URL: production mail requires TLS'],
    ['the embedded record database', { BM_RECORDS_URL: undefined }, 'BM_RECORDS_URL: required in production mode'],
    ['no record keys', { BM_RECORD_KEYS: undefined }, 'BM_RECORD_KEYS: required in production mode'],
    [
      'a record key without its id',
      { BM_RECORD_KEYS: randomBytes(32).toString('base64') },
      'BM_RECORD_KEYS: entry 1 has no "id:" before its key',
    ],
    [
      'a short record key',
      { BM_RECORD_KEYS: `r1:${randomBytes(16).toString('base64')}` },
      'BM_RECORD_KEYS: key "r1" has 16 bytes; at least 32',
    ],
    ['no identity provider', { BM_OIDC_ISSUER: undefined }, 'BM_OIDC_ISSUER: required in production mode'],
    ['an identity provider without the client', { BM_OIDC_CLIENT_ID: undefined }, 'BM_OIDC_CLIENT_ID: required with BM_OIDC_ISSUER'],
    ['tokens living two days', { BM_TOKEN_MAX_HOURS: '48' }, 'BM_TOKEN_MAX_HOURS: "48" exceeds the production maximum of 12 hours'],
  ];
  it.each(spoiled)('refuses %s, naming the variable, as the only problem', (_what, over, message) => {
    const env = { ...complete(), ...over };
    const problems = productionProblems(
      Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('a complete production configuration has no problem; the default (no BM_MODE) stays the demo', () => {
    expect(productionProblems(complete())).toEqual([]);
    // The worker signs nobody in: it needs no identity provider.
    const { BM_OIDC_ISSUER: _issuer, BM_OIDC_CLIENT_ID: _client, BM_ID_SECRET: _ids, ...worker } = complete();
    expect(productionProblems(worker, 'worker')).toEqual([]);
    expect(productionProblems({})).toEqual([]);
  });

  it('npm start, the API and the worker refuse the demo registry, renamed or not, before anything is written, started or connected', async () => {
    for (const [script, file] of [
      ['scripts/start.ts', DEMO_REGISTRY],
      ['api/main.ts', RENAMED_DEMO],
      ['worker/main.ts', RENAMED_DEMO],
    ] as const) {
      const r = await run(script, { ...complete(), BM_REGISTRY_FILE: file });
      expectRefusedUntouched(r);
      expect(r.stderr, script).toContain(
        `cannot start in production mode (BM_MODE=production):\n  - BM_REGISTRY_FILE: ${file} is the demonstration registry (version "demo-2026-11"`,
      );
      expect(r.stderr, script).not.toMatch(/listening|polling/);
    }
  });

  it('the API and the worker refuse a weak secret on their own too, before connecting', async () => {
    for (const script of ['api/main.ts', 'worker/main.ts']) {
      const r = await run(script, { ...complete(), BM_JWT_SECRET: 'short' });
      expectRefusedUntouched(r);
      expect(r.stderr).toContain(`cannot start in production mode (BM_MODE=production):\n  - BM_JWT_SECRET: too short (5 bytes)`);
    }
  });
});

describe('a production start that succeeds', () => {
  it('npm start with everything configured runs, and prints and offers no demo person or token', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-prod-ok-'));
    const temporal = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: await freePort() });
    const idp = await startTestIdp({ accounts: [] });
    const port = await freePort();
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('BM_') && !k.startsWith('TEMPORAL_') && k !== 'PORT'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/start.ts')], {
      cwd: root,
      env: {
        ...clean,
        ...complete(),
        TEMPORAL_ADDRESS: temporal.address,
        BM_RECORDS_URL: await testRecordsUrl(),
        BM_OIDC_ISSUER: idp.issuer,
        BM_OIDC_CLIENT_ID: 'bm-dashboard',
        BM_DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        BM_API_METRICS_PORT: 'off',
        BM_WORKER_METRICS_PORT: 'off',
        BM_WORKER_APP_METRICS_PORT: 'off',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const running = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (c) => ((stdout += c), stdout.includes('Press Ctrl-C to stop.') && resolve(true)));
      void exited.then(() => resolve(false));
    });
    try {
      expect(running, stderr).toBe(true);
      expect(stdout).toContain('Production mode: no demo people. Sign in through your identity provider');
      expect(stdout).not.toContain('Demo people');
      expect(stdout + stderr).not.toMatch(/eyJ/); // no JWT printed, by start or its children
      expect(await (await fetch(`http://127.0.0.1:${port}/auth/options`)).json()).toEqual({ oidc: true, demo: [] });
    } finally {
      child.kill('SIGTERM');
      await exited;
      await temporal.stop();
      await idp.stop();
    }
  });
});
