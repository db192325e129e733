/**
 * `npm run bench`: the whole system on the embedded dev server, beside raw Temporal in the same
 * run. Prints progress and figures, merges them into bench/results.json; asserts nothing.
 * Targets (issue 14), each a ratio to raw Temporal measured in this run: saturated start
 * throughput ≥ 0.6 × raw no-op starts (`ratio`); start p95 at a steady 10 starts/s ≤ 2 × raw
 * no-op start p95 at that rate (`startLatencyRatio`); event round trip p95 ≤ 1.5 × a raw Update
 * round trip on a no-op workflow (`eventRatio`). Issue 7: dashboard p95 ≤ 300 ms at 10,000 open
 * procedures; worker RSS ≤ 1 GiB. BENCH_CPU_PROF=1 writes the worker's CPU profiles (--cpu-prof).
 * BENCH_ONLY=events measures the round trips alone (BENCH_EVENTS procedures started through the
 * API first, unmeasured), prints them and writes nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadDeps } from '../activities/deps.js';
import { issueToken } from '../api/auth.js';
import { parseConfig } from '../activities/config.js';
import { openRecordStore } from '../records/open.js';
import { buildServer } from '../api/server.js';
import { startDevServer } from '../scripts/dev-server.js';
import { benchCodec, benchWorkerEnv, sleep, startBenchRecords, TASK_QUEUE, workerProfileArgs } from './harness.js';
import { ROOT } from '../scripts/temporal-binaries.js';
import { shanghaiDateOf } from '../domain/time.js';
import { sealedDataConverter } from '../temporal/codec.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { viewQuery } from '../workflows/messages.js';
import { noopUpdate } from '../workflows/noop.workflow.js';
import { percentile, runConcurrent, runOpenLoop } from './stats.js';

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const STARTS = Number(process.env.BENCH_STARTS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
/** Seconds of each open-loop run at RATE starts per second. */
const OPEN_LOOP_SECONDS = Number(process.env.BENCH_OPEN_LOOP_SECONDS ?? 30);
const RATE = 10;
const CONCURRENCY = 50;
const EVENTS_ONLY = process.env.BENCH_ONLY === 'events';
const log = (line: string) => console.log(`[bench] ${line}`);
const round = (x: number) => Math.round(x * 10) / 10;
const ratioOf = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const p95 = (sample: number[]) => round(percentile(sample, 95));
/** The machine's load (other engineers share its cores): 1, 5 and 15 minute averages. */
const load = () => loadavg().map(round);
const loadAtStart = load();

const dir = mkdtempSync(join(tmpdir(), 'bm-bench-'));
const env = benchWorkerEnv(dir);

log('bundling the workflows, starting the dev server …');
const bundlePath = join(dir, 'workflow-bundle.js');
await writeWorkflowBundle(bundlePath);
const server = await startDevServer({
  dbFile: join(dir, 'temporal.sqlite'),
  port: 17233 + Math.floor(Math.random() * 1000),
  uiPort: 18233 + Math.floor(Math.random() * 1000),
});
const records = await startBenchRecords(dir);
const worker = spawn(process.execPath, [...workerProfileArgs(dir, log), '--import', 'tsx', join(ROOT, 'worker/main.ts')], {
  env: { ...env, BM_TEMPORAL_PORT: server.address.split(':').pop(), BM_WORKFLOW_BUNDLE: bundlePath, BM_RECORDS_PORT: String(records.port) },
  stdio: ['ignore', 'ignore', 'pipe'],
});
// Whatever happens, the bench leaves no server or worker behind.
process.on('exit', () => {
  worker.kill('SIGKILL');
  server.process.kill('SIGKILL');
  records.kill();
});
await new Promise<void>((resolve, reject) => {
  createInterface({ input: worker.stderr! }).on('line', (l) => l.includes('polling task queue') && resolve());
  worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
});
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;

const codec = benchCodec();
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, dataConverter: sealedDataConverter(codec) });
const deps = loadDeps({});
const jwtKey = new TextEncoder().encode('bench-signing-key-of-sufficient-length');
const app = await buildServer({
  client,
  taskQueue: TASK_QUEUE,
  registry: deps.registry,
  calendar: deps.calendar,
  idSecret: new TextEncoder().encode('bench-id-secret-of-sufficient-length'),
  // The bench starts thousands of procedures as one party: no per-party start limits.
  policy: { ...deps.policy, maxOpenProceduresPerParty: {}, startsPerPartyPerHour: 1_000_000_000 },
  email: false,
  jwtKey,
  records: await openRecordStore(parseConfig({ BM_DATA_DIR: dir, BM_RECORDS_PORT: String(records.port) }), 4),
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
    const { count } = await client.workflow.count(`BmKind = 'unclear-matter' AND BmState != 'preparing'`);
    log(`  ${count} procedures prepared and visible`);
    if (count >= n) return;
    await sleep(5000);
  }
}

async function stop(): Promise<never> {
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  await server.stop();
  await connection.close();
  // Keep-alive sockets of the load can hold the HTTP server open: the bench is done, exit.
  void app.close();
  process.exit(0);
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

/** Waits until no workflow of the type runs any more (the worker has drained what a raw phase left). */
async function drained(workflowType: string): Promise<void> {
  for (;;) {
    const { count } = await client.workflowService.countWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowType = '${workflowType}' AND ExecutionStatus = 'Running'`,
    });
    if (Number(count) === 0) return;
    await sleep(500);
  }
}
/** CPU seconds used so far by the dev server, the worker and this process (the API, the client and the load). */
const cpuSeconds = () => {
  const of = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks
  };
  const self = process.cpuUsage();
  return { server: of(server.process.pid!), worker: of(worker.pid!), api: (self.user + self.system) / 1e6 };
};
/** CPU milliseconds per operation in each process between two readings (where the time goes). */
const cpuPer = (before: ReturnType<typeof cpuSeconds>, n: number) => {
  const after = cpuSeconds();
  return Object.fromEntries((Object.keys(after) as Array<keyof typeof after>).map((k) => [k, round(((after[k] - before[k]) * 1000) / n)]));
};
/**
 * Where an event's time goes inside Temporal, from the procedures' histories (median ms): the
 * workflow task that accepts the Update, the activities it waits for (from the first scheduled to
 * the last completed, and how many), and the workflow task that completes the Update.
 */
async function eventTimeline(ids: string[]): Promise<Record<string, number>> {
  const segments: Record<string, number[]> = {};
  for (const id of ids) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const ms = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + e.eventTime!.nanos! / 1e6;
    const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'event');
    if (accepted < 0) continue;
    const at = (from: number, has: (e: (typeof events)[number]) => unknown) => events.findIndex((e, i) => i >= from && has(e));
    const firstTask = events.slice(0, accepted).findLastIndex((e) => e.workflowTaskScheduledEventAttributes);
    const firstDone = at(firstTask, (e) => e.workflowTaskCompletedEventAttributes);
    const completed = at(accepted, (e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const within = events.slice(accepted, completed);
    const actScheduled = at(accepted, (e) => e.activityTaskScheduledEventAttributes);
    const actDone = accepted + within.findLastIndex((e) => e.activityTaskCompletedEventAttributes);
    const add = (k: string, a: number, b: number) => a >= 0 && b >= 0 && (segments[k] ??= []).push(ms(events[b]!) - ms(events[a]!));
    (segments.activities ??= []).push(within.filter((e) => e.activityTaskScheduledEventAttributes).length);
    add('acceptingTask', firstTask, firstDone);
    if (actDone >= accepted) {
      add('activitiesScheduledToDone', actScheduled, actDone);
      add('completingTask', actDone, completed);
    } else add('completingTask', firstDone, completed);
    add('total', firstTask, completed);
  }
  return Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, round(percentile(v, 50))]));
}
const rawStart = (tag: string) => async (i: number) => {
  await client.workflow.start('noopWorkflow', { taskQueue: TASK_QUEUE, workflowId: `noop-${tag}-${i}-${Date.now()}` });
};
const started: Array<{ id: string; organ: string }> = [];
let seq = 0;
const apiStart = async () => {
  const i = seq++;
  const organ = organs[i % organs.length]!;
  started.push({ id: (await post('/api/procedures/unclear-matter', organ, input(organ, i))).id, organ });
};
const figures = (name: string, latencies: number[], seconds?: number) =>
  log(
    `${name}: ${seconds ? `${round(latencies.length / seconds)}/s, ` : ''}p50 ${round(percentile(latencies, 50))} ms, p95 ${p95(latencies)} ms, p99 ${round(percentile(latencies, 99))} ms`,
  );

// 1. Saturated: raw Temporal starts of a no-op workflow, then procedure starts through the HTTP
// API (validated, authorised, prepared, started and ready for events), at the same concurrency.
async function saturated() {
  log(`saturated: ${STARTS} raw starts of a no-op workflow at concurrency ${CONCURRENCY} …`);
  let cpu = cpuSeconds();
  const baseline = await runConcurrent(STARTS, CONCURRENCY, rawStart('saturated'));
  figures('raw starts', baseline.latencies, baseline.seconds);
  await drained('noopWorkflow');
  const rawStartCpuMs = cpuPer(cpu, STARTS);
  log(`  CPU ms per raw start (its workflow run to completion): ${JSON.stringify(rawStartCpuMs)}`);
  cpu = cpuSeconds();
  log(`saturated: ${STARTS} procedure starts through the API at concurrency ${CONCURRENCY} …`);
  const starts = await runConcurrent(STARTS, CONCURRENCY, apiStart);
  figures('API starts', starts.latencies, starts.seconds);
  // A start the API prepared is answered before its first workflow task (issue 14): its CPU counts once
  // the worker ran them (the last one answering a query; the worker takes them about in order).
  await client.workflow.getHandle(started.at(-1)!.id).query(viewQuery);
  const apiStartCpuMs = cpuPer(cpu, STARTS);
  log(`  CPU ms per API start (its first workflow task run): ${JSON.stringify(apiStartCpuMs)}`);
  return { baseline, starts, rawStartCpuMs, apiStartCpuMs };
}

// 2. Open loop at a steady RATE starts/s: latency when the system is not saturated.
async function openLoop() {
  const openLoopStarts = OPEN_LOOP_SECONDS * RATE;
  log(`open loop: ${openLoopStarts} raw no-op starts at ${RATE}/s …`);
  const rawSteady = await runOpenLoop(openLoopStarts, RATE, rawStart('steady'));
  figures('raw starts at 10/s', rawSteady);
  await drained('noopWorkflow');
  log(`open loop: ${openLoopStarts} procedure starts through the API at ${RATE}/s …`);
  const apiSteady = await runOpenLoop(openLoopStarts, RATE, apiStart);
  figures('API starts at 10/s', apiSteady);
  return { rawSteady, apiSteady };
}

if (EVENTS_ONLY) {
  log(`events only: ${EVENTS} procedure starts through the API (not measured) …`);
  await runConcurrent(EVENTS, 10, apiStart);
}
const startFigures = EVENTS_ONLY ? undefined : { ...(await saturated()), ...(await openLoop()) };

/**
 * Waits until the dev server and the worker are idle (together under 5 % of a core for two seconds
 * running, at most two minutes): what the starts left behind (their records, deliveries, visibility)
 * would otherwise land on the round trips measured next, on the raw baseline's and the events' alike.
 */
async function settled(): Promise<void> {
  const from = Date.now();
  let quiet = 0;
  let busy = 0;
  while (quiet < 2 && Date.now() - from < 120_000) {
    const before = cpuSeconds();
    await sleep(1000);
    const after = cpuSeconds();
    busy = after.server - before.server + after.worker - before.worker;
    quiet = busy < 0.05 ? quiet + 1 : 0;
  }
  log(
    `  ${quiet < 2 ? 'not settled' : 'settled'} after ${round((Date.now() - from) / 1000)} s (server and worker: ${round(busy * 100)} % of a core)`,
  );
}

// 3. Round trips, one at a time: a raw Update on a no-op workflow, then an event through the API.
await settled();
log(`round trip: ${EVENTS} raw Updates on a no-op workflow …`);
const noop = await client.workflow.start('noopUpdateWorkflow', { taskQueue: TASK_QUEUE, workflowId: `noop-update-${Date.now()}` });
await noop.executeUpdate(noopUpdate); // the workflow is cached on the worker, as an open procedure is
let cpu = cpuSeconds();
const rawUpdates = await runConcurrent(EVENTS, 1, () => noop.executeUpdate(noopUpdate));
figures('raw Updates', rawUpdates.latencies);
const rawUpdateCpuMs = cpuPer(cpu, EVENTS);
// The API's scope check before an event reads the procedure's attributes (a describe): its share of the round trip.
const describes = await runConcurrent(EVENTS, 1, async () => void (await noop.describe()));
figures('raw describes', describes.latencies);
await noop.terminate('bench done');
log(`round trip: ${EVENTS} events through the API …`);
// To the procedures started last: in the worker's cache (BM_MAX_CACHED_WORKFLOWS), as the no-op
// workflow is, when they fit in it; an evicted procedure is replayed from its history first (the
// events go oldest first, so with more events than the cache holds every one is a replay).
const recent = started.slice(-EVENTS);
const workerCache = parseConfig(env).maxCachedWorkflows;
log(
  `  the worker caches ${workerCache} workflows: the ${EVENTS} events ${EVENTS <= workerCache ? 'find their procedures cached' : 'replay their procedures'}`,
);
cpu = cpuSeconds();
const events = await runConcurrent(EVENTS, 1, async (i) => {
  const { id, organ } = recent[i]!;
  await post(`/api/procedures/${id}/events`, organ, { type: 'SUBMIT_REPORT' });
});
figures('API events', events.latencies);
const eventCpuMs = cpuPer(cpu, EVENTS);
const eventSegments = await eventTimeline(recent.slice(0, 50).map((s) => s.id));
log(`  an event's workflow side (median ms, from its history): ${JSON.stringify(eventSegments)}`);
log(`  CPU ms per raw Update ${JSON.stringify(rawUpdateCpuMs)}, per API event ${JSON.stringify(eventCpuMs)}`);
const eventFigures = {
  eventRatio: ratioOf(percentile(events.latencies, 95), percentile(rawUpdates.latencies, 95)),
  eventRatioP50: ratioOf(percentile(events.latencies, 50), percentile(rawUpdates.latencies, 50)),
  baselineUpdateP50Ms: round(percentile(rawUpdates.latencies, 50)),
  baselineUpdateP95Ms: p95(rawUpdates.latencies),
  eventP50Ms: round(percentile(events.latencies, 50)),
  eventP95Ms: p95(events.latencies),
  eventP99Ms: round(percentile(events.latencies, 99)),
  baselineDescribeP95Ms: p95(describes.latencies),
  eventSegmentsMedianMs: eventSegments,
  eventsOnCachedProcedures: EVENTS <= workerCache,
};
// BENCH_ONLY=events: the round trips are all it measures.
if (!startFigures)
  console.log(JSON.stringify({ ...eventFigures, cpuMsPer: { rawUpdate: rawUpdateCpuMs, apiEvent: eventCpuMs }, load: load() }, null, 2));
const { baseline, starts, rawStartCpuMs, apiStartCpuMs, rawSteady, apiSteady } = startFigures ?? (await stop());
const baselineRate = STARTS / baseline.seconds;
const startRate = STARTS / starts.seconds;

// 4. Fill to OPEN open procedures (through the client: the API was measured above).
log(`filling to ${OPEN} open procedures …`);
await runConcurrent(
  Math.max(0, OPEN - started.length),
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

// Merged into the file: other benches write other keys.
const resultsUrl = new URL('./results.json', import.meta.url);
const previous = existsSync(resultsUrl) ? (JSON.parse(readFileSync(resultsUrl, 'utf8')) as Record<string, unknown>) : {};
const mine = {
  systemBenchAt: new Date().toISOString(),
  machine: { cores: cpus().length, node: process.version },
  /** Load averages (1, 5, 15 min) at the start and the end: the cores are shared. */
  systemBenchLoad: { atStart: loadAtStart, atEnd: load() },
  openProcedures: OPEN,
  ratio: ratioOf(startRate, baselineRate),
  baselineStartsPerSecond: round(baselineRate),
  apiStartsPerSecond: round(startRate),
  saturatedBaselineStartP95Ms: p95(baseline.latencies),
  saturatedStartP95Ms: p95(starts.latencies),
  startLatencyRatio: ratioOf(percentile(apiSteady, 95), percentile(rawSteady, 95)),
  baselineStartP95Ms: p95(rawSteady),
  startP50Ms: round(percentile(apiSteady, 50)),
  startP95Ms: p95(apiSteady),
  startP99Ms: round(percentile(apiSteady, 99)),
  ...eventFigures,
  /** CPU milliseconds per operation in the dev server, the worker and the bench process (API, client, load). */
  cpuMsPer: { rawStart: rawStartCpuMs, apiStart: apiStartCpuMs, rawUpdate: rawUpdateCpuMs, apiEvent: eventCpuMs },
  dashboardP50Ms: round(percentile(dashboardLatencies, 50)),
  dashboardP95Ms: p95(dashboardLatencies),
  workerRssMiB: round(workerRssMiB),
};
const targets = {
  ...(previous.targets as Record<string, number> | undefined),
  ratio: 0.6,
  startLatencyRatio: 2,
  eventRatio: 1.5,
  dashboardP95Ms: 300,
  workerRssMiB: 1024,
};
writeFileSync(resultsUrl, JSON.stringify({ ...previous, ...mine, targets }, null, 2) + '\n');
console.log(JSON.stringify({ ...mine, targets }, null, 2));

await stop();
