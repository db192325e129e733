/**
 * A test bundle for long-lived procedures (issue 12): the leak procedure with the cap on
 * RECORD_MEASURES raised above the 3,000 events the continue-as-new test sends. Only tests load it.
 */
import { leakProcedure } from '../../machines/leak.js';
import { runProcedure } from '../../workflows/driver.js';
import type { ProcedureInput } from '../../workflows/types.js';

const uncapped = {
  ...leakProcedure,
  events: { ...leakProcedure.events, RECORD_MEASURES: { ...leakProcedure.events.RECORD_MEASURES!, max: 5_000 } },
};

export async function leakWorkflow(request: ProcedureInput) {
  return runProcedure(uncapped, request);
}
