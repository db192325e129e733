/**
 * The one activity of a workflow activation (issue 14, a deadline storm's pass): the deliveries
 * queued in it (deliveries.ts) and, since patch `record-in-pass`, the record store's append of
 * its entries (recorder.ts) go out together once the activation's code has come to its waits.
 * A pass then costs one activity and one completion task, not one per kind of write (issue 23).
 * Since patch `local-pass` a deadline pass's batch is a local activity, in the pass's own task
 * (issue 28): one task a pass, not two. An activation that took an Update keeps the regular
 * activity: its answer does not wait for the deliveries, and the time-skipping test server refuses
 * a local activity's marker beside an Update ("invalid history builder state for action").
 * A worker lost mid-pass leaves the task uncommitted after its local activity wrote the record; the
 * retried task records the pass again at its own instant, and the record replaces the rows of that
 * uncommitted task (records/store.ts `uncommittedPass`; test/faults/worker-kill.test.ts).
 */
import { condition } from '@temporalio/workflow';
import type { AppendRequest, AppendResult } from '../records/store.js';
import { batch, localBatch, type QueuedDelivery, type Run } from './state.js';

/** Queues a delivery for the activation's batch. */
export function queueDelivery(run: Run, item: QueuedDelivery): void {
  scheduleFlush(run);
  run.queued.push(item);
}

/**
 * Queues the record's append for the activation's batch: `build` is called when the batch goes
 * out, so it carries every entry the activation added; `settle` gets undefined when the batch or
 * the append in it failed (the recorder then appends alone, retried until it is written).
 */
export function queueRecord(run: Run, build: (uncommitted: boolean) => AppendRequest, settle: (r: AppendResult | undefined) => void): void {
  scheduleFlush(run);
  run.queuedRecord = { build, settle };
}

function scheduleFlush(run: Run): void {
  if (run.flushScheduled) return;
  run.flushScheduled = true;
  void activationAtRest().then(() => flush(run));
}

/**
 * Resolves once the activation's microtasks are drained: the SDK (1.24) checks a condition at once,
 * where this one says no, and then only between rounds of microtasks, still in the same activation.
 */
function activationAtRest(): Promise<void> {
  let eager = true;
  return condition(() => {
    const later = !eager;
    eager = false;
    return later;
  });
}

/** The pass's own task (a local activity) when a deadline pass and no Update came since the last batch (patch `local-pass`). */
function inPassOwnTask(run: Run): boolean {
  const local = run.localPass && run.passed === true && run.updates === (run.updatesAtBatch ?? 0);
  run.passed = false;
  run.updatesAtBatch = run.updates;
  return local;
}

async function flush(run: Run): Promise<void> {
  run.flushScheduled = false;
  const items = run.queued.splice(0);
  const record = run.queuedRecord;
  run.queuedRecord = undefined;
  const local = inPassOwnTask(run);
  const acts = local ? localBatch : batch;
  if (!record) {
    const outcomes = await acts.deliverAll(items.map((i) => i.req)).catch(() => undefined);
    items.forEach((item, i) => item.settle(outcomes?.[i]));
    return;
  }
  const out = await acts.recordAndDeliver({ record: record.build(local), deliveries: items.map((i) => i.req) }).catch(() => undefined);
  record.settle(out?.record);
  items.forEach((item, i) => item.settle(out?.deliveries[i]));
}
