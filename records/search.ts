/**
 * Closed procedures listed from the record (SPEC §4a): they outlive Temporal's retention. Scoped as
 * open ones are (api/scope.ts): a party sees the procedures it is in, an authority those with a party
 * in its jurisdiction, the national authority all. Newest close first, a keyset cursor; every value
 * a query parameter.
 */
import type pg from 'pg';
import type { PartyRef } from '../domain/parties.js';
import { decodeCursor, encodeCursor, filterClauses, scopeClauses, SqlArgs, type ProcedureFilters } from './filters-sql.js';

export interface ClosedFilters extends ProcedureFilters {
  /** The final state (machine name). */
  outcome?: string;
  closedAfter?: string;
  closedBefore?: string;
  late?: boolean;
}

export interface ClosedItem {
  id: string;
  kind: string;
  state: string;
  stateLabel: string;
  organ?: string;
  region?: string;
  tier?: string;
  startedAt: string;
  closedAt: string;
  late: boolean;
}

interface Row {
  id: string;
  kind: string;
  state: string;
  state_label: string;
  organ: string | null;
  region: string | null;
  tier: string | null;
  started_at: Date;
  closed_at: Date;
  any_late: boolean;
}

export async function listClosed(
  pool: pg.Pool,
  caller: PartyRef,
  f: ClosedFilters,
  page: { size: number; cursor?: string },
): Promise<{ items: ClosedItem[]; nextCursor?: string }> {
  const a = new SqlArgs();
  const arg = (v: unknown) => a.add(v);
  const where = [...scopeClauses(caller, a), 'closed_at is not null', ...filterClauses(f, a)];
  if (f.outcome) where.push(`state = ${arg(f.outcome)}`);
  if (f.closedAfter) where.push(`closed_at >= ${arg(f.closedAfter)}`);
  if (f.closedBefore) where.push(`closed_at < ${arg(f.closedBefore)}`);
  if (f.late !== undefined) where.push(`any_late = ${arg(f.late)}`);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    where.push(`(closed_at, id) < (${arg(at)}::timestamptz, ${arg(id)})`);
  }
  const { rows } = await pool.query<Row>(
    `select id, kind, state, state_label, organ, region, tier, started_at, closed_at, any_late from procedures
     where ${where.join(' and ')} order by closed_at desc, id desc limit ${arg(page.size + 1)}`,
    a.values,
  );
  const items = rows.slice(0, page.size).map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    stateLabel: r.state_label,
    ...(r.organ ? { organ: r.organ } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(r.tier ? { tier: r.tier } : {}),
    startedAt: r.started_at.toISOString(),
    closedAt: r.closed_at.toISOString(),
    late: r.any_late,
  }));
  return {
    items,
    ...(rows.length > page.size ? { nextCursor: encodeCursor(rows[page.size - 1]!.closed_at, rows[page.size - 1]!.id) } : {}),
  };
}
