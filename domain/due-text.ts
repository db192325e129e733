import { beijingTime } from './labels.zh.js';

/** A due instant as people read it: a day's end as "2027-01-04 24:00 北京时间" (民法典 201, 203), another instant as it is. */
export function dueText(iso: string): string {
  const ms = Date.parse(iso);
  if ((ms + 8 * 3_600_000) % 86_400_000 !== 0) return beijingTime(iso);
  return `${new Date(ms - 1 + 8 * 3_600_000).toISOString().slice(0, 10)} 24:00 北京时间`;
}
