import { readFileSync } from 'node:fs';
import { WorkCalendar } from '../domain/calendar/work-calendar.js';
import embedded from '../domain/calendar/data/cn-calendar.json' with { type: 'json' };

/**
 * The calendar in force: the file named by BM_CALENDAR_FILE (an updated notice, no code
 * change), else the embedded data. The file I/O lives here, outside the pure domain.
 */
export function loadCalendar(file?: string): WorkCalendar {
  if (!file) return WorkCalendar.fromJSON(embedded);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read calendar file ${file}: ${(e as Error).message}`, { cause: e });
  }
  return WorkCalendar.fromJSON(raw);
}
