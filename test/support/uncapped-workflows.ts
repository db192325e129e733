/**
 * A test bundle for long-lived procedures (issue 12): the leak procedure with the cap on
 * RECORD_MEASURES raised, and a run continuing-as-new after 150 Updates instead of 1,500, so a
 * test sees several runs in a few hundred events. Only tests load it.
 */
import { leakProcedure } from '../../machines/leak.js';
import { RUN_LIMITS } from '../../workflows/continue-as-new.js';
import { runProcedure } from '../../workflows/driver.js';
import type { ProcedureInput } from '../../workflows/types.js';

export const uncappedLeak = {
  ...leakProcedure,
  events: { ...leakProcedure.events, RECORD_MEASURES: { ...leakProcedure.events.RECORD_MEASURES!, max: 5_000 } },
};

export const TEST_RUN_LIMITS = { ...RUN_LIMITS, maxUpdates: 150, appliedKept: 200 };

export async function leakWorkflow(request: ProcedureInput) {
  return runProcedure(uncappedLeak, request, TEST_RUN_LIMITS);
}
