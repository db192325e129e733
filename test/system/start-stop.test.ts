import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { descendantsOf, processTable } from '../support/proc.js';

const root = new URL('../..', import.meta.url).pathname;

/** `npm start`'s system on ports of its own (another system on this host may hold the defaults), up and running. */
async function startSystem(command: string, args: string[], options: { detached?: boolean } = {}) {
  const base = 21000 + Math.floor(Math.random() * 1000) * 8;
  const dataDir = mkdtempSync(join(tmpdir(), 'bm-start-'));
  chmodSync(dataDir, 0o755); // the record database runs as "postgres" when the tests run as root
  const start: ChildProcessByStdio<null, Readable, Readable> = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      BM_DATA_DIR: dataDir,
      PORT: String(base),
      BM_TEMPORAL_PORT: String(base + 1),
      BM_TEMPORAL_UI_PORT: String(base + 2),
      BM_RECORDS_PORT: String(base + 3),
      BM_API_METRICS_PORT: String(base + 4),
      BM_WORKER_METRICS_PORT: String(base + 5),
      BM_WORKER_APP_METRICS_PORT: String(base + 6),
      TEMPORAL_ADDRESS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  const out = { stderr: '' };
  start.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    start.stdout.on('data', (d: Buffer) => d.toString().includes('is running') && resolve());
    start.once('exit', (code) => reject(new Error(`start exited ${code}: ${out.stderr}`)));
  });
  const started = descendantsOf(processTable(), start.pid!);
  const exited = new Promise<{ code: number | null; signal: string | null; ms: number }>((resolve) => {
    const t0 = Date.now();
    start.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - t0 }));
  });
  return { start, started, exited, out };
}

/** What of `started` is still running (not a zombie waiting to be reaped), with its command line. */
function leftRunning(started: number[]): string[] {
  const after = processTable();
  return started
    .filter((pid) => after.has(pid) && after.get(pid)!.state !== 'Z')
    .map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
}

const CHILDREN = ['postgres', 'temporal', 'worker/main.ts', 'api/main.ts'];

describe('npm start stops everything it started', () => {
  it('Ctrl-C pressed twice stops the worker, the API, the dev server and the record database, and says so', async () => {
    const { start, started, exited, out } = await startSystem(process.execPath, ['--import', 'tsx', join(root, 'scripts/start.ts')]);
    expect(started.length).toBeGreaterThanOrEqual(4); // the record database, the dev server, the worker, the API
    start.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    start.kill('SIGINT'); // impatient: the second press must not leave the dev server behind
    expect((await exited).code).toBe(0);
    expect(out.stderr).toContain('[start] stopped');
    expect(leftRunning(started)).toEqual([]);
  }, 120_000);

  // A service manager starts `npm start` in a process group of its own and signals the npm process
  // alone (systemd's KillMode=mixed, a container's PID 1); sh under npm forwards no signal.
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to the npm process alone stops every child and exits 0 within 30 s',
    async (signal) => {
      const { start, started, exited, out } = await startSystem('npm', ['start'], { detached: true });
      onTestFinished(() => {
        if (leftRunning(started).length) process.kill(-start.pid!, 'SIGKILL'); // a failure leaves nothing behind
      });
      const commands = started.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      for (const child of CHILDREN)
        expect(
          commands.some((c) => c.includes(child)),
          `${child} among ${commands.join('\n')}`,
        ).toBe(true);
      process.kill(start.pid!, signal); // not the group
      const { code, signal: killedBy, ms } = await exited;
      expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
      expect(ms).toBeLessThan(30_000);
      expect(out.stderr).toContain('[start] stopped');
      expect(leftRunning(started)).toEqual([]);
    },
    150_000,
  );
});
