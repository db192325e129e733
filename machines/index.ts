import { annualInspectionProcedure } from './annual-inspection.js';
import { appraisalProcedure } from './appraisal.js';
import { correctionProcedure } from './correction.js';
import { leakProcedure } from './leak.js';
import { objectionProcedure } from './objection.js';
import { procedureRegistry, type ProcedureDefinition } from './procedure.js';
import { unclearMatterProcedure } from './unclear-matter.js';

/**
 * Every procedure the system runs: a new one is its machine file, its workflow file (exported
 * from workflows/index.ts under its workflowType), and a line here (docs/adding-a-procedure.md).
 */
const DEFINITIONS = [
  unclearMatterProcedure,
  objectionProcedure,
  leakProcedure,
  appraisalProcedure,
  annualInspectionProcedure,
  correctionProcedure,
] as const;

/** A procedure's kind: one of the registered ones, so a misspelt kind fails to compile. */
export type ProcedureKind = (typeof DEFINITIONS)[number]['kind'];

/** The procedures by kind: the API's routes and OpenAPI, the dashboard's forms and the prepare activity read them. */
export const PROCEDURES = procedureRegistry(DEFINITIONS);

/** The kinds, in the order above (for schemas that take a kind: `z.enum(PROCEDURE_KINDS)`). */
export const PROCEDURE_KINDS = DEFINITIONS.map((d) => d.kind) as [ProcedureKind, ...ProcedureKind[]];

export const isProcedureKind = (kind: string): kind is ProcedureKind => Object.hasOwn(PROCEDURES, kind);

/** The procedure of a kind named in a request or a workflow id, if there is one. */
export const procedureOf = (kind: string): ProcedureDefinition<ProcedureKind> | undefined =>
  isProcedureKind(kind) ? PROCEDURES[kind] : undefined;
