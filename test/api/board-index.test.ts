import { describe, expect, it } from 'vitest';
import { BoardIndex, type IndexItem } from '../../api/board-index.js';
import { scopeKeys } from '../../api/scope.js';
import { nextTransition, shownStatus } from '../../domain/deadline/shown-status.js';
import type { PartyRef } from '../../domain/parties.js';

const T0 = Date.parse('2027-02-17T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function item(id: string, o: Partial<IndexItem> = {}): IndexItem {
  return {
    id,
    kind: 'leak',
    tier: 'provincial',
    parties: ['org-gz-bureau', 'auth-440000'],
    regionScope: ['44', '4401'],
    recordedStatus: 'on_track',
    deadlineStatus: 'on_track',
    deliveryFailed: false,
    ...o,
  };
}

const authority = (id: string, tier: PartyRef['tier'], region: string): PartyRef => ({ id, name: id, type: 'authority', tier, region });

describe('the status a supervisor sees at an instant (issue 28)', () => {
  const next = { dueAt: at(60), dueSoonAt: at(48) };

  it('is overdue from the deadline’s instant and due soon from the policy’s share, flagged until the workflow records it', () => {
    expect(shownStatus('on_track', next, T0)).toEqual({ status: 'on_track', pending: false });
    expect(shownStatus('on_track', next, Date.parse(at(48)))).toEqual({ status: 'due_soon', pending: true });
    expect(shownStatus('due_soon', next, Date.parse(at(48)))).toEqual({ status: 'due_soon', pending: false });
    expect(shownStatus('due_soon', next, Date.parse(at(60)) - 1)).toEqual({ status: 'due_soon', pending: false });
    expect(shownStatus('due_soon', next, Date.parse(at(60)))).toEqual({ status: 'overdue', pending: true });
    expect(shownStatus('overdue', next, Date.parse(at(60)))).toEqual({ status: 'overdue', pending: false });
  });

  it('never shows less than what was recorded, and leaves a suspended or deadline-less procedure alone', () => {
    expect(shownStatus('overdue', next, T0)).toEqual({ status: 'overdue', pending: false });
    expect(shownStatus('suspended', next, Date.parse(at(90)))).toEqual({ status: 'suspended', pending: false });
    expect(shownStatus('none', {}, Date.parse(at(90)))).toEqual({ status: 'none', pending: false });
  });

  it('names the next instant at which the clock alone changes it', () => {
    expect(nextTransition('on_track', next, T0)).toBe(Date.parse(at(48)));
    expect(nextTransition('on_track', next, Date.parse(at(50)))).toBe(Date.parse(at(60)));
    expect(nextTransition('due_soon', next, T0)).toBe(Date.parse(at(60)));
    expect(nextTransition('overdue', next, T0)).toBeUndefined();
    expect(nextTransition('on_track', { dueAt: at(60) }, T0)).toBe(Date.parse(at(60)));
    expect(nextTransition('on_track', next, Date.parse(at(60)))).toBeUndefined();
  });
});

describe('the board’s index of open procedures', () => {
  it('keeps each scope in order of next deadline as items come, change and go', () => {
    const index = new BoardIndex<IndexItem>(() => T0);
    index.upsert(item('b', { nextDeadline: at(30) }));
    index.upsert(item('a', { nextDeadline: at(20) }));
    index.upsert(item('c'));
    index.upsert(item('d', { nextDeadline: at(10), parties: ['org-nj-bureau', 'auth-320000'], regionScope: ['32', '3201'] }));
    expect(index.all().map((i) => i.id)).toEqual(['d', 'a', 'b', 'c']);
    index.upsert(item('a', { nextDeadline: at(40) }));
    expect(index.all().map((i) => i.id)).toEqual(['d', 'b', 'a', 'c']);
    const gd = scopeKeys(authority('auth-440000', 'provincial', '440000'));
    expect(index.page(gd, undefined, 0, 10)).toEqual({ items: [index.get('b'), index.get('a'), index.get('c')], total: 3 });
    expect(index.page(gd, undefined, 1, 1).items.map((i) => i.id)).toEqual(['a']);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.page(gd, undefined, 0, 10).items.map((i) => i.id)).toEqual(['a', 'c']);
    expect(index.page(scopeKeys(authority('auth-000000', 'national', '000000')), undefined, 0, 10).total).toBe(3);
  });

  it('shows an authority its jurisdiction and the procedures it is a party to elsewhere, each once', () => {
    const index = new BoardIndex<IndexItem>(() => T0);
    index.upsert(item('gz', { nextDeadline: at(10) }));
    index.upsert(item('nj-with-gd', { nextDeadline: at(5), parties: ['org-nj-bureau', 'auth-440000'], regionScope: ['32'] }));
    index.upsert(item('nj', { nextDeadline: at(1), parties: ['org-nj-bureau'], regionScope: ['32'] }));
    const gd = scopeKeys(authority('auth-440000', 'provincial', '440000'));
    expect(index.page(gd, undefined, 0, 10).items.map((i) => i.id)).toEqual(['nj-with-gd', 'gz']);
    expect(index.tallies(gd).byKind.get('leak')).toEqual({ open: 2, dueSoon: 0, overdue: 0 });
  });

  it('turns a procedure red at its deadline’s instant, and counts it, without being told', () => {
    let now = T0;
    const index = new BoardIndex<IndexItem>(() => now);
    index.upsert(item('x', { nextDeadline: at(60), dueSoonAt: at(48) }));
    index.upsert(item('y', { nextDeadline: at(90), dueSoonAt: at(72), deliveryFailed: true, tier: 'municipal' }));
    const all = ['*'];
    const kinds = () => index.tallies(all).byKind.get('leak');
    expect(kinds()).toEqual({ open: 2, dueSoon: 0, overdue: 0 });
    now = Date.parse(at(48));
    expect(index.get('x')).toMatchObject({ deadlineStatus: 'due_soon', pending: true });
    expect(kinds()).toEqual({ open: 2, dueSoon: 1, overdue: 0 });
    now = Date.parse(at(60));
    expect(index.get('x')).toMatchObject({ deadlineStatus: 'overdue', pending: true });
    expect(index.page(all, (i) => i.deadlineStatus === 'overdue', 0, 10).items.map((i) => i.id)).toEqual(['x']);
    expect(index.tallies(all).byTier.get('provincial')).toEqual({ open: 1, dueSoon: 0, overdue: 1 });
    expect(index.tallies(all).deliveryFailed).toBe(1);
    // The workflow records its pass: the flag clears.
    index.upsert(item('x', { nextDeadline: at(60), dueSoonAt: at(48), recordedStatus: 'overdue' }));
    expect(index.get('x')!.pending).toBeUndefined();
    expect(index.get('x')!.deadlineStatus).toBe('overdue');
    expect(kinds()).toEqual({ open: 2, dueSoon: 0, overdue: 1 });
  });
});
