/**
 * Closed procedures listed from the record (SPEC §4a): they outlive Temporal's retention. Scoped as
 * open ones are (api/scope.ts): a party sees the procedures it is in, an authority those with a party
 * in its jurisdiction, the national authority all. Newest close first, a keyset cursor: the history's
 * list (records/history.ts) of closed procedures.
 */
import type pg from 'pg';
import type { PartyRef } from '../domain/parties.js';
import type { ProcedureFilters } from './filters-sql.js';
import { listHistory, type HistoryItem } from './history.js';

export interface ClosedFilters extends ProcedureFilters {
  /** The final state (machine name). */
  outcome?: string;
  closedAfter?: string;
  closedBefore?: string;
  late?: boolean;
}

export function listClosed(
  pool: pg.Pool,
  caller: PartyRef,
  { closedAfter, closedBefore, ...f }: ClosedFilters,
  page: { size: number; cursor?: string },
): Promise<{ items: HistoryItem[]; nextCursor?: string }> {
  return listHistory(
    pool,
    caller,
    { ...f, status: 'closed', ...(closedAfter ? { closedFrom: closedAfter } : {}), ...(closedBefore ? { closedTo: closedBefore } : {}) },
    { ...page, order: 'closed_at' },
  );
}
