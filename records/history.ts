/**
 * The history (历史): open and closed procedures searched in the case file, so that a case closed
 * years ago is found after Temporal has forgotten it (SPEC §4a). Scoped as every list is
 * (records/filters-sql.ts); newest start first, a keyset cursor.
 */
import type pg from 'pg';
import type { PartyRef } from '../domain/parties.js';
import { decodeCursor, encodeCursor, filterClauses, scopeClauses, SqlArgs, type ProcedureFilters } from './filters-sql.js';

export interface HistoryFilters extends ProcedureFilters {
  status?: 'open' | 'closed';
  /** Instants (the API turns Beijing days into them): [from, to). */
  startedFrom?: string;
  startedTo?: string;
  closedFrom?: string;
  closedTo?: string;
  /** The final state (machine name). */
  outcome?: string;
  /** Any step met late, lapsed or passed while it ran. */
  late?: boolean;
  /** Part of the case's reference or title (事件编号、事项名称 …). */
  text?: string;
}

export interface HistoryItem {
  id: string;
  kind: string;
  state: string;
  stateLabel: string;
  reference?: string;
  title?: string;
  organ?: string;
  region?: string;
  tier?: string;
  startedAt: string;
  closedAt?: string;
  closed: boolean;
  late: boolean;
}

interface Row {
  id: string;
  kind: string;
  state: string;
  state_label: string;
  reference: string | null;
  title: string | null;
  organ: string | null;
  region: string | null;
  tier: string | null;
  started_at: Date;
  closed_at: Date | null;
  any_late: boolean;
}

/** A LIKE pattern matching `text` literally anywhere. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function historyWhere(caller: PartyRef, f: HistoryFilters, a: SqlArgs): string[] {
  // Only procedures with a record (SPEC §4a): a row is made before its first entry is written.
  const where = [`mac_key_id <> ''`, ...scopeClauses(caller, a), ...filterClauses(f, a)];
  if (f.status) where.push(f.status === 'closed' ? 'closed_at is not null' : 'closed_at is null');
  if (f.startedFrom) where.push(`started_at >= ${a.add(f.startedFrom)}`);
  if (f.startedTo) where.push(`started_at < ${a.add(f.startedTo)}`);
  if (f.closedFrom) where.push(`closed_at >= ${a.add(f.closedFrom)}`);
  if (f.closedTo) where.push(`closed_at < ${a.add(f.closedTo)}`);
  if (f.outcome) where.push(`closed_at is not null and state = ${a.add(f.outcome)}`);
  if (f.late !== undefined) where.push(`any_late = ${a.add(f.late)}`);
  if (f.text) {
    const t = a.add(containing(f.text));
    where.push(`(reference ilike ${t} or title ilike ${t})`);
  }
  return where;
}

export async function listHistory(
  pool: pg.Pool,
  caller: PartyRef,
  f: HistoryFilters,
  /** `order`: newest start first (the history), or newest close first (closed procedures only). */
  page: { size: number; cursor?: string; order?: 'started_at' | 'closed_at' },
): Promise<{ items: HistoryItem[]; nextCursor?: string }> {
  const a = new SqlArgs();
  const where = historyWhere(caller, f, a);
  const order = page.order ?? 'started_at';
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    where.push(`(${order}, id) < (${a.add(at)}::timestamptz, ${a.add(id)})`);
  }
  const { rows } = await pool.query<Row>(
    `select id, kind, state, state_label, reference, title, organ, region, tier, started_at, closed_at, any_late from procedures
     where ${where.join(' and ')} order by ${order} desc, id desc limit ${a.add(page.size + 1)}`,
    a.values,
  );
  const items = rows.slice(0, page.size).map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    stateLabel: r.state_label,
    ...(r.reference ? { reference: r.reference } : {}),
    ...(r.title ? { title: r.title } : {}),
    ...(r.organ ? { organ: r.organ } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(r.tier ? { tier: r.tier } : {}),
    startedAt: r.started_at.toISOString(),
    ...(r.closed_at ? { closedAt: r.closed_at.toISOString() } : {}),
    closed: !!r.closed_at,
    late: r.any_late,
  }));
  return {
    items,
    ...(rows.length > page.size ? { nextCursor: encodeCursor(rows[page.size - 1]![order]!, rows[page.size - 1]!.id) } : {}),
  };
}
