import { describe, expect, it } from 'vitest';
import { markAlarm, nextAlarm, skipPastReminders } from '../../workflows/alarms.js';
import type { DeadlineRecord } from '../../domain/procedure-view.js';

const H = 3_600_000;
const record = (over: Partial<DeadlineRecord> = {}): DeadlineRecord =>
  ({
    dueAt: '2025-10-16T16:00:00.000Z',
    dueSoonAt: '2025-10-14T16:00:00.000Z',
    status: 'running',
    obligation: true,
    reminders: [
      { key: '50%', at: '2025-10-10T16:00:00.000Z' },
      { key: '80%', at: '2025-10-14T16:00:00.000Z' },
    ],
    remindersDone: [],
    dueSoonDone: false,
    dueFired: false,
    overdueCount: 0,
    escalationRung: 0,
    ...over,
  }) as DeadlineRecord;
const due = Date.parse('2025-10-16T16:00:00.000Z');

describe('deadline alarms (SPEC §4)', () => {
  it('fire in order: reminders, due soon, the deadline, then every 24 hours while overdue', () => {
    const r = record();
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const a = nextAlarm(r, 24, Date.parse('2025-10-01T00:00:00Z'))!;
      seen.push(`${a.kind}@${new Date(a.at).toISOString()}`);
      markAlarm(r, a);
    }
    expect(seen).toEqual([
      'reminder@2025-10-10T16:00:00.000Z',
      'reminder@2025-10-14T16:00:00.000Z',
      'due-soon@2025-10-14T16:00:00.000Z',
      'due@2025-10-16T16:00:00.000Z',
      'overdue@2025-10-17T16:00:00.000Z',
      'overdue@2025-10-18T16:00:00.000Z',
    ]);
  });

  it('catch up on a long-overdue step with the latest period only, not every missed one', () => {
    const r = record({ dueFired: true, dueSoonDone: true, remindersDone: ['50%', '80%'] });
    const a = nextAlarm(r, 24, due + 100.5 * 24 * H)!;
    expect(a).toMatchObject({ kind: 'overdue', count: 100, at: due + 100 * 24 * H });
  });

  it('a date that ends a period (not a duty) has no overdue repeats', () => {
    const r = record({ obligation: false, dueFired: true, dueSoonDone: true, remindersDone: ['50%', '80%'] });
    expect(nextAlarm(r, 24, due)).toBeUndefined();
  });

  it('a suspended or finished step has no alarm', () => {
    expect(nextAlarm(record({ status: 'suspended' }), 24, 0)).toBeUndefined();
    expect(nextAlarm(record({ status: 'met' }), 24, 0)).toBeUndefined();
  });

  it('reminders already past when the deadline is (re)computed are skipped, not sent late', () => {
    const r = record();
    skipPastReminders(r, Date.parse('2025-10-12T00:00:00Z'));
    expect(r.remindersDone).toEqual(['50%']);
    expect(nextAlarm(r, 24, 0)).toMatchObject({ kind: 'reminder', key: '80%' });
  });
});
