import { CalendarDataSchema, type CalendarData, type CalendarSnapshot } from './schema.js';
import { dateOf, dayOf, weekdayOf } from '../time.js';
import { formatZodError } from '../errors.js';

/** Why a day is or is not a working day (工作日). */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';
const KINDS: DayKind[] = ['workday', 'weekend', 'holiday', 'makeup-workday'];

/** What the index is built from: a calendar file's data, or a snapshot's days (without names). */
interface CalendarDays {
  version: string;
  years: ReadonlyArray<{
    year: number;
    holidays: ReadonlyArray<{ from: string; to: string; name?: string }>;
    workdays: ReadonlyArray<{ date: string; name?: string }>;
  }>;
}

const FIRST_DAY = dayOf('2000-01-01');
const LAST_DAY = dayOf('2100-12-31');

/**
 * The working-day calendar: weekdays that are not statutory holidays, plus the make-up
 * working days (调休上班日) of the State Council's yearly notice. A year without a notice
 * counts weekends only and makes every deadline that touches it provisional (SPEC §2).
 *
 * Precomputed cumulative indexes make every query O(1), whatever the period's length.
 */
export class WorkCalendar {
  readonly version: string;
  readonly coveredYears: readonly number[];
  private readonly kind: Uint8Array;
  /** cum[i] = working days in [FIRST_DAY, FIRST_DAY + i]. */
  private readonly cum: Int32Array;
  /** nth[k] = offset of the (k+1)-th working day. */
  private readonly nth: Int32Array;
  /** uncov[i] = days in [FIRST_DAY, FIRST_DAY + i] of years with no notice. */
  private readonly uncov: Int32Array;
  private readonly names = new Map<number, string>();

  /** `data`: the notices' texts, for a calendar read from its data (fromJSON); a snapshot has none. */
  private constructor(
    private readonly days: CalendarDays,
    readonly data?: CalendarData,
  ) {
    this.version = days.version;
    this.coveredYears = days.years.map((y) => y.year).sort((a, b) => a - b);
    const size = LAST_DAY - FIRST_DAY + 1;
    this.kind = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const wd = weekdayOf(FIRST_DAY + i);
      this.kind[i] = wd === 0 || wd === 6 ? 1 : 0;
    }
    for (const y of days.years) {
      for (const h of y.holidays) {
        for (let d = dayOf(h.from); d <= dayOf(h.to); d++) this.mark(d, 2, h.name);
      }
      for (const w of y.workdays) this.mark(dayOf(w.date), 3, w.name);
    }
    const covered = new Set(this.coveredYears);
    this.cum = new Int32Array(size);
    this.uncov = new Int32Array(size);
    const nth: number[] = [];
    let c = 0;
    let u = 0;
    for (let i = 0; i < size; i++) {
      if (this.kind[i] === 0 || this.kind[i] === 3) {
        nth.push(i);
        c++;
      }
      if (!covered.has(2000 + yearOffset(FIRST_DAY + i))) u++;
      this.cum[i] = c;
      this.uncov[i] = u;
    }
    this.nth = Int32Array.from(nth);
  }

  /** Validates raw JSON (e.g. an updated calendar file) and builds the calendar. */
  static fromJSON(raw: unknown): WorkCalendar {
    const parsed = CalendarDataSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid calendar data: ${formatZodError(parsed.error)}`);
    return new WorkCalendar(parsed.data, parsed.data);
  }

  /** Rebuilds the calendar a snapshot was taken of: the same working days, without the days' names. */
  static fromSnapshot(snapshot: CalendarSnapshot): WorkCalendar {
    return new WorkCalendar({
      version: snapshot.version,
      years: snapshot.years.map((y) => ({
        year: y.year,
        holidays: y.holidays.map(([from, to]) => ({ from, to })),
        workdays: y.workdays.map((date) => ({ date })),
      })),
    });
  }

  /** Its working days, without the notices' texts: what a start records (SPEC §2). */
  snapshot(): CalendarSnapshot {
    return {
      version: this.version,
      years: this.days.years.map((y) => ({
        year: y.year,
        holidays: y.holidays.map((h): [string, string] => [h.from, h.to]),
        workdays: y.workdays.map((w) => w.date),
      })),
    };
  }

  isWorkingDay(day: number): boolean {
    const k = this.kind[this.index(day)]!;
    return k === 0 || k === 3;
  }

  describe(day: number): { kind: DayKind; name?: string } {
    const kind = KINDS[this.kind[this.index(day)]!]!;
    const name = this.names.get(day);
    return name ? { kind, name } : { kind };
  }

  /** The N-th working day after `day` (`day` itself not counted). */
  addWorkingDays(day: number, n: number): number {
    const k = this.cum[this.index(day)]! + n - 1;
    if (k >= this.nth.length)
      throw new RangeError(`${n} working days after ${dateOf(day)} run past the calendar (ends ${dateOf(LAST_DAY)})`);
    return FIRST_DAY + this.nth[k]!;
  }

  /** The first working day on or after `day`. */
  firstWorkingDayFrom(day: number): number {
    const i = this.index(day);
    const k = i === 0 ? 0 : this.cum[i - 1]!;
    if (k >= this.nth.length) throw new RangeError(`no working day after ${dateOf(day)} within the calendar`);
    return FIRST_DAY + this.nth[k]!;
  }

  /** Working days in (a, b]. */
  workingDaysBetween(a: number, b: number): number {
    return this.cum[this.index(b)]! - this.cum[this.index(a)]!;
  }

  /** Whether (a, b] touches a year with no published notice. */
  touchesUncovered(a: number, b: number): boolean {
    return this.uncov[this.index(b)]! - this.uncov[this.index(a)]! > 0;
  }

  private mark(day: number, kind: number, name: string | undefined): void {
    const i = this.index(day);
    this.kind[i] = kind;
    if (name) this.names.set(day, name);
  }

  private index(day: number): number {
    const i = day - FIRST_DAY;
    if (!(i >= 0 && i < this.kind.length)) {
      throw new RangeError(
        `${Number.isInteger(day) ? dateOf(day) : day} is outside the calendar's range ${dateOf(FIRST_DAY)} – ${dateOf(LAST_DAY)}`,
      );
    }
    return i;
  }
}

function yearOffset(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear() - 2000;
}
