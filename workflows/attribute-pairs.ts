/**
 * A procedure's search attributes from its state, without the workflow runtime: the driver
 * upserts them after every change (attributes.ts), the API sets them at the start (issue 14).
 */
import type { SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import type { AnyMachineSnapshot } from 'xstate';
import { jurisdictionPrefix, regionPrefixes, type PartyRef } from '../domain/parties.js';
import { stateMetaOf, stateValueOf } from '../machines/procedure.js';
import { SA } from './search-attributes.js';
import type { DeadlineRecord } from '../domain/procedure-view.js';

type DeadlineFacts = Pick<DeadlineRecord, 'status' | 'dueAt' | 'rule' | 'provisional' | 'dueFired' | 'dueSoonDone'>;

export interface AttributeSource {
  kind: string;
  snapshot: AnyMachineSnapshot;
  deadlines: readonly DeadlineFacts[];
  deliveryFailures: number;
  /** Who was last responsible: a closed procedure counts under that tier. */
  lastResponsible?: PartyRef;
  /** When this change happened (workflow time; the start's instant at the API): the board's watermark. */
  updatedAt: Date;
}

export function deadlineStatus(deadlines: readonly DeadlineFacts[]): string {
  const running = deadlines.filter((r) => r.status === 'running');
  if (running.some((r) => r.dueFired)) return 'overdue';
  if (running.some((r) => r.dueSoonDone)) return 'due_soon';
  if (running.length) return 'on_track';
  if (deadlines.some((r) => r.status === 'suspended')) return 'suspended';
  return deadlines.filter((r) => r.status === 'met' || r.status === 'met_late').at(-1)?.status ?? 'none';
}

/** The attributes, and who is responsible now (or was last). */
export function attributePairs(a: AttributeSource): { pairs: SearchAttributeUpdatePair[]; responsible?: PartyRef } {
  const c = a.snapshot.context as { parties: Record<string, PartyRef | undefined>; region: string };
  const key = stateMetaOf(a.snapshot)?.responsible;
  const responsible = (key ? c.parties[key] : undefined) ?? a.lastResponsible;
  const parties = Object.values(c.parties).filter((p): p is PartyRef => !!p);
  const nextRecord = a.deadlines.filter((r) => r.status === 'running').sort((x, y) => Date.parse(x.dueAt) - Date.parse(y.dueAt))[0];
  const pairs = [
    { key: SA.kind, value: a.kind },
    { key: SA.state, value: stateValueOf(a.snapshot) },
    { key: SA.responsible, value: responsible?.id ?? 'none' },
    { key: SA.tier, value: responsible?.tier ?? 'none' },
    { key: SA.region, value: c.region },
    {
      key: SA.regionScope,
      value: [...new Set(parties.flatMap((p) => regionPrefixes(p.region)).concat(jurisdictionPrefix(c.region) || 'national'))],
    },
    { key: SA.parties, value: [...new Set(parties.map((p) => p.id))] },
    { key: SA.organ, value: parties[0]?.id ?? 'none' },
    { key: SA.nextDeadline, value: nextRecord ? new Date(nextRecord.dueAt) : null },
    { key: SA.deadlineStatus, value: deadlineStatus(a.deadlines) },
    { key: SA.deadlineRule, value: nextRecord?.rule ?? 'none' },
    { key: SA.provisional, value: a.deadlines.some((r) => r.status === 'running' && r.provisional) },
    { key: SA.closed, value: a.snapshot.status === 'done' },
    { key: SA.deliveryFailed, value: a.deliveryFailures > 0 },
    { key: SA.updatedAt, value: a.updatedAt },
  ] as SearchAttributeUpdatePair[];
  return { pairs, ...(responsible ? { responsible } : {}) };
}

/**
 * The pairs whose value differs from what the procedure already has (e.g. what its start set),
 * with the watermark (BmUpdatedAt) only when something else changed.
 */
export function changedPairs(pairs: SearchAttributeUpdatePair[], current: TypedSearchAttributes): SearchAttributeUpdatePair[] {
  const norm = (v: unknown) => JSON.stringify(v instanceof Date ? v.toISOString() : (v ?? null));
  const changed = pairs.filter((p) => p.key.name !== SA.updatedAt.name && norm(current.get(p.key)) !== norm(p.value));
  return changed.length ? [...changed, ...pairs.filter((p) => p.key.name === SA.updatedAt.name)] : [];
}
