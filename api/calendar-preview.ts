/**
 * What a calendar update moves (SPEC §2), before anything changes: every open procedure with a
 * provisional deadline (BmProvisional), each such deadline recomputed with the calendar given as
 * recomputeDeadlines would (domain/deadline/recompute.ts), listed where it moves — from and to,
 * the case and the responsible party. `npm run recompute-provisional -- --dry-run` prints it; the
 * admin page shows it (GET /api/admin/calendar-preview), within the caller's scope.
 */
import type { Client } from '@temporalio/client';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import { moves, periodOf, recomputable } from '../domain/deadline/recompute.js';
import type { Deadline } from '../domain/deadline/types.js';
import { dueText } from '../domain/due-text.js';
import { procedureOf } from '../machines/index.js';
import { viewQuery } from '../workflows/messages.js';
import type { ProcedureView } from '../domain/procedure-view.js';
import { caseHeadline } from './case-headlines.js';

export interface CalendarMove {
  procedureId: string;
  procedureLabel: string;
  reference?: string;
  title?: string;
  deadlineKey: string;
  deadlineLabel: string;
  responsible: { id: string; name: string };
  /** The due instant now and after the recomputation (UTC). */
  from: string;
  to: string;
  /** Still provisional after it (the calendar has no notice for a year the period reaches). */
  stillProvisional: boolean;
  calendarVersion: string;
}

/** The open procedures the recomputation reaches, within a visibility clause (the caller's scope; '' for all). */
export const provisionalQuery = (scope = '') =>
  [`BmProvisional = true AND BmClosed = false AND ExecutionStatus = 'Running'`, scope].filter(Boolean).join(' AND ');

/** The moves of one procedure: its recomputable deadlines before, and each one's recomputation. */
export function movesOf(
  before: ProcedureView,
  recomputed: (d: ProcedureView['deadlines'][number]) => Deadline | undefined,
): CalendarMove[] {
  const def = procedureOf(before.kind);
  const headline = def ? caseHeadline(def, before.context) : {};
  return recomputable(before.deadlines).flatMap((d) => {
    const after = recomputed(d);
    if (!after || !moves(d, after)) return [];
    return [
      {
        procedureId: before.id,
        procedureLabel: before.label,
        ...headline,
        deadlineKey: d.key,
        deadlineLabel: d.label,
        responsible: { id: d.responsible.id, name: d.responsible.name },
        from: d.dueAt,
        to: after.dueAt,
        stillProvisional: after.provisional,
        calendarVersion: after.calendarVersion,
      },
    ];
  });
}

/** The moves the calendar would make, without changing anything. */
export async function previewCalendarMoves(client: Client, calendar: WorkCalendar, scope = ''): Promise<CalendarMove[]> {
  const out: CalendarMove[] = [];
  for await (const wf of client.workflow.list({ query: provisionalQuery(scope) })) {
    const view = await client.workflow.getHandle(wf.workflowId).query(viewQuery);
    const suspensionCounting = view.policy?.suspensionCounting ?? 'calendar-days';
    out.push(...movesOf(view, (d) => computeDeadline(calendar, periodOf(d, suspensionCounting))));
  }
  return out.sort((a, b) => a.procedureId.localeCompare(b.procedureId) || a.deadlineKey.localeCompare(b.deadlineKey));
}

/** One line of the list, in the statute's words: the case, the step, who must act, from → to. */
export const moveLine = (m: CalendarMove): string =>
  `${m.procedureId}（${m.procedureLabel}${m.reference ? ` ${m.reference}` : ''}${m.title ? `「${m.title}」` : ''}）` +
  `${m.deadlineLabel}，责任方 ${m.responsible.name}：${dueText(m.from)} → ${dueText(m.to)}` +
  `（日历 ${m.calendarVersion}${m.stillProvisional ? '，仍为暂定' : ''}）`;
