import type { WorkCalendar } from '../calendar/work-calendar.js';
import { addMonthsDay, dateOf, dayOf, DAY_MS, endOfShanghaiDayMs, HOUR_MS, isoOf, parseInstant, shanghaiDayOfMs } from '../time.js';
import { formatZodError } from '../errors.js';
import { DeadlineError, PeriodRequestSchema, RuleSchema, type Deadline, type PeriodRequest, type PeriodRequestParsed } from './types.js';

export interface ComputeOptions {
  /** Fraction of the period after which a step is due soon (policy, SPEC §2). */
  dueSoonFraction?: number;
  /** Fractions of the period at which reminders fire (policy, SPEC §4). */
  reminderFractions?: number[];
  /** Or days before the deadline (policy, e.g. 30, 7 and 1 days before a due date). */
  reminderDaysBefore?: number[];
}

/**
 * Computes a statutory deadline (SPEC §2). The start day is not counted (民法典 201);
 * a period is a budget — base + extensions + suspended days — counted from the start
 * day, and the rest-day move (民法典 203) is applied once, to the final day.
 */
export function computeDeadline(cal: WorkCalendar, request: PeriodRequest, options: ComputeOptions = {}): Deadline {
  const req = validate(request);
  const fraction = options.dueSoonFraction ?? 0.8;
  const reminderFractions = options.reminderFractions ?? NONE;
  if (req.maxExtensions !== undefined && req.extensions.length > req.maxExtensions) {
    throw new DeadlineError(
      `extension refused: at most ${req.maxExtensions} extension(s) allowed${req.basis ? ` (${req.basis})` : ''}`,
      'extensions',
    );
  }
  let extDays = 0;
  for (const e of req.extensions) extDays += e.days;

  let startMs: number;
  let dueMs: number;
  let budget: number;
  let lastDay: string | undefined;
  let nominalLastDay: string | undefined;
  let provisional = false;
  let start = 0;
  if (req.rule === 'hours') {
    if (req.extensions.length || req.suspensions.length)
      throw new DeadlineError('an hours period takes no extension or suspension', 'rule');
    // Hours are exact and never roll over rest days (民法典 201 para 2).
    startMs = parseInstantField(req.from, 'from');
    dueMs = startMs + req.n * HOUR_MS;
    budget = req.n;
  } else {
    start = parseDateField(req.from, 'from');
    const exact = req.suspensionCounting === 'exact';
    const suspended = exact ? 0 : suspendedUnits(cal, req.rule, start, req.suspensions);
    const exactMs = exact ? suspendedMs(start, req.suspensions) : 0;
    let nominal: number;
    if (req.rule === 'months' || req.rule === 'years') {
      budget = extDays + suspended;
      nominal = addMonthsDay(start, req.rule === 'years' ? req.n * 12 : req.n) + budget;
    } else {
      budget = req.n + extDays + suspended;
      nominal = req.rule === 'working-days' ? cal.addWorkingDays(start, budget) : start + budget;
    }
    dueMs = endOfShanghaiDayMs(nominal) + exactMs;
    // In exact mode the end may fall inside a day: that day is the nominal last day.
    if (exactMs) nominal = shanghaiDayOfMs(dueMs - 1);
    // 民法典 203 moves the last day of a period off a rest day; a fixed end date stays.
    const last = req.fixedEnd ? nominal : cal.firstWorkingDayFrom(nominal);
    if (last !== nominal) {
      dueMs = endOfShanghaiDayMs(last);
      nominalLastDay = dateOf(nominal);
    }
    lastDay = dateOf(last);
    provisional = cal.touchesUncovered(start, last);
    startMs = endOfShanghaiDayMs(start);
  }
  // Due soon at the policy fraction, or when less than one working day is left.
  let dueSoonMs = fractionInstant(cal, req.rule, start, budget, startMs, dueMs, fraction);
  if (req.rule !== 'hours') dueSoonMs = Math.max(startMs, Math.min(dueSoonMs, dueMs - DAY_MS));
  const reminders: Deadline['reminders'] = [];
  for (const f of reminderFractions)
    reminders.push({ key: `${Math.round(f * 100)}%`, at: iso(fractionInstant(cal, req.rule, start, budget, startMs, dueMs, f)) });
  for (const d of options.reminderDaysBefore ?? NONE)
    if (dueMs - d * DAY_MS > startMs) reminders.push({ key: `-${d}d`, at: iso(dueMs - d * DAY_MS) });
  return {
    rule: req.rule,
    n: req.n,
    from: req.from,
    basis: req.basis,
    lastDay,
    nominalLastDay,
    ...(req.fixedEnd ? { fixedEnd: true as const } : {}),
    dueAt: iso(dueMs),
    startAt: iso(startMs),
    dueSoonAt: iso(dueSoonMs),
    reminders,
    budget,
    provisional,
    calendarVersion: cal.version,
    extensions: req.extensions,
    suspensions: req.suspensions,
  };
}

const NONE: number[] = [];

/**
 * The instant when a share of the period has elapsed, in the rule's unit: whole working
 * days for a working-day period, time otherwise.
 */
function fractionInstant(
  cal: WorkCalendar,
  rule: string,
  start: number,
  budget: number,
  startMs: number,
  dueMs: number,
  f: number,
): number {
  if (rule !== 'working-days') return startMs + Math.ceil(f * (dueMs - startMs));
  return Math.min(dueMs, endOfShanghaiDayMs(cal.addWorkingDays(start, Math.max(1, Math.ceil(f * budget)))));
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

const iso = isoOf;
const RULES = new Set<string>(RuleSchema.options);

/** The common request (rule, n, from) is checked by hand; the rest through the schema. */
function validate(request: PeriodRequest): PeriodRequestParsed {
  const { rule, n, from } = request;
  const simple =
    RULES.has(rule) &&
    Number.isInteger(n) &&
    n >= 1 &&
    n <= 36_500 &&
    typeof from === 'string' &&
    !request.extensions?.length &&
    !request.suspensions?.length &&
    request.maxExtensions === undefined &&
    request.suspensionCounting === undefined &&
    request.fixedEnd === undefined &&
    (request.basis === undefined || (typeof request.basis === 'string' && request.basis.length <= 100)) &&
    Object.keys(request).length <= 7;
  if (simple)
    return {
      rule,
      n,
      from,
      extensions: [],
      suspensions: [],
      suspensionCounting: 'calendar-days',
      ...(request.basis ? { basis: request.basis } : {}),
    };
  const parsed = PeriodRequestSchema.safeParse(request);
  if (!parsed.success) throw new DeadlineError(formatZodError(parsed.error));
  return parsed.data;
}
