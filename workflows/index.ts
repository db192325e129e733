export { unclearMatterWorkflow } from './unclear-matter.workflow.js';
export { objectionWorkflow } from './objection.workflow.js';
export { leakWorkflow } from './leak.workflow.js';
export { appraisalWorkflow } from './appraisal.workflow.js';
export { annualInspectionWorkflow } from './annual-inspection.workflow.js';
export { correctionWorkflow } from './correction.workflow.js';
export { noopWorkflow, noopUpdateWorkflow, noopTimerWorkflow } from './noop.workflow.js';
