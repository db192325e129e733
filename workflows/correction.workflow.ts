import { correctionProcedure } from '../machines/correction.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 定密纠正 (Law 50; Regs 24). */
export async function correctionWorkflow(request: ProcedureInput) {
  return runProcedure(correctionProcedure, request);
}
