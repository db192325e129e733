import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardIndex, type Counts, type IndexItem } from '../../api/board-index.js';
import { canSeeByAttributes, scopeKeys } from '../../api/scope.js';
import { shownStatus } from '../../domain/deadline/shown-status.js';
import type { PartyRef } from '../../domain/parties.js';

const T0 = Date.parse('2027-02-17T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const CALLERS: PartyRef[] = [
  { id: 'auth-000000', name: '国家', type: 'authority', tier: 'national', region: '000000' },
  { id: 'auth-440000', name: '广东', type: 'authority', tier: 'provincial', region: '440000' },
  { id: 'auth-440100', name: '广州', type: 'authority', tier: 'municipal', region: '440100' },
  { id: 'auth-320000', name: '江苏', type: 'authority', tier: 'provincial', region: '320000' },
  { id: 'org-gz', name: '广州某局', type: 'organ', tier: 'municipal', region: '440100' },
  { id: 'org-nj', name: '南京某局', type: 'organ', tier: 'municipal', region: '320100' },
];

const minute = fc.integer({ min: 0, max: 120 });
const itemArb = fc
  .record({
    id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'),
    kind: fc.constantFrom('leak', 'objection'),
    tier: fc.constantFrom('provincial', 'municipal'),
    parties: fc.uniqueArray(fc.constantFrom(...CALLERS.map((c) => c.id)), { maxLength: 3 }),
    regionScope: fc.uniqueArray(fc.constantFrom('44', '4401', '32', '3201', 'national'), { maxLength: 3 }),
    due: fc.option(minute),
    soonBefore: fc.option(fc.integer({ min: 0, max: 30 })),
    recordedStatus: fc.constantFrom('on_track', 'due_soon', 'overdue', 'suspended', 'none'),
    deliveryFailed: fc.boolean(),
  })
  .map(({ due, soonBefore, ...r }): IndexItem => {
    const i: IndexItem = { ...r, deadlineStatus: r.recordedStatus };
    if (due !== null) i.nextDeadline = at(due);
    if (due !== null && soonBefore !== null) i.dueSoonAt = at(due - soonBefore);
    return i;
  });

type Op =
  | { op: 'upsert'; item: IndexItem }
  | { op: 'remove'; id: string }
  | { op: 'tick'; minutes: number }
  | { op: 'load' }
  | { op: 'page'; caller: number; status?: 'on_track' | 'due_soon' | 'overdue'; kind?: string; offset: number; size: number }
  | { op: 'tallies'; caller: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: itemArb.map((item) => ({ op: 'upsert' as const, item })), weight: 4 },
  { arbitrary: fc.constantFrom('p1', 'p2', 'p3', 'p4').map((id) => ({ op: 'remove' as const, id })), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((minutes) => ({ op: 'tick' as const, minutes })), weight: 2 },
  { arbitrary: fc.constant({ op: 'load' as const }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('page' as const),
      caller: fc.nat({ max: CALLERS.length - 1 }),
      status: fc.option(fc.constantFrom('on_track' as const, 'due_soon' as const, 'overdue' as const), { nil: undefined }),
      kind: fc.option(fc.constantFrom('leak', 'objection'), { nil: undefined }),
      offset: fc.nat({ max: 4 }),
      size: fc.integer({ min: 1, max: 5 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.nat({ max: CALLERS.length - 1 }).map((caller) => ({ op: 'tallies' as const, caller })), weight: 2 },
);

/** The naive board: every item filtered, judged and sorted at each read. */
function naive(items: Map<string, IndexItem>, caller: PartyRef, now: number) {
  return [...items.values()]
    .filter((i) => canSeeByAttributes(caller, i.parties, i.regionScope))
    .map((i) => {
      const s = shownStatus(i.recordedStatus, { dueAt: i.nextDeadline, dueSoonAt: i.dueSoonAt }, now);
      return {
        id: i.id,
        status: s.status,
        pending: s.pending,
        kind: i.kind,
        tier: i.tier,
        deliveryFailed: i.deliveryFailed,
        due: i.nextDeadline,
      };
    })
    .sort((a, b) => ((a.due ?? '9999') < (b.due ?? '9999') ? -1 : (a.due ?? '9999') > (b.due ?? '9999') ? 1 : a.id < b.id ? -1 : 1));
}

function naiveTallies(rows: ReturnType<typeof naive>, key: 'kind' | 'tier') {
  const out = new Map<string, Counts>();
  for (const r of rows) {
    const c = out.get(r[key]) ?? { open: 0, dueSoon: 0, overdue: 0 };
    c.open++;
    if (r.status === 'due_soon') c.dueSoon++;
    if (r.status === 'overdue') c.overdue++;
    out.set(r[key], c);
  }
  return out;
}

describe('the board’s index answers as a naive filter and sort would (issue 28)', () => {
  it('over any run of upserts, removals, loads, clock ticks, pages and counts', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        let now = T0;
        const index = new BoardIndex<IndexItem>(() => now);
        const model = new Map<string, IndexItem>();
        for (const o of ops) {
          if (o.op === 'upsert') {
            index.upsert({ ...o.item });
            model.set(o.item.id, o.item);
          } else if (o.op === 'remove') {
            expect(index.remove(o.id)).toBe(model.delete(o.id));
          } else if (o.op === 'tick') now += o.minutes * 60_000;
          else if (o.op === 'load') index.load([...model.values()].map((i) => ({ ...i })));
          else if (o.op === 'page') {
            const caller = CALLERS[o.caller]!;
            const pred =
              o.status || o.kind
                ? (i: IndexItem) => (!o.status || i.deadlineStatus === o.status) && (!o.kind || i.kind === o.kind)
                : undefined;
            const got =
              o.status && o.status !== 'on_track' && !o.kind
                ? index.pageOfStatus(scopeKeys(caller), o.status, o.offset, o.size)
                : index.page(scopeKeys(caller), pred, o.offset, o.size);
            const want = naive(model, caller, now).filter((r) => (!o.status || r.status === o.status) && (!o.kind || r.kind === o.kind));
            expect(got.total).toBe(want.length);
            expect(got.items.map((i) => [i.id, i.deadlineStatus, !!i.pending])).toEqual(
              want.slice(o.offset, o.offset + o.size).map((r) => [r.id, r.status, r.pending]),
            );
          } else {
            const caller = CALLERS[o.caller]!;
            const rows = naive(model, caller, now);
            const t = index.tallies(scopeKeys(caller));
            expect(t.byKind).toEqual(naiveTallies(rows, 'kind'));
            expect(t.byTier).toEqual(naiveTallies(rows, 'tier'));
            expect(t.deliveryFailed).toBe(rows.filter((r) => r.deliveryFailed).length);
          }
        }
        expect(index.size).toBe(model.size);
      }),
      { numRuns: 500 },
    );
  });
});
