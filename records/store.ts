/**
 * The record store (案卷, SPEC §4a): the worker appends each procedure's audit entries and its
 * view; the API reads closed procedures back once Temporal has forgotten them. Append-only: an
 * entry is written once under (procedure, seq); the same entry again is a retry and changes
 * nothing; another entry under a recorded seq (a run reset or rewound) is kept beside the record,
 * never over it, and the procedure is marked 异常.
 */
import pg from 'pg';
import { regionPrefixes, type PartyRef } from '../domain/parties.js';
import type { AuditEntry, DeadlineRecord, ProcedureView } from '../domain/procedure-view.js';
import { canonical, entryHash, headMac, viewHash } from './chain.js';
import type { RecordKeys } from './keys.js';
import { migrate } from './migrate.js';
import { inTransaction } from './transaction.js';
import { applyViewPatch, type Json, type ViewOp } from '../domain/view-patch.js';
import type { FindingKind } from '../domain/record-findings.js';
import { caseHeadline } from '../machines/case-headline.js';
import { procedureOf } from '../machines/index.js';

/** The view without its audit trail: the trail is the chain. */
export type RecordedView = Omit<ProcedureView, 'audit'>;

/** What a workflow activation sends (workflows/recorder.ts): its new entries and its view now. */
export interface AppendRequest {
  procedureId: string;
  runId: string;
  /** When the procedure was started (the workflow chain's start). */
  startedAt: string;
  /** The entries after the last the run had written, in seq order. */
  entries: AuditEntry[];
  /** The event Updates that made some of them (their hashes): seq → hash. */
  updates: Array<{ seq: number; hash: string }>;
  /** The view now, whole (the run's first append, or after the record answered `needView`)… */
  view?: RecordedView;
  /** …or its changes since the view the record holds under `base` (its view hash, as the last append answered). */
  viewPatch?: { base: string; ops: ViewOp[] };
  /** The history length of the workflow task that built the request (absent in requests recorded before issue 28). */
  task?: number;
  /**
   * Sent by a local activity in a deadline pass's own workflow task (issue 28): Temporal commits that
   * task only after the write. A worker lost before it did leaves rows a retry of the task (same run,
   * longer history) may write again; a regular activity's rows (its input is in the history) never are.
   */
  uncommitted?: true;
}

export interface AppendResult {
  headSeq: number;
  /** Entries that differ from the recorded ones under the same seq (a reset or rewind). */
  diverged: number;
  /**
   * The record ends before the first entry sent (restored from an older backup): nothing was
   * written; the run sends again from the entry after `headSeq`.
   */
  behind?: true;
  /** The hash of the view the record now holds: the base of the run's next patch. */
  viewHash?: string;
  /** The record does not hold the patch's base view (another run wrote since, or a restore): nothing was written; send the view whole. */
  needView?: true;
}

/** A procedure as the record holds it. */
export interface RecordedProcedure {
  view: ProcedureView;
  anomaly?: string;
  runs: string[];
  head: { seq: number; hash: string; mac: string; keyId: string };
}

export const recordedParties = (view: RecordedView): PartyRef[] =>
  Object.values((view.context as { parties?: Record<string, PartyRef | undefined> }).parties ?? {}).filter(
    (p): p is PartyRef => !!p && typeof p.id === 'string',
  );

/** The view a patch makes of the recorded one; undefined when the record does not hold the patch's base. */
function patched(row: { view_hash: string; view: RecordedView | null }, p: AppendRequest['viewPatch']): RecordedView | undefined {
  if (!p || !row.view || row.view_hash !== p.base) return undefined;
  try {
    return applyViewPatch(row.view as unknown as Json, p.ops) as unknown as RecordedView;
  } catch {
    return undefined; // a path the recorded view lacks: the view is asked for whole
  }
}

/** What this process last wrote for a procedure: its chain head and its view (JSON). */
interface Head {
  seq: number;
  hash: string;
  viewHash: string;
  view: string;
  closed: boolean;
}

/** An entry about to be written, chained. */
interface Fresh {
  seq: number;
  entry: AuditEntry;
  prev: string;
  hash: string;
  update?: string;
}

/** The procedure row as an append leaves it ($1 the id; the values from `written`). A run not yet recorded is added to `runs`. */
const PROCEDURE_SET = `kind = $2, party_ids = $3, region_scope = $4, state = $5, state_label = $6, closed_at = $7,
  any_late = $8, view = $9, view_hash = $10, runs = case when $11 = any(runs) then runs else array_append(runs, $11) end,
  head_seq = $12, head_hash = $13, head_mac = $14, mac_key_id = $15, updated_at = $16,
  organ = $17, region = $18, tier = coalesce($19, tier), outcome = $20, reference = $21, title = $22`;

const INSERT_ENTRIES = `insert into record_entries (procedure_id, seq, entry, prev_hash, hash, run_id, update_hash, task) select $1, *`;
/** The entries' columns ($2–$8: from `entryColumns`). */
const ENTRY_ROWS = `unnest($2::int[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])`;

const entryColumns = (fresh: Fresh[], req: AppendRequest): unknown[] => [
  fresh.map((f) => f.seq),
  fresh.map((f) => JSON.stringify(f.entry)),
  fresh.map((f) => f.prev),
  fresh.map((f) => f.hash),
  fresh.map(() => req.runId),
  fresh.map((f) => f.update ?? null),
  fresh.map(() => (req.uncommitted ? req.task! : null)),
];

/** Any step met late, lapsed, or passed while it ran. */
export const anyLate = (deadlines: DeadlineRecord[]): boolean =>
  deadlines.some((d) => d.status === 'met_late' || d.status === 'lapsed' || (d.obligation && d.dueFired));

export class RecordStore {
  readonly pool: pg.Pool;

  /** The head and view this process last wrote, per open procedure (its oldest dropped past `headCache`). */
  private readonly heads = new Map<string, Head>();

  constructor(
    /** The database's URL (with its password: never logged). */
    readonly url: string,
    readonly keys: RecordKeys,
    poolSize = 10,
    /** How many procedures' heads are kept for one-statement appends (each holds its view's JSON, some 10–20 KB). */
    private readonly headCache = 2000,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle connection the server dropped (a restart) is not fatal: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Applies the migrations this code knows (records/migrate.ts). */
  migrate(): Promise<number[]> {
    return migrate(this.pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  async append(req: AppendRequest): Promise<AppendResult> {
    const head = this.heads.get(req.procedureId);
    const after = head && (await this.appendAfter(head, req));
    if (after) return after;
    this.heads.delete(req.procedureId);
    return inTransaction(this.pool, (client) => this.appendIn(client, req));
  }

  /**
   * An append that continues the head this process last wrote for the procedure (a deadline pass, an
   * event): its entries follow that head and its patch is of that view. One statement, no lock taken
   * before: the row is updated only while it still holds that head and no anomaly, and the entries
   * and Update hashes are inserted only with it (issue 23: five round trips a pass were one). When the
   * row moved on (another writer, a restore, an anomaly), nothing is written: the locked path takes it.
   */
  private async appendAfter(head: Head, req: AppendRequest): Promise<AppendResult | undefined> {
    if (req.entries.some((e, i) => e.seq !== head.seq + 1 + i)) return undefined;
    if (!req.view && req.viewPatch?.base !== head.viewHash) return undefined;
    const view = req.view ?? patched({ view_hash: head.viewHash, view: JSON.parse(head.view) as RecordedView }, req.viewPatch);
    if (!view) return undefined;
    const fresh = this.chained(req, req.entries, head.seq, head.hash);
    const last = fresh.at(-1);
    const written = this.written(req, view, last?.seq ?? head.seq, last?.hash ?? head.hash);
    const n = written.values.length;
    const { rows } = await this.pool.query<{ n: number }>(
      `with p as (
         update procedures set ${PROCEDURE_SET}
          where id = $1 and head_seq = $${n + 1} and head_hash = $${n + 2} and view_hash = $${n + 3} and anomaly is null and mac_key_id <> ''
         returning 1
       ), e as (${INSERT_ENTRIES} from ${ENTRY_ROWS.replace(/\$(\d+)/g, (_, k: string) => `$${Number(k) + n + 2}`)} where exists (select 1 from p)),
       u as (insert into record_updates (procedure_id, update_hash, seq)
         select $1, * from unnest($${n + 11}::text[], $${n + 12}::int[]) where exists (select 1 from p) on conflict do nothing)
       select count(*)::int as n from p`,
      [
        ...written.values,
        head.seq,
        head.hash,
        head.viewHash,
        ...entryColumns(fresh, req),
        req.updates.map((u) => u.hash),
        req.updates.map((u) => u.seq),
      ],
    );
    if (rows[0]!.n !== 1) return undefined;
    this.remember(req.procedureId, written.head);
    return { headSeq: written.head.seq, diverged: 0, viewHash: written.head.viewHash };
  }

  /** `entries` chained after (seq, hash), each with the Update that made it. */
  private chained(req: AppendRequest, entries: AuditEntry[], seq: number, hash: string): Fresh[] {
    const updates = new Map(req.updates.map((u) => [u.seq, u.hash]));
    return entries.map((entry) => {
      const next = entryHash(req.procedureId, entry.seq, hash, entry);
      const f: Fresh = {
        seq: entry.seq,
        entry,
        prev: hash,
        hash: next,
        ...(updates.has(entry.seq) ? { update: updates.get(entry.seq)! } : {}),
      };
      hash = next;
      return f;
    });
  }

  /** The procedure row's values for PROCEDURE_SET ($1 the id), and the head they make. */
  private written(req: AppendRequest, view: RecordedView, seq: number, hash: string): { values: unknown[]; head: Head } {
    const parties = recordedParties(view);
    const vHash = viewHash(view);
    // The case's reference and title, searched by the history (records/history.ts).
    const def = procedureOf(view.kind);
    const headline = def ? caseHeadline(def, view.context) : {};
    const mac = headMac(this.keys.keys.get(this.keys.current)!, { procedureId: req.procedureId, seq, hash, viewHash: vHash });
    const json = JSON.stringify(view);
    const now = new Date().toISOString();
    return {
      head: { seq, hash, viewHash: vHash, view: json, closed: view.closed },
      values: [
        req.procedureId,
        view.kind,
        [...new Set(parties.map((p) => p.id))],
        [...new Set(parties.flatMap((p) => regionPrefixes(p.region)))],
        view.state,
        view.stateLabel,
        view.closed ? (req.entries.findLast((e) => e.kind === 'closed')?.at ?? now) : null,
        anyLate(view.deadlines),
        json,
        vHash,
        req.runId,
        seq,
        hash,
        mac,
        this.keys.current,
        now,
        parties[0]?.id ?? null,
        (view.context as { region?: string }).region ?? null,
        view.responsible?.tier ?? null,
        view.closed ? view.stateLabel : null,
        headline.reference ?? null,
        headline.title ?? null,
      ],
    };
  }

  /** Keeps the head just written (a closed procedure's is not needed again); the oldest goes past `headCache`. */
  private remember(id: string, head: Head): void {
    this.heads.delete(id);
    if (head.closed) return;
    this.heads.set(id, head);
    if (this.heads.size > this.headCache) this.heads.delete(this.heads.keys().next().value!);
  }

  private async appendIn(client: pg.PoolClient, req: AppendRequest): Promise<AppendResult> {
    const { procedureId: id } = req;
    const now = new Date().toISOString();
    // The row is made (or locked) first: appends of one procedure run one after the other. A patch
    // comes only after a view was written: without the row, the record answers needView.
    if (req.view)
      await client.query(
        `insert into procedures (id, kind, started_at, party_ids, region_scope, state, state_label, view, view_hash, runs, head_seq, head_hash, head_mac, mac_key_id, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, '{}', '', '{}', 0, '', '', '', $8) on conflict (id) do nothing`,
        [id, req.view.kind, req.startedAt, [], [], req.view.state, req.view.stateLabel, now],
      );
    const { rows } = await client.query<{
      head_seq: number;
      head_hash: string;
      anomaly: string | null;
      runs: string[];
      view_hash: string;
      view: RecordedView | null;
    }>(
      'select head_seq, head_hash, anomaly, runs, view_hash, case when $2 then view end as view from procedures where id = $1 for update',
      [id, !req.view],
    );
    const row = rows[0];
    const view = row && (req.view ?? patched(row, req.viewPatch));
    if (!row || !view) return { headSeq: row?.head_seq ?? 0, diverged: 0, needView: true };
    let { head_seq: seq, head_hash: hash, anomaly } = row;
    let recorded = await this.recordedEntries(client, id, req.entries, seq);
    const rewritten = anomaly ? undefined : await this.uncommittedPass(client, req, recorded, seq);
    if (rewritten) ({ seq, hash, recorded } = rewritten);
    const after: AuditEntry[] = [];
    const divergent: AuditEntry[] = [];
    for (const entry of req.entries) {
      const top = seq + after.length;
      // Under a recorded seq: the same entry again is a retry; another one, or a row gone from under
      // the head (tampering), diverges, never over the record (and never sent again and again).
      if (entry.seq <= top && !anomaly) {
        if (recorded.get(entry.seq) !== canonical(entry)) divergent.push(entry);
      } else if (anomaly || divergent.length) divergent.push(entry);
      else if (entry.seq === top + 1) after.push(entry);
      else return { headSeq: top, diverged: 0, behind: true };
    }
    const fresh = this.chained(req, after, seq, hash);
    if (fresh.length) {
      ({ seq, hash } = fresh.at(-1)!);
      await client.query(`${INSERT_ENTRIES} from ${ENTRY_ROWS}`, [id, ...entryColumns(fresh, req)]);
    }
    // Every applied Update's hash, whichever append brings it (record_updates): a reset run refuses them.
    if (req.updates.length && !anomaly)
      await client.query(
        `insert into record_updates (procedure_id, update_hash, seq) select $1, * from unnest($2::text[], $3::int[]) on conflict do nothing`,
        [id, req.updates.map((u) => u.hash), req.updates.map((u) => u.seq)],
      );
    if (divergent.length) {
      await client.query(
        `insert into record_divergences (procedure_id, run_id, seq, entry) select $1, $2, * from unnest($3::int[], $4::jsonb[])`,
        [id, req.runId, divergent.map((e) => e.seq), divergent.map((e) => JSON.stringify(e))],
      );
      anomaly ??= `run ${req.runId} wrote entry ${divergent[0]!.seq} unlike the recorded one: the run was reset or rewound`;
      // The record keeps what it held: only the anomaly and the run are noted.
      await client.query('update procedures set anomaly = $2, runs = $3, updated_at = $4 where id = $1', [
        id,
        anomaly,
        withRun(rows[0]!.runs, req.runId),
        now,
      ]);
      return { headSeq: seq, diverged: divergent.length };
    }
    const written = this.written(req, view, seq, hash);
    await client.query(`update procedures set ${PROCEDURE_SET} where id = $1`, written.values);
    this.remember(req.procedureId, written.head);
    return { headSeq: seq, diverged: 0, viewHash: written.head.viewHash };
  }

  /**
   * A pass's task retried after a worker was lost mid-pass (issue 28): the first attempt's local
   * activity wrote its entries, Temporal never committed that task, and the retry records the pass
   * again (at its own instant). When every recorded row from the first differing entry on was written
   * by an earlier task of this same run, they are replaced: the head goes back before them. Anything
   * else unlike the record (another run: a reset) stays a divergence.
   */
  private async uncommittedPass(
    client: pg.PoolClient,
    req: AppendRequest,
    recorded: Map<number, string>,
    headSeq: number,
  ): Promise<{ seq: number; hash: string; recorded: Map<number, string> } | undefined> {
    if (req.task === undefined) return undefined;
    const first = req.entries.find((e) => e.seq <= headSeq && recorded.get(e.seq) !== canonical(e));
    if (!first) return undefined;
    const { rows } = await client.query<{ run_id: string; task: number | null; prev_hash: string }>(
      'select run_id, task, prev_hash from record_entries where procedure_id = $1 and seq >= $2 order by seq',
      [req.procedureId, first.seq],
    );
    if (!rows.length || rows.some((r) => r.run_id !== req.runId || r.task === null || r.task >= req.task!)) return undefined;
    await client.query('delete from record_entries where procedure_id = $1 and seq >= $2', [req.procedureId, first.seq]);
    return { seq: first.seq - 1, hash: rows[0]!.prev_hash, recorded: new Map([...recorded].filter(([k]) => k < first.seq)) };
  }

  /** The canonical form of the recorded entries among those sent again (a retry, or a reset run's). */
  private async recordedEntries(client: pg.PoolClient, id: string, entries: AuditEntry[], headSeq: number): Promise<Map<number, string>> {
    const seqs = entries.filter((e) => e.seq <= headSeq).map((e) => e.seq);
    if (!seqs.length) return new Map();
    const { rows } = await client.query<{ seq: number; entry: unknown }>(
      'select seq, entry from record_entries where procedure_id = $1 and seq = any($2::int[])',
      [id, seqs],
    );
    return new Map(rows.map((r) => [r.seq, canonical(r.entry)]));
  }

  /** The ids among `ids` that have a record: a procedure-like workflow without one was started outside the system. */
  async recordedIds(ids: string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(`select id from procedures where id = any($1) and mac_key_id <> ''`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** What the checks found wrong with a procedure's record or run (异常), in the order found; none: undefined. */
  async anomalyOf(id: string): Promise<{ detail: string; kinds: FindingKind[] } | undefined> {
    const { rows } = await this.pool.query<{ anomaly: string | null; kinds: FindingKind[] | null }>(
      `select p.anomaly, (select array_agg(kind order by id) from record_findings where procedure_id = p.id) as kinds from procedures p where id = $1`,
      [id],
    );
    const row = rows[0];
    // Set by an append a reset run made unlike the record, before the continuous check saw it: diverged.
    return row?.anomaly ? { detail: row.anomaly, kinds: row.kinds ?? ['diverged'] } : undefined;
  }

  /** The hashes of the event Updates whose entries the record holds. */
  async updateHashes(id: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ update_hash: string }>(
      'select update_hash from record_updates where procedure_id = $1 union select update_hash from record_entries where procedure_id = $1 and update_hash is not null',
      [id],
    );
    return rows.map((r) => r.update_hash);
  }

  /** A procedure's record: its view with the audit trail from the chain; undefined if never recorded. */
  async read(id: string): Promise<RecordedProcedure | undefined> {
    const { rows } = await this.pool.query<{
      view: RecordedView;
      anomaly: string | null;
      runs: string[];
      head_seq: number;
      head_hash: string;
      head_mac: string;
      mac_key_id: string;
    }>('select view, anomaly, runs, head_seq, head_hash, head_mac, mac_key_id from procedures where id = $1', [id]);
    const row = rows[0];
    if (!row || !row.mac_key_id) return undefined;
    const entries = await this.pool.query<{ entry: AuditEntry }>(
      'select entry from record_entries where procedure_id = $1 and seq <= $2 order by seq',
      [id, row.head_seq],
    );
    return {
      view: { ...row.view, audit: entries.rows.map((r) => r.entry) },
      ...(row.anomaly ? { anomaly: row.anomaly } : {}),
      runs: row.runs,
      head: { seq: row.head_seq, hash: row.head_hash, mac: row.head_mac, keyId: row.mac_key_id },
    };
  }
}

const withRun = (runs: string[], runId: string) => (runs.includes(runId) ? runs : [...runs, runId]);
