import { HOUR_MS } from '../domain/time.js';
import type { DeadlineRecord } from '../domain/procedure-view.js';

/**
 * The timers of one deadline (SPEC §4): reminders at the policy's points of the period, a
 * silent due-soon mark, the deadline itself (reminder + first escalation), then a reminder
 * and the next escalation rung every `repeatHours` while overdue. Derived from the recorded
 * deadline only, so a reminder can never move the deadline.
 */
export type Alarm =
  | { kind: 'reminder'; at: number; key: string }
  | { kind: 'due-soon'; at: number }
  | { kind: 'due'; at: number }
  | { kind: 'overdue'; at: number; count: number };

export function nextAlarm(r: DeadlineRecord, repeatHours: number, nowMs: number): Alarm | undefined {
  if (r.status !== 'running') return undefined;
  const candidates: Alarm[] = [];
  for (const rem of r.reminders) {
    if (!r.remindersDone.includes(rem.key)) candidates.push({ kind: 'reminder', at: Date.parse(rem.at), key: rem.key });
  }
  if (!r.dueSoonDone) candidates.push({ kind: 'due-soon', at: Date.parse(r.dueSoonAt) });
  const due = Date.parse(r.dueAt);
  if (!r.dueFired) candidates.push({ kind: 'due', at: due });
  else if (r.obligation) {
    // Catching up (a worker down for days, a procedure registered late): only the latest
    // elapsed period is reminded, not every one missed.
    const count = Math.max(r.overdueCount + 1, Math.floor((nowMs - due) / (repeatHours * HOUR_MS)));
    candidates.push({ kind: 'overdue', at: due + count * repeatHours * HOUR_MS, count });
  }
  return candidates.reduce<Alarm | undefined>((a, b) => (a === undefined || b.at < a.at ? b : a), undefined);
}

/** Marks an alarm as done on the record. */
export function markAlarm(r: DeadlineRecord, alarm: Alarm): void {
  switch (alarm.kind) {
    case 'reminder':
      r.remindersDone.push(alarm.key);
      break;
    case 'due-soon':
      r.dueSoonDone = true;
      break;
    case 'due':
      r.dueFired = true;
      r.dueSoonDone = true;
      break;
    case 'overdue':
      r.overdueCount = alarm.count;
      break;
  }
}

/** On (re)computation: reminders whose instant has already passed are skipped, not sent late. */
export function skipPastReminders(r: DeadlineRecord, nowMs: number): void {
  for (const rem of r.reminders) if (Date.parse(rem.at) <= nowMs && !r.remindersDone.includes(rem.key)) r.remindersDone.push(rem.key);
  if (Date.parse(r.dueSoonAt) <= nowMs) r.dueSoonDone = true;
}
