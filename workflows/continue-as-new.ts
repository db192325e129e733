/**
 * Procedures live for years; a Temporal run does not. Before a run's history nears Temporal's
 * limits the driver continues-as-new with its state (state.ts), at a safe point: no Update
 * handler running, no failed delivery still being escalated. Deliveries still retrying are not
 * awaited: the next run sends them again with the same idempotency keys (deliveries.ts).
 *
 * Thresholds (RUN_LIMITS, whichever comes first), each once the run has grown by `minEvents` events,
 * so that a large carried state never makes a run continue again at once:
 * - the server suggests it (`continueAsNewSuggested`);
 * - 1,500 Updates accepted in this run (Temporal's `limit.workflowExecution.maxTotalUpdates`
 *   defaults to 2,000 per run: beyond it a procedure accepts no event at all);
 * - 10,000 history events, or 10 MB of history written by this run beyond its first event (which
 *   holds the carried state). Temporal warns at 10,240 events / 10 MB and fails a run at
 *   51,200 events / 50 MB.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { AppliedUpdate } from './driver-state.js';
import { result, type Run, type RunLimits } from './state.js';
import type { EventResult } from './types.js';

/** The limits every procedure runs under; a test bundle may pass smaller ones to the driver. */
export const RUN_LIMITS: RunLimits = {
  maxUpdates: 1_500,
  maxHistoryEvents: 10_000,
  maxHistoryBytes: 10 * 1024 * 1024,
  minEvents: 100,
  appliedKept: 2_000,
};

export function continueAsNewDue(run: Run): boolean {
  const info = workflowInfo();
  const l = run.limits;
  if (info.historyLength < l.minEvents) return false;
  return (
    info.continueAsNewSuggested ||
    run.updates >= l.maxUpdates ||
    info.historyLength >= l.maxHistoryEvents ||
    info.historySize - run.startSize >= l.maxHistoryBytes
  );
}

/**
 * A short hash of an Update id (two 32-bit FNV-1a lanes): the carried state holds no caller key
 * in clear. 64 bits: a collision among the ids kept is negligible (~1e-13).
 */
export function updateHash(id: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export const appliedBefore = (run: Run, hash: string): AppliedUpdate | undefined => run.s.applied.find((a) => a.id === hash);

/** Remembers an applied event Update (the latest `appliedKept`) with the audit entry it made. */
export function rememberApplied(run: Run, hash: string): void {
  run.s.applied.push({ id: hash, seq: run.s.audit.findLast((a) => a.kind === 'event')?.seq ?? 0 });
  const kept = run.limits.appliedKept;
  if (run.s.applied.length > kept) run.s.applied.splice(0, run.s.applied.length - kept);
}

/**
 * The answer to a repeated Update: the states its audit entry recorded it leading to; the
 * deadlines and the events allowed as they stand now (kept small: the ledger travels with the state).
 */
export function repeatedAnswer(run: Run, a: AppliedUpdate): EventResult {
  const now = result(run);
  const entry = run.s.audit[a.seq - 1];
  const activeStates = entry?.to ? entry.to.split(' + ') : now.activeStates;
  return { ...now, state: activeStates[0]?.split('.')[0] ?? now.state, activeStates };
}
