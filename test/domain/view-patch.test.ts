import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyViewPatch, diffView, jsonForm, type Json } from '../../domain/view-patch.js';

// Keys an object inherits or that name its prototype are fields like any other in a view.
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('toString', 'constructor', '__proto__', 'hasOwnProperty'));
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 })),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 4 }),
  ),
}));
const value = json.map(jsonForm);
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

  it('treats inherited names as plain fields: a key `toString` is diffed and unset, and `__proto__` never reaches a prototype', () => {
    const withToString = JSON.parse('{"outcome":[{"toString":0}]}') as Json;
    const plain = jsonForm({ outcome: [{}] });
    expect(diffView(withToString, plain)).toEqual([{ op: 'unset', path: ['outcome', 0, 'toString'] }]);
    expect(diffView(plain, withToString)).toEqual([{ op: 'set', path: ['outcome', 0, 'toString'], value: 0 }]);
    expect(applyViewPatch(plain, diffView(plain, withToString))).toEqual(withToString);

    // An insider's patch through a workflow history that aims at the store's prototypes.
    const attack = JSON.parse(
      '[{"op":"set","path":["__proto__","polluted"],"value":1},{"op":"set","path":["context","__proto__"],"value":{"polluted":2}}]',
    ) as Parameters<typeof applyViewPatch>[1];
    expect(() => applyViewPatch({ context: {} }, attack)).toThrow(RangeError);
    const made = applyViewPatch({ context: {} }, attack.slice(1)) as { context: object };
    expect(Object.getPrototypeOf(made.context)).toBe(Object.prototype);
    expect(Object.hasOwn(made.context, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => applyViewPatch({ context: {} }, [{ op: 'set', path: ['context', 'toString', 'x'], value: 1 }])).toThrow(RangeError);
  });

  it('refuses a path the base does not hold, and a splice past an array end', () => {
    const base: Json = { inbox: [], context: 'x' };
    expect(() => applyViewPatch(base, [{ op: 'set', path: ['context', 'organ'], value: 1 }])).toThrow(RangeError);
    expect(() => applyViewPatch(base, [{ op: 'splice', path: ['inbox'], from: 2, items: [] }])).toThrow(/inbox/);
    expect(() => applyViewPatch(base, [{ op: 'splice', path: ['context'], from: 0, items: [] }])).toThrow(RangeError);
  });
});
