import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../activities/calendar-file.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { dateOf, dayOf } from '../../domain/time.js';

const cal = loadCalendar();
const startDay = fc.integer({ min: dayOf('2019-06-01'), max: dayOf('2028-12-31') });

describe('deadline properties', () => {
  it('the last day of a working-day period is a working day with exactly N working days after the start up to it', () => {
    fc.assert(
      fc.property(startDay, fc.integer({ min: 1, max: 60 }), (start, n) => {
        const d = computeDeadline(cal, { rule: 'working-days', n, from: dateOf(start) });
        const last = dayOf(d.lastDay!);
        expect(cal.isWorkingDay(last)).toBe(true);
        let count = 0; // counted day by day, not through the index
        for (let day = start + 1; day <= last; day++) if (cal.isWorkingDay(day)) count++;
        expect(count).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('a calendar-day deadline never lands on a rest day, and only rest days lie between the nominal and the last day', () => {
    fc.assert(
      fc.property(startDay, fc.integer({ min: 1, max: 400 }), (start, n) => {
        const d = computeDeadline(cal, { rule: 'calendar-days', n, from: dateOf(start) });
        const last = dayOf(d.lastDay!);
        expect(cal.isWorkingDay(last)).toBe(true);
        for (let day = start + n; day < last; day++) expect(cal.isWorkingDay(day)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a suspension or an extension never moves a deadline earlier', () => {
    const rule = fc.constantFrom('working-days' as const, 'calendar-days' as const);
    fc.assert(
      fc.property(
        startDay,
        rule,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        (start, r, n, offset, len, ext) => {
          const base = computeDeadline(cal, { rule: r, n, from: dateOf(start) });
          const suspended = computeDeadline(cal, {
            rule: r,
            n,
            from: dateOf(start),
            suspensions: [{ from: dateOf(start + offset), to: dateOf(start + offset + len) }],
          });
          const extended = computeDeadline(cal, { rule: r, n, from: dateOf(start), extensions: [{ days: ext }] });
          expect(Date.parse(suspended.dueAt)).toBeGreaterThanOrEqual(Date.parse(base.dueAt));
          expect(Date.parse(extended.dueAt)).toBeGreaterThanOrEqual(Date.parse(base.dueAt));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a day-based deadline always ends at 24:00 Asia/Shanghai, whatever the host time zone', () => {
    fc.assert(
      fc.property(startDay, fc.integer({ min: 1, max: 3650 }), (start, n) => {
        const d = computeDeadline(cal, { rule: 'calendar-days', n, from: dateOf(start) });
        expect(d.dueAt).toBe(`${d.lastDay}T16:00:00.000Z`);
      }),
      { numRuns: 200 },
    );
  });

  it('a calendar rebuilt from the snapshot a start records gives the same deadlines as the calendar it was taken of (issue 14)', () => {
    const rebuilt = WorkCalendar.fromSnapshot(JSON.parse(JSON.stringify(cal.snapshot())));
    const rule = fc.constantFrom('working-days' as const, 'calendar-days' as const, 'months' as const, 'years' as const);
    fc.assert(
      fc.property(
        startDay,
        rule,
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20 })), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        (start, r, n, suspension, ext) => {
          const request = {
            rule: r,
            n,
            from: dateOf(start),
            ...(suspension
              ? { suspensions: [{ from: dateOf(start + suspension[0]), to: dateOf(start + suspension[0] + suspension[1]) }] }
              : {}),
            ...(ext ? { extensions: [{ days: ext }] } : {}),
          };
          const options = { reminderFractions: [0.5, 0.8], reminderDaysBefore: [7, 1] };
          expect(computeDeadline(rebuilt, request, options)).toEqual(computeDeadline(cal, request, options));
        },
      ),
      { numRuns: 500 },
    );
  });
});
