/**
 * The working calendars recorded by starts, rebuilt once per worker thread and shared by every
 * workflow (imported by shared-modules.ts): building one takes ~5 ms and ~0.5 MB, and every
 * procedure started under one calendar records the same snapshot. A pure memo: a snapshot always
 * rebuilds the same calendar, so replay is unaffected by what is cached.
 */
import type { CalendarSnapshot } from '../domain/calendar/schema.js';
import { WorkCalendar } from '../domain/calendar/work-calendar.js';

/** Calendars in force at once: the current one and the few before it that open procedures started under. */
const KEPT = 4;
const built = new Map<string, WorkCalendar>();

export function calendarOf(snapshot: CalendarSnapshot): WorkCalendar {
  const key = JSON.stringify(snapshot);
  let cal = built.get(key);
  if (!cal) {
    if (built.size >= KEPT) built.delete(built.keys().next().value!);
    cal = WorkCalendar.fromSnapshot(snapshot);
    built.set(key, cal);
  }
  return cal;
}
