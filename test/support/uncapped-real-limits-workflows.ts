/**
 * A test bundle for the long-lived procedure at the limits every procedure runs under
 * (workflows/continue-as-new.ts RUN_LIMITS), the cap on RECORD_MEASURES raised only so that one
 * event type can make thousands. Only tests load it.
 */
import { RUN_LIMITS } from '../../workflows/continue-as-new.js';
import { runProcedure } from '../../workflows/driver.js';
import type { ProcedureInput } from '../../workflows/types.js';
import { uncappedLeak } from './uncapped-workflows.js';

export async function leakWorkflow(request: ProcedureInput) {
  return runProcedure(uncappedLeak, request, RUN_LIMITS);
}
