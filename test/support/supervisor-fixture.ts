/**
 * A supervisor as `npm run cluster` is one (scripts/cluster.ts): a child it started, stopped by
 * stopOnSignals in half a second (a slow stop, so that a second signal arrives while it stops).
 * Prints the child's pid once it runs.
 */
import { spawn } from 'node:child_process';
import { stopOnSignals } from '../../scripts/stop-on-signals.js';

const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
stopOnSignals('fixture', async () => {
  await new Promise((r) => setTimeout(r, 500));
  await new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM')));
});
console.log(`child ${child.pid}`);
