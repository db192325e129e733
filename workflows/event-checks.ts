/**
 * Pure checks the driver makes before it accepts an Update: when a fact happened (SPEC §2 "When
 * it happened"), whether the sender holds the role an event requires, who may recompute deadlines,
 * and how the audit trail names the person acting.
 */
import { ROLE_LABELS } from '../domain/labels.zh.js';
import type { PartyRef, Role } from '../domain/parties.js';
import { dayOf, isDate, parseInstant, shanghaiDateOf, shanghaiDayOfMs } from '../domain/time.js';
import type { EventSpec } from '../machines/procedure.js';
import type { Actor } from './types.js';

export interface FieldError {
  field: string;
  message: string;
}

const EXAMPLE = 'an ISO 8601 instant with its offset, e.g. 2025-09-30T21:30:00+08:00';

/**
 * `occurredAt` of a fact event: an instant with its offset, not in the future, not before the
 * procedure's start fact (a date is compared by its Beijing day: the statute counts in days),
 * not before the fact of the previous event a party sent. Returns the instant in UTC.
 */
export function checkOccurredAt(
  value: unknown,
  o: { now: number; startFact?: { key: string; value: unknown }; previous?: { type: string; at: string } },
): { at: string } | { error: FieldError } {
  const fail = (message: string) => ({ error: { field: 'occurredAt', message } });
  let ms: number;
  try {
    if (typeof value !== 'string') throw new RangeError('not a string');
    ms = parseInstant(value);
  } catch {
    return fail(`expected ${EXAMPLE}`);
  }
  const nowIso = new Date(o.now).toISOString();
  if (ms > o.now) return fail(`${value} is in the future; allowed: an instant up to now (${nowIso})`);
  const start = o.startFact?.value;
  if (typeof start === 'string' && isDate(start)) {
    if (shanghaiDayOfMs(ms) < dayOf(start)) {
      return fail(
        `${value} (Beijing date ${shanghaiDateOf(ms)}) is before the procedure's start fact (${o.startFact!.key} ${start}); allowed: from ${start} (Beijing time) up to now`,
      );
    }
  } else if (typeof start === 'string' && !Number.isNaN(Date.parse(start)) && ms < Date.parse(start)) {
    return fail(`${value} is before the procedure's start fact (${o.startFact!.key} ${start}); allowed: from ${start} up to now`);
  }
  if (o.previous && ms < Date.parse(o.previous.at)) {
    return fail(`${value} is before the previous event (${o.previous.type}, ${o.previous.at}); allowed: from ${o.previous.at} up to now`);
  }
  return { at: new Date(ms).toISOString() };
}

/** `occurredAt` on an event that records no fact. */
export function notAFact(type: string, events: Record<string, EventSpec>): FieldError {
  const facts = Object.keys(events).filter((t) => events[t]!.fact);
  return {
    field: 'occurredAt',
    message: `${type} records no fact, so it takes no occurredAt; allowed on: ${facts.join(', ') || 'no event of this procedure'}`,
  };
}

/** The role an event requires (e.g. 负责人, Regs 63), when the sending person lacks it. */
export function missingRole(type: string, spec: EventSpec, actor: Actor): string | undefined {
  if (!spec.role || actor.roles?.includes(spec.role)) return undefined;
  const who = actor.person
    ? `${actor.person.name} holds ${actor.roles?.map((r) => ROLE_LABELS[r]).join('、') || 'no role'}`
    : 'the request names no person';
  return `${type} (${spec.label}) may be sent only by the ${ROLE_LABELS[spec.role]} (${spec.role}) of the sending party${spec.basis ? ` (${spec.basis})` : ''}; ${who}`;
}

/**
 * Who may recompute a procedure's deadlines after a calendar update (SPEC §2): an authority that
 * is a party of the procedure (every procedure has the national authority among its parties), or
 * an operator with the 'admin' role (scripts/recompute-provisional.ts). Not an organ: the
 * recomputation moves the due dates it must meet.
 */
export function mayRecompute(actor: Actor | undefined, parties: Record<string, PartyRef | undefined>): string | undefined {
  if (actor?.roles?.includes('admin')) return undefined;
  const authorities = [...new Set(Object.values(parties).flatMap((p) => (p?.type === 'authority' ? [p.id] : [])))];
  if (actor && authorities.includes(actor.id)) return undefined;
  return `recomputeDeadlines may be sent only by an authority of this procedure (${authorities.join(', ')}) or by a ${ROLE_LABELS.admin} (admin), not by ${actor?.id ?? 'an anonymous actor'}`;
}

/** How the audit trail names a person acting for a party: "广东省国家保密局 张某（负责人）". */
export function actorLabel(actor: Actor, role?: Role): string | undefined {
  if (!actor.person) return undefined;
  const roles = role ? [role] : (actor.roles ?? []);
  return `${actor.name ?? actor.id} ${actor.person.name}${roles.length ? `（${roles.map((r) => ROLE_LABELS[r]).join('、')}）` : ''}`;
}
