import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import type { Deadline, Rule } from '../../domain/deadline/types.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { annualInspectionParties } from '../../domain/resolve-parties.js';
import { today } from './clock.js';
import { demoRegistry } from './demo.js';

/**
 * What a stack test expects of a date that follows from today, computed by the engine and the
 * calendar the stack runs (embedded data, default policy) rather than assumed. The hard-day run
 * checks these at each hard day (test/domain/test-dates.test.ts).
 */

/** A start form's what-if deadline (dashboard/workbench.js): the last day, （暂定） where the period reaches a year with no notice. */
export function whatIfDue(calendar: WorkCalendar, rule: Rule, n: number, from: string): string {
  const d = computeDeadline(calendar, { rule, n, from });
  return `${d.lastDay}${d.provisional ? '（暂定）' : ''}`;
}

/** The demo enterprise's 年度自检 report deadline for `year` (Regs 48 para 3; 31 March, policy, moved by 民法典 203). */
export function inspectionDue(calendar: WorkCalendar, year: number): Deadline {
  const { reportFrom, reportDays } = annualInspectionParties(demoRegistry, { enterpriseId: 'ent-gz-tech', year }, DEFAULT_POLICY)
    .derived as {
    reportFrom: string;
    reportDays: number;
  };
  return computeDeadline(calendar, { rule: 'calendar-days', n: reportDays, from: reportFrom });
}

/** The latest year whose 年度自检 report is overdue now: last year's once its deadline has passed (from April), else the year before's. */
export function overdueInspectionYear(calendar: WorkCalendar): number {
  const lastYear = Number(today().slice(0, 4)) - 1;
  return Date.parse(inspectionDue(calendar, lastYear).dueAt) < Date.now() ? lastYear : lastYear - 1;
}
