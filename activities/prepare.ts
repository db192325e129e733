/**
 * The preparation of a start, without I/O: the parties from the registry, the local policy, the
 * working calendar's days, the first state's deadlines from the deadline engine, the recipients of its first notices,
 * each party's contact and escalation ladder. The
 * preparation activity runs it for starts that come without it (Schedules); the API runs the
 * same function before the start and puts the result in the start input (issue 14).
 */
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import { escalationLadder } from '../domain/ladder.js';
import type { PartyRef } from '../domain/parties.js';
import type { Policy } from '../domain/policy.js';
import type { Registry } from '../domain/registry/registry.js';
import { deadlineRequests } from '../machines/deadline-requests.js';
import { machineInput, type ProcedureDefinition } from '../machines/procedure.js';
import { noticeKey, type PrepareResult } from '../workflows/prepared.js';
import type { Recipient } from '../domain/procedure-view.js';

export interface PrepareDeps {
  registry: Registry;
  policy: Policy;
  calendar: () => WorkCalendar;
  /** The deployment delivers e-mail (BM_SMTP_URL): a channel beside the webhook. */
  email: boolean;
}

/** The recipients of a notice to a party: its contact in the registry. */
export function noticeRecipients(registry: Registry, to: PartyRef): Recipient[] {
  return [{ party: to, contact: registry.contactOf(to.id), role: 'responsible' }];
}

/** What a procedure records of its parties' recipients (workflows/prepared.ts `contacts`, `ladders`). */
export type PartyRecipients = Required<Pick<PrepareResult, 'contacts' | 'ladders'>>;

/**
 * Each party's contact and escalation ladder (domain/ladder.ts) in the registry, by party id. A
 * party not in the registry gets neither: its recipients come from the notify activity.
 */
export function partyRecipients(registry: Registry, parties: PartyRef[]): PartyRecipients {
  const byParty = <T>(of: (p: PartyRef) => T): Record<string, T> =>
    Object.fromEntries(
      parties.flatMap((p) => {
        try {
          return [[p.id, of(p)]];
        } catch {
          return [];
        }
      }),
    );
  return { contacts: byParty((p) => registry.contactOf(p.id)), ladders: byParty((p) => escalationLadder(registry, p)) };
}

/**
 * Prepares a start of a procedure from its parsed input, its parties by its definition's resolver;
 * throws the domain's errors (registry lookup, no standing, deadline). Returns the prepared result
 * and the machine's first snapshot.
 */
export function prepareStart(
  deps: PrepareDeps,
  def: ProcedureDefinition,
  input: Record<string, unknown>,
): { prepared: PrepareResult; first: AnyMachineSnapshot } {
  const resolved = def.parties(deps.registry, input, deps.policy);
  const [first, effects] = initialTransition(def.machine, machineInput(input, { ...resolved, policy: deps.policy }));
  const calendar = deps.calendar();
  const initialDeadlines = Object.fromEntries(
    deadlineRequests(first, deps.policy).map((r) => [r.inputs, computeDeadline(calendar, r.period, r.options)]),
  );
  const initialRecipients: Record<string, Recipient[]> = {};
  for (const e of effects as Array<{ type: string; params?: unknown }>) {
    const params = e.params as { to: string; subject: string };
    const to = e.type === 'notify' ? resolved.parties[params.to] : undefined;
    if (to) initialRecipients[noticeKey(params.subject, to)] = noticeRecipients(deps.registry, to);
  }
  // Every party's contact and escalation ladder at the start, as its parties: a notice, reminder or
  // escalation to one of them needs no activity (issue 14).
  const { contacts, ladders } = partyRecipients(deps.registry, Object.values(resolved.parties));
  const prepared: PrepareResult = {
    ...resolved,
    policy: deps.policy,
    registryVersion: deps.registry.version,
    channels: deps.email ? ['webhook', 'email'] : ['webhook'],
    calendar: calendar.snapshot(),
    initialDeadlines,
    initialRecipients,
    contacts,
    ladders,
  };
  return { prepared, first };
}
