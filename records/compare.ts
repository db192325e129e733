/**
 * The record checked against Temporal (SPEC §4a): an insider on the Temporal port can reset a run,
 * terminate it, or start a procedure-like workflow of their own; none of it changes the record,
 * and each shows here as a finding with the procedure and, where one is concerned, the seq.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type pg from 'pg';
import { PROCEDURES } from '../machines/index.js';
import { viewQuery } from '../workflows/messages.js';
import { SA } from '../workflows/search-attributes.js';
import type { AuditEntry } from '../domain/procedure-view.js';
import { canonical } from './chain.js';
import type { Finding } from './verify.js';

const PROCEDURE_TYPES = new Set<string>(Object.values(PROCEDURES).map((d) => d.workflowType));
/** The benches' baselines (workflows/noop.workflow.ts): on our queue without our attributes, no procedure. */
const BASELINE_TYPES = new Set(['noopWorkflow', 'noopUpdateWorkflow', 'noopTimerWorkflow']);
/** Ended by the procedure itself (or continuing in its next run): the others are an outsider's doing. */
const OWN_ENDS = new Set(['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW']);

interface RecordRow {
  id: string;
  head_seq: number;
  closed: boolean;
  runs: string[];
  updated_at: Date;
}

export interface CompareOptions {
  /** Our task queue: a workflow on it, or of a procedure type, or with our attributes, is procedure-like. */
  taskQueue: string;
  /** A start younger than this may not have written its first entries yet (default 60 s). */
  graceMs?: number;
  /**
   * A running start on our own task queue may wait behind a backlog (a deadline storm) for its first
   * task: without a record it is a finding only after this long (default 10 min), or once it ends
   * (a fake on our queue fails its start check at once). Until then its id is kept in `waiting`.
   */
  ownQueueGraceMs?: number;
  /** Starts on our queue still waiting for their first entries: looked at again by the next check, which updates the set. */
  waiting?: Set<string>;
  /** Only these procedures. */
  ids?: string[];
  /** A visibility query narrowing the executions looked at (the continuous check: what started or closed lately). */
  query?: string;
  /** Compare each running execution's trail with the record (a query per execution: the full check, not the continuous one). */
  deep?: boolean;
  now?: number;
}

export async function compareWithTemporal(client: Client, pool: pg.Pool, o: CompareOptions): Promise<Finding[]> {
  const grace = o.graceMs ?? 60_000;
  const now = o.now ?? Date.now();
  const ownGrace = Math.max(grace, o.ownQueueGraceMs ?? 600_000);
  const executions = new Map<string, WorkflowExecutionInfo>();
  const take = (e: WorkflowExecutionInfo) => {
    const procedureLike =
      PROCEDURE_TYPES.has(e.type) ||
      (e.taskQueue === o.taskQueue && !BASELINE_TYPES.has(e.type)) ||
      e.typedSearchAttributes.get(SA.kind) !== undefined;
    if (procedureLike && (!o.ids || o.ids.includes(e.workflowId))) executions.set(`${e.workflowId}/${e.runId}`, e);
  };
  for await (const e of client.workflow.list(o.query ? { query: o.query } : {})) take(e);
  const waiting = [...(o.waiting ?? [])];
  o.waiting?.clear();
  for (let i = 0; i < waiting.length; i += 100) {
    const ids = waiting.slice(i, i + 100).map((id) => `'${id.replaceAll("'", "''")}'`);
    for await (const e of client.workflow.list({ query: `WorkflowId IN (${ids.join(', ')})` })) take(e);
  }
  const { rows } = await pool.query<RecordRow>(
    `select id, head_seq, closed_at is not null as closed, runs, updated_at from procedures where id = any($1) and mac_key_id <> ''`,
    [[...new Set([...executions.values()].map((e) => e.workflowId))]],
  );
  const records = new Map(rows.map((r) => [r.id, r]));
  const findings: Finding[] = [];
  for (const e of executions.values()) {
    const record = records.get(e.workflowId);
    const status = e.status.name;
    if (!record) {
      const age = now - e.startTime.getTime();
      if (status === 'RUNNING' && e.taskQueue === o.taskQueue && age <= ownGrace) o.waiting?.add(e.workflowId);
      else if (age > grace)
        findings.push({
          procedureId: e.workflowId,
          runId: e.runId,
          kind: 'no-record',
          detail: `a ${e.type} workflow (${status}, task queue ${e.taskQueue}, started ${e.startTime.toISOString()}) has no record: started outside the system`,
        });
      continue;
    }
    if (!OWN_ENDS.has(status) && !record.closed)
      findings.push({
        procedureId: e.workflowId,
        runId: e.runId,
        kind: 'run-ended-outside-close',
        detail: `run ${e.runId} is ${status} while the record is open at entry ${record.head_seq}: its deadlines and escalations stopped`,
      });
    // A procedure completes only once its record holds everything: an open record of a completed run was restored from an older backup.
    if (status === 'COMPLETED' && !record.closed)
      findings.push({
        procedureId: e.workflowId,
        runId: e.runId,
        seq: record.head_seq + 1,
        kind: 'record-behind',
        detail: `run ${e.runId} completed, the record is open at entry ${record.head_seq} (restored from an older backup?)`,
      });
    if (status !== 'RUNNING') continue;
    if (!record.runs.includes(e.runId) && (await wasReset(client, e))) {
      findings.push({
        procedureId: e.workflowId,
        runId: e.runId,
        kind: 'run-unknown',
        detail: `run ${e.runId} is a reset of the recorded runs (${record.runs.join(', ')})`,
      });
    }
    if (o.deep !== false) findings.push(...(await compareTrail(client, pool, e, record, now - record.updated_at.getTime() > grace)));
  }
  return findings;
}

/** A reset run keeps the original run's id as its originalExecutionRunId; a continued run starts its own. */
async function wasReset(client: Client, e: WorkflowExecutionInfo): Promise<boolean> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: e.workflowId, runId: e.runId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  return !!started?.originalExecutionRunId && started.originalExecutionRunId !== e.runId;
}

/** The run's audit trail against the record: shorter, or unlike it in an entry, means the run was rewound. */
async function compareTrail(
  client: Client,
  pool: pg.Pool,
  e: WorkflowExecutionInfo,
  record: RecordRow,
  settled: boolean,
): Promise<Finding[]> {
  let audit: AuditEntry[];
  try {
    audit = (await client.workflow.getHandle(e.workflowId, e.runId).query(viewQuery)).audit;
  } catch (err) {
    return [
      {
        procedureId: e.workflowId,
        runId: e.runId,
        kind: 'run-unknown',
        detail: `run ${e.runId} does not answer its view: ${(err as Error).message}`,
      },
    ];
  }
  const upTo = Math.min(audit.length, record.head_seq);
  const { rows } = await pool.query<{ seq: number; entry: unknown }>(
    'select seq, entry from record_entries where procedure_id = $1 and seq <= $2 order by seq',
    [e.workflowId, upTo],
  );
  const differs = rows.find((r) => canonical(r.entry) !== canonical(audit[r.seq - 1]));
  if (differs)
    return [
      {
        procedureId: e.workflowId,
        runId: e.runId,
        seq: differs.seq,
        kind: 'run-rewound',
        detail: `run ${e.runId} holds entry ${differs.seq} unlike the record`,
      },
    ];
  if (audit.length < record.head_seq && (settled || !(await uncommittedTail(pool, e, audit.length))))
    return [
      {
        procedureId: e.workflowId,
        runId: e.runId,
        seq: audit.length + 1,
        kind: 'run-rewound',
        detail: `run ${e.runId} holds ${audit.length} entries, the record ${record.head_seq}: entries from ${audit.length + 1} on were rewound away`,
      },
    ];
  // The worker appends within moments; a record that stays behind was restored from an older backup (nothing is rewritten).
  if (audit.length > record.head_seq && settled)
    return [
      {
        procedureId: e.workflowId,
        runId: e.runId,
        seq: record.head_seq + 1,
        kind: 'record-behind',
        detail: `the record ends at entry ${record.head_seq}, run ${e.runId} holds ${audit.length}: entries from ${record.head_seq + 1} on are not in the record`,
      },
    ];
  return [];
}

/**
 * The record's entries after the run's trail were all written by a deadline pass's own task of this
 * run (issue 28, records/store.ts): a worker lost mid-pass, the task not yet retried. Within the grace
 * the retry writes them again; a record that stays ahead is a rewind.
 */
async function uncommittedTail(pool: pg.Pool, e: WorkflowExecutionInfo, trailLength: number): Promise<boolean> {
  const { rows } = await pool.query<{ pending: boolean }>(
    'select bool_and(task is not null and run_id = $3) as pending from record_entries where procedure_id = $1 and seq > $2',
    [e.workflowId, trailLength, e.runId],
  );
  return rows[0]?.pending === true;
}
