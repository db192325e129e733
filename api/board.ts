import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { jurisdictionPrefix, type PartyRef, type Tier } from '../domain/parties.js';
import { HOUR_MS, shanghaiDayOfMs } from '../domain/time.js';
import { SA } from '../workflows/search-attributes.js';
import { scopeKeys, scopeQuery } from './scope.js';
import { BoardIndex, partyKey, type Counts } from './board-index.js';
import type { Scope } from './scope-cache.js';
import { deadlineStatus } from '../workflows/attribute-pairs.js';
import type { OrphanedProcedure, RecordedBoardSource } from '../records/board-source.js';

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
  /** When the next deadline is due soon (the policy's share of its period), from the case file. */
  dueSoonAt?: string;
  /** The next deadline's name, from the case file. */
  nextLabel?: string;
  /** The status shown: the recorded one, or the clock's where more severe (api/board-index.ts). */
  deadlineStatus: string;
  /** The status the workflow recorded (BmDeadlineStatus). */
  recordedStatus: string;
  /** 提醒发送中: the clock has passed an instant whose pass the workflow has not yet recorded. */
  pending?: true | undefined;
  deadlineRule: string;
  provisional: boolean;
  deliveryFailed: boolean;
  /** 异常: its run was ended from outside; shown from the case file, its duties still open. */
  anomaly?: true;
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

/** How the board follows visibility (defaults in DEFAULT_BOARD_OPTIONS). */
export interface BoardOptions {
  /** Interval of the incremental refresh, ms; a request finding the model 3 intervals old waits for one. */
  intervalMs: number;
  /** Lookback of each refresh's query below the start of the one before, ms: visibility's usual lag. */
  lagMs: number;
  /** Lookback of every `overlapEvery`-th refresh's query, ms: a longer lag, and skew between this host's clock and Temporal's. */
  overlapMs: number;
  overlapEvery: number;
  /** One page of the safety-net sweep every this many refreshes. */
  sweepEvery: number;
  pageSize: number;
}

/**
 * A change reaches the board within a second and visibility's lag (issue 28: freshness p95 ≤ 2 s),
 * and is listed about 4 times by the narrow queries and 3 times by the wide ones; a sweep page every 30 s.
 */
export const DEFAULT_BOARD_OPTIONS: BoardOptions = {
  intervalMs: 1000,
  lagMs: 3000,
  overlapMs: 30_000,
  overlapEvery: 10,
  sweepEvery: 30,
  pageSize: 1000,
};

interface Entry {
  item: BoardItem;
  runId: string;
  startedAt: number;
  /** Server time of the last change this record shows: BmUpdatedAt, start or close. */
  changedAt: number;
  /** The next deadline as the case file holds it (its due-soon instant and name), once read. */
  next?: { dueAt: string; dueSoonAt: string; label: string };
}

/** How many procedures' next deadlines one query of the case file reads. */
const NEXT_BATCH = 5000;
/** How many refreshes a procedure's next deadline is looked for in the case file after a change. */
const NEXT_READS = 10;

/** Open procedures (the initial load and the sweep). */
const OPEN_QUERY = `BmClosed = false AND ExecutionStatus = 'Running'`;

/**
 * The supervisors' read model: every open procedure's search attributes, in an index by scope
 * kept in order of next deadline (api/board-index.ts, docs/board-index.md), so that the board
 * pages fast at 100,000 open procedures without a sorted query (SQL visibility cannot sort on
 * them), and shows each procedure's status at the instant (issue 28): the next deadline's due-soon
 * instant is read from the case file.
 *
 * Its cost follows the rate of change, not the open count: one full listing when the API starts,
 * then every `intervalMs` only what changed (`BmUpdatedAt`, upserted by the driver with every
 * change, or a close) since the previous query began, less visibility's usual lag (`lagMs`), and
 * every `overlapEvery` refreshes since the previous such query less a wide overlap (`overlapMs`)
 * for a longer lag and clock skew. The bounds come from this host's clock, never from the rows: a
 * quiet system lists nothing (it used to relist the last 30 s of changes every second, for ever),
 * and an attribute written from outside (BmUpdatedAt in 2099) moves no bound. A safety-net sweep
 * relists the open procedures one page every `sweepEvery` refreshes and drops what it no longer
 * finds (e.g. a deleted execution), so the queries per minute stay fixed and a pass takes longer as
 * the count grows. Each API replica keeps its own model; they share nothing but visibility.
 */
export class DeadlineBoard {
  private readonly entries = new Map<string, Entry>();
  /** The model as served: what has a record, and the orphans. */
  private readonly index = new BoardIndex<BoardItem>();
  /** Ids changed since the index last took them in. */
  private readonly dirty = new Set<string>();
  /** Entries whose next deadline the case file has not yet been read for. */
  private readonly needNext = new Map<string, number>();
  private loaded = false;
  /** After a load from the case file: visibility's open listing, page after page, until its pass ends. */
  private catchingUp: Promise<unknown> | undefined;
  /** Lower bounds of the next narrow and wide incremental queries (this host's clock, ms). */
  private narrowFrom = 0;
  private wideFrom = 0;
  private refreshes = 0;
  private sweep: { rows: AsyncIterator<WorkflowExecutionInfo>; seen: Set<string>; from: number } | undefined;
  private refreshedAt = 0;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: BoardOptions;
  /** Closed counts by query: they change slowly and cost a visibility count each. */
  private readonly closedCounts = new Map<string, { at: number; count: Promise<number> }>();
  /** The procedures known to have a record (SPEC §4a): only those are shown. */
  private readonly recordedIds = new Set<string>();
  /** Open in the record, ended from outside in Temporal: shown from the record, flagged. */
  private orphans: BoardItem[] = [];
  /** Open procedures the check of the case file found 异常 (records/watch.ts): flagged wherever shown. */
  private anomalous = new Set<string>();

  constructor(
    private readonly client: Client,
    private readonly calendar: () => WorkCalendar,
    options: Partial<BoardOptions> = {},
    /** The case file: without it (tests of the board alone) every workflow of ours is shown. */
    private readonly records?: RecordedBoardSource,
  ) {
    this.o = { ...DEFAULT_BOARD_OPTIONS, ...options };
  }

  /** Keeps the model fresh in the background. */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The first call loads every open procedure; later calls read what changed (and a sweep page). */
  async refresh(): Promise<void> {
    this.inflight ??= (async () => {
      if (!this.loaded) {
        const at = Date.now();
        if (this.records) {
          // The case file's open procedures, one query, and visibility's open listing behind them (issue 28:
          // a restart serves the board in seconds, not after a hundred pages of listing at 100,000 open).
          for (const o of await this.records.openProcedures()) this.takeRecorded(o);
          this.catchingUp = (async () => {
            do await this.sweepPage();
            while (this.sweep);
          })()
            .catch(() => undefined)
            .finally(() => (this.catchingUp = undefined));
        } else for await (const row of this.list(OPEN_QUERY)) this.apply(row);
        // What changed while the open procedures were read, or just before, is listed next.
        this.narrowFrom = this.wideFrom = at - this.o.overlapMs;
        this.loaded = true;
      } else {
        const at = Date.now();
        const wide = ++this.refreshes % this.o.overlapEvery === 0;
        const since = new Date(wide ? this.wideFrom : this.narrowFrom).toISOString();
        for await (const row of this.list(`BmKind IS NOT NULL AND (BmUpdatedAt >= '${since}' OR CloseTime >= '${since}')`)) this.apply(row);
        // Whatever changed before `at` less the lag was visible by `at`, and is now seen (a failed listing moves nothing).
        this.narrowFrom = at - this.o.lagMs;
        if (wide) this.wideFrom = at - this.o.overlapMs;
        if (!this.catchingUp && this.refreshes % this.o.sweepEvery === 0) await this.sweepPage();
      }
      if (this.records) await this.followRecord();
      // The first load, or a change of most of it: built at once rather than item by item.
      if (this.dirty.size > this.index.size / 4 + 100)
        this.index.load([...new Set([...this.entries.keys(), ...this.orphans.map((o) => o.id)])].flatMap((id) => this.itemOf(id) ?? []));
      else for (const id of this.dirty) this.sync(id);
      this.dirty.clear();
      this.refreshedAt = Date.now();
    })().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Which entries have a record now (a start writes its first within moments), and the orphans as they stand. */
  private async followRecord(): Promise<void> {
    const unknown = [...this.entries.keys()].filter((id) => !this.recordedIds.has(id));
    if (unknown.length)
      for (const id of await this.records!.recorded(unknown)) {
        this.recordedIds.add(id);
        this.dirty.add(id);
      }
    await this.readNext();
    const orphans = (await this.records!.orphans()).map(orphanItem);
    const key = (items: BoardItem[]) => items.map((o) => `${o.id}|${o.nextDeadline}|${o.recordedStatus}`).join();
    if (key(orphans) !== key(this.orphans)) {
      for (const o of [...this.orphans, ...orphans]) this.dirty.add(o.id);
      this.orphans = orphans;
      this.anomalous = new Set(orphans.map((o) => o.id));
    }
  }

  /** The due-soon instant and name of each next deadline not yet read, from the case file (it may lag a moment behind). */
  private async readNext(): Promise<void> {
    const ids = [...this.needNext.keys()].filter((id) => this.recordedIds.has(id));
    for (let k = 0; k < ids.length; k += NEXT_BATCH) {
      const running = await this.records!.runningDeadlines(ids.slice(k, k + NEXT_BATCH));
      for (const [id, deadlines] of running) {
        const e = this.entries.get(id);
        const due = e?.item.nextDeadline && Date.parse(e.item.nextDeadline);
        const d = deadlines.find((x) => Date.parse(x.dueAt) === due);
        if (!e || !d) continue;
        e.next = { dueAt: e.item.nextDeadline!, dueSoonAt: d.dueSoonAt, label: d.label };
        this.needNext.delete(id);
        this.dirty.add(id);
      }
      // A record behind visibility is read again a few refreshes, then with the procedure's next change
      // (meanwhile its row turns red by the clock, yellow only as recorded).
      for (const id of ids.slice(k, k + NEXT_BATCH)) {
        const left = this.needNext.get(id);
        if (left === undefined) continue;
        if (left > 1) this.needNext.set(id, left - 1);
        else this.needNext.delete(id);
      }
    }
  }

  /**
   * An open procedure as the case file holds it: shown until visibility says otherwise (any row of
   * it is newer; the catch-up's pass drops it if visibility no longer has it open).
   */
  private takeRecorded(o: OrphanedProcedure): void {
    const item = recordItem(o);
    const next =
      item.nextDeadline && item.dueSoonAt
        ? { dueAt: item.nextDeadline, dueSoonAt: item.dueSoonAt, label: item.nextLabel ?? '' }
        : undefined;
    this.entries.set(o.id, { item, runId: '', startedAt: 0, changedAt: 0, ...(next ? { next } : {}) });
    this.recordedIds.add(o.id);
    this.dirty.add(o.id);
  }

  /** Takes the procedure's current form into the index, or out of it. */
  private sync(id: string): void {
    const item = this.itemOf(id);
    if (item) this.index.upsert(item);
    else this.index.remove(id);
  }

  /** The procedure as the board shows it (a new object: the index owns it), if it is shown. */
  private itemOf(id: string): BoardItem | undefined {
    const e = this.entries.get(id);
    if (e && (!this.records || this.recordedIds.has(id))) {
      const next = e.next?.dueAt === e.item.nextDeadline ? e.next : undefined;
      return {
        ...e.item,
        ...(next ? { dueSoonAt: next.dueSoonAt, nextLabel: next.label } : {}),
        ...(this.anomalous.has(id) ? { anomaly: true as const } : {}),
      };
    }
    const orphan = e ? undefined : this.orphans.find((o) => o.id === id);
    return orphan && { ...orphan };
  }

  private list(query: string) {
    return this.client.workflow.list({ query, pageSize: this.o.pageSize });
  }

  /** Takes a record in, unless an older run's or older than what the model holds. */
  private apply(row: WorkflowExecutionInfo, seen?: Set<string>): void {
    const sa = row.typedSearchAttributes;
    const startedAt = row.startTime.getTime();
    const changedAt = Math.max(sa.get(SA.updatedAt)?.getTime() ?? 0, startedAt, row.closeTime?.getTime() ?? 0);
    seen?.add(row.workflowId);
    const held = this.entries.get(row.workflowId);
    if (held && (startedAt < held.startedAt || (row.runId === held.runId && changedAt < held.changedAt))) return;
    if (row.status.name === 'RUNNING' && sa.get(SA.closed) === false) {
      const item = toItem(row.workflowId, sa);
      this.entries.set(row.workflowId, { item, runId: row.runId, startedAt, changedAt, ...(held?.next ? { next: held.next } : {}) });
      if (item.nextDeadline && held?.next?.dueAt !== item.nextDeadline) this.needNext.set(row.workflowId, NEXT_READS);
    } else if (!this.entries.delete(row.workflowId)) return;
    this.dirty.add(row.workflowId);
  }

  /** One page of the open listing; at the end of a pass, drops what it did not find and did not change since. */
  private async sweepPage(): Promise<void> {
    this.sweep ??= { rows: this.list(OPEN_QUERY)[Symbol.asyncIterator](), seen: new Set(), from: Date.now() - this.o.overlapMs };
    const s = this.sweep;
    try {
      // Pulling one page's worth of rows fetches exactly one page.
      for (let n = 0; n < this.o.pageSize; n++) {
        const next = await s.rows.next();
        if (next.done) {
          this.sweep = undefined;
          for (const [id, e] of this.entries)
            if (!s.seen.has(id) && e.changedAt < s.from) {
              this.entries.delete(id);
              this.dirty.add(id);
            }
          return;
        }
        this.apply(next.value, s.seen);
      }
    } catch (e) {
      this.sweep = undefined;
      throw e;
    }
  }

  /** Those of `ids` that have a record (all of them without the case file): a workflow without one appears nowhere. */
  async withRecord(ids: string[]): Promise<Set<string>> {
    if (!this.records) return new Set(ids);
    const unknown = ids.filter((id) => !this.recordedIds.has(id));
    if (unknown.length) for (const id of await this.records.recorded(unknown)) this.recordedIds.add(id);
    return new Set(ids.filter((id) => this.recordedIds.has(id)));
  }

  /** An open procedure's scope attributes as the model holds them (scope-cache.ts's fallback). */
  scopeOf(id: string): Scope | undefined {
    return this.entries.get(id)?.item;
  }

  /** Every open procedure, sorted by next deadline (live: read it before the next await). */
  async open(): Promise<readonly BoardItem[]> {
    await this.fresh();
    return this.index.all();
  }

  /** An open procedure as the board shows it. */
  async find(id: string): Promise<BoardItem | undefined> {
    await this.fresh();
    return this.index.get(id);
  }

  /** The first `limit` open procedures `party` takes part in that `pred` accepts, most urgent first. */
  async ofParty(party: string, pred: (i: BoardItem) => boolean, limit: number): Promise<BoardItem[]> {
    await this.fresh();
    return this.index.page([partyKey(party)], pred, 0, limit).items;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.refreshedAt > this.o.intervalMs * 3) await this.refresh();
  }

  /** Open steps the caller may see, sorted by next deadline, filtered, one page. */
  async page(caller: PartyRef, filters: BoardFilters, offset: number, size: number) {
    await this.fresh();
    const nowMs = Date.now();
    const set = Object.entries(filters).filter(([, v]) => v !== undefined && v !== '');
    const keys = scopeKeys(caller);
    const byStatus = set.length === 1 && (filters.status === 'overdue' || filters.status === 'due_soon') ? filters.status : undefined;
    const visible = byStatus
      ? this.index.pageOfStatus(keys, byStatus, offset, size)
      : this.index.page(keys, set.length ? (i) => matches(i, filters) : undefined, offset, size);
    return {
      items: visible.items.map((i) => ({ ...i, timeLeft: this.timeLeft(i, nowMs) })),
      total: visible.total,
      ...(offset + size < visible.total ? { nextCursor: String(offset + size) } : {}),
      refreshedAt: new Date(this.refreshedAt).toISOString(),
    };
  }

  /** Counts per procedure and per tier: 进行中 / 即将超期 / 已超期 from the model, 已办结 from visibility. */
  async overview(caller: PartyRef, kinds: string[], tiers: readonly Tier[]) {
    await this.fresh();
    const tallies = this.index.tallies(scopeKeys(caller));
    const scope = scopeQuery(caller);
    const closedCount = (clause: string) => {
      const query = [scope, 'BmClosed = true', clause].filter(Boolean).join(' AND ');
      const cached = this.closedCounts.get(query);
      if (cached && Date.now() - cached.at < this.o.intervalMs * 5) return cached.count;
      const count = this.client.workflowService
        .countWorkflowExecutions({ namespace: this.client.options.namespace, query })
        .then((r) => Number(r.count));
      this.closedCounts.set(query, { at: Date.now(), count });
      count.catch(() => this.closedCounts.delete(query));
      return count;
    };
    const none: Counts = { open: 0, dueSoon: 0, overdue: 0 };
    const tally = async (key: 'kind' | 'tier', value: string) => ({
      [key]: value,
      ...((key === 'kind' ? tallies.byKind : tallies.byTier).get(value) ?? none),
      closed: await closedCount(key === 'kind' ? `BmKind = '${value}'` : `BmTier = '${value}'`),
    });
    return {
      byKind: await Promise.all(kinds.map((k) => tally('kind', k))),
      byTier: await Promise.all(tiers.map((t) => tally('tier', t))),
      deliveryFailures: tallies.deliveryFailed,
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

function toItem(id: string, sa: TypedSearchAttributes): BoardItem {
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
    recordedStatus: sa.get(SA.deadlineStatus) ?? 'none',
    deadlineRule: sa.get(SA.deadlineRule) ?? 'none',
    provisional: sa.get(SA.provisional) ?? false,
    deliveryFailed: sa.get(SA.deliveryFailed) ?? false,
  };
}

/** An orphaned procedure as a board row, flagged 异常. */
const orphanItem = (o: OrphanedProcedure): BoardItem => ({ ...recordItem(o), anomaly: true });

/**
 * A procedure as the case file holds it, as a board row: its next running deadline and status from
 * its recorded deadlines; its scope as its search attributes have it (workflows/attribute-pairs.ts),
 * the jurisdiction of its region among it. Its delivery failures are not in the record (shown once
 * visibility's row of it is read).
 */
function recordItem(o: OrphanedProcedure): BoardItem {
  const next = o.deadlines.filter((d) => d.status === 'running').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  return {
    id: o.id,
    kind: o.kind,
    state: o.state,
    responsible: o.responsible ?? 'none',
    tier: o.tier ?? 'none',
    region: o.region ?? '',
    organ: o.organ ?? 'none',
    parties: o.parties,
    regionScope: [...new Set([...o.regionScope, (o.region && jurisdictionPrefix(o.region)) || 'national'])],
    ...(next ? { nextDeadline: next.dueAt, dueSoonAt: next.dueSoonAt, nextLabel: next.label } : {}),
    deadlineStatus: deadlineStatus(o.deadlines),
    recordedStatus: deadlineStatus(o.deadlines),
    deadlineRule: next?.rule ?? 'none',
    provisional: o.deadlines.some((d) => d.status === 'running' && d.provisional),
    deliveryFailed: false,
  };
}
