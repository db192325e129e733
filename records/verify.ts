/**
 * The record checked by itself (SPEC §4a): every procedure's chain recomputed from its rows, the
 * head's MAC verified with the key it names. A row edited, a row deleted, a chain rewritten without
 * the key, or entries a reset run wrote unlike the recorded ones: each is a finding with the
 * procedure and the seq. The comparison with Temporal is records/compare.ts.
 */
import type pg from 'pg';
import { entryHash, macMatches, viewHash } from './chain.js';
import type { RecordKeys } from './keys.js';
import type { FindingKind } from '../domain/record-findings.js';

export type { FindingKind };

export interface Finding {
  procedureId: string;
  /** The Temporal run concerned (the comparison with Temporal). */
  runId?: string;
  seq?: number;
  kind: FindingKind;
  detail: string;
}

interface Row {
  id: string;
  head_seq: number;
  head_hash: string;
  head_mac: string;
  mac_key_id: string;
  view: unknown;
  view_hash: string;
  anomaly: string | null;
}

/** Checks the chains of every procedure (or of `ids`), a page of procedures at a time. */
export async function verifyChains(pool: pg.Pool, keys: RecordKeys, o: { ids?: string[]; pageSize?: number } = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const pageSize = o.pageSize ?? 500;
  let after = '';
  for (;;) {
    const { rows } = await pool.query<Row>(
      `select id, head_seq, head_hash, head_mac, mac_key_id, view, view_hash, anomaly from procedures
       where id > $1 and mac_key_id <> '' and ($2::text[] is null or id = any($2)) order by id limit $3`,
      [after, o.ids ?? null, pageSize],
    );
    if (!rows.length) return findings;
    const entries = await pool.query<{ procedure_id: string; seq: number; entry: unknown; prev_hash: string; hash: string }>(
      'select procedure_id, seq, entry, prev_hash, hash from record_entries where procedure_id = any($1) order by procedure_id, seq',
      [rows.map((r) => r.id)],
    );
    const byId = new Map<string, typeof entries.rows>();
    for (const e of entries.rows) {
      const list = byId.get(e.procedure_id);
      if (list) list.push(e);
      else byId.set(e.procedure_id, [e]);
    }
    for (const row of rows) findings.push(...verifyOne(row, byId.get(row.id) ?? [], keys));
    after = rows.at(-1)!.id;
  }
}

function verifyOne(
  row: Row,
  entries: Array<{ seq: number; entry: unknown; prev_hash: string; hash: string }>,
  keys: RecordKeys,
): Finding[] {
  const id = row.id;
  const out: Finding[] = [];
  let prev = '';
  let expected = 1;
  for (const e of entries) {
    // Across a gap the link cannot be checked: the entry after it is checked against its own prev_hash.
    const gap = e.seq !== expected;
    if (gap)
      out.push({ procedureId: id, seq: expected, kind: 'entry-missing', detail: `entry ${expected} is missing (next found: ${e.seq})` });
    if ((!gap && e.prev_hash !== prev) || entryHash(id, e.seq, e.prev_hash, e.entry) !== e.hash)
      out.push({
        procedureId: id,
        seq: e.seq,
        kind: 'entry-changed',
        detail: `entry ${e.seq} does not hash to its chain (changed after it was written)`,
      });
    prev = e.hash;
    expected = e.seq + 1;
  }
  const last = entries.at(-1);
  if ((last?.seq ?? 0) !== row.head_seq || (last?.hash ?? '') !== row.head_hash) {
    out.push({
      procedureId: id,
      seq: row.head_seq,
      kind: last && last.seq < row.head_seq ? 'entry-missing' : 'head-mismatch',
      detail: `the head says entry ${row.head_seq}; the chain ends at ${last?.seq ?? 0}`,
    });
  }
  if (viewHash(row.view) !== row.view_hash)
    out.push({
      procedureId: id,
      kind: 'view-changed',
      detail: 'the recorded view does not hash to its head (changed after it was written)',
    });
  const key = keys.keys.get(row.mac_key_id);
  if (!key)
    out.push({
      procedureId: id,
      kind: 'head-key-unknown',
      detail: `the head is signed with key "${row.mac_key_id}", which is not configured (BM_RECORD_KEYS)`,
    });
  else if (!macMatches(key, { procedureId: id, seq: row.head_seq, hash: row.head_hash, viewHash: row.view_hash }, row.head_mac))
    out.push({
      procedureId: id,
      seq: row.head_seq,
      kind: 'head-mac-invalid',
      detail: 'the head MAC does not verify: the chain was rewritten without the key',
    });
  if (row.anomaly) out.push({ procedureId: id, kind: 'diverged', detail: row.anomaly });
  return out;
}
