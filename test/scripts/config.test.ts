import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, DEFAULT_DATA_DIR, parseConfig } from '../../activities/config.js';

const root = new URL('../..', import.meta.url).pathname;

/** Runs an entry point against an address nothing listens on, from a working directory outside the repository. */
const run = (script: string, env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', join(root, 'node_modules/tsx/dist/loader.mjs'), join(root, script)], {
    cwd: tmpdir(),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, BM_TEMPORAL_PORT: '1', ...env },
  });

const sources = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((f) =>
    statSync(join(root, dir, f)).isDirectory() ? sources(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : [],
  );

describe('configuration: one typed module, one default per variable', () => {
  it('BM_DATA_DIR has one default, the repository’s .data folder (absolute), whatever the working directory', () => {
    expect(DEFAULT_DATA_DIR).toBe(join(root, '.data'));
    expect(parseConfig({}).dataDir).toBe(join(root, '.data'));
    // A relative BM_DATA_DIR is taken from the repository root, not from where a process starts.
    expect(parseConfig({ BM_DATA_DIR: 'var/data' }).dataDir).toBe(join(root, 'var/data'));
    const printed = spawnSync(
      process.execPath,
      [
        '--import',
        join(root, 'node_modules/tsx/dist/loader.mjs'),
        '-e',
        `import(${JSON.stringify(join(root, 'activities/config.ts'))}).then((m) => console.log(m.parseConfig({}).dataDir))`,
      ],
      { cwd: tmpdir(), encoding: 'utf8' },
    );
    expect(printed.stdout.trim()).toBe(join(root, '.data'));
  });

  it('every entry point reads BM_* and TEMPORAL_* only through the configuration (activities/config.ts, temporal/connection.ts)', () => {
    const readers = ['api', 'worker', 'temporal', 'activities', 'scripts', 'domain']
      .flatMap(sources)
      .filter((f) => !['activities/config.ts', 'temporal/connection.ts'].includes(f))
      .filter((f) =>
        /process\.env\.(BM_|TEMPORAL_ADDRESS|TEMPORAL_NAMESPACE|TEMPORAL_API_KEY|TEMPORAL_TLS|TEMPORAL_TASK_QUEUE|PORT\b|HOST\b|LOG_LEVEL)/.test(
          readFileSync(join(root, f), 'utf8'),
        ),
      );
    expect(readers).toEqual([]);
    // The API's identity settings (tokens, identity provider) come parsed too: no environment record reaches api/.
    expect(sources('api').filter((f) => /\benv\.BM_/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
    expect(Object.keys(ConfigSchema.shape)).toEqual(expect.arrayContaining(['BM_JWT_SECRET', 'BM_TOKEN_MAX_HOURS', 'BM_OIDC_ISSUER']));
    // …and each entry point takes its data folder from it: `npm run worker` alone uses the folder `npm start` uses.
    for (const entry of ['api/main.ts', 'worker/main.ts', 'scripts/start.ts'])
      expect(readFileSync(join(root, entry), 'utf8'), entry).toMatch(/loadConfig\('\w+'\)/);
  });

  it('.env.example and the configuration table (docs/configuration.md) list every variable of the configuration', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    for (const name of [
      ...Object.keys(ConfigSchema.shape),
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_API_KEY',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CERT',
    ]) {
      expect(example, name).toContain(`# ${name}=`);
      expect(readme, name).toContain(`\`${name}`);
    }
  });

  it('a bad value is refused naming the variable, the value and what is allowed; every problem at once', () => {
    let error: unknown;
    try {
      parseConfig({ BM_MODE: 'prod', PORT: 'eighty', BM_SESSION_HOURS: '48', BM_SMTP_URL: 'http://mail', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^BM_MODE: "prod" is not allowed; expected "demo" \(the default\) or "production"$/),
      // A URL that may carry a password: its value is withheld (test/security/secrets-echo.test.ts).
      expect.stringMatching(
        /^BM_SMTP_URL: its value \(withheld: it holds a secret\) is not allowed; expected an smtp:\/\/ or smtps:\/\/ URL$/,
      ),
      expect.stringMatching(/^PORT: "eighty" is not allowed; expected a port number 1–65535$/),
      expect.stringMatching(/^BM_SESSION_HOURS: "48" is not allowed; expected a number of hours between 0 and 24$/),
      expect.stringMatching(/^LOG_LEVEL: "loud" is not allowed; expected trace, debug, info, warn or error$/),
    ]);
    // Empty means unset (VAR= in a shell or an .env file): the default applies.
    expect(parseConfig({ BM_MAX_CACHED_WORKFLOWS: '0' }).maxCachedWorkflows).toBe(0); // no workflow cache
    expect(parseConfig({}).denialRetentionDays).toBe(365); // 本地策略
    expect(parseConfig({ PORT: '', BM_MODE: '' })).toMatchObject({ port: 3000, mode: 'demo', production: false });
  });

  it('bad configuration stops the worker and the API before they connect, naming the variable', () => {
    for (const [script, who] of [
      ['worker/main.ts', 'worker'],
      ['api/main.ts', 'api'],
    ] as const) {
      const r = run(script, { BM_MAX_CACHED_WORKFLOWS: '-5', BM_RATE_LIMIT_PER_MINUTE: 'many', BM_DENIAL_RETENTION_DAYS: '30' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(`[${who}] cannot start: invalid configuration:`);
      expect(r.stderr).toContain('BM_RATE_LIMIT_PER_MINUTE: "many" is not allowed; expected a whole number (requests per minute)');
      expect(r.stderr).toContain(
        'BM_MAX_CACHED_WORKFLOWS: "-5" is not allowed; expected a whole number of workflows kept in memory, 0 or more',
      );
      expect(r.stderr).toContain(
        'BM_DENIAL_RETENTION_DAYS: "30" is not allowed; expected a whole number of days, at least 180 (six months: 网络安全法 第二十一条)',
      );
    }
  });

  it('a bad Temporal setting stops the worker naming the variable (TEMPORAL_TLS, a certificate without its key)', () => {
    const tls = run('worker/main.ts', { TEMPORAL_TLS: 'yes' });
    expect(tls.status).toBe(1);
    expect(tls.stderr).toContain('[worker] cannot start: TEMPORAL_TLS: "yes" is not allowed; expected true or false');
    const half = run('worker/main.ts', { TEMPORAL_TLS_CERT: '/nowhere/client.pem' });
    expect(half.status).toBe(1);
    expect(half.stderr).toMatch(
      /TEMPORAL_TLS_CLIENT_CERT_PATH \(alias TEMPORAL_TLS_CERT\) and TEMPORAL_TLS_CLIENT_KEY_PATH \(alias TEMPORAL_TLS_KEY\): set both, or neither/,
    );
  });
});
