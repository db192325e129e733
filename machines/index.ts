import type { ProcedureDefinition } from './procedure.js';
import { unclearMatterProcedure } from './unclear-matter.js';

/** Every procedure the system runs, by kind. */
export const PROCEDURES: Record<string, ProcedureDefinition> = {
  [unclearMatterProcedure.kind]: unclearMatterProcedure,
};
