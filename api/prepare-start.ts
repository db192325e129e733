/**
 * The API's part of a start (issue 14): the same preparation the worker's activity runs
 * (activities/prepare.ts), done before the start and sent in its input, and the search
 * attributes the procedure will have, set by the start itself. The first workflow task then
 * needs no activity and upserts only what differs.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { prepareStart, type PrepareDeps } from '../activities/prepare.js';
import { deadlineRequests } from '../machines/deadline-requests.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { attributePairs } from '../workflows/attribute-pairs.js';
import type { PrepareResult } from '../workflows/prepared.js';

export interface PreparedStart {
  prepared: PrepareResult;
  searchAttributes: SearchAttributePair[];
}

/**
 * The preparation of a start of a procedure from its parsed input; undefined when the domain refuses
 * it (unknown organ, no standing …): that start goes without, and the worker's activity refuses it
 * as before (a failed start in the history, the API's 403 for no standing).
 */
export function prepareAtApi(deps: PrepareDeps, def: ProcedureDefinition, input: Record<string, unknown>): PreparedStart | undefined {
  let start: ReturnType<typeof prepareStart>;
  try {
    start = prepareStart(deps, def, input);
  } catch {
    return undefined;
  }
  const { prepared, first } = start;
  // The first state's deadline records as the driver makes them (workflows/deadlines.ts syncDeadlines).
  const deadlines = deadlineRequests(first, deps.policy).map((r) => ({
    ...prepared.initialDeadlines![r.inputs]!,
    status: r.open ? ('suspended' as const) : ('running' as const),
    dueFired: false,
    dueSoonDone: false,
  }));
  const { pairs } = attributePairs({ kind: def.kind, snapshot: first, deadlines, deliveryFailures: 0, updatedAt: new Date() });
  return { prepared, searchAttributes: pairs.filter((p): p is SearchAttributePair => p.value !== null) };
}
