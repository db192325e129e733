import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../scripts/temporal-binaries.js';
import { testRecordKeysEnv, testRecordsUrl } from './records.js';

/**
 * Starts test/support/worker-process.ts with `env` and resolves once it polls its task queue; with a
 * record database of its own unless `env` names one (BM_RECORDS_URL).
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const records = env.BM_RECORDS_URL ? {} : { BM_RECORDS_URL: await testRecordsUrl(), ...testRecordKeysEnv() };
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/worker-process.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...records, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'polling' && resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before polling`)));
  });
}

/** Kills a worker process with SIGKILL and waits until it is gone. */
export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}
