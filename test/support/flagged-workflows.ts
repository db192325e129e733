/**
 * A test bundle for the driver's role and fact checks (issue 11 items 7, 16): the leak procedure
 * with RECORD_MEASURES flagged as requiring the head (负责人) of the sending party and as recording
 * no fact. Only tests load it.
 */
import { leakProcedure } from '../../machines/leak.js';
import { runProcedure } from '../../workflows/driver.js';
import type { ProcedureInput } from '../../workflows/types.js';

const flagged = {
  ...leakProcedure,
  events: {
    ...leakProcedure.events,
    RECORD_MEASURES: { ...leakProcedure.events.RECORD_MEASURES!, role: 'head' as const, fact: undefined },
  },
};

export async function leakWorkflow(request: ProcedureInput) {
  return runProcedure(flagged, request);
}
