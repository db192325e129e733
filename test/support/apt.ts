import { spawnSync } from 'node:child_process';

/** Installs Debian packages the tests need (update first only if the install fails). */
export function aptInstall(...packages: string[]): number | null {
  const list = packages.join(' ');
  return spawnSync(
    'sh',
    [
      '-c',
      `apt-get install -y -qq ${list} >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq ${list} >/dev/null 2>&1)`,
    ],
    { stdio: 'inherit' },
  ).status;
}
