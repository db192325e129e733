import { annualInspectionProcedure } from '../machines/annual-inspection.js';
import { shanghaiDateOf } from '../domain/time.js';
import { runProcedure } from './driver.js';
import type { ProcedureInput } from './types.js';

/** 保密资质年度自检 (Regs 48 para 3). */
export async function annualInspectionWorkflow(request: ProcedureInput) {
  if ('continued' in request) return runProcedure(annualInspectionProcedure, request);
  const input = request.input as Record<string, unknown>;
  // Started by the yearly schedule without a year: the report covers the previous year.
  const year = input.year ?? Number(shanghaiDateOf(Date.now()).slice(0, 4)) - 1;
  return runProcedure(annualInspectionProcedure, { ...request, input: { ...input, year } });
}
