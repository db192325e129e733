/**
 * Pure checks the driver makes before it accepts an Update: when a fact happened (SPEC §2 "When
 * it happened"), whether the sender holds the role an event requires, who may recompute deadlines or refresh recipients,
 * and how the audit trail names the person acting.
 */
import { ROLE_LABELS } from '../domain/labels.zh.js';
import { OCCURRED_AT_ZH, REJECTIONS_ZH, START_FACT_LABELS, START_FACT_ZH } from '../domain/rejections.zh.js';
import type { PartyRef, Role } from '../domain/parties.js';
import { dayOf, isDate, parseInstant, shanghaiDateOf, shanghaiDayOfMs } from '../domain/time.js';
import type { EventSpec } from '../machines/procedure.js';
import type { Actor } from '../domain/procedure-view.js';

export interface FieldError {
  field: string;
  message: string;
  /** The reason in Chinese, for the form (domain/rejections.zh.ts). */
  messageZh?: string;
}

const EXAMPLE = 'an ISO 8601 instant with its offset, e.g. 2025-09-30T21:30:00+08:00';

/**
 * `occurredAt` of a fact event: an instant with its offset, not in the future, not before the
 * procedure's start fact (a date is compared by its Beijing day: the statute counts in days),
 * not before the fact of the previous event a party sent. Returns the instant in UTC.
 */
export function checkOccurredAt(
  value: unknown,
  o: { now: number; startFact?: { key: string; value: unknown }; previous?: { type: string; at: string; label?: string } },
): { at: string } | { error: FieldError } {
  const fail = (message: string, messageZh: string) => ({ error: { field: 'occurredAt', message, messageZh } });
  let ms: number;
  try {
    if (typeof value !== 'string') throw new RangeError('not a string');
    ms = parseInstant(value);
  } catch {
    return fail(`expected ${EXAMPLE}`, OCCURRED_AT_ZH.notAnInstant);
  }
  const nowIso = new Date(o.now).toISOString();
  if (ms > o.now) return fail(`${value} is in the future; allowed: an instant up to now (${nowIso})`, OCCURRED_AT_ZH.future(value, nowIso));
  const start = o.startFact?.value;
  const startLabel = START_FACT_LABELS[o.startFact?.key ?? ''] ?? '起始事实';
  if (typeof start === 'string' && isDate(start)) {
    if (shanghaiDayOfMs(ms) < dayOf(start)) {
      return fail(
        `${value} (Beijing date ${shanghaiDateOf(ms)}) is before the procedure's start fact (${o.startFact!.key} ${start}); allowed: from ${start} (Beijing time) up to now`,
        OCCURRED_AT_ZH.beforeStartDate(value, startLabel, start),
      );
    }
  } else if (typeof start === 'string' && !Number.isNaN(Date.parse(start)) && ms < Date.parse(start)) {
    return fail(
      `${value} is before the procedure's start fact (${o.startFact!.key} ${start}); allowed: from ${start} up to now`,
      OCCURRED_AT_ZH.beforeStartInstant(value, startLabel, start),
    );
  }
  if (o.previous && ms < Date.parse(o.previous.at)) {
    return fail(
      `${value} is before the previous event (${o.previous.type}, ${o.previous.at}); allowed: from ${o.previous.at} up to now`,
      OCCURRED_AT_ZH.beforePrevious(value, o.previous.label ?? '上一事件', o.previous.at),
    );
  }
  return { at: new Date(ms).toISOString() };
}

/**
 * The start facts a start input holds (the definition's `startFact`, already of the schema's format;
 * one it does not hold is derived, not entered): not in the future (SPEC §2 "When it happened"), judged as `occurredAt` is, against the same `now`
 * with no tolerance; a date by its Beijing day (the statute counts in days), so today is allowed.
 */
export function checkStartFacts(facts: readonly string[], input: Record<string, unknown>, now: number): FieldError[] {
  const errors: FieldError[] = [];
  const nowIso = new Date(now).toISOString();
  for (const field of facts) {
    const value = input[field];
    if (typeof value !== 'string') continue;
    const label = START_FACT_LABELS[field] ?? field;
    if (isDate(value)) {
      const today = shanghaiDateOf(nowIso);
      if (dayOf(value) > shanghaiDayOfMs(now))
        errors.push({
          field,
          message: `${value} is in the future (today is ${today}, Beijing time): a start fact records what has happened (SPEC §2); allowed: a date up to ${today}`,
          messageZh: START_FACT_ZH.futureDate(label, value, today),
        });
      continue;
    }
    let ms: number;
    try {
      ms = parseInstant(value);
    } catch {
      continue; // the schema judges the format
    }
    if (ms > now)
      errors.push({
        field,
        message: `${value} is in the future: a start fact records what has happened (SPEC §2); allowed: an instant up to now (${nowIso})`,
        messageZh: START_FACT_ZH.futureInstant(label, value, nowIso),
      });
  }
  return errors;
}

/** `occurredAt` on an event that records no fact. */
export function notAFact(type: string, events: Record<string, EventSpec>): FieldError {
  const facts = Object.keys(events).filter((t) => events[t]!.fact);
  return {
    field: 'occurredAt',
    message: `${type} records no fact, so it takes no occurredAt; allowed on: ${facts.join(', ') || 'no event of this procedure'}`,
    messageZh: OCCURRED_AT_ZH.notAFact(
      events[type]?.label ?? type,
      facts.map((t) => events[t]!.label),
    ),
  };
}

/** A refusal in English (the log, API clients) and in Chinese (the pages). */
export interface Refusal {
  message: string;
  messageZh: string;
}

/** The role an event requires (e.g. 负责人, Regs 63; a binding decision's sign-off, 本地策略), when the sending person lacks it. */
export function missingRole(
  type: string,
  spec: EventSpec,
  required: { role: Role; basis: string | undefined; signOff: boolean } | undefined,
  actor: Actor,
): Refusal | undefined {
  if (!required || actor.roles?.includes(required.role)) return undefined;
  const who = actor.person
    ? `${actor.person.name} holds ${actor.roles?.map((r) => ROLE_LABELS[r]).join('、') || 'no role'}`
    : 'the request names no person';
  const person = actor.person && { name: actor.person.name, roles: actor.roles ?? [] };
  if (required.signOff)
    return {
      message: `${type} (${spec.label}) is a binding decision of the authority: it must be signed off by its 负责人 (head), not sent by a 经办人 alone (policy headSignOff, 本地策略; cf. Regs 63); ${who}`,
      messageZh: REJECTIONS_ZH.missingSignOff(spec.label, person),
    };
  return {
    message: `${type} (${spec.label}) may be sent only by the ${ROLE_LABELS[required.role]} (${required.role}) of the sending party${required.basis ? ` (${required.basis})` : ''}; ${who}`,
    messageZh: REJECTIONS_ZH.missingRole(spec.label, required.role, required.basis, person),
  };
}

/**
 * Who may recompute a procedure's deadlines after a calendar update (SPEC §2): an authority that
 * is a party of the procedure (every procedure has the national authority among its parties), or
 * an operator with the 'admin' role (scripts/recompute-provisional.ts). Not an organ: the
 * recomputation moves the due dates it must meet.
 */
export function mayRecompute(actor: Actor | undefined, parties: Record<string, PartyRef | undefined>): Refusal | undefined {
  if (actor?.roles?.includes('admin')) return undefined;
  const authorities = [...new Map(Object.values(parties).flatMap((p) => (p?.type === 'authority' ? [[p.id, p] as const] : []))).values()];
  if (actor && authorities.some((a) => a.id === actor.id)) return undefined;
  return {
    message: `recomputeDeadlines may be sent only by an authority of this procedure (${authorities.map((a) => a.id).join(', ')}) or by a ${ROLE_LABELS.admin} (admin), not by ${actor?.id ?? 'an anonymous actor'}`,
    messageZh: REJECTIONS_ZH.recomputeNotAllowed(authorities.map((a) => a.name)),
  };
}

/**
 * Who may refresh a procedure's recipients from the registry in force: an operator with the 'admin'
 * role (scripts/refresh-recipients.ts), who deploys the registry. Not a party: where the notices,
 * reminders and escalations of a procedure go is the deployment's, not the parties', to set.
 */
export function mayRefresh(actor: Actor | undefined): Refusal | undefined {
  if (actor?.roles?.includes('admin')) return undefined;
  return {
    message: `refreshRecipients may be sent only by a ${ROLE_LABELS.admin} (admin), not by ${actor?.id ?? 'an anonymous actor'}`,
    messageZh: REJECTIONS_ZH.refreshNotAllowed,
  };
}

/** How the audit trail names a person acting for a party: "广东省国家保密局 张某（负责人）". */
export function actorLabel(actor: Actor, role?: Role): string | undefined {
  if (!actor.person) return undefined;
  const roles = role ? [role] : (actor.roles ?? []);
  return `${actor.name ?? actor.id} ${actor.person.name}${roles.length ? `（${roles.map((r) => ROLE_LABELS[r]).join('、')}）` : ''}`;
}
