import { dateOf, dayOf, shanghaiDateOf } from '../../domain/time.js';

/**
 * "Today" in the tests: the Beijing date of the clock, the day the API judges a start fact by
 * (SPEC §2). A stack's servers run on the wall clock and so do its tests; pure tests run again
 * with the clock pinned to each hard day (test/support/hard-days.ts).
 */
export const today = (): string => shanghaiDateOf(Date.now());

/** The date `n` days after today (before it when negative). */
export const daysFromToday = (n: number): string => dateOf(dayOf(today()) + n);
