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
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** The operations that make `after` of `before` (both in JSON form). */
export function diffView(before: Json, after: Json, path: Path = [], ops: ViewOp[] = []): ViewOp[] {
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) if (!(k in after)) ops.push({ op: 'unset', path: [...path, k] });
    for (const [k, v] of Object.entries(after))
      if (k in before) diffView(before[k]!, v, [...path, k], ops);
      else ops.push({ op: 'set', path: [...path, k], value: v });
  } else if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) diffView(before[i]!, after[i]!, [...path, i], ops);
    if (before.length !== after.length) ops.push({ op: 'splice', path, from: common, items: after.slice(common) });
  } else if (!equal(before, after)) ops.push({ op: 'set', path, value: after });
  return ops;
}

/** The view the operations make of `base` (not changed); a path the base does not hold is refused. */
export function applyViewPatch(base: Json, ops: readonly ViewOp[]): Json {
  const root = { v: structuredClone(base) } as { v: Json };
  for (const o of ops) {
    const full: Path = ['v', ...o.path];
    let parent = root as unknown as Json;
    for (const step of full.slice(0, -1)) {
      const next = (parent as Record<string | number, Json | undefined>)[step];
      if (typeof next !== 'object' || next === null) throw new RangeError(`view patch: no ${o.path.join('.')}`);
      parent = next;
    }
    const key = full.at(-1)!;
    const container = parent as Record<string | number, Json | undefined>;
    if (o.op === 'set') container[key] = o.value;
    else if (o.op === 'unset') delete container[key];
    else {
      const arr = container[key];
      if (!Array.isArray(arr) || o.from > arr.length)
        throw new RangeError(`view patch: ${o.path.join('.')} cannot be spliced at ${o.from}`);
      container[key] = [...arr.slice(0, o.from), ...o.items];
    }
  }
  return root.v;
}
