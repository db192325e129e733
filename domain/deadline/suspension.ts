/**
 * Suspensions as a machine records them (SPEC §2 Suspension): the bounds the engine expects
 * under the policy's counting, and the deadline as suspended while a suspension is still open.
 */
import { DAY_MS, dayOf, isoOf, parseInstant, shanghaiDateOf } from '../time.js';
import type { PeriodRequestParsed } from './types.js';

export type SuspensionCounting = PeriodRequestParsed['suspensionCounting'];

/**
 * A suspension's bound for the instant it happened: its Beijing date when suspended time is
 * counted in calendar days, the instant itself when it is counted as exact duration.
 */
export const suspensionBound = (at: string, counting: SuspensionCounting): string => (counting === 'exact' ? at : shanghaiDateOf(at));

/**
 * The deadline as suspended at instant `at`: the recorded due instant (the suspensions already
 * ended counted in it) moved later by the time the open suspension has stood still up to `at`,
 * counted as the engine will count it when the suspension ends (whole calendar days from its
 * date, or the exact duration). The rest-day move already applied to the recorded date is kept.
 */
export function dueAtSuspended(dueAt: string, open: { from: string } | undefined, at: string, counting: SuspensionCounting): string {
  if (!open) return dueAt;
  const stood = counting === 'exact' ? parseInstant(at) - parseInstant(open.from) : (dayOf(shanghaiDateOf(at)) - dayOf(open.from)) * DAY_MS;
  return isoOf(parseInstant(dueAt) + Math.max(0, stood));
}
