import { objectionProcedure } from '../machines/objection.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 异议处理 (Regs 26). */
export async function objectionWorkflow(request: ProcedureInput) {
  return runProcedure(objectionProcedure, request);
}
