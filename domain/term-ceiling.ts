/**
 * The ceiling of a 保密期限 (Law 20 para 2: 除另有规定外，绝密级不超过三十年，机密级不超过二十年，
 * 秘密级不超过十年), counted from the term's start (Regs 19 para 2: 自标明的制发日起计算). Pure.
 */
import type { Level } from './parties.js';
import { addMonthsDay, dateOf, dayOf } from './time.js';

/** Law 20 para 2, in years. */
export const MAX_TERM_YEARS: Record<Level, number> = { 'top-secret': 30, secret: 20, confidential: 10 };

type Term = { kind: 'years'; years: number } | { kind: 'until'; date: string } | { kind: 'condition'; condition: string; latest?: string };

/** The last day a term of the level may reach from its start: the same day N years on (民法典 202). */
export const ceilingLastDay = (level: Level, start: string): string => dateOf(addMonthsDay(dayOf(start), 12 * MAX_TERM_YEARS[level]));

/**
 * How a term goes beyond the ceiling: more years than the level allows, or an end date (解密时间)
 * after the ceiling's last day counted from `start`. A condition (解密条件) is bound too (Law 20
 * para 2 limits 国家秘密的保密期限 however it is stated; para 1 only lets a condition stand where a period
 * cannot be fixed): it must state its latest date (`latest`, 最迟解密时间, 本地策略 — the statute does not
 * say how a condition is held to the ceiling), which is judged as an end date; without it, `unbounded`.
 */
export function beyondCeiling(
  level: Level,
  term: Term,
  start: string,
): { maxYears: number; lastDay: string; unbounded?: true } | undefined {
  const maxYears = MAX_TERM_YEARS[level];
  const lastDay = ceilingLastDay(level, start);
  if (term.kind === 'years') return term.years > maxYears ? { maxYears, lastDay } : undefined;
  const end = term.kind === 'until' ? term.date : term.latest;
  if (end === undefined) return { maxYears, lastDay, unbounded: true };
  return dayOf(end) > dayOf(lastDay) ? { maxYears, lastDay } : undefined;
}
