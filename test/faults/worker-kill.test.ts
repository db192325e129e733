import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { DEADLINE_PASSED } from '../../machines/procedure.js';
import { codecFromEnv, sealedDataConverter } from '../../temporal/codec.js';
import { writeWorkflowBundle } from '../../worker/worker.js';
import { freePort } from '../support/ports.js';
import { timeSkippingEnv } from '../support/temporal.js';
import { killWorker, startWorkerProcess } from '../support/worker-child.js';
import { EVENT_DAYS, runScenarios, type Outcome } from './run-scenarios.js';
import { SCENARIOS, START } from './scenarios.js';
import { testRecordKeysEnv, testRecordStore, testRecordsUrl } from '../support/records.js';
import { verifyChains } from '../../records/verify.js';
import type { RecordedProcedure } from '../../records/store.js';

const KILLS = 20;
const TASK_QUEUE = 'faults';

/** A small seeded generator: the kill points are random, and the seed is printed to reproduce a run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Server {
  env: TestWorkflowEnvironment;
  client: Client;
  worker: (cache: 'cached' | 'uncached') => Promise<ChildProcess>;
}

/** A time-skipping server at START on its own port, a sealed client, and workers as separate processes. */
async function withServer(
  dir: string,
  bundle: string,
  fn: (s: Server) => Promise<Outcome[]>,
): Promise<Array<Outcome & { history: Awaited<ReturnType<typeof historyFacts>>; record: RecordedProcedure | undefined }>> {
  const port = await freePort();
  const recordsUrl = await testRecordsUrl();
  const env = await timeSkippingEnv(START, port);
  const client = new Client({ connection: env.connection, dataConverter: sealedDataConverter(codecFromEnv({ BM_DATA_DIR: dir })) });
  const children: ChildProcess[] = [];
  const worker = async (cache: 'cached' | 'uncached') => {
    const child = await startWorkerProcess({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      BM_DATA_DIR: dir,
      BM_WORKFLOW_BUNDLE: bundle,
      BM_RECORDS_URL: recordsUrl,
      ...testRecordKeysEnv(),
      // A worker that will be killed runs without a workflow cache, hence without a sticky task queue:
      // the time-skipping server never moves a task off a dead worker's sticky queue (a real server
      // does after 10 s). Each of its tasks replays the history.
      ...(cache === 'uncached' ? { BM_MAX_CACHED_WORKFLOWS: '0' } : {}),
    });
    children.push(child);
    return child;
  };
  const records = await testRecordStore(recordsUrl);
  try {
    const outcomes = await fn({ env, client, worker });
    // The case file (SPEC §4a): its chains intact whatever the kills.
    expect(await verifyChains(records.pool, records.keys)).toEqual([]);
    return await Promise.all(
      outcomes.map(async (o) => ({ ...o, history: await historyFacts(o), record: await records.read(o.handle.workflowId) })),
    );
  } finally {
    await Promise.all(children.map(killWorker));
    await env.teardown();
    await records.close();
  }
}

/** What must not depend on the faults: the final state, the events applied, and every alarm with its instant. */
function summary(o: Outcome) {
  return {
    kind: o.kind,
    state: o.final.state,
    closed: o.final.closed,
    events: o.final.audit.filter((a) => a.kind === 'event' && a.event?.type !== DEADLINE_PASSED).map((a) => a.event!.type),
    deadlinesPassed: o.final.audit.filter((a) => a.event?.type === DEADLINE_PASSED).map((a) => a.summary),
    // A due instant counted from an event carries that event's millisecond: compared through `at` below.
    alarms: o.final.audit
      .filter((a) => a.kind === 'reminder' || a.kind === 'escalation')
      .map((a) => ({ summary: a.summary.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<instant>'), at: a.at })),
    inbox: o.final.inbox.map((i) => i.id),
  };
}

/** Every event update accepted once under its own id, no timer left neither fired nor cancelled, tasks lost to kills. */
async function historyFacts(o: Outcome) {
  const events = (await o.handle.fetchHistory()).events ?? [];
  const updateIds = events.flatMap((e) =>
    e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'event'
      ? [e.workflowExecutionUpdateAcceptedEventAttributes.protocolInstanceId!]
      : [],
  );
  const started = events.flatMap((e) => (e.timerStartedEventAttributes ? [e.timerStartedEventAttributes.timerId!] : []));
  const ended = new Set(
    events.flatMap((e) => [e.timerFiredEventAttributes?.timerId, e.timerCanceledEventAttributes?.timerId].filter((x): x is string => !!x)),
  );
  // Work a killed worker held: workflow tasks that timed out, activities that ran again.
  const lost = events.filter(
    (e) => e.workflowTaskTimedOutEventAttributes || (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
  ).length;
  return { updateIds, timersStarted: started.length, timersPending: started.filter((t) => !ended.has(t)), lost };
}

/** The first day on which a procedure closes: every kill must come before it. */
const FIRST_CLOSE = EVENT_DAYS.indexOf(Math.min(...SCENARIOS.map((s) => s.steps.at(-1)!.day)));

describe.sequential('kill -9 the worker 20 times at random points while a procedure of every kind runs (issue 7)', () => {
  it(
    'every procedure closes as without faults: each event applied exactly once, every timer fired at its instant, the record complete and in order',
    { timeout: 900_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bm-faults-'));
      const bundle = join(dir, 'workflows.js');
      await writeWorkflowBundle(bundle); // a restarted worker loads it at once, as under `npm start`

      // Without faults: the reference outcome.
      const t0 = Date.now();
      const reference = await withServer(dir, bundle, async ({ env, client, worker }) => {
        await worker('cached');
        return runScenarios(env, client, TASK_QUEUE, 'reference');
      });
      const referenceMs = Date.now() - t0;

      // The same scenarios on a fresh server; a new worker replaces each one killed.
      const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
      const next = random(seed);
      let kills = 0;
      const faulty = await withServer(dir, bundle, async ({ env, client, worker }) => {
        let current = await worker('uncached');
        let failed: unknown;
        // Each worker lives for a random time (up to 1.5 s: starting up, replaying, mid-task or idle), then is killed.
        const chaos = (async () => {
          while (kills < KILLS) {
            await delay(next() * 1500);
            await killWorker(current);
            kills++;
            current = await worker('uncached');
          }
        })().catch((e: unknown) => (failed = e));
        // The script keeps pace with the kills, so that all of them fall before any procedure closes.
        const paced = async (index: number) => {
          const due = Math.ceil((KILLS * Math.min(index, FIRST_CLOSE)) / FIRST_CLOSE);
          while (kills < due && !failed) await delay(50);
          if (failed) throw failed;
          if (index >= FIRST_CLOSE) expect(kills, 'every kill falls while all five procedures are open').toBe(KILLS);
        };
        const outcome = await runScenarios(env, client, TASK_QUEUE, 'faulty', paced);
        await chaos; // the kills all fell before the first procedure closed (paced)
        return outcome;
      });
      const lost = faulty.reduce((n, o) => n + o.history.lost, 0);
      console.log(
        `[faults] seed ${seed}: fault-free run ${referenceMs} ms; ${kills} kills; faulty run ${Date.now() - t0 - referenceMs} ms; ${lost} tasks lost mid-flight and redone`,
      );
      expect(lost, 'some kills struck a worker in the middle of a task').toBeGreaterThan(0);

      for (const [i, s] of SCENARIOS.entries()) {
        const ref = summary(reference[i]!);
        const got = summary(faulty[i]!);
        expect(ref).toMatchObject({ kind: s.kind, state: s.final, closed: true, events: s.steps.map((step) => step.type) });
        expect(ref.alarms.length, `${s.kind}: the scenario exercises its timers`).toBeGreaterThan(0);
        // Same states, events, deadlines passed, inbox; every alarm fired at the same instant (±1 min: a kill may delay a task).
        expect({ ...got, alarms: got.alarms.map((a) => a.summary) }).toEqual({ ...ref, alarms: ref.alarms.map((a) => a.summary) });
        got.alarms.forEach((a, j) =>
          expect(Math.abs(Date.parse(a.at) - Date.parse(ref.alarms[j]!.at)), `${s.kind}: ${a.summary}`).toBeLessThan(60_000),
        );

        // The record holds the whole trail, in order, each entry once: a procedure closes only once it is written.
        expect(faulty[i]!.record?.view.audit, `${s.kind}: the record`).toEqual(faulty[i]!.final.audit);
        expect(faulty[i]!.record?.view.state).toBe(faulty[i]!.final.state);

        const facts = faulty[i]!.history;
        const expectedIds = s.steps.map((_, n) => `faulty-${s.kind}-event-${n}`);
        expect(facts.updateIds).toEqual(expectedIds);
        expect(facts.timersPending).toEqual([]);
        expect(facts.timersStarted).toBeGreaterThan(0);
      }
    },
  );
});
