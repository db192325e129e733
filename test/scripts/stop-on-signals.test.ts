import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processTable } from '../support/proc.js';

const root = new URL('../..', import.meta.url).pathname;
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;

/**
 * `npm run cluster`'s signal wiring without its cluster (Go-built Temporal services, PostgreSQL 15:
 * too heavy here; `npm start`'s whole stack is signalled in test/system/start-stop.test.ts): its
 * script line as npm's sh runs it, with a supervisor of the same stopOnSignals in place of
 * scripts/cluster.ts. The signal goes to the sh npm would forward it to, alone.
 */
describe('npm run cluster stops like a service', () => {
  it('runs its entry in the process npm signals (exec, no tsx CLI between), and the entry stops on signals', () => {
    expect(scripts.cluster).toBe('exec node scripts/run.mjs scripts/cluster.ts');
    expect(scripts.start).toBe('exec node scripts/run.mjs scripts/start.ts');
    expect(readFileSync(`${root}scripts/cluster.ts`, 'utf8')).toMatch(/stopOnSignals\('cluster'/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to the top process alone, then a second one while it stops: the child stopped, exit 0',
    async (signal) => {
      const line = scripts.cluster!.replace('scripts/cluster.ts', 'test/support/supervisor-fixture.ts');
      const sh = spawn('sh', ['-c', line], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const childPid = await new Promise<number>((resolve, reject) => {
        sh.stdout.on('data', (d: Buffer) => {
          const m = /child (\d+)/.exec(d.toString());
          if (m) resolve(Number(m[1]));
        });
        sh.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const exited = new Promise<[number | null, string | null]>((resolve) => sh.once('exit', (code, s) => resolve([code, s])));
      process.kill(sh.pid!, signal);
      await new Promise((r) => setTimeout(r, 100));
      process.kill(sh.pid!, signal); // impatient: must not end it before the child is stopped
      expect(await exited).toEqual([0, null]);
      const child = processTable().get(childPid);
      expect(child === undefined || child.state === 'Z').toBe(true);
    },
    60_000,
  );
});
