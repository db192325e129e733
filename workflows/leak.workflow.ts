import { leakProcedure } from '../machines/leak.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 泄密报告 (Regs 61). */
export async function leakWorkflow(request: ProcedureInput) {
  return runProcedure(leakProcedure, request);
}
