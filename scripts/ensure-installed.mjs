// Installs the npm dependencies when they are missing or older than the lock file.
// Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const marker = `${root}node_modules/.package-lock.json`;
const lock = `${root}package-lock.json`;
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.error('[setup] installing npm dependencies …');
  // `npm install` honours the lock file; `npm ci` trips over npm's known omission of other
  // platforms' optional packages (@swc/core-*) from lock files.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[setup] npm install failed; fix the error above and run the command again');
    process.exit(r.status ?? 1);
  }
}
