/** The typed search attributes of a procedure (search-attributes.ts), upserted after every change: metadata only. */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { jurisdictionPrefix, regionPrefixes, type PartyRef } from '../domain/parties.js';
import type { DeadlineRecord } from './types.js';
import { SA } from './search-attributes.js';
import { closed, ctx, responsibleParty, stateName, type Run } from './state.js';

export function deadlineStatus(deadlines: readonly DeadlineRecord[]): string {
  const running = deadlines.filter((r) => r.status === 'running');
  if (running.some((r) => r.dueFired)) return 'overdue';
  if (running.some((r) => r.dueSoonDone)) return 'due_soon';
  if (running.length) return 'on_track';
  if (deadlines.some((r) => r.status === 'suspended')) return 'suspended';
  return deadlines.filter((r) => r.status === 'met' || r.status === 'met_late').at(-1)?.status ?? 'none';
}

export function upsertAttributes(run: Run): void {
  const { s } = run;
  const c = ctx(run);
  const responsible = (s.lastResponsible = responsibleParty(run) ?? s.lastResponsible);
  const parties = Object.values(c.parties).filter((p): p is PartyRef => !!p);
  const nextRecord = s.deadlines.filter((r) => r.status === 'running').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  const next = nextRecord ? Date.parse(nextRecord.dueAt) : undefined;
  const pairs = [
    { key: SA.kind, value: run.def.kind },
    { key: SA.state, value: stateName(run) },
    { key: SA.responsible, value: responsible?.id ?? 'none' },
    { key: SA.tier, value: responsible?.tier ?? 'none' },
    { key: SA.region, value: c.region as string },
    {
      key: SA.regionScope,
      value: [...new Set(parties.flatMap((p) => regionPrefixes(p.region)).concat(jurisdictionPrefix(c.region as string) || 'national'))],
    },
    { key: SA.parties, value: [...new Set(parties.map((p) => p.id))] },
    { key: SA.organ, value: parties[0]?.id ?? 'none' },
    { key: SA.nextDeadline, value: next === undefined ? null : new Date(next) },
    { key: SA.deadlineStatus, value: deadlineStatus(s.deadlines) },
    { key: SA.deadlineRule, value: nextRecord?.rule ?? 'none' },
    { key: SA.provisional, value: s.deadlines.some((r) => r.status === 'running' && r.provisional) },
    { key: SA.closed, value: closed(run) },
    { key: SA.deliveryFailed, value: s.deliveryFailures > 0 },
    // Same upsert command with one more field: recorded histories replay unchanged (no patch).
    { key: SA.updatedAt, value: new Date() },
  ] as SearchAttributeUpdatePair[];
  upsertSearchAttributes(pairs);
}
