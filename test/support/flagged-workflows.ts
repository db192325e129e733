/**
 * A test bundle for the driver's role check (issue 11 item 16): the leak procedure with
 * RECORD_MEASURES flagged as requiring the head (负责人) of the sending party. Only tests load it.
 */
import { leakProcedure } from '../../machines/leak.js';
import { runProcedure } from '../../workflows/driver.js';
import type { StartRequest } from '../../workflows/types.js';

const flagged = { ...leakProcedure, events: { ...leakProcedure.events, RECORD_MEASURES: { ...leakProcedure.events.RECORD_MEASURES!, role: 'head' as const } } };

export async function leakWorkflow(request: StartRequest) {
  return runProcedure(flagged, request);
}
