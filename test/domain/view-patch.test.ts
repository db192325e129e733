import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyViewPatch, diffView, jsonForm, type Json } from '../../domain/view-patch.js';

const value = fc.jsonValue({ maxDepth: 3 }).map(jsonForm);
const view = fc
  .dictionary(
    fc.constantFrom('state', 'context', 'deadlines', 'inbox', 'closed', 'outcome'),
    fc.oneof(value, fc.array(value, { maxLength: 6 })),
  )
  .map(jsonForm);

describe('a view patch (issue 23: an append carries the changes of the view, not the whole view)', () => {
  it('applied to the view it was made from, gives the new view, whatever the two views, and leaves the base as it was', () => {
    fc.assert(
      fc.property(view, view, (a, b) => {
        const base = structuredClone(a);
        const ops = jsonForm(diffView(a, b)) as unknown as Parameters<typeof applyViewPatch>[1];
        expect(applyViewPatch(a, ops)).toEqual(b);
        expect(a).toEqual(base);
      }),
      { numRuns: 200 },
    );
  });

  it('carries only what changed: a field deep in an object, the elements a grown array gained; nothing of an unchanged view', () => {
    const before = jsonForm({ state: 'reported', context: { organ: '天河区某办', lateFlags: [] }, inbox: [{ id: 1 }, { id: 2 }] });
    const now = jsonForm({
      state: 'reported',
      context: { organ: '天河区某办', lateFlags: [{ at: 'T' }] },
      inbox: [{ id: 1 }, { id: 2 }, { id: 3 }],
      closed: true,
    });
    expect(diffView(before, now)).toEqual([
      { op: 'splice', path: ['context', 'lateFlags'], from: 0, items: [{ at: 'T' }] },
      { op: 'splice', path: ['inbox'], from: 2, items: [{ id: 3 }] },
      { op: 'set', path: ['closed'], value: true },
    ]);
    expect(diffView(now, now)).toEqual([]);
    // A field that became undefined (JSON drops it) is unset.
    expect(diffView(now, jsonForm({ ...(now as object), closed: undefined }))).toEqual([{ op: 'unset', path: ['closed'] }]);
  });

  it('refuses a path the base does not hold, and a splice past an array end', () => {
    const base: Json = { inbox: [], context: 'x' };
    expect(() => applyViewPatch(base, [{ op: 'set', path: ['context', 'organ'], value: 1 }])).toThrow(RangeError);
    expect(() => applyViewPatch(base, [{ op: 'splice', path: ['inbox'], from: 2, items: [] }])).toThrow(/inbox/);
    expect(() => applyViewPatch(base, [{ op: 'splice', path: ['context'], from: 0, items: [] }])).toThrow(RangeError);
  });
});
