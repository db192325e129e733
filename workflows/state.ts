/**
 * A run over the driver's state: everything a procedure needs to go on is in `DriverState`
 * (driver-state.ts), which continue-as-new carries to the next run unchanged. `Run` adds what lives
 * only as long as one run: the live machine snapshot (derived from the persisted one), the
 * activity proxies, deliveries in flight, the lock.
 */
import { ApplicationFailure, condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { createActor } from 'xstate';
import type { Activities } from '../activities/index.js';
import type { DeliveryOutcome, DeliveryRequest } from '../activities/delivery.js';
import type { ProcedureDefinition, ProcedureSnapshot } from '../machines/procedure.js';
import type { DriverState } from './driver-state.js';
import type { RunView } from './run-view.js';
import type { EventRejection } from './types.js';
import type { AppendRequest, AppendResult } from '../records/store.js';
import type { Json } from '../domain/view-patch.js';

// The state's reading and its audit trail are pure, shared with the API (run-view.ts).
export {
  SYSTEM,
  allowedEvents,
  closed,
  ctx,
  live,
  nowIso,
  record,
  responsibleParty,
  result,
  senderContext,
  stateLabel,
  stateName,
  view,
} from './run-view.js';

/** A delivery queued for this activation's `deliverAll`, and what to do with its outcome (undefined: the activity failed). */
export interface QueuedDelivery {
  req: DeliveryRequest;
  settle: (outcome: DeliveryOutcome | undefined) => void;
}

export interface Run extends RunView {
  delivery: Activities;
  /** After a batched attempt worth retrying: the policy's attempts less the one made (none when the policy allows one). */
  redelivery?: Activities;
  /** Deliveries waiting for this activation's `deliverAll` (deliveries.ts). */
  queued: QueuedDelivery[];
  /** The record store's append waiting for the same activity (activation-batch.ts). */
  queuedRecord?: { build: (uncommitted: boolean) => AppendRequest; settle: (r: AppendResult | undefined) => void };
  /** The activation's batch is scheduled (activation-batch.ts). */
  flushScheduled?: boolean;
  /** A deadline pass ran since the last batch went out (timers.ts): its batch may go as a local activity. */
  passed?: boolean;
  /** `updates` when the last batch went out: an Update since then keeps its batch a regular activity. */
  updatesAtBatch?: number;
  inflight: Set<Promise<void>>;
  /** Failed deliveries whose escalation is still being sent: continue-as-new waits for them. */
  settling: number;
  busy: boolean;
  /** Updates this run accepted (Temporal limits them per run). */
  updates: number;
  /** Continue-as-new is due: new Updates are refused as not-ready until the next run takes them. */
  continuing: boolean;
  /** The history size when this run began (its first event holds the carried state). */
  startSize: number;
  /** When this run continues-as-new (continue-as-new.ts RUN_LIMITS). */
  limits: RunLimits;
  /**
   * Patch `lean-pass`, taken once at the run's start (issue 28): every earlier technical patch holds
   * without its own marker, and only the search attributes that changed are upserted. Runs recorded
   * before keep their markers where they were.
   */
  lean: boolean;
  /**
   * Patch `local-pass`, taken at the run's start in place of `lean-pass` and implying it (issue 28): a
   * deadline pass's writes go out in one local activity in the pass's own task (activation-batch.ts).
   * Lean runs recorded before keep the regular activity.
   */
  localPass: boolean;
  /** The record store's writer (recorder.ts): the state version last written, an append under way, the run ending. */
  recorder?: {
    version: number;
    writing: boolean;
    ending: boolean;
    inPass: boolean;
    updates?: Promise<Set<string>>;
    /** The view the record holds (as this run last wrote it) and its hash there: the base of the next patch. */
    written?: { view: Json; hash: string };
  };
}

// Regular activities: local ones would save a task round trip each, but the time-skipping test
// server fails them together with updates ("invalid history builder state for action").
export const acts = proxyActivities<Activities>({
  // They take milliseconds: a worker lost mid-activity is noticed, and the activity retried, after 10 s.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The wait before a delivery's second attempt (`deliver`'s initial retry interval). */
export const DELIVERY_RETRY_MS = 2_000;

/**
 * Each channel retries with backoff (SPEC §4); after the last attempt it is reported and escalated.
 * `firstInterval` is the wait before the proxy's second attempt: after a batched first attempt and
 * its wait, the backoff goes on where the policy was (2 s, 4 s, 8 s … between attempts).
 */
const deliveryActivities = (attempts: number, firstInterval = DELIVERY_RETRY_MS) =>
  proxyActivities<Activities>({
    // A webhook call times out after 10 s (activities/delivery.ts); a worker lost mid-call is noticed after 15 s.
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: firstInterval, backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: attempts },
  });

/**
 * The deliveries of one activation, each attempted once (workflows/deliveries.ts): what failed
 * for a reason a retry could mend goes to `deliver` with its retries, so this one is not retried.
 */
export const batch = proxyActivities<Activities>({
  // Concurrent webhook calls, each timing out after 10 s (activities/delivery.ts), as `deliver` is timed.
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * A deadline pass's batch in the pass's own workflow task (issue 28: one task a pass, not two), since
 * patch `local-pass`. Attempted once like `batch`: what fails goes to the retrying activities.
 */
export const localBatch = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 1 },
});

export const invalidEvent = (problem: EventRejection) =>
  ApplicationFailure.create({ type: 'InvalidEvent', message: problem.message, details: [problem], nonRetryable: true });

export interface RunLimits {
  maxUpdates: number;
  maxHistoryEvents: number;
  maxHistoryBytes: number;
  minEvents: number;
  /**
   * Applied event Updates remembered across runs (Temporal dedupes an Update id within a run
   * only): more than a run's worth, so a client retrying with the same id after a
   * continue-as-new gets the first answer.
   */
  appliedKept: number;
}

/**
 * A technical patch from before `lean-pass` (storm-one-pass, deliveries-batched …): held without its
 * own marker in a run that took `lean-pass` at its start, else asked where the run first needs it.
 */
export const patchedBefore = (run: Pick<Run, 'lean'>, id: string): boolean => run.lean || patched(id);

/** A run over a state: a fresh one at the start, the carried one after continue-as-new. */
export function openRun(
  def: ProcedureDefinition,
  id: string,
  s: DriverState,
  limits: RunLimits,
  patches: Pick<Run, 'lean' | 'localPass'>,
  snapshot?: ProcedureSnapshot,
): Run {
  // The persisted snapshot is restored through XState's public API (an actor that is never started).
  const live = snapshot ?? createActor(def.machine, { snapshot: s.machine }).getSnapshot();
  const attempts = s.prepared.policy.deliveryAttempts;
  return {
    def,
    id,
    s,
    snapshot: live,
    delivery: deliveryActivities(attempts),
    ...(attempts > 1 ? { redelivery: deliveryActivities(attempts - 1, 2 * DELIVERY_RETRY_MS) } : {}),
    queued: [],
    inflight: new Set(),
    settling: 0,
    busy: false,
    updates: 0,
    continuing: false,
    startSize: 0,
    limits,
    ...patches,
  };
}

export function setSnapshot(run: Run, next: ProcedureSnapshot): void {
  run.snapshot = next;
  run.s.machine = run.def.machine.getPersistedSnapshot(next);
}

/** One change at a time: events, alarms and recomputations wait for each other. */
export async function withLock<T>(run: Run, fn: () => Promise<T>): Promise<T> {
  await condition(() => !run.busy);
  run.busy = true;
  try {
    return await fn();
  } finally {
    run.busy = false;
    run.s.version++;
  }
}
