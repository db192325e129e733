import type { Client } from '@temporalio/client';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import type { PartyRef, Tier } from '../domain/parties.js';
import { HOUR_MS, shanghaiDayOfMs } from '../domain/time.js';
import { SA } from '../workflows/search-attributes.js';
import { canSeeByAttributes, scopeQuery } from './scope.js';
import { decodeAttributes } from './search-attributes.js';

export interface BoardItem {
  id: string;
  kind: string;
  state: string;
  responsible: string;
  tier: string;
  region: string;
  organ: string;
  parties: string[];
  regionScope: string[];
  nextDeadline?: string;
  deadlineStatus: string;
  deadlineRule: string;
  provisional: boolean;
  deliveryFailed: boolean;
}

export interface BoardFilters {
  kind?: string;
  tier?: string;
  region?: string;
  organ?: string;
  status?: string;
}

/** Time left (negative: overdue) in the unit the deadline's rule counts in. */
export interface TimeLeft {
  unit: 'working-days' | 'days' | 'hours';
  value: number;
}

/**
 * The supervisors' read model: every open procedure's search attributes, refreshed from Temporal
 * visibility every few seconds and kept sorted by next deadline, so that the board pages fast
 * at 10,000 open procedures without a sorted query (SQL visibility cannot sort on them).
 */
export class DeadlineBoard {
  private items: BoardItem[] = [];
  private refreshedAt = 0;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Closed counts by query: they change slowly and cost a visibility count each. */
  private readonly closedCounts = new Map<string, { at: number; count: Promise<number> }>();

  constructor(
    private readonly client: Client,
    private readonly calendar: () => WorkCalendar,
    private readonly maxAgeMs = 2000,
  ) {}

  /** Keeps the model fresh in the background. */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), this.maxAgeMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    this.inflight ??= (async () => {
      const items: BoardItem[] = [];
      let nextPageToken: Uint8Array | undefined;
      do {
        const res = await this.client.workflowService.listWorkflowExecutions({
          namespace: this.client.options.namespace,
          query: `BmClosed = false AND ExecutionStatus = 'Running'`,
          pageSize: 1000,
          nextPageToken,
        });
        for (const e of res.executions ?? [])
          items.push(toItem(e.execution!.workflowId!, decodeAttributes(e.searchAttributes?.indexedFields)));
        nextPageToken = res.nextPageToken?.length ? res.nextPageToken : undefined;
      } while (nextPageToken);
      items.sort((a, b) => (a.nextDeadline ?? '9999').localeCompare(b.nextDeadline ?? '9999'));
      this.items = items;
      this.refreshedAt = Date.now();
    })().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Every open procedure, sorted by next deadline (the workbench filters it per person). */
  async open(): Promise<readonly BoardItem[]> {
    return this.fresh();
  }

  private async fresh(): Promise<BoardItem[]> {
    if (Date.now() - this.refreshedAt > this.maxAgeMs * 3) await this.refresh();
    return this.items;
  }

  /** Open steps the caller may see, sorted by next deadline, filtered, one page. */
  async page(caller: PartyRef, filters: BoardFilters, offset: number, size: number) {
    const nowMs = Date.now();
    const visible = (await this.fresh()).filter((i) => canSeeByAttributes(caller, i.parties, i.regionScope) && matches(i, filters));
    const page = visible.slice(offset, offset + size).map((i) => ({ ...i, timeLeft: this.timeLeft(i, nowMs) }));
    return {
      items: page,
      total: visible.length,
      ...(offset + size < visible.length ? { nextCursor: String(offset + size) } : {}),
      refreshedAt: new Date(this.refreshedAt).toISOString(),
    };
  }

  /** Counts per procedure and per tier: 进行中 / 即将超期 / 已超期 from the model, 已办结 from visibility. */
  async overview(caller: PartyRef, kinds: string[], tiers: readonly Tier[]) {
    const visible = (await this.fresh()).filter((i) => canSeeByAttributes(caller, i.parties, i.regionScope));
    const scope = scopeQuery(caller);
    const closedCount = (clause: string) => {
      const query = [scope, 'BmClosed = true', clause].filter(Boolean).join(' AND ');
      const cached = this.closedCounts.get(query);
      if (cached && Date.now() - cached.at < this.maxAgeMs * 5) return cached.count;
      const count = this.client.workflowService
        .countWorkflowExecutions({ namespace: this.client.options.namespace, query })
        .then((r) => Number(r.count));
      this.closedCounts.set(query, { at: Date.now(), count });
      count.catch(() => this.closedCounts.delete(query));
      return count;
    };
    const tally = async (key: 'kind' | 'tier', value: string) => {
      const rows = visible.filter((i) => i[key] === value);
      return {
        [key]: value,
        open: rows.length,
        dueSoon: rows.filter((i) => i.deadlineStatus === 'due_soon').length,
        overdue: rows.filter((i) => i.deadlineStatus === 'overdue').length,
        closed: await closedCount(key === 'kind' ? `BmKind = '${value}'` : `BmTier = '${value}'`),
      };
    };
    return {
      byKind: await Promise.all(kinds.map((k) => tally('kind', k))),
      byTier: await Promise.all(tiers.map((t) => tally('tier', t))),
      deliveryFailures: visible.filter((i) => i.deliveryFailed).length,
      refreshedAt: new Date(this.refreshedAt).toISOString(),
    };
  }

  timeLeft(i: Pick<BoardItem, 'nextDeadline' | 'deadlineRule'>, nowMs: number): TimeLeft | undefined {
    if (!i.nextDeadline) return undefined;
    const due = Date.parse(i.nextDeadline);
    if (i.deadlineRule === 'hours') return { unit: 'hours', value: Math.round(((due - nowMs) / HOUR_MS) * 10) / 10 };
    const today = shanghaiDayOfMs(nowMs);
    const last = shanghaiDayOfMs(due - 1);
    if (i.deadlineRule === 'working-days') {
      const cal = this.calendar();
      return { unit: 'working-days', value: last >= today ? cal.workingDaysBetween(today, last) : -cal.workingDaysBetween(last, today) };
    }
    return { unit: 'days', value: last - today };
  }
}

function matches(i: BoardItem, f: BoardFilters): boolean {
  if (f.kind && i.kind !== f.kind) return false;
  if (f.tier && i.tier !== f.tier) return false;
  if (f.organ && i.organ !== f.organ) return false;
  if (f.status && i.deadlineStatus !== f.status) return false;
  if (f.region && !(i.region === f.region || i.regionScope.includes(f.region.replace(/(00)+$/, '')))) return false;
  return true;
}

function toItem(id: string, sa: ReturnType<typeof decodeAttributes>): BoardItem {
  return {
    id,
    kind: sa.get(SA.kind) ?? '',
    state: sa.get(SA.state) ?? '',
    responsible: sa.get(SA.responsible) ?? '',
    tier: sa.get(SA.tier) ?? '',
    region: sa.get(SA.region) ?? '',
    organ: sa.get(SA.organ) ?? '',
    parties: sa.get(SA.parties) ?? [],
    regionScope: sa.get(SA.regionScope) ?? [],
    ...(sa.get(SA.nextDeadline) ? { nextDeadline: sa.get(SA.nextDeadline)!.toISOString() } : {}),
    deadlineStatus: sa.get(SA.deadlineStatus) ?? 'none',
    deadlineRule: sa.get(SA.deadlineRule) ?? 'none',
    provisional: sa.get(SA.provisional) ?? false,
    deliveryFailed: sa.get(SA.deliveryFailed) ?? false,
  };
}
