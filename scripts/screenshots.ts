/**
 * `npm run screenshots`: the 用户手册's images (docs/images/*.png), taken by the browser test that
 * walks the guide (test/browser/user-guide.test.ts) on the real stack, never by hand.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../activities/config.js';

const run = spawnSync('npx', ['vitest', 'run', '--project', 'temporal', 'test/browser/user-guide.test.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, BM_SCREENSHOTS_DIR: join(ROOT, 'docs/images') },
});
process.exit(run.status ?? 1);
