import { unclearMatterProcedure } from '../machines/unclear-matter.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 不明确事项报送 (Regs 25). */
export async function unclearMatterWorkflow(request: ProcedureInput) {
  return runProcedure(unclearMatterProcedure, request);
}
