import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { procedureOf } from '../machines/index.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { viewQuery } from '../workflows/messages.js';

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

/**
 * Headlines of the cases a list shows, read from each procedure's view once: what a case was
 * started with does not change. The lists ask only for cases the caller may see already.
 */
export class CaseHeadlines {
  private readonly cache = new Map<string, Promise<CaseHeadline>>();
  constructor(private readonly client: Client) {}

  of(id: string, kind: string): Promise<CaseHeadline> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const def = procedureOf(kind);
    if (!def) return Promise.resolve({});
    const read = this.client.workflow
      .getHandle(id)
      .query(viewQuery)
      .then((v) => caseHeadline(def, v.context));
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(id, read);
    // A procedure not ready or unreachable now is read again next time.
    read.catch(() => this.cache.delete(id));
    return read.catch(() => ({}));
  }

  /** Each row with its case's headline beside it. */
  with<T extends { id: string; kind: string }>(rows: readonly T[]): Promise<Array<T & CaseHeadline>> {
    return Promise.all(rows.map(async (r) => ({ ...r, ...(await this.of(r.id, r.kind)) })));
  }
}
