import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../activities/calendar-file.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import { explainDeadline } from '../../domain/deadline/explain.js';
import { stepStatus } from '../../domain/deadline/status.js';
import { dueAtSuspended, suspensionBound } from '../../domain/deadline/suspension.js';

const cal = loadCalendar();
const due = (req: Parameters<typeof computeDeadline>[1]) => computeDeadline(cal, req);

describe('working days (工作日)', () => {
  it('10 working days from 2025-09-26 end 2025-10-16 24:00 Beijing time (Regs 25)', () => {
    const d = due({ rule: 'working-days', n: 10, from: '2025-09-26' });
    expect(d.lastDay).toBe('2025-10-16');
    expect(d.dueAt).toBe('2025-10-16T16:00:00.000Z');
    expect(d.provisional).toBe(false);
  });

  it('10 working days from 2026-02-10 end 2026-03-02, across the nine-day Spring Festival', () => {
    expect(due({ rule: 'working-days', n: 10, from: '2026-02-10' }).lastDay).toBe('2026-03-02');
  });

  it('counts the 2020 extended Spring Festival as holiday and 2020-02-01 as a rest day', () => {
    // Working days after 2020-01-20: 1/21, 1/22, 1/23, then 2/3 is the 4th.
    expect(due({ rule: 'working-days', n: 4, from: '2020-01-20' }).lastDay).toBe('2020-02-03');
  });

  it('counts a make-up working day (2024-02-18, a Sunday)', () => {
    expect(due({ rule: 'working-days', n: 1, from: '2024-02-17' }).lastDay).toBe('2024-02-18');
  });

  it('counts 2019 by its notice: 10 working days from 2019-04-26 end 2019-05-13, the Sundays 04-28 and 05-05 worked (国办发明电〔2019〕3号)', () => {
    const d = due({ rule: 'working-days', n: 10, from: '2019-04-26' });
    expect(d.lastDay).toBe('2019-05-13');
    expect(d.provisional).toBe(false);
  });

  it('a period reaching back into 2018 (no notice) stays provisional', () => {
    expect(due({ rule: 'working-days', n: 5, from: '2018-12-24' }).provisional).toBe(true);
  });

  it('marks a period reaching a year with no notice as provisional', () => {
    const d = due({ rule: 'working-days', n: 10, from: '2026-12-25' });
    expect(d.provisional).toBe(true);
    expect(d.lastDay).toBe('2027-01-08'); // weekends only in 2027
  });
});

describe('calendar days (日) with the rest-day move of 民法典 203', () => {
  it('30 days from 2025-09-01 end 2025-10-09 (last day in National Day holiday moves)', () => {
    const d = due({ rule: 'calendar-days', n: 30, from: '2025-09-01' });
    expect(d.nominalLastDay).toBe('2025-10-01');
    expect(d.lastDay).toBe('2025-10-09');
  });

  it('30 days from 2026-01-20 end 2026-02-24', () => {
    expect(due({ rule: 'calendar-days', n: 30, from: '2026-01-20' }).lastDay).toBe('2026-02-24');
  });

  it('a make-up working day on the last day stays (2025-09-28)', () => {
    const d = due({ rule: 'calendar-days', n: 2, from: '2025-09-26' });
    expect(d.lastDay).toBe('2025-09-28');
    expect(d.nominalLastDay).toBeUndefined();
  });

  it('rest days inside the period are counted', () => {
    expect(due({ rule: 'calendar-days', n: 10, from: '2025-09-25' }).lastDay).toBe('2025-10-09'); // 10-05 → moved to 10-09
    expect(due({ rule: 'calendar-days', n: 3, from: '2025-09-22' }).lastDay).toBe('2025-09-25');
  });

  it('an end date an authority fixes for a measure is not moved by 民法典 203 (fixedEnd): a Saturday end stays Saturday', () => {
    // 2025-12-27 is a Saturday: as a period's last day it moves to Monday 12-29; as a fixed end it stays.
    expect(due({ rule: 'calendar-days', n: 98, from: '2025-09-20' }).lastDay).toBe('2025-12-29');
    const d = due({ rule: 'calendar-days', n: 98, from: '2025-09-20', fixedEnd: true });
    expect(d).toMatchObject({ lastDay: '2025-12-27', dueAt: '2025-12-27T16:00:00.000Z', fixedEnd: true });
    expect(d.nominalLastDay).toBeUndefined();
    expect(explainDeadline(cal, d).lines).toContain(
      '期限届满：2025-12-27 24:00（北京时间）（机关确定的终止日期，不适用民法典第二百零三条顺延）',
    );
  });
});

describe('months and years (民法典 202)', () => {
  it('a month from 2025-01-31 ends on the last day of February', () => {
    expect(due({ rule: 'months', n: 1, from: '2025-01-31' }).lastDay).toBe('2025-02-28');
  });

  it('a year from 2024-02-29 ends 2025-02-28', () => {
    expect(due({ rule: 'years', n: 1, from: '2024-02-29' }).lastDay).toBe('2025-02-28');
  });

  it('a month ending on a holiday moves to the next working day', () => {
    expect(due({ rule: 'months', n: 1, from: '2025-09-01' }).lastDay).toBe('2025-10-09');
  });
});

describe('hours (小时)', () => {
  it('24 hours from a discovery at 2025-09-30 21:30 Beijing time end at 2025-10-01 21:30, in the holiday', () => {
    const d = due({ rule: 'hours', n: 24, from: '2025-09-30T21:30:00+08:00' });
    expect(d.dueAt).toBe('2025-10-01T13:30:00.000Z');
    expect(d.lastDay).toBeUndefined();
  });

  it('refuses a bare local time', () => {
    expect(() => due({ rule: 'hours', n: 24, from: '2025-09-30T21:30:00' })).toThrow(/with an offset/);
  });
});

describe('a period is a budget: extensions and suspensions', () => {
  it('an appraisal accepted 2025-09-01 with a 7-day expert suspension and one extension is due at the end of 2025-11-07 (Regs 63)', () => {
    const d = due({
      rule: 'calendar-days',
      n: 30,
      from: '2025-09-01',
      maxExtensions: 1,
      extensions: [{ days: 30, approver: '负责人', reason: '案情复杂' }],
      suspensions: [{ from: '2025-09-10', to: '2025-09-17', reason: '专家咨询' }],
    });
    expect(d.budget).toBe(67);
    expect(d.lastDay).toBe('2025-11-07');
    expect(d.dueAt).toBe('2025-11-07T16:00:00.000Z');
  });

  it('an extension adds to the budget, not to an already-moved date', () => {
    // 30 days from 09-01 ends nominally 10-01 (moved to 10-09); +30 is 10-31, not 11-08.
    expect(due({ rule: 'calendar-days', n: 30, from: '2025-09-01', extensions: [{ days: 30 }] }).lastDay).toBe('2025-10-31');
  });

  it('refuses an extension beyond the allowed count', () => {
    expect(() =>
      due({ rule: 'calendar-days', n: 30, from: '2025-09-01', maxExtensions: 1, extensions: [{ days: 30 }, { days: 30 }] }),
    ).toThrow(/at most 1 extension/);
  });

  it('a suspension of a working-day period skips the working days it covers', () => {
    // Suspended 2025-10-09 to 2025-10-13: 10-09, 10-10, 10-11 (make-up) are 3 working days.
    expect(due({ rule: 'working-days', n: 10, from: '2025-09-26', suspensions: [{ from: '2025-10-09', to: '2025-10-13' }] }).lastDay).toBe(
      '2025-10-21',
    );
  });

  it('refuses a suspension that ends before it starts or overlaps another', () => {
    expect(() =>
      due({ rule: 'calendar-days', n: 30, from: '2025-09-01', suspensions: [{ from: '2025-09-10', to: '2025-09-05' }] }),
    ).toThrow(/resumption is before suspension/);
    expect(() =>
      due({
        rule: 'calendar-days',
        n: 30,
        from: '2025-09-01',
        suspensions: [
          { from: '2025-09-10', to: '2025-09-15' },
          { from: '2025-09-12', to: '2025-09-20' },
        ],
      }),
    ).toThrow(/overlaps/);
  });

  it('in exact mode a suspension moves the deadline by its exact duration', () => {
    const d = due({
      rule: 'calendar-days',
      n: 30,
      from: '2025-09-01',
      suspensionCounting: 'exact',
      suspensions: [{ from: '2025-09-10T09:00:00+08:00', to: '2025-09-17T15:00:00+08:00' }],
    });
    // 2025-10-01 24:00 + 7d6h = 2025-10-09 06:00 → last day 10-09, a working day: stays exact.
    expect(d.dueAt).toBe('2025-10-08T22:00:00.000Z');
  });
});

describe('an open suspension (SPEC §2 Suspension)', () => {
  it('is recorded by its Beijing date when counted in calendar days, by its instant when exact', () => {
    expect(suspensionBound('2025-09-10T17:30:00.000Z', 'calendar-days')).toBe('2025-09-11');
    expect(suspensionBound('2025-09-10T17:30:00.000Z', 'exact')).toBe('2025-09-10T17:30:00.000Z');
  });

  it('moves the deadline by the time it has stood so far: whole days from its date, or the exact duration', () => {
    const dueAt = '2025-12-03T16:00:00.000Z';
    expect(dueAtSuspended(dueAt, undefined, '2025-12-05T02:00:00.000Z', 'calendar-days')).toBe(dueAt);
    expect(dueAtSuspended(dueAt, { from: '2025-11-28' }, '2025-12-05T02:00:00.000Z', 'calendar-days')).toBe('2025-12-10T16:00:00.000Z');
    expect(dueAtSuspended(dueAt, { from: '2025-11-28T02:00:00.000Z' }, '2025-12-05T04:30:00.000Z', 'exact')).toBe(
      '2025-12-10T18:30:00.000Z',
    );
  });

  it('an exact-mode period with instants as suspension bounds computes; dates there are refused naming the field', () => {
    const period = { rule: 'calendar-days', n: 30, from: '2025-11-03', suspensionCounting: 'exact' } as const;
    expect(due({ ...period, suspensions: [{ from: '2025-11-28T02:00:00.000Z', to: '2025-12-05T04:30:00.000Z' }] }).dueAt).toBe(
      '2025-12-10T18:30:00.000Z',
    );
    expect(() => due({ ...period, suspensions: [{ from: '2025-11-28', to: '2025-12-05' }] })).toThrow(
      /suspensions\.0\.from: .*instant with an offset/,
    );
  });
});

describe('step status (SPEC §2)', () => {
  const d = due({ rule: 'working-days', n: 10, from: '2025-09-26' });
  it('is on track, due soon after 80% of the working days, overdue after 24:00 of the last day', () => {
    expect(d.dueSoonAt).toBe('2025-10-14T16:00:00.000Z'); // end of the 8th working day
    expect(stepStatus(d, Date.parse('2025-10-14T15:59:59Z'))).toBe('on_track');
    expect(stepStatus(d, Date.parse('2025-10-14T16:00:00Z'))).toBe('due_soon');
    expect(stepStatus(d, Date.parse('2025-10-16T16:00:00Z'))).toBe('due_soon');
    expect(stepStatus(d, Date.parse('2025-10-16T16:00:01Z'))).toBe('overdue');
    expect(stepStatus(d, Date.parse('2025-10-20T00:00:00Z'), Date.parse('2025-10-16T10:00:00Z'))).toBe('met');
    expect(stepStatus(d, Date.parse('2025-10-20T00:00:00Z'), Date.parse('2025-10-17T10:00:00Z'))).toBe('met_late');
  });

  it('is due soon when less than one working day is left, even below 80%', () => {
    const short = due({ rule: 'working-days', n: 1, from: '2025-09-25' });
    expect(short.dueSoonAt).toBe('2025-09-25T16:00:00.000Z');
  });
});

describe('explanation', () => {
  it('lists each skipped day with its reason', () => {
    const e = explainDeadline(cal, due({ rule: 'working-days', n: 10, from: '2025-09-26', basis: 'Regs 25 para 1' }));
    expect(e.skipped).toContainEqual({ date: '2025-10-03', reason: '法定节假日（国庆节）' });
    expect(e.skipped).toContainEqual({ date: '2025-09-27', reason: '休息日（星期六）' });
    expect(e.skipped.map((s) => s.date)).not.toContain('2025-09-28'); // 调休上班
    expect(e.lines.join('\n')).toContain('Regs 25 para 1');
  });

  it('explains the move of 民法典 203', () => {
    const e = explainDeadline(cal, due({ rule: 'calendar-days', n: 30, from: '2025-09-01' }));
    expect(e.skipped).toHaveLength(8);
    expect(e.skipped[0]!.reason).toContain('民法典第二百零三条');
  });

  it("names the days of the 民法典 203 move in the statute's term 法定休假日 (民法典 203)", () => {
    const e = explainDeadline(cal, due({ rule: 'calendar-days', n: 30, from: '2025-09-01' }));
    expect(e.lines[0]).toContain('期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日');
    expect(e.skipped[0]!.reason).toMatch(/法定休假日/);
    expect(e.lines.join('\n')).not.toContain('休息日的顺延');
  });
});
