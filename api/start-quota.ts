import type { Policy } from '../domain/policy.js';
import type { BoardItem } from './board.js';

const HOUR_MS = 3_600_000;
/** A start is counted open from here until the board's model surely holds it (its refresh, visibility's lag). */
const UNTIL_ON_BOARD_MS = 5 * 60_000;

export interface QuotaRefusal {
  /** The policy key that refused it. */
  limit: 'maxOpenProceduresPerParty' | 'startsPerPartyPerHour';
  message: string;
  messageZh: string;
}

/**
 * Per-party limits on starts (本地策略, domain/policy.ts): open procedures by kind — those the party
 * started (`BmOrgan`, the first party, is the starter in every kind) on the board's model of all
 * open procedures, with this process's starts it may not hold yet — and starts per hour.
 */
export class StartQuota {
  private readonly starts = new Map<string, { party: string; kind: string; at: number }>();

  constructor(
    private readonly policy: Pick<Policy, 'maxOpenProceduresPerParty' | 'startsPerPartyPerHour'>,
    private readonly open: () => Promise<readonly BoardItem[]>,
  ) {}

  /**
   * Reserves a start of this kind by this party under this id, or says why it may not now. Atomic:
   * after the one await (the board's model) nothing yields until the reservation is made, so
   * concurrent starts cannot all pass the same count. A start that then fails is released.
   */
  async reserve(id: string, party: string, kind: string, label: string, now = Date.now()): Promise<QuotaRefusal | undefined> {
    const board = this.policy.maxOpenProceduresPerParty[kind] === undefined ? [] : await this.open();
    for (const [held, s] of this.starts) if (now - s.at >= HOUR_MS) this.starts.delete(held);
    const perHour = this.policy.startsPerPartyPerHour;
    const lastHour = [...this.starts.values()].filter((s) => s.party === party).length;
    if (lastHour >= perHour)
      return {
        limit: 'startsPerPartyPerHour',
        message: `${party} started ${lastHour} procedures within the hour, the most one party may (本地策略 startsPerPartyPerHour = ${perHour}); retry later`,
        messageZh: `本单位一小时内启动的程序已达上限（${perHour}件，本地策略），请稍后再试。`,
      };
    const max = this.policy.maxOpenProceduresPerParty[kind];
    if (max !== undefined) {
      const open = new Set(board.filter((i) => i.organ === party && i.kind === kind).map((i) => i.id));
      for (const [held, s] of this.starts) if (s.party === party && s.kind === kind && now - s.at < UNTIL_ON_BOARD_MS) open.add(held);
      if (open.size >= max)
        return {
          limit: 'maxOpenProceduresPerParty',
          message: `${party} has ${open.size} open ${kind} procedures, the most one party may have (本地策略 maxOpenProceduresPerParty.${kind} = ${max}); close one first, or raise the cap in BM_POLICY_FILE`,
          messageZh: `本单位进行中的${label}已达上限（${max}件，本地策略），请先办结现有程序，或由管理员调整。`,
        };
    }
    this.starts.set(id, { party, kind, at: now });
    return undefined;
  }

  /** A reserved start that did not happen. */
  release(id: string): void {
    this.starts.delete(id);
  }
}
