/**
 * The board's index of open procedures (issue 28, docs/board-index.md): one list per scope (all;
 * each party; each jurisdiction prefix), each kept in order of next deadline by sorted insert and
 * remove, never re-sorted whole; per scope the counts the overview shows; and a heap of the
 * upcoming instants at which a procedure's shown status changes by the clock alone
 * (domain/deadline/shown-status.ts), so the status moves at the instant without a scan.
 *
 * Pure: no I/O. The clock is read at every call (a test gives its own).
 */
import { nextTransition, shownStatus } from '../domain/deadline/shown-status.js';

/** What the index needs of an item. It sets `deadlineStatus` and `pending` itself, from `recordedStatus` and the clock. */
export interface IndexItem {
  id: string;
  kind: string;
  tier: string;
  parties: readonly string[];
  regionScope: readonly string[];
  nextDeadline?: string;
  dueSoonAt?: string;
  /** The status the workflow recorded (BmDeadlineStatus). */
  recordedStatus: string;
  /** The status shown now: the recorded one, or the clock's where more severe. */
  deadlineStatus: string;
  /** 提醒发送中: shown more severe than recorded until the workflow records its pass. */
  pending?: true | undefined;
  deliveryFailed: boolean;
  /** Set by the index: the next deadline in ms (none: Infinity), its order. */
  sortAt?: number;
}

export interface Counts {
  open: number;
  dueSoon: number;
  overdue: number;
}

export interface Tallies {
  byKind: Map<string, Counts>;
  byTier: Map<string, Counts>;
  deliveryFailed: number;
}

/** Scope keys: every item is under ALL, under each of its parties and each of its jurisdiction prefixes. */
export const ALL = '*';
export const partyKey = (id: string) => `p:${id}`;
export const regionKey = (prefix: string) => `r:${prefix}`;

export function inScope(item: IndexItem, key: string): boolean {
  if (key === ALL) return true;
  const v = key.slice(2);
  return key.startsWith('p:') ? item.parties.includes(v) : item.regionScope.includes(v);
}

function keysOf(i: IndexItem): string[] {
  const keys = [ALL];
  for (const p of i.parties) if (!keys.includes(partyKey(p))) keys.push(partyKey(p));
  for (const r of i.regionScope) if (!keys.includes(regionKey(r))) keys.push(regionKey(r));
  return keys;
}

/** Order of the board: next deadline, none last; then id. */
function byDeadline(a: IndexItem, b: IndexItem): number {
  const d = a.sortAt! - b.sortAt!;
  return d < 0 ? -1 : d > 0 ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** First position whose item does not sort before `item`. */
function lowerBound<T extends IndexItem>(list: readonly T[], item: IndexItem): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byDeadline(list[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Bucket<T extends IndexItem> {
  readonly list: T[] = [];
  readonly tallies: Tallies = { byKind: new Map(), byTier: new Map(), deliveryFailed: 0 };
}

function countIn(map: Map<string, Counts>, key: string, status: string, sign: 1 | -1): void {
  const c = map.get(key) ?? { open: 0, dueSoon: 0, overdue: 0 };
  c.open += sign;
  if (status === 'due_soon') c.dueSoon += sign;
  if (status === 'overdue') c.overdue += sign;
  if (c.open) map.set(key, c);
  else map.delete(key);
}

function count(t: Tallies, i: IndexItem, sign: 1 | -1): void {
  countIn(t.byKind, i.kind, i.deadlineStatus, sign);
  countIn(t.byTier, i.tier, i.deadlineStatus, sign);
  if (i.deliveryFailed) t.deliveryFailed += sign;
}

/** A binary min-heap of (instant, id). */
class InstantHeap {
  private readonly h: Array<{ at: number; id: string }> = [];
  get size() {
    return this.h.length;
  }
  peek() {
    return this.h[0];
  }
  push(e: { at: number; id: string }): void {
    const h = this.h;
    h.push(e);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): { at: number; id: string } | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

export class BoardIndex<T extends IndexItem> {
  private readonly items = new Map<string, T>();
  private readonly buckets = new Map<string, Bucket<T>>();
  /** Each item's pending clock transition: a heap entry is live only while it matches. */
  private readonly scheduled = new Map<string, number>();
  private heap = new InstantHeap();
  /** Per key, how many times its list changed (kept when the list goes): what the extras' cache is checked by. */
  private readonly changes = new Map<string, number>();
  private readonly extrasCache = new Map<string, { stamp: string; items: T[] }>();

  constructor(private readonly clock: () => number = Date.now) {
    this.buckets.set(ALL, new Bucket());
  }

  get size(): number {
    return this.items.size;
  }

  get(id: string): T | undefined {
    this.advance();
    return this.items.get(id);
  }

  /** Every item in board order (live: read it before the next change). */
  all(): readonly T[] {
    this.advance();
    return this.buckets.get(ALL)!.list;
  }

  /** Replaces the whole content at once (a load, a restart): each scope's list sorted once, O(n log n). */
  load(items: readonly T[]): void {
    const now = this.clock();
    this.items.clear();
    this.scheduled.clear();
    this.buckets.clear();
    this.extrasCache.clear();
    this.buckets.set(ALL, new Bucket());
    this.heap = new InstantHeap();
    for (const item of items) {
      this.judge(item, now);
      this.items.set(item.id, item);
      for (const key of keysOf(item)) {
        let b = this.buckets.get(key);
        if (!b) this.buckets.set(key, (b = new Bucket()));
        b.list.push(item);
        count(b.tallies, item, 1);
      }
      this.schedule(item, now);
    }
    for (const b of this.buckets.values()) b.list.sort(byDeadline);
  }

  /** Puts an item in (or replaces the one with its id): O(log n) to find its places, a move of the lists' tails to take them. */
  upsert(item: T): void {
    this.advance();
    this.remove(item.id);
    const now = this.clock();
    this.judge(item, now);
    this.items.set(item.id, item);
    for (const key of keysOf(item)) {
      let b = this.buckets.get(key);
      if (!b) this.buckets.set(key, (b = new Bucket()));
      b.list.splice(lowerBound(b.list, item), 0, item);
      count(b.tallies, item, 1);
      this.changes.set(key, (this.changes.get(key) ?? 0) + 1);
    }
    this.schedule(item, now);
  }

  remove(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.delete(id);
    this.scheduled.delete(id);
    for (const key of keysOf(item)) {
      const b = this.buckets.get(key)!;
      b.list.splice(lowerBound(b.list, item), 1);
      count(b.tallies, item, -1);
      this.changes.set(key, (this.changes.get(key) ?? 0) + 1);
      if (key !== ALL && !b.list.length) this.buckets.delete(key);
    }
    return true;
  }

  /** The items under any of `keys` that `pred` accepts, in board order: `size` of them from `offset`, and how many in all. */
  page(keys: readonly string[], pred: ((i: T) => boolean) | undefined, offset: number, size: number): { items: T[]; total: number } {
    this.advance();
    if (!pred && !this.extras(keys).length) {
      const list = this.buckets.get(keys[0]!)?.list ?? [];
      return { items: list.slice(offset, offset + size), total: list.length };
    }
    const items: T[] = [];
    let total = 0;
    this.each(keys, (i) => {
      if (pred && !pred(i)) return true;
      if (total >= offset && total < offset + size) items.push(i);
      total++;
      return true;
    });
    return { items, total };
  }

  /**
   * The overdue or due-soon items under any of `keys`, a page of them: their count from the
   * scopes' tallies, the page by a scan that stops once it is full (the overdue come first).
   */
  pageOfStatus(keys: readonly string[], status: 'overdue' | 'due_soon', offset: number, size: number): { items: T[]; total: number } {
    let total = 0;
    for (const c of this.tallies(keys).byKind.values()) total += status === 'overdue' ? c.overdue : c.dueSoon;
    const items: T[] = [];
    let seen = 0;
    this.each(keys, (i) => {
      if (i.deadlineStatus !== status) return true;
      if (seen++ >= offset) items.push(i);
      return items.length < size;
    });
    return { items, total };
  }

  /** The counts under any of `keys`, by kind and by tier, as shown now. */
  tallies(keys: readonly string[]): Tallies {
    this.advance();
    const first = this.buckets.get(keys[0]!)?.tallies;
    const t: Tallies = {
      byKind: new Map([...(first?.byKind ?? [])].map(([k, c]) => [k, { ...c }])),
      byTier: new Map([...(first?.byTier ?? [])].map(([k, c]) => [k, { ...c }])),
      deliveryFailed: first?.deliveryFailed ?? 0,
    };
    for (const i of this.extras(keys)) count(t, i, 1);
    return t;
  }

  /**
   * The items under `keys` after the first that are under no key before them, in board order: an
   * authority's own procedures outside its jurisdiction, usually none. Kept until one of those keys' lists changes.
   */
  private extras(keys: readonly string[]): T[] {
    if (keys.length < 2) return [];
    const id = keys.join('|');
    const stamp = keys.map((k) => this.changes.get(k) ?? 0).join();
    const held = this.extrasCache.get(id);
    if (held?.stamp === stamp) return held.items;
    const items: T[] = [];
    for (let k = 1; k < keys.length; k++) {
      const earlier = keys.slice(0, k);
      for (const i of this.buckets.get(keys[k]!)?.list ?? []) if (!earlier.some((key) => inScope(i, key))) items.push(i);
    }
    items.sort(byDeadline);
    if (this.extrasCache.size >= 1000) this.extrasCache.clear();
    this.extrasCache.set(id, { stamp, items });
    return items;
  }

  /** Calls `fn` on each item under any of `keys`, once, in board order (the first key's list merged with the extras), until it answers false. */
  private each(keys: readonly string[], fn: (i: T) => boolean): void {
    const lists = [this.buckets.get(keys[0]!)?.list ?? [], this.extras(keys)].filter((l) => l.length);
    if (lists.length <= 1) {
      for (const i of lists[0] ?? []) if (!fn(i)) return;
      return;
    }
    const at = lists.map(() => 0);
    for (;;) {
      let min: T | undefined;
      for (let l = 0; l < lists.length; l++) {
        const i = lists[l]![at[l]!];
        if (i && (!min || byDeadline(i, min) < 0)) min = i;
      }
      if (!min) return;
      for (let l = 0; l < lists.length; l++) if (lists[l]![at[l]!] === min) at[l]!++; // disjoint: one list moves
      if (!fn(min)) return;
    }
  }

  /** Applies every clock transition due by now: the items' shown status and their scopes' counts. */
  private advance(): void {
    const now = this.clock();
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      this.heap.pop();
      const item = this.items.get(top.id);
      if (!item || this.scheduled.get(top.id) !== top.at) continue;
      this.scheduled.delete(top.id);
      const keys = keysOf(item);
      for (const key of keys) count(this.buckets.get(key)!.tallies, item, -1);
      this.judge(item, now);
      for (const key of keys) count(this.buckets.get(key)!.tallies, item, 1);
      this.schedule(item, now);
    }
  }

  private judge(item: T, now: number): void {
    item.sortAt ??= item.nextDeadline === undefined ? Infinity : Date.parse(item.nextDeadline);
    const s = shownStatus(item.recordedStatus, { dueAt: item.nextDeadline, dueSoonAt: item.dueSoonAt }, now);
    item.deadlineStatus = s.status;
    // Assigned, never deleted: a delete would turn every item into a slow dictionary object.
    item.pending = s.pending ? true : undefined;
  }

  private schedule(item: T, now: number): void {
    const at = nextTransition(item.recordedStatus, { dueAt: item.nextDeadline, dueSoonAt: item.dueSoonAt }, now);
    if (at === undefined) return;
    this.scheduled.set(item.id, at);
    this.heap.push({ at, id: item.id });
    // Entries left by replaced items wait for their instant: rebuilt once they outnumber the live ones.
    if (this.heap.size > 2 * this.scheduled.size + 1024) {
      this.heap = new InstantHeap();
      for (const [id, t] of this.scheduled) this.heap.push({ at: t, id });
    }
  }
}
