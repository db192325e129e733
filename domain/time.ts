/**
 * Dates and instants. Statutory dates are Asia/Shanghai calendar dates; instants are
 * stored in UTC. Asia/Shanghai has had a fixed UTC+8 offset with no daylight saving
 * since 1991, and the calendar index starts in 2000, so plain arithmetic is exact and
 * does not depend on the host's time zone.
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws on an impossible date. */
export function dayOf(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date (expected YYYY-MM-DD)`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`"${date}" is not a calendar date`);
  }
  return ms / DAY_MS;
}

export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The instant at which Shanghai day `day` begins (00:00 +08:00). */
export function shanghaiDayStartMs(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** 24:00 Asia/Shanghai at the end of `day`: where a day-based period ends (民法典 201, 203). */
export function endOfShanghaiDayMs(day: number): number {
  return shanghaiDayStartMs(day + 1);
}

/** The Shanghai calendar day that contains an instant. */
export function shanghaiDayOfMs(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

export function shanghaiDateOf(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : parseInstant(instant);
  return dateOf(shanghaiDayOfMs(ms));
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO 8601 instant that carries its offset; a bare local time is refused. */
export function parseInstant(instant: string): number {
  if (!INSTANT_RE.test(instant)) {
    throw new RangeError(`"${instant}" is not an ISO 8601 instant with an offset (e.g. 2025-09-30T21:30:00+08:00)`);
  }
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`"${instant}" is not a valid instant`);
  return ms;
}

/** Same day of the month `months` later, or that month's last day (民法典 202). */
export function addMonthsDay(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const dom = d.getUTCDate();
  const lastDom = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(dom, lastDom)) / DAY_MS;
}
