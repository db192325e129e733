/**
 * The WHERE clauses the case file's lists and statistics share (records/search.ts, history.ts,
 * statistics.ts): the caller's scope as api/scope.ts decides it, and the filters every one of them
 * offers. Every value is a query parameter.
 */
import { jurisdictionPrefix, type PartyRef } from '../domain/parties.js';

/** Collects a query's parameters: each call returns its placeholder. */
export class SqlArgs {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** What a procedure is filtered by: kind, tier, region (code or prefix: a party there), organ (first party). */
export interface ProcedureFilters {
  kind?: string;
  tier?: string;
  region?: string;
  organ?: string;
}

/**
 * A party sees the procedures it is in, an authority those with a party in its jurisdiction, the
 * national authority all (api/scope.ts canSee). `p`: the procedures table or procedure_summaries.
 */
export function scopeClauses(caller: PartyRef, a: SqlArgs, p = 'procedures'): string[] {
  if (caller.type === 'authority' && caller.tier === 'national') return [];
  const own = `${p}.party_ids @> array[${a.add(caller.id)}]::text[]`;
  return [
    caller.type === 'authority' ? `(${own} or ${p}.region_scope @> array[${a.add(jurisdictionPrefix(caller.region))}]::text[])` : own,
  ];
}

export function filterClauses(f: ProcedureFilters, a: SqlArgs, p = 'procedures'): string[] {
  const where: string[] = [];
  if (f.kind) where.push(`${p}.kind = ${a.add(f.kind)}`);
  if (f.tier) where.push(`${p}.tier = ${a.add(f.tier)}`);
  // A 6-digit code not ending in 00 is a county's own; otherwise the prefix of every region inside it.
  if (f.region)
    where.push(
      `${p}.region_scope @> array[${a.add(f.region.length === 6 && !f.region.endsWith('00') ? f.region : f.region.replace(/(00)+$/, ''))}]::text[]`,
    );
  if (f.organ) where.push(`${p}.organ = ${a.add(f.organ)}`);
  return where;
}

/** A keyset cursor: the last item's instant (its sort key) and id. */
export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
export function decodeCursor(cursor: string): [string, string] {
  const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || Number.isNaN(Date.parse(v[0])))
    throw new RangeError('not a cursor of this list');
  return [v[0], v[1]];
}
