/**
 * Dates and instants. Statutory dates are Asia/Shanghai calendar dates; instants are
 * stored in UTC. Asia/Shanghai has had a fixed UTC+8 offset with no daylight saving
 * since 1991, and the calendar index starts in 2000, so plain arithmetic is exact and
 * does not depend on the host's time zone.
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws on an impossible date. */
export function dayOf(date: string): number {
  // Hand-parsed: this sits on the deadline engine's hot path.
  if (typeof date !== 'string' || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) {
    throw new RangeError(`"${date}" is not a date (expected YYYY-MM-DD)`);
  }
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 7);
  const d = digits(date, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new RangeError(`"${date}" is not a calendar date`);
  return daysFromCivil(y, m, d);
}

export function dateOf(day: number): string {
  // Civil-from-days (H. Hinnant), exact for the proleptic Gregorian calendar.
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function isDate(s: string): boolean {
  try {
    dayOf(s);
    return true;
  } catch {
    return false;
  }
}

/** ISO 8601 UTC string of an instant; whole minutes (every day-based deadline) skip Date. */
export function isoOf(ms: number): string {
  if (ms % 60_000 !== 0) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  const minutes = (ms - day * DAY_MS) / 60_000;
  const h = Math.floor(minutes / 60);
  const mi = minutes % 60;
  return `${dateOf(day)}T${h < 10 ? '0' : ''}${h}:${mi < 10 ? '0' : ''}${mi}:00.000Z`;
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
