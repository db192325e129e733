/** The typed search attributes of a procedure (search-attributes.ts), upserted after every change: metadata only. */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { attributePairs, changedPairs } from './attribute-pairs.js';
import type { Run } from './state.js';

/**
 * Upserts the attributes; `onlyChanged` leaves out those that already hold their value (a start
 * that set them, issue 14) and upserts nothing when none changed: always so since patch
 * `lean-pass` (issue 28: a pass upserted all 15 where two had changed).
 */
export function upsertAttributes(run: Run, onlyChanged = false): void {
  const { s } = run;
  const { pairs, responsible } = attributePairs({
    kind: run.def.kind,
    snapshot: run.snapshot,
    deadlines: s.deadlines,
    deliveryFailures: s.deliveryFailures,
    updatedAt: new Date(),
    ...(s.lastResponsible ? { lastResponsible: s.lastResponsible } : {}),
  });
  if (responsible) s.lastResponsible = responsible;
  const upsert = onlyChanged || run.lean ? changedPairs(pairs, workflowInfo().typedSearchAttributes) : pairs;
  if (upsert.length) upsertSearchAttributes(upsert);
}
