import type { WorkCalendar } from '../calendar/work-calendar.js';
import { addMonthsDay, dateOf, dayOf, DAY_MS, endOfShanghaiDayMs, HOUR_MS, parseInstant, shanghaiDayOfMs } from '../time.js';
import { formatZodError } from '../errors.js';
import { DeadlineError, PeriodRequestSchema, type Deadline, type PeriodRequest } from './types.js';

export interface ComputeOptions {
  /** Fraction of the period after which a step is due soon (policy, SPEC §2). */
  dueSoonFraction?: number;
  /** Fractions of the period at which reminders fire (policy, SPEC §4). */
  reminderFractions?: number[];
}

/**
 * Computes a statutory deadline (SPEC §2). The start day is not counted (民法典 201);
 * a period is a budget — base + extensions + suspended days — counted from the start
 * day, and the rest-day move (民法典 203) is applied once, to the final day.
 */
export function computeDeadline(cal: WorkCalendar, request: PeriodRequest, options: ComputeOptions = {}): Deadline {
  const parsed = PeriodRequestSchema.safeParse(request);
  if (!parsed.success) throw new DeadlineError(formatZodError(parsed.error));
  const req = parsed.data;
  const fraction = options.dueSoonFraction ?? 0.8;
  const reminderFractions = options.reminderFractions ?? [];
  if (req.maxExtensions !== undefined && req.extensions.length > req.maxExtensions) {
    throw new DeadlineError(`extension refused: at most ${req.maxExtensions} extension(s) allowed${req.basis ? ` (${req.basis})` : ''}`, 'extensions');
  }
  const extDays = req.extensions.reduce((s, e) => s + e.days, 0);
  const common = {
    rule: req.rule,
    n: req.n,
    from: req.from,
    ...(req.basis ? { basis: req.basis } : {}),
    calendarVersion: cal.version,
    extensions: req.extensions,
    suspensions: req.suspensions,
  };

  if (req.rule === 'hours') {
    if (req.extensions.length || req.suspensions.length) throw new DeadlineError('an hours period takes no extension or suspension', 'rule');
    const startMs = parseInstantField(req.from, 'from');
    const dueMs = startMs + req.n * HOUR_MS;
    // Hours are exact and never roll over rest days (民法典 201 para 2).
    const at = (f: number) => iso(startMs + Math.ceil(f * (dueMs - startMs)));
    return { ...common, budget: req.n, provisional: false, startAt: iso(startMs), dueAt: iso(dueMs), dueSoonAt: at(fraction), reminders: reminderFractions.map((f) => ({ fraction: f, at: at(f) })) };
  }

  const start = parseDateField(req.from, 'from');
  const exact = req.suspensionCounting === 'exact';
  const suspended = exact ? 0 : suspendedUnits(cal, req.rule, start, req.suspensions);
  const exactMs = exact ? suspendedMs(start, req.suspensions) : 0;
  let budget: number;
  let nominal: number;
  switch (req.rule) {
    case 'working-days':
      budget = req.n + extDays + suspended;
      nominal = cal.addWorkingDays(start, budget);
      break;
    case 'calendar-days':
      budget = req.n + extDays + suspended;
      nominal = start + budget;
      break;
    case 'months':
    case 'years':
      budget = extDays + suspended;
      nominal = addMonthsDay(start, req.rule === 'years' ? req.n * 12 : req.n) + budget;
      break;
  }
  let dueMs = endOfShanghaiDayMs(nominal) + exactMs;
  // In exact mode the end may fall inside a day: that day is the nominal last day.
  if (exactMs) nominal = shanghaiDayOfMs(dueMs - 1);
  const last = cal.firstWorkingDayFrom(nominal);
  if (last !== nominal) dueMs = endOfShanghaiDayMs(last);
  const startMs = endOfShanghaiDayMs(start);
  // Elapsed share of the period, in the rule's unit: whole working days for a working-day
  // period, time otherwise.
  const atFraction = (f: number) =>
    req.rule === 'working-days'
      ? Math.min(dueMs, endOfShanghaiDayMs(cal.addWorkingDays(start, Math.max(1, Math.ceil(f * budget)))))
      : startMs + Math.ceil(f * (dueMs - startMs));
  // Due soon at the policy fraction, or when less than one working day is left.
  const dueSoonMs = Math.min(atFraction(fraction), endOfShanghaiDayMs(last - 1));
  return {
    ...common,
    lastDay: dateOf(last),
    ...(last !== nominal ? { nominalLastDay: dateOf(nominal) } : {}),
    budget,
    provisional: cal.touchesUncovered(start, last),
    startAt: iso(startMs),
    dueAt: iso(dueMs),
    dueSoonAt: iso(Math.max(startMs, dueSoonMs)),
    reminders: reminderFractions.map((f) => ({ fraction: f, at: iso(atFraction(f)) })),
  };
}

/** Suspended time in the rule's unit: calendar days from suspension to resumption date. */
function suspendedUnits(cal: WorkCalendar, rule: string, start: number, suspensions: PeriodRequest['suspensions'] = []): number {
  let total = 0;
  let prevEnd = -Infinity;
  suspensions.forEach((s, i) => {
    const a = parseDateField(s.from, `suspensions.${i}.from`);
    const b = parseDateField(s.to, `suspensions.${i}.to`);
    checkSuspension(a, b, start, prevEnd, i);
    prevEnd = b;
    // For a working-day period the clock stands still on the working days in [a, b).
    total += rule === 'working-days' ? cal.workingDaysBetween(a - 1, b - 1) : b - a;
  });
  return total;
}

function suspendedMs(start: number, suspensions: PeriodRequest['suspensions'] = []): number {
  let total = 0;
  let prevEnd = -Infinity;
  suspensions.forEach((s, i) => {
    const a = parseInstantField(s.from, `suspensions.${i}.from`);
    const b = parseInstantField(s.to, `suspensions.${i}.to`);
    checkSuspension(a / DAY_MS, b / DAY_MS, start - 1, prevEnd, i);
    prevEnd = b / DAY_MS;
    total += b - a;
  });
  return total;
}

function checkSuspension(a: number, b: number, start: number, prevEnd: number, i: number): void {
  if (b < a) throw new DeadlineError(`suspension ${i + 1}: resumption is before suspension`, `suspensions.${i}`);
  if (a < start) throw new DeadlineError(`suspension ${i + 1}: starts before the period starts`, `suspensions.${i}`);
  if (a < prevEnd) throw new DeadlineError(`suspension ${i + 1}: overlaps the previous suspension`, `suspensions.${i}`);
}

function parseDateField(value: string, field: string): number {
  try {
    return dayOf(value);
  } catch (e) {
    throw new DeadlineError(`${field}: ${(e as Error).message}`, field);
  }
}

function parseInstantField(value: string, field: string): number {
  try {
    return parseInstant(value);
  } catch (e) {
    throw new DeadlineError(`${field}: ${(e as Error).message}`, field);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
