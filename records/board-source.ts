/**
 * The case file as the supervisors' board sees it (api/board.ts): which procedures have a record
 * (a workflow without one was started outside the system and is shown nowhere), and the open
 * procedures whose run was ended from outside (terminated, reset): their duties did not end with
 * the run, so they stay on the board from the record, flagged 异常.
 */
import type { RecordStore } from './store.js';
import type { DeadlineRecord, ProcedureView } from '../domain/procedure-view.js';

export interface OrphanedProcedure {
  id: string;
  kind: string;
  state: string;
  responsible?: string;
  tier?: string;
  region?: string;
  organ?: string;
  parties: string[];
  regionScope: string[];
  deadlines: DeadlineRecord[];
}

export class RecordedBoardSource {
  constructor(private readonly store: RecordStore) {}

  /** The ids among `ids` that have a record. */
  recorded(ids: string[]): Promise<Set<string>> {
    return this.store.recordedIds(ids);
  }

  /** Each procedure's running deadlines as recorded: the board's status at the instant needs the due-soon one (issue 28). */
  async runningDeadlines(ids: string[]): Promise<Map<string, Array<{ dueAt: string; dueSoonAt: string; label: string }>>> {
    const { rows } = await this.store.pool.query<{ id: string; due_at: string; due_soon_at: string; label: string }>(
      `select p.id, d->>'dueAt' as due_at, d->>'dueSoonAt' as due_soon_at, d->>'label' as label
         from procedures p cross join lateral jsonb_array_elements(p.view->'deadlines') d
        where p.id = any($1) and d->>'status' = 'running'`,
      [ids],
    );
    const out = new Map<string, Array<{ dueAt: string; dueSoonAt: string; label: string }>>();
    for (const r of rows)
      (out.get(r.id) ?? out.set(r.id, []).get(r.id)!).push({ dueAt: r.due_at, dueSoonAt: r.due_soon_at, label: r.label });
    return out;
  }

  /** Open in the record, 异常: flagged on the board, and shown from the record when Temporal no longer runs it. */
  orphans(): Promise<OrphanedProcedure[]> {
    return this.open('anomaly is not null');
  }

  /** Every open procedure with a record and no anomaly: the board's first load after a restart (issue 28). */
  openProcedures(): Promise<OrphanedProcedure[]> {
    return this.open('anomaly is null');
  }

  private async open(condition: 'anomaly is null' | 'anomaly is not null'): Promise<OrphanedProcedure[]> {
    const { rows } = await this.store.pool.query<{
      id: string;
      kind: string;
      state: string;
      tier: string | null;
      region: string | null;
      organ: string | null;
      party_ids: string[];
      region_scope: string[];
      responsible: ProcedureView['responsible'] | null;
      deadlines: DeadlineRecord[];
    }>(
      `select id, kind, state, tier, region, organ, party_ids, region_scope, view->'responsible' as responsible, view->'deadlines' as deadlines
         from procedures where closed_at is null and ${condition} and mac_key_id <> ''`,
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      state: r.state,
      ...(r.responsible ? { responsible: r.responsible.id } : {}),
      ...(r.tier ? { tier: r.tier } : {}),
      ...(r.region ? { region: r.region } : {}),
      ...(r.organ ? { organ: r.organ } : {}),
      parties: r.party_ids,
      regionScope: r.region_scope,
      deadlines: r.deadlines,
    }));
  }
}
