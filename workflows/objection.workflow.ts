import { objectionProcedure } from '../machines/objection.js';
import { runProcedure } from './driver.js';
import type { StartRequest } from './types.js';

/** 异议处理 (Regs 26). */
export async function objectionWorkflow(request: StartRequest) {
  return runProcedure(objectionProcedure, request);
}
