import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadDeps, type ActivityDeps } from '../../activities/deps.js';
import { createWorker } from '../../worker/worker.js';
import { viewQuery } from '../../workflows/messages.js';
import { sendEvent, startProcedure, waitReady } from '../../api/procedure-client.js';
import { prepareAtApi, type PreparedStart } from '../../api/prepare-start.js';
import { procedureOf } from '../../machines/index.js';
import type { EventResult, ProcedureWorkflow } from '../../workflows/types.js';
import type { Actor, ProcedureView } from '../../domain/procedure-view.js';
import { ROOT } from '../../scripts/temporal-binaries.js';
import type { ProcedureKind } from '../../machines/index.js';
import { serverNow, sleepUntil, timeSkippingEnv } from './temporal.js';
import { historyToJSON } from './history-json.js';
import { unsealedDataConverter } from './converters.js';
import { testRecordStore } from './records.js';
import type { RecordStore } from '../../records/store.js';

export const TASK_QUEUE = 'test-procedures';

export interface ProcedureEnv {
  env: TestWorkflowEnvironment;
  /** Starts as the API does; `without` leaves a part out of the preparation, as starts prepared before it existed. */
  start(
    kind: ProcedureKind,
    input: unknown,
    actor: Actor,
    workflowId?: string,
    o?: { without?: 'calendar' | 'contacts' | 'ladders' },
  ): Promise<WorkflowHandle<ProcedureWorkflow>>;
  send(h: WorkflowHandle, type: string, actor: Actor, payload?: Record<string, unknown>): Promise<EventResult>;
  view(h: WorkflowHandle): Promise<ProcedureView>;
  /** Advances the server's clock to an instant (time-skipping). */
  sleepUntil(instant: string): Promise<void>;
  now(): Promise<number>;
  /** The case file the worker appends to (a database of this env's own). */
  records: RecordStore;
}

let seq = 0;

/**
 * Runs `fn` against a real time-skipping server whose clock starts at `startAt`, with a real
 * worker running the real workflow bundle and activities (demo registry, embedded calendar).
 */
export async function withProcedureEnv<T>(
  startAt: string,
  fn: (p: ProcedureEnv) => Promise<T>,
  deps: ActivityDeps = loadDeps({}),
): Promise<T> {
  const env = await timeSkippingEnv(startAt);
  const records = await testRecordStore();
  try {
    const worker = await createWorker(env.nativeConnection, { namespace: 'default', taskQueue: TASK_QUEUE }, deps, {
      dataConverter: unsealedDataConverter,
      records,
    });
    const now = () => serverNow(env);
    const p: ProcedureEnv = {
      env,
      start: async (kind, input, actor, workflowId = `test-${++seq}-${Date.now()}`, o = {}) => {
        const prepared = preparedLikeApi(deps, kind, input, { id: workflowId, starter: actor, now: await now() });
        if (o.without && prepared.prepared) delete prepared.prepared.prepared[o.without];
        const { handle } = await startProcedure(env.client, { kind, taskQueue: TASK_QUEUE, workflowId, input, actor, ...prepared });
        // A prepared start is answered before its first workflow task: the test goes on (and moves the clock) once it ran.
        if (prepared.prepared) await waitReady(handle);
        return handle;
      },
      send: (h, type, actor, payload = {}) => unstuck(h, sendEvent(h, { type, payload, actor })),
      view: (h) => h.query(viewQuery),
      now,
      sleepUntil: (instant) => sleepUntil(env, Date.parse(instant)),
      records,
    };
    return await worker.runUntil(fn(p));
  } finally {
    await env.teardown();
    await records.close();
  }
}

const STUCK_AFTER_MS = 20_000;

/**
 * An event that gets no answer within 20 s: says why when the workflow task is stuck. The
 * time-skipping server refuses a task completion that cancels a timer which fired while the task
 * ran ("invalid history builder state for action") and the procedure never moves again; in a test
 * that happens when a sleep ends just before an alarm (e.g. a 50 % reminder counted from an
 * event sent a few hundred ms after an earlier sleep), so the alarm fires during the next event.
 */
async function unstuck<T>(h: WorkflowHandle, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STUCK_AFTER_MS)));
  try {
    const first = await Promise.race([answer, late]);
    if (first !== 'late') return first;
  } finally {
    clearTimeout(timer);
  }
  const events = (await h.fetchHistory()).events ?? [];
  const last = events.at(-1);
  const stuck = last?.workflowTaskStartedEventAttributes !== undefined && last !== null;
  throw new Error(
    `${h.workflowId}: no answer to the event after ${STUCK_AFTER_MS} ms; ` +
      (stuck
        ? `its last workflow task (event ${String(last?.eventId)}) started and never completed: the test server refused the completion, most likely because an alarm fired while the task cancelled its timer. Move the test's sleep instant off the alarm.`
        : `its history ends at event ${String(last?.eventId)}.`),
  );
}

/** Prepared as the API prepares a start (api/prepare-start.ts): valid input only; the worker refuses the rest. */
export function preparedLikeApi(
  deps: ActivityDeps,
  kind: string,
  input: unknown,
  start: { id: string; starter: Actor; now?: number },
): { prepared?: PreparedStart } {
  const def = procedureOf(kind);
  const parsed = def?.input.safeParse(input);
  const prepared =
    def && parsed?.success
      ? prepareAtApi({ ...deps, email: !!deps.delivery.smtpUrl }, def, parsed.data as Record<string, unknown>, start)
      : undefined;
  return prepared ? { prepared } : {};
}

/**
 * Asserts an alarm fired at its instant: not before, and within 5 s of it (the server's clock runs
 * while a loaded worker takes the task; the rules' instants are hours and days apart).
 */
export function firedAt(actual: string, expected: string): boolean {
  const d = Date.parse(actual) - Date.parse(expected);
  return d >= 0 && d < 5000;
}

/** Saves a workflow's history for the replay tests when RECORD_HISTORIES=1. */
export async function maybeRecordHistory(h: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await h.fetchHistory();
  const dir = join(ROOT, 'test', 'histories', 'current');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), historyToJSON(history));
}
