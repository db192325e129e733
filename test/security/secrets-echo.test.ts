import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, SECRET_SETTINGS } from '../../activities/config.js';
import { productionProblems } from '../../worker/production.js';

/**
 * Issue 24: a malformed BM_CODEC_KEYS (a key without its `id:` prefix, an easy mistake) was printed
 * in the start-up error — 40 of its 44 base64 characters in production, all of it in demo — and an
 * invalid BM_SMTP_URL would print its password. A refusal names the variable and the fault only.
 */
const root = new URL('../..', import.meta.url).pathname;
const registryDir = mkdtempSync(join(tmpdir(), 'bm-secrets-'));
const REGISTRY = join(registryDir, 'registry.json');
writeFileSync(
  REGISTRY,
  JSON.stringify({
    ...JSON.parse(readFileSync(join(root, 'domain/registry/demo-registry.json'), 'utf8')),
    version: 'gd-2026-11',
    people: [{ sub: 'u-zhang', partyId: 'auth-440000', roles: ['head'] }],
  }),
);
const production = (): Record<string, string> => ({
  BM_MODE: 'production',
  BM_REGISTRY_FILE: REGISTRY,
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  BM_JWT_SECRET: randomBytes(48).toString('base64'),
  BM_ID_SECRET: randomBytes(48).toString('base64'),
  BM_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  BM_OIDC_ISSUER: 'https://idp.example.gov.cn',
  BM_OIDC_CLIENT_ID: 'baomi-procedures',
});

function run(script: string, env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BM_') && !k.startsWith('TEMPORAL_') && k !== 'PORT'),
  );
  const dataDir = join(mkdtempSync(join(tmpdir(), 'bm-secrets-run-')), 'data');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], {
      cwd: root,
      env: { ...clean, BM_DATA_DIR: dataDir, PORT: '1', BM_TEMPORAL_PORT: '1', ...env },
    });
    let output = '';
    child.stderr.on('data', (c) => (output += c));
    child.stdout.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => (clearTimeout(timer), resolve({ status, output })));
  });
}

/** No 6 consecutive characters of the secret appear in the text. */
function expectNoPartOf(secret: string, text: string) {
  for (let i = 0; i + 6 <= secret.length; i++)
    expect(text, `"${secret.slice(i, i + 6)}" of the secret`).not.toContain(secret.slice(i, i + 6));
}

const KEY = randomBytes(32).toString('base64'); // 44 characters, its id forgotten
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

describe('start-up refusals never echo a secret', () => {
  it.each([
    ['the API, demo mode', 'api/main.ts', {}],
    ['the worker, demo mode', 'worker/main.ts', {}],
    ['the API, production mode', 'api/main.ts', production()],
    ['the worker, production mode', 'worker/main.ts', production()],
  ])('a codec key without its "id:" (%s): refused naming BM_CODEC_KEYS, no part of the key printed', async (_what, script, env) => {
    const r = await run(script, { ...env, BM_CODEC_KEYS: KEY });
    expect(r.status).toBe(1);
    expect(r.output).toContain('BM_CODEC_KEYS: entry 1 of 1 is not "id:base64key" (value withheld');
    expectNoPartOf(KEY, r.output);
  });

  it('an invalid BM_SMTP_URL or BM_RECORDS_URL: refused naming the variable, no part of the password printed', async () => {
    const r = await run('api/main.ts', {
      BM_SMTP_URL: `http://mailer:${PASSWORD}@mail.example.gov.cn:25`,
      BM_RECORDS_URL: `postgres//records:${PASSWORD}@db.example.gov.cn/records`,
    });
    expect(r.status).toBe(1);
    expect(r.output).toContain('BM_SMTP_URL: its value (withheld: it holds a secret) is not allowed; expected an smtp:// or smtps:// URL');
    expect(r.output).toContain('BM_RECORDS_URL: its value (withheld: it holds a secret) is not allowed');
    expectNoPartOf(PASSWORD, r.output);
  });

  it('every secret-bearing setting that fails its check is named without its value', () => {
    const refused: string[] = [];
    for (const name of SECRET_SETTINGS) {
      // The free-form secrets accept any text; the URLs are checked for their shape.
      try {
        parseConfig({ [name]: `not a valid value ${PASSWORD}` });
      } catch (e) {
        refused.push(name);
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toContain(`${name}: its value (withheld`);
        expectNoPartOf(PASSWORD, (e as ConfigError).message);
      }
    }
    expect(refused.sort()).toEqual(['BM_RECORDS_URL', 'BM_SMTP_URL']);
  });
});

describe('production mail requires TLS', () => {
  it('smtp:// without STARTTLS required is refused in production, naming BM_SMTP_URL and not its password; smtps:// and requireTLS=true pass', async () => {
    const r = await run('api/main.ts', { ...production(), BM_SMTP_URL: `smtp://mailer:${PASSWORD}@mail.example.gov.cn:25` });
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'BM_SMTP_URL: production mail requires TLS (value withheld); use smtps://host:465, or smtp://host:587?requireTLS=true',
    );
    expectNoPartOf(PASSWORD, r.output);
    const off = await run('api/main.ts', {
      ...production(),
      BM_SMTP_URL: `smtps://mailer:${PASSWORD}@mail.example.gov.cn:465?tls.rejectUnauthorized=false`,
    });
    expect(off.output).toContain('BM_SMTP_URL: tls.rejectUnauthorized=false turns off the server certificate check');
    expectNoPartOf(PASSWORD, off.output);
    // With TLS the mail setting passes production's check.
    for (const url of [
      `smtps://mailer:${PASSWORD}@mail.example.gov.cn:465`,
      `smtp://mailer:${PASSWORD}@mail.example.gov.cn:587?requireTLS=true`,
    ])
      expect(productionProblems({ ...production(), BM_SMTP_URL: url })).toEqual([]);
  });
});
