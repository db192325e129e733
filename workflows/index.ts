export { unclearMatterWorkflow } from './unclear-matter.workflow.js';
