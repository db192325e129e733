/**
 * A deadline record as it is first made for a step (SPEC §2), and the audit entry that says so:
 * pure, shared by the driver's syncDeadlines and the first state the API answers a start with
 * (first-state.ts, issue 14).
 */
import type { PartyRef } from '../domain/parties.js';
import type { Deadline } from '../domain/deadline/types.js';
import type { DeadlineRequest } from '../machines/deadline-requests.js';
import { record, stateName, SYSTEM, type RunView } from './run-view.js';
import type { DeadlineRecord } from '../domain/procedure-view.js';

/** The record of a step's deadline as computed (at `nowMs`): counted in the run's current state, no alarm done yet. */
export function newDeadlineRecord(
  run: RunView,
  req: DeadlineRequest,
  computed: Deadline,
  responsible: PartyRef,
  nowMs = Date.now(),
): DeadlineRecord {
  const { spec, slot, fromPolicy, open, inputs } = req;
  return {
    ...computed,
    key: `${spec.id}#${run.s.deadlines.length + 1}`,
    specId: spec.id,
    slot,
    label: spec.label,
    state: stateName(run),
    responsible,
    policy: fromPolicy,
    obligation: spec.obligation !== false,
    status: open ? 'suspended' : 'running',
    computedAt: new Date(nowMs).toISOString(),
    inputs,
    remindersDone: [],
    dueSoonDone: false,
    dueFired: false,
    overdueCount: 0,
    escalationRung: 0,
  };
}

/** The audit entry of a deadline set for a step that had none (recorded when it was computed). */
export function recordDeadlineSet(run: RunView, req: DeadlineRequest, fresh: DeadlineRecord): void {
  record(run, {
    at: fresh.computedAt,
    kind: 'deadline-set',
    actor: SYSTEM,
    summary: `${req.spec.label}：${fresh.lastDay ?? fresh.dueAt} 届满${fresh.provisional ? '（暂定）' : ''}`,
    basis: req.spec.basis,
    deadlineKey: fresh.key,
  });
}
