/**
 * The board's read model at scale (issue 14): at half of BENCH_OPEN and at BENCH_OPEN open
 * procedures (default 10,000), the board's p95 (target ≤ 300 ms), freshness p95 from a state
 * change to the board (≤ 5 s), and the visibility queries per minute the board makes, which must
 * not grow with the open count. Merges its figures into bench/results.json; asserts nothing.
 */
import { cpus, loadavg } from 'node:os';
import { shanghaiDateOf } from '../domain/time.js';
import { benchStack, logger, mergeResults, round, seed, sleep, waitCount, waitProcessed } from './harness.js';
import { percentile, runConcurrent } from './stats.js';

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const WINDOW_S = Number(process.env.BENCH_BOARD_WINDOW_S ?? 60);
const PROBES = 20;
const log = logger('board');
const organs = ['org-gz-bureau', 'org-th-office', 'org-gd-dept', 'org-nj-bureau', 'org-js-dept'];
/** The probes' organ starts nothing else: its board view is one small page. */
const PROBE_ORGAN = 'org-bj-chaoyang';
const input = (organId: string, ref: string) => ({
  organId,
  matterRef: ref,
  title: '压测事项',
  draftedOn: shanghaiDateOf(Date.now()),
  protectiveMeasures: 'M',
  proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
});

const stack = await benchStack(log);
const { client } = stack;
const prepared = `BmKind = 'unclear-matter' AND BmState != 'preparing'`;
interface BoardPage {
  items: Array<{ id: string; state: string }>;
  total: number;
}

log(`${2 * PROBES} probe procedures of ${PROBE_ORGAN} …`);
await seed(client, log, {
  n: 2 * PROBES,
  workflowType: 'unclearMatterWorkflow',
  prepare: 'unclear-matter',
  idPrefix: 'unclear-matter-probe',
  organ: () => PROBE_ORGAN,
  input: (i) => input(PROBE_ORGAN, `P-${i}`),
});

/** Sends one event to each of the phase's probes, spaced over the window; time until each shows on the board. */
async function freshness(phase: number): Promise<number[]> {
  const spacing = (WINDOW_S * 1000) / PROBES;
  const lags: number[] = [];
  await Promise.all(
    Array.from({ length: PROBES }, async (_, k) => {
      await sleep(k * spacing);
      const id = `unclear-matter-probe-${phase * PROBES + k}`;
      const t0 = performance.now();
      await stack.post(`/api/procedures/${id}/events`, PROBE_ORGAN, { type: 'SUBMIT_REPORT' });
      for (;;) {
        const page = (await stack.get(`/api/dashboard/board?organ=${PROBE_ORGAN}&pageSize=100`, PROBE_ORGAN)) as BoardPage;
        if (page.items.find((i) => i.id === id)?.state !== 'awaitingReport') break;
        await sleep(100);
      }
      lags.push(performance.now() - t0);
    }),
  );
  return lags;
}

const phases: Array<Record<string, number>> = [];
let opened = 0;
for (const [phase, target] of [Math.round(OPEN / 2), OPEN].entries()) {
  log(`filling to ${target} open procedures …`);
  const rate = await seed(client, log, {
    n: target - opened,
    workflowType: 'unclearMatterWorkflow',
    prepare: 'unclear-matter',
    idPrefix: `unclear-matter-fill-${phase}`,
    organ: (i) => organs[i % organs.length]!,
    input: (i) => input(organs[i % organs.length]!, `B-${phase}-${i}`),
  });
  log(`  starts of the real workflow, prepared as the API prepares them: ${round(rate)}/s`);
  await waitCount(client, log, prepared, target + 2 * PROBES);
  // Prepared starts are visible at once: the worker's backlog of first tasks drains before the window.
  const last = Array.from({ length: 20 }, (_, k) => `unclear-matter-fill-${phase}-${target - opened - 1 - k}`);
  await waitProcessed(client, log, last);
  opened = target;
  // Let the catch-up after the fill pass: the window measures the board at rest plus the probes' changes.
  await sleep(10_000);
  const auth = 'auth-440000';
  const size = ((await stack.get('/api/dashboard/board?pageSize=1', PROBE_ORGAN)) as BoardPage).total;
  log(`window of ${WINDOW_S} s: ${PROBES} events, freshness, visibility calls (board holds ${size} of the probe organ) …`);
  const calls0 = stack.visibilityCalls();
  const t0 = performance.now();
  const lags = await freshness(phase);
  const minutes = (performance.now() - t0) / 60_000;
  const perMinute = (stack.visibilityCalls() - calls0) / minutes;
  log(`  freshness p50 ${round(percentile(lags, 50))} ms, p95 ${round(percentile(lags, 95))} ms; ${round(perMinute)} visibility calls/min`);
  log('board: 200 pages at concurrency 4 (provincial supervisor) …');
  await stack.get('/api/dashboard/board', auth);
  const board = await runConcurrent(200, 4, async (i) => {
    await stack.get(`/api/dashboard/board?pageSize=50${i % 2 ? '&status=overdue' : ''}`, auth);
  });
  log(`  board p50 ${round(percentile(board.latencies, 50))} ms, p95 ${round(percentile(board.latencies, 95))} ms`);
  phases.push({
    open: target + 2 * PROBES,
    boardP50Ms: round(percentile(board.latencies, 50)),
    boardP95Ms: round(percentile(board.latencies, 95)),
    freshnessP50Ms: round(percentile(lags, 50)),
    freshnessP95Ms: round(percentile(lags, 95)),
    freshnessMaxMs: round(Math.max(...lags)),
    visibilityCallsPerMinute: round(perMinute),
    preparedStartsPerSecond: round(rate),
  });
}

const last = phases.at(-1)!;
const results = {
  boardFreshnessP95Ms: last.freshnessP95Ms!,
  dashboardP95Ms: last.boardP95Ms!,
  board: {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage: loadavg().map(round) },
    phases,
    targets: { boardP95Ms: 300, freshnessP95Ms: 5000, visibilityCallsPerMinute: 'the same at both counts' },
  },
};
mergeResults(results);
console.log(JSON.stringify(results, null, 2));
await stack.stop();
process.exit(0);
