/**
 * The status a supervisor sees at an instant (issue 28): judged from the next deadline's instants
 * and the clock, not from what the workflow has recorded so far. The law runs at the instant
 * (SPEC §2): a step is overdue once its deadline is reached, due soon once the policy's share of
 * its period has passed (`dueSoonAt`, computed with the deadline by domain/deadline/compute.ts
 * from 本地策略 dueSoonFraction). The workflow's own pass (audit entry, reminders, escalation)
 * follows behind; until it has recorded the same status the row is flagged `pending`.
 */

/** The statuses that move with the clock, in order of severity. */
const RANK: Record<string, number> = { on_track: 0, due_soon: 1, overdue: 2 };

export interface NextDeadline {
  /** ISO instants of the next running deadline; no `dueSoonAt` where it is not known. */
  dueAt?: string;
  dueSoonAt?: string;
}

export interface ShownStatus {
  status: string;
  /** The clock has passed an instant the workflow has not yet recorded: 提醒发送中. */
  pending: boolean;
}

function clockStatus(next: NextDeadline, nowMs: number): string | undefined {
  if (next.dueAt !== undefined && nowMs >= Date.parse(next.dueAt)) return 'overdue';
  if (next.dueSoonAt !== undefined && nowMs >= Date.parse(next.dueSoonAt)) return 'due_soon';
  return undefined;
}

/** The recorded status, or the clock's where it is more severe (then `pending`). */
export function shownStatus(recorded: string, next: NextDeadline, nowMs: number): ShownStatus {
  const rank = RANK[recorded];
  const clock = rank === undefined ? undefined : clockStatus(next, nowMs);
  return clock !== undefined && RANK[clock]! > rank! ? { status: clock, pending: true } : { status: recorded, pending: false };
}

/** The next instant after `nowMs` at which `shownStatus` changes by the clock alone; undefined if none. */
export function nextTransition(recorded: string, next: NextDeadline, nowMs: number): number | undefined {
  const rank = RANK[recorded];
  if (rank === undefined) return undefined;
  const soon = next.dueSoonAt === undefined ? undefined : Date.parse(next.dueSoonAt);
  const due = next.dueAt === undefined ? undefined : Date.parse(next.dueAt);
  if (soon !== undefined && rank < RANK.due_soon! && nowMs < soon && (due === undefined || soon < due)) return soon;
  if (due !== undefined && rank < RANK.overdue! && nowMs < due) return due;
  return undefined;
}
