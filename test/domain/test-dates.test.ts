import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../activities/calendar-file.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { dayOf, shanghaiDateOf, weekdayOf } from '../../domain/time.js';
import { checkStartFacts } from '../../workflows/event-checks.js';
import { daysFromToday, today } from '../support/clock.js';
import { inspectionDue, overdueInspectionYear, whatIfDue } from '../support/expected-dates.js';
import { HARD_DAYS } from '../support/hard-days.js';

/**
 * The dates the stack tests take from the clock hold whatever the day: this file runs on the wall
 * clock and again at each hard day (vitest.config.ts), like every pure test that reads the clock.
 */
const calendar = loadCalendar();

describe('the hard days (test/support/hard-days.ts), from the calendar’s last notice', () => {
  const [yearEnd, newYear, beforeSpringFestival, makeUpSaturday] = HARD_DAYS.map((at) => dayOf(at.slice(0, 10)));
  const lastYear = Math.max(...calendar.coveredYears);

  it('the last working day of the last year with a notice, and the first day of the next, which has none', () => {
    expect(calendar.isWorkingDay(yearEnd!)).toBe(true);
    expect(calendar.workingDaysBetween(yearEnd!, dayOf(`${lastYear}-12-31`))).toBe(0);
    expect(newYear).toBe(dayOf(`${lastYear + 1}-01-01`));
    expect(calendar.coveredYears).not.toContain(lastYear + 1);
  });

  it('the day before 春节, and a 调休 Saturday, a working day', () => {
    expect(calendar.describe(beforeSpringFestival! + 1)).toMatchObject({ kind: 'holiday', name: '春节' });
    expect(weekdayOf(makeUpSaturday!)).toBe(6);
    expect(calendar.describe(makeUpSaturday!).kind).toBe('makeup-workday');
  });
});

describe('what the stack tests expect of today (test/support/clock.ts, expected-dates.ts)', () => {
  it('today is the Beijing date of the instant the run pins (BM_TEST_NOW), else of the wall clock', () => {
    // performance is not faked: the wall clock.
    expect(today()).toBe(shanghaiDateOf(process.env.BM_TEST_NOW ?? Math.round(performance.timeOrigin + performance.now())));
  });

  it('a start fact of today is not in the future for the API, tomorrow is (SPEC §2)', () => {
    expect(checkStartFacts(['filedOn'], { filedOn: today() }, Date.now())).toEqual([]);
    expect(checkStartFacts(['filedOn'], { filedOn: daysFromToday(1) }, Date.now())).toMatchObject([{ field: 'filedOn' }]);
  });

  it('the what-if of an objection filed today says 暂定 exactly when its window ends in a year the calendar has no notice for', () => {
    const shown = whatIfDue(calendar, 'working-days', DEFAULT_POLICY.objectionWindowWorkingDays, today());
    const [, lastDay, provisional] = /^(\d{4}-\d{2}-\d{2})(（暂定）)?$/.exec(shown) ?? [];
    expect(lastDay, shown).toBeDefined();
    expect(dayOf(lastDay!)).toBeGreaterThan(dayOf(today()));
    expect(provisional !== undefined, shown).toBe(!calendar.coveredYears.includes(Number(lastDay!.slice(0, 4))));
  });

  it('the 年度自检 the workbench starts is overdue now, the latest such year, and its report period has begun (Regs 48 para 3)', () => {
    const year = overdueInspectionYear(calendar);
    expect(Date.parse(inspectionDue(calendar, year).dueAt)).toBeLessThan(Date.now());
    expect(Date.parse(inspectionDue(calendar, year + 1).dueAt)).toBeGreaterThan(Date.now());
    expect(checkStartFacts(['reportFrom'], { reportFrom: `${year}-12-31` }, Date.now())).toEqual([]);
  });
});
