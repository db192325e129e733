import embedded from '../../domain/calendar/data/cn-calendar.json' with { type: 'json' };
import { CalendarDataSchema } from '../../domain/calendar/schema.js';
import { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { dateOf, dayOf, weekdayOf } from '../../domain/time.js';

/**
 * Days on which a test that reads the clock must pass as on any other, taken from the embedded
 * calendar's last notice so that they move with it. vitest.config.ts runs the pure tests that read
 * the clock once at each, the clock pinned there (test/support/pin-clock.ts).
 */
const data = CalendarDataSchema.parse(embedded);
const calendar = WorkCalendar.fromJSON(embedded);
const last = data.years.reduce((a, b) => (b.year > a.year ? b : a));

let lastWorkingDay = dayOf(`${last.year}-12-31`);
while (!calendar.isWorkingDay(lastWorkingDay)) lastWorkingDay--;
const springFestival = last.holidays.find((h) => h.name === '春节')!;
const beforeSpringFestival = dateOf(dayOf(springFestival.from) - 1);
// The latest Saturday worked in exchange for a holiday (调休上班), in whichever year has one.
const makeUpSaturday = data.years
  .flatMap((y) => y.workdays.map((w) => w.date))
  .filter((d) => weekdayOf(dayOf(d)) === 6 && d !== beforeSpringFestival)
  .sort()
  .at(-1)!;

/**
 * Each hard day at an instant in Beijing time. 20:00 in Beijing is the same day in UTC and in New
 * York (the runs' time zone), so a test that takes the date from either sees the hard day too; the
 * first day with no notice is taken at 00:30, when UTC and New York are still in the year before.
 */
export const HARD_DAYS: readonly string[] = [
  // The last working day of the last year with a notice: a period from it ends in a year with none.
  `${dateOf(lastWorkingDay)}T20:00+08:00`,
  // The first day of the year with no notice (every day-based period provisional), the UTC year still the one before.
  `${last.year + 1}-01-01T00:30+08:00`,
  `${beforeSpringFestival}T20:00+08:00`,
  `${makeUpSaturday}T20:00+08:00`,
];
