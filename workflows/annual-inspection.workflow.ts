import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import { annualInspectionProcedure } from '../machines/annual-inspection.js';
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDateOf } from '../domain/time.js';
import { runProcedure } from './driver.js';
import { SCHEDULED } from './search-attributes.js';
import type { ProcedureInput } from './types.js';

/** 保密资质年度自检 (Regs 48 para 3). */
export async function annualInspectionWorkflow(request: ProcedureInput) {
  if ('continued' in request) return runProcedure(annualInspectionProcedure, request);
  const input = request.input as Record<string, unknown>;
  if (input.year !== undefined) return runProcedure(annualInspectionProcedure, request);
  // Started by the yearly schedule without a year: the report covers the year before the one it
  // was due in. Only the schedule's own run at its instant (1 January, 00:00 Beijing time) is one:
  // a `temporal schedule trigger` (due now), another schedule, or its input copied into a start is
  // refused before anything is prepared, recorded or sent. Histories from before keep the clock.
  const due = patched('annual-scheduled-only') ? scheduledInstant(String(input.enterpriseId)) : Date.now();
  const year = Number(shanghaiDateOf(due).slice(0, 4)) - 1;
  return runProcedure(annualInspectionProcedure, { ...request, input: { ...input, year } });
}

/** The instant this run's schedule was due, if it is the enterprise's yearly schedule (worker/schedules.ts) at its instant; else refused. */
function scheduledInstant(enterpriseId: string): number {
  const sa = workflowInfo().typedSearchAttributes;
  const by = sa.get(SCHEDULED.by);
  const at = sa.get(SCHEDULED.at)?.getTime();
  const newYear = at !== undefined && (at + SHANGHAI_OFFSET_MS) % DAY_MS === 0 && shanghaiDateOf(at).endsWith('-01-01');
  if (by !== `annual-inspection-${enterpriseId}` || !newYear)
    throw ApplicationFailure.nonRetryable(
      `a self-inspection without a year is started only by its enterprise's yearly schedule at 1 January 00:00 (Beijing time), not by ${by ? `schedule ${by}` : 'a start'} due ${at === undefined ? 'at no scheduled instant' : new Date(at).toISOString()}; one for a given year is started through the API, recorded with the person`,
      'NotScheduled',
    );
  return at;
}
