/** A calendar feed as a calendar client reads it: parsed by ical.js (Mozilla's iCalendar parser). */
import ICAL from 'ical.js';

export interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  /** All-day: the date (YYYY-MM-DD); timed: the UTC instant (ISO). */
  start: string;
  allDay: boolean;
  sequence: number;
  lastModified: string;
  alarms: string[];
}

export function parseFeed(text: string): { name: string; events: FeedEvent[] } {
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const start = e.startDate;
    return {
      uid: e.uid,
      summary: e.summary,
      description: e.description,
      start: start.isDate ? start.toString() : start.toJSDate().toISOString(),
      allDay: start.isDate,
      sequence: e.sequence,
      lastModified: (v.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().toISOString(),
      alarms: v.getAllSubcomponents('valarm').map((a) => (a.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().toISOString()),
    };
  });
  return { name: String(cal.getFirstPropertyValue('x-wr-calname')), events };
}
