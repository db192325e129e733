import { annualInspectionProcedure } from './annual-inspection.js';
import { appraisalProcedure } from './appraisal.js';
import { leakProcedure } from './leak.js';
import { objectionProcedure } from './objection.js';
import type { ProcedureDefinition } from './procedure.js';
import { unclearMatterProcedure } from './unclear-matter.js';

/** Every procedure the system runs, by kind. */
export const PROCEDURES: Record<string, ProcedureDefinition> = Object.fromEntries(
  [unclearMatterProcedure, objectionProcedure, leakProcedure, appraisalProcedure, annualInspectionProcedure].map((p) => [p.kind, p]),
);
