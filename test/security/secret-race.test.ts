import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** A loaded process that says "ready", spins until the go file exists, then asks for the secret and prints it. */
function racer(dir: string, go: string): { child: ChildProcess; ready: Promise<void>; secret: Promise<string> } {
  const code = `import { existsSync } from 'node:fs';
    import { secretFromFile } from ${JSON.stringify(join(root, 'activities/deps.ts'))};
    process.stdout.write('ready\\n');
    while (!existsSync(${JSON.stringify(go)})) {}
    process.stdout.write(secretFromFile(${JSON.stringify(dir)}, 'jwt-secret'));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
  let out = '';
  let err = '';
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (c) => {
    out += c;
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr!.on('data', (c) => (err += c));
  const secret = new Promise<string>((resolve, reject) =>
    child.on('exit', (status) =>
      status === 0 ? resolve(out.slice('ready\n'.length)) : reject(new Error(`racer exited ${status}: ${err}`)),
    ),
  );
  return { child, ready, secret };
}

describe('secrets generated into the data folder', () => {
  it('processes starting at once end with one key, not one each', async () => {
    for (let round = 0; round < 2; round++) {
      const base = mkdtempSync(join(tmpdir(), 'bm-race-'));
      const dir = join(base, 'data');
      const go = join(base, 'go');
      const racers = Array.from({ length: 6 }, () => racer(dir, go));
      await Promise.all(racers.map((r) => r.ready));
      writeFileSync(go, '');
      const secrets = await Promise.all(racers.map((r) => r.secret));
      expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(new Set(secrets).size).toBe(1);
      expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(secrets[0]);
      expect(readdirSync(dir)).toEqual(['jwt-secret']); // no temporary file left behind
    }
  });
});
