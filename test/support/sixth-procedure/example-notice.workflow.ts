import { runProcedure } from '../../../workflows/driver.js';
import type { ProcedureInput } from '../../../workflows/types.js';
import { exampleNoticeProcedure } from './example-notice.js';

/** 示例：书面告知 (docs/adding-a-procedure.md). */
export async function exampleNoticeWorkflow(request: ProcedureInput) {
  return runProcedure(exampleNoticeProcedure, request);
}
