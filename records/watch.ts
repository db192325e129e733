/**
 * The record checked against Temporal all the time (SPEC §4a): every cycle looks at what started or
 * closed since the last one (a fake start, a terminate, a reset's terminated run) and at the records
 * a reset run wrote unlike (records/store.ts anomaly). Each finding is kept once per procedure, kind
 * and run (record_findings) and the procedure marked 异常; what is new is returned for its alarm.
 */
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { compareWithTemporal } from './compare.js';
import type { Finding } from './verify.js';

export interface StoredFinding extends Finding {
  id: number;
  foundAt: string;
}

/** One cycle: the executions that started or closed since `since`, and the records that diverged since. */
export async function watchOnce(
  client: Client,
  pool: pg.Pool,
  o: { taskQueue: string; since: Date; graceMs?: number; waiting?: Set<string> },
): Promise<StoredFinding[]> {
  const since = o.since.toISOString();
  const findings = await compareWithTemporal(client, pool, {
    taskQueue: o.taskQueue,
    query: `StartTime > '${since}' OR CloseTime > '${since}'`,
    deep: false,
    ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    ...(o.waiting ? { waiting: o.waiting } : {}),
  });
  const diverged = await pool.query<{ id: string; anomaly: string; run_id: string }>(
    `select p.id, p.anomaly, d.run_id from procedures p
       join lateral (select run_id from record_divergences where procedure_id = p.id order by id desc limit 1) d on true
     where p.anomaly is not null and p.updated_at > $1`,
    [since],
  );
  findings.push(...diverged.rows.map((r) => ({ procedureId: r.id, runId: r.run_id, kind: 'diverged' as const, detail: r.anomaly })));
  const fresh: StoredFinding[] = [];
  for (const f of findings) {
    const { rows } = await pool.query<{ id: string; found_at: Date }>(
      `insert into record_findings (procedure_id, kind, run_id, seq, detail) values ($1, $2, $3, $4, $5)
       on conflict (procedure_id, kind, run_id) do nothing returning id, found_at`,
      [f.procedureId, f.kind, f.runId ?? '', f.seq ?? null, f.detail],
    );
    if (!rows[0]) continue;
    // The procedure shows 异常 with the reason (the first one found stays). A start without a record
    // has no row to mark; one whose first append landed since it was looked at is not frozen by it.
    if (f.kind !== 'no-record')
      await pool.query('update procedures set anomaly = coalesce(anomaly, $2) where id = $1', [f.procedureId, f.detail]);
    fresh.push({ ...f, id: Number(rows[0].id), foundAt: rows[0].found_at.toISOString() });
  }
  return fresh;
}

export async function markAlarmed(pool: pg.Pool, id: number): Promise<void> {
  await pool.query('update record_findings set alarmed_at = now() where id = $1 and alarmed_at is null', [id]);
}

/** Findings whose alarm has not gone out (a worker stopped between finding and alarm): sent at the next cycle. */
export async function unalarmed(pool: pg.Pool): Promise<StoredFinding[]> {
  const { rows } = await pool.query<{
    id: string;
    procedure_id: string;
    kind: Finding['kind'];
    run_id: string;
    seq: number | null;
    detail: string;
    found_at: Date;
  }>('select id, procedure_id, kind, run_id, seq, detail, found_at from record_findings where alarmed_at is null order by id');
  return rows.map((r) => ({
    id: Number(r.id),
    procedureId: r.procedure_id,
    kind: r.kind,
    ...(r.run_id ? { runId: r.run_id } : {}),
    ...(r.seq !== null ? { seq: r.seq } : {}),
    detail: r.detail,
    foundAt: r.found_at.toISOString(),
  }));
}
