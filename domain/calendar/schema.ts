import { z } from 'zod';
import { matching } from '../matching.js';
import { dayOf, isDate, weekdayOf } from '../time.js';

/** A 'YYYY-MM-DD' calendar date. */
export const DateSchema = matching(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine(isDate, 'not a calendar date');

/** One year of the State Council's notice (国务院办公厅关于部分节假日安排的通知). */
export const CalendarYearSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    notice: z.string().min(1).describe('通知文号，例如 国办发明电〔2024〕12号 (document number)'),
    published: DateSchema.describe('通知发布日期 (publication date)'),
    url: z.string().url().optional(),
    supplements: z
      .array(z.strictObject({ notice: z.string().min(1), published: DateSchema, url: z.string().url().optional(), summary: z.string() }))
      .default([]),
    holidays: z.array(z.strictObject({ from: DateSchema, to: DateSchema, name: z.string().min(1) })),
    workdays: z.array(z.strictObject({ date: DateSchema, name: z.string().min(1) })),
  })
  .superRefine((y, ctx) => {
    // A malformed date is already reported by its own field; cross-checks need valid dates.
    const dates = [...y.holidays.flatMap((h) => [h.from, h.to]), ...y.workdays.map((w) => w.date)];
    if (!dates.every(isDate)) return;
    const inRange = (date: string) => Math.abs(Number(date.slice(0, 4)) - y.year) <= 1;
    y.holidays.forEach((h, i) => {
      if (dayOf(h.from) > dayOf(h.to))
        ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `from ${h.from} is after to ${h.to}` });
      if (!inRange(h.from) || !inRange(h.to))
        ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `dates must lie in or next to ${y.year}` });
    });
    const holidayDays = new Set(y.holidays.flatMap((h) => range(dayOf(h.from), dayOf(h.to))));
    y.workdays.forEach((w, i) => {
      const d = dayOf(w.date);
      const wd = weekdayOf(d);
      if (wd !== 0 && wd !== 6)
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${w.date} is a weekday; a make-up working day (调休上班) must be a Saturday or Sunday`,
        });
      if (holidayDays.has(d))
        ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${w.date} is both a holiday and a working day` });
      if (!inRange(w.date)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `dates must lie in or next to ${y.year}` });
    });
  });

export const CalendarDataSchema = z
  .strictObject({
    version: z.string().min(1),
    timeZone: z.literal('Asia/Shanghai'),
    source: z.string().min(1),
    years: z.array(CalendarYearSchema).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    c.years.forEach((y, i) => {
      if (seen.has(y.year)) ctx.addIssue({ code: 'custom', path: ['years', i, 'year'], message: `year ${y.year} appears twice` });
      seen.add(y.year);
    });
  });

/**
 * The working days of a calendar, without the notices' texts: what a start records (workflows/
 * prepared.ts) so that the workflow computes its deadlines with the calendar it started under.
 * Each covered year: its holidays as [from, to] and its make-up working days.
 */
export const CalendarSnapshotSchema = z.strictObject({
  version: z.string().min(1),
  years: z.array(
    z.strictObject({
      year: z.number().int().min(2000).max(2100),
      holidays: z.array(z.tuple([DateSchema, DateSchema])),
      workdays: z.array(DateSchema),
    }),
  ),
});

export type CalendarYear = z.infer<typeof CalendarYearSchema>;
export type CalendarSnapshot = z.infer<typeof CalendarSnapshotSchema>;
export type CalendarData = z.infer<typeof CalendarDataSchema>;

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let d = a; d <= b; d++) out.push(d);
  return out;
}
