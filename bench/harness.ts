/**
 * What the board and storm benches share: the system on the embedded dev server, or with
 * BENCH_TEMPORAL=cluster on the project's Temporal cluster on PostgreSQL (scripts/cluster-temporal.ts),
 * a worker process, the API in this process (its visibility calls counted), procedures seeded
 * with starts of the real workflows (raw, or prepared as the API prepares them), results merged
 * into bench/results.json.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadDeps, secretFromFile } from '../activities/deps.js';
import { EMBEDDED_PASSWORD_FILE, openRecordStore } from '../records/open.js';
import type { PrepareDeps } from '../activities/prepare.js';
import { prepareAtApi } from '../api/prepare-start.js';
import { startProcedure } from '../api/procedure-client.js';
import { procedureOf, type ProcedureKind } from '../machines/index.js';
import { issueToken } from '../api/auth.js';
import { parseConfig } from '../activities/config.js';
import { buildServer } from '../api/server.js';
import { startCluster } from '../scripts/cluster-temporal.js';
import { startDevServer } from '../scripts/dev-server.js';
import { ensureDatabase, startRecordsServer } from '../scripts/records-server.js';
import { ROOT } from '../scripts/temporal-binaries.js';
import { AesGcmCodec, sealedDataConverter } from '../temporal/codec.js';
import { descendantsOf, processTable } from '../test/support/proc.js';
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
  /** The executions those list calls answered: what visibility's listing cost the server grows with. */
  visibilityRows(): number;
  /** Which Temporal server the bench runs on. */
  temporal: 'dev-server' | 'cluster';
  /**
   * CPU seconds (user + system) the Temporal server (the cluster: its services and PostgreSQL) and the
   * worker process have used so far; on the dev server, `server` includes the record's PostgreSQL,
   * also given alone as `recordDb` (on the cluster one PostgreSQL serves both: not told apart).
   */
  cpuSeconds(): { server: number; worker: number; recordDb?: number };
  /** The worker process's resident memory now (MiB). */
  workerRssMiB(): number;
  token(party: string): Promise<string>;
  get(path: string, party: string): Promise<unknown>;
  post(path: string, party: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** BENCH_CPU_PROF=1: the worker's node flags for its CPU profiles, written into the bench's folder when it stops. */
export function workerProfileArgs(dir: string, log: (l: string) => void): string[] {
  if (process.env.BENCH_CPU_PROF !== '1') return [];
  log(`worker CPU profiles in ${join(dir, 'cpu-prof')} (written when the worker stops)`);
  return ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'cpu-prof')}`];
}

/** BENCH_STORM_RECORD=0: a deadline pass's record append answered without writing (bench/without-pass-record-patch.ts, an ablation). */
function ablationArgs(log: (l: string) => void): string[] {
  if (process.env.BENCH_STORM_RECORD !== '0') return [];
  log("ablation: a pass's record append is not written (bench/without-pass-record-patch.ts)");
  return ['--import', join(ROOT, 'bench/without-pass-record.mjs')];
}

/** The benches' codec key: their worker and their clients seal with it. */
const CODEC_KEY = Buffer.alloc(32, 3);
export const benchCodec = () => new AesGcmCodec(new Map([['bench', CODEC_KEY]]), 'bench');

/** A bench worker's environment: its data folder, the codec key, the task queue, errors only in the log. */
export const benchWorkerEnv = (dir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  BM_DATA_DIR: dir,
  BM_CODEC_KEYS: `bench:${CODEC_KEY.toString('base64')}`,
  BM_CODEC_KEY_ID: 'bench',
  TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  LOG_LEVEL: 'error',
});

/** Dev server, worker process (with `workerEnv`, e.g. a registry file), the API in process. */
export async function benchStack(log: (l: string) => void, workerEnv: Record<string, string> = {}): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'bm-bench-'));
  const temporal = process.env.BENCH_TEMPORAL === 'cluster' ? 'cluster' : 'dev-server';
  log(`bundling the workflows, starting the ${temporal} …`);
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);
  const server = await startTemporal(temporal, dir, log);
  const worker = spawn(
    process.execPath,
    [...workerProfileArgs(dir, log), '--import', 'tsx', ...ablationArgs(log), join(ROOT, 'worker/main.ts')],
    {
      env: {
        ...benchWorkerEnv(dir),
        BM_TEMPORAL_PORT: server.address.split(':').pop(),
        BM_RECORDS_PORT: String(server.recordsPort),
        BM_WORKFLOW_BUNDLE: bundlePath,
        BM_WORKER_METRICS_PORT: 'off',
        BM_WORKER_APP_METRICS_PORT: 'off',
        ...workerEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // Whatever happens, the bench leaves no server or worker behind.
  process.on('exit', () => {
    worker.kill('SIGKILL');
    server.kill();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: worker.stderr! }).on('line', (l) => (l.includes('polling task queue') ? resolve() : console.error(l)));
    worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });

  const codec = benchCodec();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: sealedDataConverter(codec) });
  // The API's own connection, its visibility calls counted.
  const apiConnection = await Connection.connect({ address: server.address });
  let calls = 0;
  let rows = 0;
  const service = apiConnection.workflowService;
  const list = service.listWorkflowExecutions.bind(service);
  const count = service.countWorkflowExecutions.bind(service);
  Object.assign(service, {
    listWorkflowExecutions: async (req: Parameters<typeof list>[0]) => {
      calls++;
      const res = await list(req);
      rows += res.executions.length;
      return res;
    },
    countWorkflowExecutions: (req: Parameters<typeof count>[0]) => (calls++, count(req)),
  });
  const deps = loadDeps({});
  // The worker's record database (denial log, start counts).
  const records = await openRecordStore(parseConfig({ BM_DATA_DIR: dir, BM_RECORDS_PORT: String(server.recordsPort) }), 4);
  const jwtKey = new TextEncoder().encode('bench-signing-key-of-sufficient-length');
  const app = await buildServer({
    client: new Client({ connection: apiConnection, dataConverter: sealedDataConverter(codec) }),
    taskQueue: TASK_QUEUE,
    registry: deps.registry,
    calendar: deps.calendar,
    idSecret: new TextEncoder().encode('bench-id-secret-of-sufficient-length'),
    // The bench starts thousands of procedures as one party: no per-party start limits.
    policy: { ...deps.policy, maxOpenProceduresPerParty: {}, startsPerPartyPerHour: 1_000_000_000 },
    jwtKey,
    records,
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
    visibilityRows: () => rows,
    temporal,
    cpuSeconds: () => {
      const table = processTable();
      const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + table.get(pid)!.cpu, 0);
      const workerCpu = cpuOf([worker.pid!, ...descendantsOf(table, worker.pid!)]);
      // Every process this bench started, but the worker: the Temporal server's.
      const started = descendantsOf(table, process.pid);
      const recordDb = temporal === 'dev-server' ? cpuOf(started.filter((pid) => table.get(pid)!.name === 'postgres')) : undefined;
      return { server: cpuOf(started) - workerCpu, worker: workerCpu, ...(recordDb !== undefined ? { recordDb } : {}) };
    },
    workerRssMiB: () => round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024),
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

/** The dev server in the bench's folder, or the cluster with a fresh database. */
async function startTemporal(
  kind: 'dev-server' | 'cluster',
  dir: string,
  log: (l: string) => void,
): Promise<{ address: string; recordsPort: number; kill(): void; stop(): Promise<void> }> {
  if (kind === 'cluster') {
    // In the project's ignored folders, as `npm run cluster`: the postgres user cannot enter a private temporary folder.
    const cluster = await startCluster({
      dir: join(ROOT, '.data', 'bench-cluster'),
      basePort: 19000 + 100 * Math.floor(Math.random() * 50),
      fresh: true,
      log,
    });
    const kill = () => [...cluster.services.values()].forEach((s) => s.child.kill('SIGKILL'));
    secretFromFile(dir, EMBEDDED_PASSWORD_FILE); // the cluster's PostgreSQL trusts loopback: it completes the URL
    return { address: cluster.address, recordsPort: cluster.pgPort, kill, stop: () => cluster.stop() };
  }
  const server = await startDevServer({
    dbFile: join(dir, 'temporal.sqlite'),
    port: 17233 + Math.floor(Math.random() * 1000),
    uiPort: 18233 + Math.floor(Math.random() * 1000),
  });
  const records = await startBenchRecords(dir);
  return {
    address: server.address,
    recordsPort: records.port,
    kill: () => (server.process.kill('SIGKILL'), records.kill()),
    stop: async () => (await server.stop(), await records.stop()),
  };
}

/**
 * The embedded record database (案卷) in the bench's folder, as `npm start` runs it: the worker (BM_DATA_DIR
 * the folder, BM_RECORDS_PORT the port) appends every entry there.
 */
export async function startBenchRecords(dir: string): Promise<{ port: number; kill(): void; stop(): Promise<void> }> {
  chmodSync(dir, 0o755); // as root the server runs as "postgres", which must enter the folder
  const port = 15433 + Math.floor(Math.random() * 1000);
  const server = await startRecordsServer({
    dataDir: join(dir, 'records'),
    port,
    password: secretFromFile(dir, EMBEDDED_PASSWORD_FILE),
    logFile: join(dir, 'records.log'),
  });
  await ensureDatabase(server.adminUrl, 'baomi_records');
  return { port, kill: () => server.process.kill('SIGKILL'), stop: () => server.stop() };
}

let prepareDeps: PrepareDeps | undefined;

/**
 * Starts of a procedure workflow without the API (the start path is measured in system.bench.ts),
 * with progress: raw, the worker preparing each (an activity), or with `prepare` as the API
 * prepares them (api/prepare-start.ts: one workflow task, no activity).
 */
export async function seed(
  client: Client,
  log: (l: string) => void,
  o: {
    n: number;
    workflowType: string;
    idPrefix: string;
    organ: (i: number) => string;
    input: (i: number) => unknown;
    prepare?: ProcedureKind;
  },
): Promise<number> {
  const def = o.prepare && procedureOf(o.prepare);
  if (def) prepareDeps ??= { ...loadDeps({}), email: false };
  const { seconds } = await runConcurrent(
    o.n,
    50,
    async (i) => {
      const actor = { id: o.organ(i) };
      const workflowId = `${o.idPrefix}-${i}`;
      const input = o.input(i);
      if (def) {
        const prepared = prepareAtApi(prepareDeps!, def, def.input.parse(input) as Record<string, unknown>, {
          id: workflowId,
          starter: actor,
        });
        await startProcedure(client, {
          kind: o.prepare!,
          taskQueue: TASK_QUEUE,
          workflowId,
          input,
          actor,
          ...(prepared ? { prepared } : {}),
        });
      } else await client.workflow.start(o.workflowType, { taskQueue: TASK_QUEUE, workflowId, args: [{ input, actor }] });
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

/**
 * Waits until the worker has run the first workflow task of these procedures (their history holds a
 * completed task): started last, they are the end of the backlog a prepared fill leaves.
 */
export async function waitProcessed(client: Client, log: (l: string) => void, ids: string[]): Promise<void> {
  for (;;) {
    const lengths = await Promise.all(ids.map(async (id) => (await client.workflow.getHandle(id).describe()).historyLength));
    const done = lengths.filter((n) => n >= 4).length;
    log(`  ${done}/${ids.length} of the last started have run their first workflow task`);
    if (done === ids.length) return;
    await sleep(5000);
  }
}

/** Merges these keys into bench/results.json (other benches write theirs). */
export function mergeResults(results: Record<string, unknown>): void {
  const file = new URL('./results.json', import.meta.url);
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...results }, null, 2) + '\n');
}
