import { readFileSync } from 'node:fs';
import { WorkCalendar } from './work-calendar.js';
import embedded from './data/cn-calendar.json' with { type: 'json' };

/**
 * The calendar in force: the file named by BM_CALENDAR_FILE (an updated notice, no code
 * change), else the embedded data. I/O lives here, outside the rules.
 */
export function loadCalendar(file = process.env.BM_CALENDAR_FILE): WorkCalendar {
  if (!file) return WorkCalendar.fromJSON(embedded);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read calendar file ${file}: ${(e as Error).message}`, { cause: e });
  }
  return WorkCalendar.fromJSON(raw);
}
