import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descendantsOf, processTable } from '../support/proc.js';

const root = new URL('../..', import.meta.url).pathname;

describe('npm start stops everything it started', () => {
  it('Ctrl-C pressed twice stops the worker, the API, the dev server and the record database, and says so', async () => {
    const base = 21000 + Math.floor(Math.random() * 1000) * 8;
    const dataDir = mkdtempSync(join(tmpdir(), 'bm-start-'));
    chmodSync(dataDir, 0o755); // the record database runs as "postgres" when the tests run as root
    const start = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/start.ts')], {
      cwd: root,
      env: {
        ...process.env,
        BM_DATA_DIR: dataDir,
        PORT: String(base),
        BM_TEMPORAL_PORT: String(base + 1),
        BM_TEMPORAL_UI_PORT: String(base + 2),
        BM_RECORDS_PORT: String(base + 3),
        // Ports of its own: another system on this host may hold the defaults.
        BM_API_METRICS_PORT: String(base + 4),
        BM_WORKER_METRICS_PORT: String(base + 5),
        BM_WORKER_APP_METRICS_PORT: String(base + 6),
        TEMPORAL_ADDRESS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    start.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      start.stdout.on('data', (d: Buffer) => d.toString().includes('is running') && resolve());
      start.once('exit', (code) => reject(new Error(`start exited ${code}: ${stderr}`)));
    });
    const started = descendantsOf(processTable(), start.pid!);
    expect(started.length).toBeGreaterThanOrEqual(4); // the record database, the dev server, the worker, the API

    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    start.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    start.kill('SIGINT'); // impatient: the second press must not leave the dev server behind
    expect(await exited).toBe(0);
    expect(stderr).toContain('[start] stopped');
    // Still running, not a zombie waiting to be reaped.
    const after = processTable();
    const left = started
      .filter((pid) => after.has(pid) && after.get(pid)!.state !== 'Z')
      .map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    expect(left).toEqual([]);
  }, 120_000);
});
