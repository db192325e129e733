/**
 * The API's part of a start (issue 14): the same preparation the worker's activity runs
 * (activities/prepare.ts), done before the start and sent in its input; the procedure's first
 * state built by the driver's own pure code (workflows/first-state.ts), which answers the caller
 * without waiting for the first workflow task; and the search attributes of that state, set by
 * the start itself. The first workflow task then needs no activity and upserts only what differs.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { prepareStart, type PrepareDeps } from '../activities/prepare.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { attributePairs } from '../workflows/attribute-pairs.js';
import { preparedFirstState } from '../workflows/first-state.js';
import type { PrepareResult } from '../workflows/prepared.js';
import { view } from '../workflows/run-view.js';
import type { StartSealedFor } from '../workflows/types.js';
import type { Actor, ProcedureView } from '../domain/procedure-view.js';

export interface PreparedStart {
  prepared: PrepareResult;
  searchAttributes: SearchAttributePair[];
  /** The procedure's view as its first workflow task will make it, but for the instants (made now, not then). */
  first: ProcedureView;
  sealedFor: StartSealedFor;
}

/**
 * The preparation of a start of a procedure from its parsed input; undefined when the domain refuses
 * it (unknown organ, no standing …): that start goes without, and the worker's activity refuses it
 * as before (a failed start in the history, the API's 403 for no standing). `now`: the instant of
 * the start (the clock's; a test on a time-skipping server gives the server's).
 */
export function prepareAtApi(
  deps: PrepareDeps,
  def: ProcedureDefinition,
  input: Record<string, unknown>,
  o: { id: string; starter: Actor; now?: number },
): PreparedStart | undefined {
  let prepared: PrepareResult;
  try {
    ({ prepared } = prepareStart(deps, def, input));
  } catch {
    return undefined;
  }
  const now = o.now ?? Date.now();
  const first = preparedFirstState(def, o.id, { start: input, prepared, starter: o.starter, now });
  if (!first) return undefined;
  const { pairs } = attributePairs({
    kind: def.kind,
    snapshot: first.snapshot,
    deadlines: first.s.deadlines,
    deliveryFailures: 0,
    updatedAt: new Date(now),
  });
  return {
    prepared,
    searchAttributes: pairs.filter((p): p is SearchAttributePair => p.value !== null),
    first: view(first),
    sealedFor: { procedureId: o.id, at: new Date(now).toISOString() },
  };
}
