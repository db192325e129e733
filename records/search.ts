/**
 * Closed procedures listed from the record (SPEC §4a): they outlive Temporal's retention. Scoped as
 * open ones are (api/scope.ts): a party sees the procedures it is in, an authority those with a party
 * in its jurisdiction, the national authority all. Newest close first, a keyset cursor; every value
 * a query parameter.
 */
import type pg from 'pg';
import { jurisdictionPrefix, type PartyRef } from '../domain/parties.js';

export interface ClosedFilters {
  kind?: string;
  tier?: string;
  /** A region code or prefix (2, 4 or 6 digits): a procedure with a party there. */
  region?: string;
  organ?: string;
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

/** The cursor: the last item's close instant and id. */
const encode = (r: Row) => Buffer.from(JSON.stringify([r.closed_at.toISOString(), r.id])).toString('base64url');
function decode(cursor: string): [string, string] {
  const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || Number.isNaN(Date.parse(v[0])))
    throw new RangeError('not a cursor of this list');
  return [v[0], v[1]];
}

export async function listClosed(
  pool: pg.Pool,
  caller: PartyRef,
  f: ClosedFilters,
  page: { size: number; cursor?: string },
): Promise<{ items: ClosedItem[]; nextCursor?: string }> {
  const where = [`mac_key_id <> ''`, 'closed_at is not null'];
  const args: unknown[] = [];
  const arg = (v: unknown) => (args.push(v), `$${args.length}`);
  if (!(caller.type === 'authority' && caller.tier === 'national')) {
    const own = `${arg(caller.id)} = any(party_ids)`;
    where.push(caller.type === 'authority' ? `(${own} or ${arg(jurisdictionPrefix(caller.region))} = any(region_scope))` : own);
  }
  if (f.kind) where.push(`kind = ${arg(f.kind)}`);
  if (f.tier) where.push(`tier = ${arg(f.tier)}`);
  if (f.region)
    where.push(
      f.region.length === 6 && !f.region.endsWith('00')
        ? `${arg(f.region)} = any(region_scope)`
        : `${arg(f.region.replace(/(00)+$/, ''))} = any(region_scope)`,
    );
  if (f.organ) where.push(`organ = ${arg(f.organ)}`);
  if (f.outcome) where.push(`state = ${arg(f.outcome)}`);
  if (f.closedAfter) where.push(`closed_at >= ${arg(f.closedAfter)}`);
  if (f.closedBefore) where.push(`closed_at < ${arg(f.closedBefore)}`);
  if (f.late !== undefined) where.push(`any_late = ${arg(f.late)}`);
  if (page.cursor) {
    const [at, id] = decode(page.cursor);
    where.push(`(closed_at, id) < (${arg(at)}::timestamptz, ${arg(id)})`);
  }
  const { rows } = await pool.query<Row>(
    `select id, kind, state, state_label, organ, region, tier, started_at, closed_at, any_late from procedures
     where ${where.join(' and ')} order by closed_at desc, id desc limit ${arg(page.size + 1)}`,
    args,
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
  return { items, ...(rows.length > page.size ? { nextCursor: encode(rows[page.size - 1]!) } : {}) };
}
