import type pg from 'pg';
import type { Policy } from '../domain/policy.js';
import type { BoardItem } from './board.js';
import { inTransaction } from '../records/transaction.js';

/** A start is counted open from here until the board's model surely holds it (its refresh, visibility's lag). */
const UNTIL_ON_BOARD = '5 minutes';
/** Any constant: with the party's hash, the lock under which one party's starts are counted and reserved. */
const LOCK = 7_241_025;

export interface QuotaRefusal {
  /** The policy key that refused it. */
  limit: 'maxOpenProceduresPerParty' | 'startsPerPartyPerHour';
  message: string;
  messageZh: string;
}

/**
 * Per-party limits on starts (本地策略, domain/policy.ts): open procedures by kind — those the party
 * started (`BmOrgan`, the first party, is the starter in every kind) on the board's model of all
 * open procedures, with the recent starts it may not hold yet — and starts per hour. The starts are
 * reserved in the record database (start_reservations, migration 007): every API process counts
 * the same, and a restart forgets none.
 */
export class StartQuota {
  constructor(
    private readonly policy: Pick<Policy, 'maxOpenProceduresPerParty' | 'startsPerPartyPerHour'>,
    private readonly open: () => Promise<readonly BoardItem[]>,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Reserves a start of this kind by this party under this id, or says why it may not now. Atomic
   * across processes: the party's starts are counted and the reservation made under one advisory
   * lock per party, in one transaction. A start that then fails is released.
   */
  async reserve(id: string, party: string, kind: string, label: string): Promise<QuotaRefusal | undefined> {
    const max = this.policy.maxOpenProceduresPerParty[kind];
    const board = max === undefined ? [] : await this.open();
    return inTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [LOCK, party]);
      await client.query(`delete from start_reservations where party = $1 and at <= now() - interval '1 hour'`, [party]);
      const { rows } = await client.query<{ procedure_id: string; kind: string; recent: boolean }>(
        `select procedure_id, kind, at > now() - interval '${UNTIL_ON_BOARD}' as recent from start_reservations where party = $1`,
        [party],
      );
      const refusal = this.refusal(party, kind, label, rows, board);
      if (!refusal)
        await client.query(
          'insert into start_reservations (procedure_id, party, kind) values ($1, $2, $3) on conflict (procedure_id) do nothing',
          [id, party, kind],
        );
      return refusal;
    });
  }

  /** A reserved start that did not happen. */
  async release(id: string): Promise<void> {
    await this.pool.query('delete from start_reservations where procedure_id = $1', [id]);
  }

  private refusal(
    party: string,
    kind: string,
    label: string,
    lastHour: ReadonlyArray<{ procedure_id: string; kind: string; recent: boolean }>,
    board: readonly BoardItem[],
  ): QuotaRefusal | undefined {
    const perHour = this.policy.startsPerPartyPerHour;
    if (lastHour.length >= perHour)
      return {
        limit: 'startsPerPartyPerHour',
        message: `${party} started ${lastHour.length} procedures within the hour, the most one party may (本地策略 startsPerPartyPerHour = ${perHour}); retry later`,
        messageZh: `本单位一小时内启动的程序已达上限（${perHour}件，本地策略），请稍后再试。`,
      };
    const max = this.policy.maxOpenProceduresPerParty[kind];
    if (max === undefined) return undefined;
    const open = new Set(board.filter((i) => i.organ === party && i.kind === kind).map((i) => i.id));
    for (const s of lastHour) if (s.kind === kind && s.recent) open.add(s.procedure_id);
    if (open.size >= max)
      return {
        limit: 'maxOpenProceduresPerParty',
        message: `${party} has ${open.size} open ${kind} procedures, the most one party may have (本地策略 maxOpenProceduresPerParty.${kind} = ${max}); close one first, or raise the cap in BM_POLICY_FILE`,
        messageZh: `本单位进行中的${label}已达上限（${max}件，本地策略），请先办结现有程序，或由管理员调整。`,
      };
    return undefined;
  }
}
