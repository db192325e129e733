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

  /** Open in the record, 异常: flagged on the board, and shown from the record when Temporal no longer runs it. */
  async orphans(): Promise<OrphanedProcedure[]> {
    const { rows } = await this.store.pool.query<{
      id: string;
      kind: string;
      state: string;
      tier: string | null;
      region: string | null;
      organ: string | null;
      party_ids: string[];
      region_scope: string[];
      view: Omit<ProcedureView, 'audit'>;
    }>(
      `select id, kind, state, tier, region, organ, party_ids, region_scope, view from procedures
       where closed_at is null and anomaly is not null and mac_key_id <> ''`,
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      state: r.state,
      ...(r.view.responsible ? { responsible: r.view.responsible.id } : {}),
      ...(r.tier ? { tier: r.tier } : {}),
      ...(r.region ? { region: r.region } : {}),
      ...(r.organ ? { organ: r.organ } : {}),
      parties: r.party_ids,
      regionScope: r.region_scope,
      deadlines: r.view.deadlines,
    }));
  }
}
