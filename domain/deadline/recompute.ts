/**
 * A provisional deadline recomputed after a calendar update (SPEC §2): the same period, from the
 * same start, with its extensions and suspensions, counted with the calendar in force. One rule for
 * the run (workflows/deadlines.ts recomputeProvisional) and its preview (api/calendar-preview.ts),
 * so the preview lists exactly what the run changes.
 */
import type { Deadline, PeriodRequest } from './types.js';

/** The period a recorded deadline was computed from. */
export function periodOf(d: Deadline, suspensionCounting: 'calendar-days' | 'exact'): PeriodRequest {
  return {
    rule: d.rule,
    n: d.n,
    from: d.from,
    extensions: d.extensions,
    suspensions: d.suspensions,
    basis: d.basis,
    suspensionCounting,
    // A date the authority fixed as the end of a measure stays that date, recomputed or not: no
    // 民法典 203 move (Regs 71 para 2 暂停涉密业务 until the date set; SPEC §3.5).
    ...(d.fixedEnd ? { fixedEnd: true as const } : {}),
  };
}

/** Whether the recomputation changes the deadline: another due instant, or no longer provisional. */
export const moves = (before: Pick<Deadline, 'dueAt' | 'provisional'>, after: Pick<Deadline, 'dueAt' | 'provisional'>): boolean =>
  before.dueAt !== after.dueAt || before.provisional !== after.provisional;

/** The deadlines a recomputation considers: running and provisional. */
export const recomputable = <D extends Deadline & { status: string }>(deadlines: D[]): D[] =>
  deadlines.filter((d) => d.status === 'running' && d.provisional);
