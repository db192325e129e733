import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** Starts the real worker entry point against an address nothing listens on. */
const startWorker = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'worker/main.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, BM_TEMPORAL_PORT: '1', ...env },
  });

describe('start-up validation', () => {
  it('bad registry data stops the worker before it connects, naming the field', () => {
    const registry = JSON.parse(readFileSync(join(root, 'domain/registry/demo-registry.json'), 'utf8'));
    registry.organs[2].superiorId = 'org-ghost';
    const file = join(mkdtempSync(join(tmpdir(), 'bm-reg-')), 'registry.json');
    writeFileSync(file, JSON.stringify(registry));
    // Nothing listens there: the worker must fail on the data, not on the connection.
    const r = startWorker({ BM_REGISTRY_FILE: file });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[worker] cannot start: invalid registry: organs.2.superiorId: no organ "org-ghost"');
  });

  it('a bad policy file stops start-up with the field and the reason', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-pol-')), 'policy.json');
    writeFileSync(file, JSON.stringify({ dueSoonFraction: 1.5 }));
    const r = startWorker({ BM_POLICY_FILE: file });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid policy in .*policy\.json: dueSoonFraction: Too big/);
  });
});
