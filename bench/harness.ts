/**
 * What the board and storm benches share: the system on the embedded dev server (a worker
 * process, the API in this process, whose visibility calls are counted), procedures seeded with
 * raw starts of the real workflows, results merged into bench/results.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadDeps } from '../activities/deps.js';
import { issueToken } from '../api/auth.js';
import { denialLog } from '../api/denials.js';
import { buildServer } from '../api/server.js';
import { startDevServer } from '../scripts/dev-server.js';
import { ROOT } from '../scripts/temporal-binaries.js';
import { AesGcmCodec, sealedDataConverter } from '../temporal/codec.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { runConcurrent } from './stats.js';

export const TASK_QUEUE = 'bench';
export const round = (x: number) => Math.round(x * 10) / 10;
export const logger = (name: string) => (line: string) => console.log(`[${name}] ${new Date().toISOString().slice(11, 19)} ${line}`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchStack {
  dir: string;
  client: Client;
  url: string;
  /** The API's visibility calls (list and count) since it started: the board's, as the benches call only the dashboard. */
  visibilityCalls(): number;
  /** CPU seconds (user + system) the dev server and the worker process have used so far. */
  cpuSeconds(): { server: number; worker: number };
  token(party: string): Promise<string>;
  get(path: string, party: string): Promise<unknown>;
  post(path: string, party: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** Dev server, worker process (with `workerEnv`, e.g. a registry file), the API in process. */
export async function benchStack(log: (l: string) => void, workerEnv: Record<string, string> = {}): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'bm-bench-'));
  const keyB64 = Buffer.alloc(32, 3).toString('base64');
  log('bundling the workflows, starting the dev server …');
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);
  const server = await startDevServer({
    dbFile: join(dir, 'temporal.sqlite'),
    port: 17233 + Math.floor(Math.random() * 1000),
    uiPort: 18233 + Math.floor(Math.random() * 1000),
  });
  const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker/main.ts')], {
    env: {
      ...process.env,
      BM_DATA_DIR: dir,
      BM_CODEC_KEYS: `bench:${keyB64}`,
      BM_CODEC_KEY_ID: 'bench',
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      LOG_LEVEL: 'error',
      TEMPORAL_ADDRESS: server.address,
      BM_WORKFLOW_BUNDLE: bundlePath,
      BM_WORKER_METRICS_PORT: 'off',
      BM_WORKER_APP_METRICS_PORT: 'off',
      ...workerEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Whatever happens, the bench leaves no server or worker behind.
  process.on('exit', () => {
    worker.kill('SIGKILL');
    server.process.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: worker.stderr! }).on('line', (l) => (l.includes('polling task queue') ? resolve() : console.error(l)));
    worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });

  const codec = new AesGcmCodec(new Map([['bench', Buffer.from(keyB64, 'base64')]]), 'bench');
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: sealedDataConverter(codec) });
  // The API's own connection, its visibility calls counted.
  const apiConnection = await Connection.connect({ address: server.address });
  let calls = 0;
  const service = apiConnection.workflowService;
  const list = service.listWorkflowExecutions.bind(service);
  const count = service.countWorkflowExecutions.bind(service);
  Object.assign(service, {
    listWorkflowExecutions: (req: Parameters<typeof list>[0]) => (calls++, list(req)),
    countWorkflowExecutions: (req: Parameters<typeof count>[0]) => (calls++, count(req)),
  });
  const deps = loadDeps({});
  const jwtKey = new TextEncoder().encode('bench-signing-key-of-sufficient-length');
  const app = await buildServer({
    client: new Client({ connection: apiConnection, dataConverter: sealedDataConverter(codec) }),
    taskQueue: TASK_QUEUE,
    registry: deps.registry,
    calendar: deps.calendar,
    policy: deps.policy,
    jwtKey,
    denials: denialLog(dir),
    codec,
    rateLimitPerMinute: 1_000_000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const tokens = new Map<string, Promise<string>>();
  const token = (party: string) => {
    if (!tokens.has(party))
      tokens.set(
        party,
        issueToken(jwtKey, { party, sub: `bench:${party}`, name: party, roles: ['secrecy-officer', 'classification-officer', 'head'] }),
      );
    return tokens.get(party)!;
  };
  const call = async (method: string, path: string, party: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(party)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  return {
    dir,
    client,
    url,
    visibilityCalls: () => calls,
    cpuSeconds: () => ({ server: cpuOf(server.process.pid!), worker: cpuOf(worker.pid!) }),
    token,
    get: (path, party) => call('GET', path, party),
    post: (path, party, body) => call('POST', path, party, body),
    async stop() {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
      await server.stop();
      await Promise.all([connection.close(), apiConnection.close()]);
      // Keep-alive sockets of the load can hold the HTTP server open: the caller exits.
      void app.close();
    },
  };
}

/** A process's CPU seconds, user and system, from /proc (Linux; clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Raw starts of a procedure workflow (the start path is measured in system.bench.ts), with progress. */
export async function seed(
  client: Client,
  log: (l: string) => void,
  o: { n: number; workflowType: string; idPrefix: string; organ: (i: number) => string; input: (i: number) => unknown },
): Promise<number> {
  const { seconds } = await runConcurrent(
    o.n,
    50,
    async (i) => {
      const organ = o.organ(i);
      await client.workflow.start(o.workflowType, {
        taskQueue: TASK_QUEUE,
        workflowId: `${o.idPrefix}-${i}`,
        args: [{ input: o.input(i), actor: { id: organ } }],
      });
    },
    (done) => done % 2000 === 0 && log(`  ${done} started`),
  );
  return o.n / seconds;
}

/** Waits until visibility counts `n` executions for the query (the worker has caught up). */
export async function waitCount(client: Client, log: (l: string) => void, query: string, n: number): Promise<void> {
  for (;;) {
    const { count } = await client.workflow.count(query);
    log(`  ${count}/${n} ${query}`);
    if (count >= n) return;
    await sleep(5000);
  }
}

/** Merges these keys into bench/results.json (other benches write theirs). */
export function mergeResults(results: Record<string, unknown>): void {
  const file = new URL('./results.json', import.meta.url);
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...results }, null, 2) + '\n');
}
