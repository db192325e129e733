/**
 * The calendar feed (issue 27): a party's open deadlines as iCalendar (RFC 5545) events, with their
 * reminders as alarms, for Outlook, WPS and phone calendars. Built afresh from the record at each
 * fetch, so a moved deadline shows its new time; its UID is the step's (the first deadline record of
 * a chain of recomputations), so clients update the event instead of adding one.
 *
 * What an event says is what may leave the network on a phone: the kind of procedure, the case's
 * reference and its title (the form's 事项名称（非涉密）), the step, its article, the responsible party
 * and the instant. Never the 事件概况, measures, reasons, notes or any other free text of the case.
 */
import { createEvents, type DateArray, type EventAttributes } from 'ics';
import { procedureOf } from '../machines/index.js';
import { beijingTime } from '../domain/labels.zh.js';
import { basisText } from '../domain/citation.js';
import type { DeadlineRecord } from '../domain/procedure-view.js';
import type { OpenProcedure } from '../records/calendar-subscriptions.js';
import { caseHeadline } from './case-headlines.js';

interface Identity {
  uid: string;
  /** The recomputations of the step so far: RFC 5545's SEQUENCE, raised with every move. */
  sequence: number;
}

/**
 * Each deadline record's UID: its procedure and the first record of its chain (a recomputation by
 * an event supersedes a record with a new one for the same step; one for a calendar update changes
 * it in place), and the recomputations along the chain so far.
 */
export function deadlineIdentities(p: Pick<OpenProcedure, 'id' | 'deadlines' | 'recomputed'>): Map<string, Identity> {
  const out = new Map<string, Identity>();
  const chains = new Map<string, { root: DeadlineRecord; last: DeadlineRecord; sequence: number }>();
  for (const d of p.deadlines) {
    const step = `${d.slot}|${d.specId}`;
    const before = chains.get(step);
    const chain = before && before.last.status === 'superseded' ? before : { root: d, sequence: 0 };
    const sequence = chain.sequence + (p.recomputed[d.key] ?? 0);
    chains.set(step, { root: chain.root, last: d, sequence });
    out.set(d.key, { uid: `${chain.root.key}@${p.id}.baomi-procedures`, sequence });
  }
  return out;
}

/**
 * The case as an event may name it: kind; the reference only where it is a …Ref field or a number
 * (the self-inspection's year), not another field a headline falls back to; the title only where
 * the form declares it 事项名称（非涉密）(`title`), never the 事件概况 (`summary`).
 */
function caseName(p: OpenProcedure): string {
  const def = procedureOf(p.kind);
  if (!def) return p.kind;
  const { reference } = caseHeadline(def, p.context);
  const safeReference =
    reference !== undefined && (/^\d+$/.test(reference) || Object.entries(p.context).some(([k, v]) => /Ref$/.test(k) && v === reference));
  const title = typeof p.context.title === 'string' ? p.context.title : undefined;
  return [def.label, safeReference && reference, title && `《${title}》`].filter(Boolean).join(' ');
}

const UTC = { startInputType: 'utc', startOutputType: 'utc', endInputType: 'utc', endOutputType: 'utc' } as const;
const dateArray = (day: string): DateArray => day.split('-').map(Number) as DateArray;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function event(p: OpenProcedure, d: DeadlineRecord, id: Identity, party: string, caseUrl: string, now: number): EventAttributes {
  const article = basisText(d.basis) ?? '';
  const overdue = Date.parse(d.dueAt) <= now;
  const name = caseName(p);
  const mine = d.responsible.id === party;
  const description = [
    `案件：${name}`,
    `环节：${d.label}`,
    `依据：${article}${d.policy ? '（期间为本地策略）' : ''}`,
    `届满：${d.lastDay ? `${d.lastDay} 24:00 北京时间` : beijingTime(d.dueAt)}${d.provisional ? '（暂定：该年放假安排尚未公布）' : ''}`,
    `办理：${d.responsible.name}${mine ? '（本单位）' : ''}`,
    `查看：${caseUrl}`,
  ].join('\n');
  const alarms = d.reminders
    .filter((r) => !d.remindersDone.includes(r.key) && Date.parse(r.at) > now)
    .map((r) => ({ action: 'display' as const, description: `提醒：${d.label}`, trigger: Date.parse(r.at) }));
  // A day rule ends at 24:00 (Beijing) of its last day: an all-day event on that day; an hours rule at its instant.
  const when = d.lastDay
    ? { start: dateArray(d.lastDay), end: dateArray(nextDay(d.lastDay)) }
    : { start: Date.parse(d.dueAt), end: Date.parse(d.dueAt), ...UTC };
  return {
    ...when,
    uid: id.uid,
    sequence: id.sequence,
    lastModified: Date.parse(d.computedAt),
    title: `${overdue ? '【已超期】' : ''}${name}：${d.label}（${article}）`,
    description,
    url: caseUrl,
    classification: 'PRIVATE',
    categories: [mine ? '本单位办理' : '他方办理'],
    ...(alarms.length ? { alarms } : {}),
  };
}

/** The feed of `party`'s open deadlines (running, obligations or the end of a period), as of `now`. */
export function calendarFeed(o: {
  party: string;
  calName: string;
  procedures: OpenProcedure[];
  caseUrl: (id: string) => string;
  now?: number;
}): string {
  const now = o.now ?? Date.now();
  const events = o.procedures.flatMap((p) => {
    const ids = deadlineIdentities(p);
    return p.deadlines.filter((d) => d.status === 'running').map((d) => event(p, d, ids.get(d.key)!, o.party, o.caseUrl(p.id), now));
  });
  const { error, value } = createEvents(events, { productId: 'baomi-procedures/calendar-feed', method: 'PUBLISH', calName: o.calName });
  if (error || value === null) throw error ?? new Error('the calendar feed could not be written');
  // Clients fetch again within the hour: X-PUBLISHED-TTL (Outlook; the library writes it) and RFC 7986's REFRESH-INTERVAL.
  return value.replace('\r\nX-PUBLISHED-TTL:PT1H\r\n', '\r\nX-PUBLISHED-TTL:PT1H\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
}
