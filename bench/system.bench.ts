/**
 * `npm run bench`: the whole system on the embedded dev server, beside raw Temporal in the same
 * run. Prints progress and figures, writes bench/results.json; asserts nothing.
 * Targets (issue 7): ratio ≥ 0.8; start p95 ≤ 50 ms; event p95 ≤ 100 ms; dashboard p95 ≤ 300 ms
 * at 10,000 open procedures; worker RSS ≤ 1 GiB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { shanghaiDateOf } from '../domain/time.js';
import { AesGcmCodec, sealedDataConverter } from '../worker/codec.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { percentile, runConcurrent } from './stats.js';

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const STARTS = Number(process.env.BENCH_STARTS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const CONCURRENCY = 50;
const TASK_QUEUE = 'bench';
const log = (line: string) => console.log(`[bench] ${line}`);
const round = (x: number) => Math.round(x * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'bm-bench-'));
const keyB64 = Buffer.alloc(32, 3).toString('base64');
const env = {
  ...process.env,
  BM_DATA_DIR: dir,
  BM_CODEC_KEYS: `bench:${keyB64}`,
  BM_CODEC_KEY_ID: 'bench',
  TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  LOG_LEVEL: 'error',
};

log('bundling the workflows, starting the dev server …');
const bundlePath = join(dir, 'workflow-bundle.js');
await writeWorkflowBundle(bundlePath);
const server = await startDevServer({
  dbFile: join(dir, 'temporal.sqlite'),
  port: 17233 + Math.floor(Math.random() * 1000),
  uiPort: 18233 + Math.floor(Math.random() * 1000),
});
const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker/main.ts')], {
  env: { ...env, TEMPORAL_ADDRESS: server.address, BM_WORKFLOW_BUNDLE: bundlePath },
  stdio: ['ignore', 'ignore', 'pipe'],
});
// Whatever happens, the bench leaves no server or worker behind.
process.on('exit', () => {
  worker.kill('SIGKILL');
  server.process.kill('SIGKILL');
});
await new Promise<void>((resolve, reject) => {
  createInterface({ input: worker.stderr! }).on('line', (l) => l.includes('polling task queue') && resolve());
  worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
});
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;

const codec = new AesGcmCodec(new Map([['bench', Buffer.from(keyB64, 'base64')]]), 'bench');
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, dataConverter: sealedDataConverter(codec) });
const deps = loadDeps({});
const jwtKey = new TextEncoder().encode('bench-signing-key-of-sufficient-length');
const app = await buildServer({
  client,
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
const organs = ['org-gz-bureau', 'org-th-office', 'org-gd-dept', 'org-nj-bureau', 'org-bj-chaoyang', 'org-js-dept'];
const tokens = Object.fromEntries(
  await Promise.all(
    [...organs, 'auth-440000'].map(
      async (id) =>
        [
          id,
          await issueToken(jwtKey, {
            party: id,
            sub: `bench:${id}`,
            name: id,
            roles: ['secrecy-officer', 'classification-officer', 'head'],
          }),
        ] as const,
    ),
  ),
);
const input = (organId: string, i: number) => ({
  organId,
  matterRef: `B-${i}`,
  title: '压测事项',
  draftedOn: shanghaiDateOf(Date.now()),
  protectiveMeasures: 'M',
  proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
});
/** Waits until `n` procedures are prepared and visible (the worker has caught up). */
async function waitOpen(n: number): Promise<void> {
  for (;;) {
    const { count } = await client.workflowService.countWorkflowExecutions({
      namespace: 'default',
      query: `BmKind = 'unclear-matter' AND BmState != 'preparing'`,
    });
    log(`  ${count} procedures prepared and visible`);
    if (Number(count) >= n) return;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

const post = async (path: string, as: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[as]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ id: string }>;
};

// 1. Baseline: raw Temporal starts of a no-op workflow, through the client, same concurrency.
log(`baseline: ${STARTS} raw starts of a no-op workflow at concurrency ${CONCURRENCY} …`);
const baseline = await runConcurrent(STARTS, CONCURRENCY, async (i) => {
  await client.workflow.start('noopWorkflow', { taskQueue: TASK_QUEUE, workflowId: `noop-${i}-${Date.now()}` });
});
const baselineRate = STARTS / baseline.seconds;
log(
  `baseline: ${round(baselineRate)} starts/s, p50 ${round(percentile(baseline.latencies, 50))} ms, p95 ${round(percentile(baseline.latencies, 95))} ms`,
);

// 2. Procedure starts through the HTTP API (validated, authorised, started and ready for events).
log(`API: ${STARTS} procedure starts at concurrency ${CONCURRENCY} …`);
const started: Array<{ id: string; organ: string }> = [];
const starts = await runConcurrent(STARTS, CONCURRENCY, async (i) => {
  const organ = organs[i % organs.length]!;
  started.push({ id: (await post('/api/procedures/unclear-matter', organ, input(organ, i))).id, organ });
});
const startRate = STARTS / starts.seconds;
log(
  `API starts: ${round(startRate)}/s, p50 ${round(percentile(starts.latencies, 50))} ms, p95 ${round(percentile(starts.latencies, 95))} ms, p99 ${round(percentile(starts.latencies, 99))} ms`,
);

// 3. Events through the API: the Update's round trip, once the start backlog has drained.
await waitOpen(STARTS);
log(`API: ${EVENTS} events, one at a time (round trip) …`);
const events = await runConcurrent(EVENTS, 1, async (i) => {
  const { id, organ } = started[i]!;
  await post(`/api/procedures/${id}/events`, organ, { type: 'SUBMIT_REPORT' });
});
log(
  `API events: p50 ${round(percentile(events.latencies, 50))} ms, p95 ${round(percentile(events.latencies, 95))} ms, p99 ${round(percentile(events.latencies, 99))} ms`,
);

// 4. Fill to OPEN open procedures (through the client: the API was measured above).
log(`filling to ${OPEN} open procedures …`);
await runConcurrent(
  Math.max(0, OPEN - STARTS),
  100,
  async (i) => {
    const organ = organs[i % organs.length]!;
    await client.workflow.start('unclearMatterWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: `unclear-matter-fill-${i}`,
      args: [{ input: input(organ, i), actor: { id: organ } }],
    });
  },
  (done) => log(`  ${done} started`),
);
await waitOpen(OPEN);

// 5. The dashboard's overdue list and counts at that size (provincial supervisor's scope).
log('dashboard: board and overview …');
const auth = { authorization: `Bearer ${tokens['auth-440000']}` };
await fetch(`${url}/api/dashboard/board`, { headers: auth }); // warm the read model
const board = await runConcurrent(200, 4, async (i) => {
  const res = await fetch(`${url}/api/dashboard/board?pageSize=50${i % 2 ? '&status=overdue' : ''}`, { headers: auth });
  await res.json();
});
const overview = await runConcurrent(100, 4, async () => {
  await (await fetch(`${url}/api/dashboard/overview`, { headers: auth })).json();
});
const dashboardLatencies = [...board.latencies, ...overview.latencies];
log(`dashboard: board p95 ${round(percentile(board.latencies, 95))} ms, overview p95 ${round(percentile(overview.latencies, 95))} ms`);
const workerRssMiB = rssMiB();
log(`worker RSS with ${OPEN} open procedures: ${round(workerRssMiB)} MiB`);

const results = {
  at: new Date().toISOString(),
  machine: { cores: (await import('node:os')).cpus().length, node: process.version },
  openProcedures: OPEN,
  baselineStartsPerSecond: round(baselineRate),
  baselineStartP95Ms: round(percentile(baseline.latencies, 95)),
  apiStartsPerSecond: round(startRate),
  ratio: Math.round((startRate / baselineRate) * 100) / 100,
  startP50Ms: round(percentile(starts.latencies, 50)),
  startP95Ms: round(percentile(starts.latencies, 95)),
  startP99Ms: round(percentile(starts.latencies, 99)),
  eventP50Ms: round(percentile(events.latencies, 50)),
  eventP95Ms: round(percentile(events.latencies, 95)),
  eventP99Ms: round(percentile(events.latencies, 99)),
  dashboardP50Ms: round(percentile(dashboardLatencies, 50)),
  dashboardP95Ms: round(percentile(dashboardLatencies, 95)),
  workerRssMiB: round(workerRssMiB),
  targets: { ratio: 0.8, startP95Ms: 50, eventP95Ms: 100, dashboardP95Ms: 300, workerRssMiB: 1024 },
};
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));

worker.kill('SIGTERM');
await new Promise((r) => worker.once('exit', r));
await server.stop();
await connection.close();
// Keep-alive sockets of the load can hold the HTTP server open: the bench is done, exit.
void app.close();
process.exit(0);
