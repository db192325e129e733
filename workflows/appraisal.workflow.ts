import { appraisalProcedure } from '../machines/appraisal.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 国家秘密和情报鉴定 (Regs 63). */
export async function appraisalWorkflow(request: ProcedureInput) {
  return runProcedure(appraisalProcedure, request);
}
