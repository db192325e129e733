/**
 * What changed in a procedure's view since it was last written to the record (SPEC §4a), so that an
 * append carries its changes rather than the whole view through Temporal's history (issue 23: a
 * deadline storm's pass wrote 10–20 KB of view into each history). Pure: the workflow computes the
 * patch, the record store applies it to the view it holds.
 *
 * Views are compared in their JSON form, field by field down the objects and element by element
 * along the arrays; an array that grew or shrank at its end is spliced there.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

export type ViewOp =
  | { op: 'set'; path: Path; value: Json }
  | { op: 'unset'; path: Path }
  /** The array at `path` keeps its first `from` elements, then `items`. */
  | { op: 'splice'; path: Path; from: number; items: Json[] };

/** A view as JSON carries it (fields set to undefined are absent): what the record holds. */
export const jsonForm = (view: unknown): Json => JSON.parse(JSON.stringify(view)) as Json;

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function equal(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/** The operations that make `after` of `before` (both in JSON form). */
export function diffView(before: Json, after: Json, path: Path = [], ops: ViewOp[] = []): ViewOp[] {
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) if (!Object.hasOwn(after, k)) ops.push({ op: 'unset', path: [...path, k] });
    for (const [k, v] of Object.entries(after))
      if (Object.hasOwn(before, k)) diffView(before[k]!, v, [...path, k], ops);
      else ops.push({ op: 'set', path: [...path, k], value: v });
  } else if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) diffView(before[i]!, after[i]!, [...path, i], ops);
    if (before.length !== after.length) ops.push({ op: 'splice', path, from: common, items: after.slice(common) });
  } else if (!equal(before, after)) ops.push({ op: 'set', path, value: after });
  return ops;
}

/** Only a field the value itself holds: never one it inherits (`toString`, `__proto__`). */
const own = (container: object, key: string | number): Json | undefined =>
  Object.hasOwn(container, key) ? (container as Record<string | number, Json>)[key] : undefined;

/** Sets a field as data, so a key named `__proto__` is a field and never the object's prototype. */
const put = (container: object, key: string | number, value: Json) =>
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });

/**
 * The view the operations make of `base` (not changed); a path the base does not hold is refused.
 * The store applies patches that came through a workflow's history, so a path only ever walks and
 * writes the view's own fields (no prototype is reachable through it).
 */
export function applyViewPatch(base: Json, ops: readonly ViewOp[]): Json {
  const root = { v: structuredClone(base) } as { v: Json };
  for (const o of ops) {
    const full: Path = ['v', ...o.path];
    let parent: object = root;
    for (const step of full.slice(0, -1)) {
      const next = own(parent, step);
      if (typeof next !== 'object' || next === null) throw new RangeError(`view patch: no ${o.path.join('.')}`);
      parent = next;
    }
    const key = full.at(-1)!;
    const container = parent;
    if (o.op === 'set') put(container, key, o.value);
    else if (o.op === 'unset') delete (container as Record<string | number, unknown>)[key];
    else {
      const arr = own(container, key);
      if (!Array.isArray(arr) || o.from > arr.length)
        throw new RangeError(`view patch: ${o.path.join('.')} cannot be spliced at ${o.from}`);
      put(container, key, [...arr.slice(0, o.from), ...o.items]);
    }
  }
  return root.v;
}
