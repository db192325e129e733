export type StepStatus = 'on_track' | 'due_soon' | 'overdue' | 'met' | 'met_late';

/** Status of a step against its deadline (SPEC §2); thresholds come with the deadline. */
export function stepStatus(deadline: { dueAt: string; dueSoonAt: string }, nowMs: number, metAtMs?: number): StepStatus {
  const due = Date.parse(deadline.dueAt);
  if (metAtMs !== undefined) return metAtMs <= due ? 'met' : 'met_late';
  if (nowMs > due) return 'overdue';
  if (nowMs >= Date.parse(deadline.dueSoonAt)) return 'due_soon';
  return 'on_track';
}
