/** A case's headline (its reference and title) from the start input's own fields: pure, used by the record store and the API. */
import { z } from 'zod';
import type { ProcedureDefinition } from './procedure.js';

/** What tells two cases of one kind apart in a list: its reference (事项编号、事件编号 …) and title. */
export interface CaseHeadline {
  reference?: string;
  title?: string;
}

const startKeys = new WeakMap<ProcedureDefinition, string[]>();
/** The start input's field names, from its zod schema (a sixth procedure's too). */
function keysOf(def: ProcedureDefinition): string[] {
  let keys = startKeys.get(def);
  if (!keys) {
    const json = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as { properties?: object };
    keys = Object.keys(json.properties ?? {});
    startKeys.set(def, keys);
  }
  return keys;
}

/**
 * A case's headline from its context, by the start input's own fields: the reference is the
 * field named …Ref, the title `title` or `summary`; without a reference, the first entered value
 * that names no party (e.g. the self-inspection's year).
 */
export function caseHeadline(def: ProcedureDefinition, context: Record<string, unknown>): CaseHeadline {
  const keys = keysOf(def).filter((k) => k !== def.startedBy && !/Id$/.test(k));
  const value = (k: string | undefined) => {
    const v = k === undefined ? undefined : context[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  const reference =
    value(keys.find((k) => /Ref$/.test(k))) ?? value(keys.find((k) => value(k) !== undefined && k !== 'title' && k !== 'summary'));
  const title = value(keys.find((k) => k === 'title')) ?? value(keys.find((k) => k === 'summary'));
  return { ...(reference ? { reference } : {}), ...(title ? { title } : {}) };
}
