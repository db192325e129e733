import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The modules `npm run cluster`, `npm start` and the benches import, loaded by Node's own ESM
 * loader as `tsx` runs them (vitest resolves CommonJS named exports that Node does not: an
 * `import { google } from '@temporalio/proto'` passed every test and broke `npm run cluster`).
 */
const MODULES = ['scripts/cluster-system.ts', 'scripts/cluster-temporal.ts', 'scripts/dev-server.ts', 'bench/harness.ts'];

describe("the scripts' modules under Node's ESM loader", () => {
  it.each(MODULES)('%s loads', (module) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import('./${module}')`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/SyntaxError|Error:/);
    expect(r.status).toBe(0);
  });
});
