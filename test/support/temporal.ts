/**
 * Real Temporal servers for the tests: the time-skipping test server (optionally started at
 * a chosen instant through libfaketime, so statutory dates in the past can be lived through)
 * and the dev server. Binaries come from scripts/temporal-binaries.ts; nothing is mocked.
 */
import { aptInstall } from './apt.js';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalBinaries, ROOT } from '../../scripts/temporal-binaries.js';
import { indexedValueTypes } from '../../workflows/search-attributes.js';

const FAKETIME_LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1'];

function libfaketime(): string {
  let lib = FAKETIME_LIBS.find(existsSync);
  if (!lib) {
    // Debian's libfaketime sets the test server's clock; installed here when missing.
    const status = aptInstall('faketime');
    lib = FAKETIME_LIBS.find(existsSync);
    if (!lib) throw new Error(`libfaketime is needed to start the test server at a chosen date (apt-get install faketime; exit ${status})`);
  }
  return lib;
}

/** A path that runs the time-skipping server with its clock starting at `startAt`. */
function testServerAt(startAt: string | undefined): string {
  const { testServer } = ensureTemporalBinaries();
  if (!startAt) return testServer;
  const stamp = new Date(startAt).toISOString().replace('T', ' ').slice(0, 19);
  const dir = join(ROOT, '.cache', 'faketime');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `test-server-${stamp.replace(/\D/g, '')}.sh`);
  writeFileSync(
    script,
    `#!/bin/sh\nexport LD_PRELOAD=${libfaketime()}\nexport FAKETIME="@${stamp}"\nexport TZ=UTC\nexec "${testServer}" "$@"\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

export async function timeSkippingEnv(startAt?: string, port?: number): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerAt(startAt) }, ...(port ? { port } : {}) },
  });
  await registerSearchAttributes(env);
  return env;
}

/** The procedures' typed search attributes, registered as on the dev server. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: indexedValueTypes(),
  });
}

/** The test server's clock, in epoch milliseconds. */
export async function serverNow(env: TestWorkflowEnvironment): Promise<number> {
  const t = await env.connection.testService!.getCurrentTime({});
  return Number(t.time!.seconds) * 1000 + Math.floor((t.time!.nanos ?? 0) / 1e6);
}

/** Lets the test server's clock run (time-skipping) to an instant; nothing if it is already past. */
export async function sleepUntil(env: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  const ms = instantMs - (await serverNow(env));
  if (ms > 0) await env.sleep(ms);
}
