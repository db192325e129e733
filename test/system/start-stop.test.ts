import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** The live descendants of a process (/proc). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      parent.set(Number(name), Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]));
    } catch {
      // ended while read
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Running, not a zombie waiting to be reaped (/proc/<pid>/stat state Z). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

describe('npm start stops everything it started', () => {
  it('Ctrl-C pressed twice stops the worker, the API and the dev server, and says so', async () => {
    const base = 21000 + Math.floor(Math.random() * 2000) * 3;
    const start = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/start.ts')], {
      cwd: root,
      env: {
        ...process.env,
        BM_DATA_DIR: mkdtempSync(join(tmpdir(), 'bm-start-')),
        PORT: String(base),
        BM_TEMPORAL_PORT: String(base + 1),
        BM_TEMPORAL_UI_PORT: String(base + 2),
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
    const started = descendants(start.pid!);
    expect(started.length).toBeGreaterThanOrEqual(3); // the dev server, the worker, the API

    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    start.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    start.kill('SIGINT'); // impatient: the second press must not leave the dev server behind
    expect(await exited).toBe(0);
    expect(stderr).toContain('[start] stopped');
    const left = started.filter(alive).map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    expect(left).toEqual([]);
  }, 120_000);
});
