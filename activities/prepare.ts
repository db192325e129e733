/**
 * The preparation of a start, without I/O: the parties from the registry, the local policy, the
 * first state's deadlines from the deadline engine, the recipients of its first notices. The
 * preparation activity runs it for starts that come without it (Schedules); the API runs the
 * same function before the start and puts the result in the start input (issue 14).
 */
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import type { PartyRef } from '../domain/parties.js';
import type { Policy } from '../domain/policy.js';
import type { Registry } from '../domain/registry/registry.js';
import {
  annualInspectionParties,
  appraisalParties,
  leakParties,
  objectionParties,
  unclearMatterParties,
  type ResolvedParties,
} from '../domain/resolve-parties.js';
import { deadlineRequests } from '../machines/deadline-requests.js';
import { PROCEDURES } from '../machines/index.js';
import { machineInput } from '../machines/procedure.js';
import { noticeKey, type PrepareResult } from '../workflows/prepared.js';
import type { Recipient } from '../workflows/types.js';

export interface PrepareDeps {
  registry: Registry;
  policy: Policy;
  calendar: () => WorkCalendar;
  /** The deployment delivers e-mail (BM_SMTP_URL): a channel beside the webhook. */
  email: boolean;
}

const RESOLVERS: Record<string, (deps: PrepareDeps, input: never) => ResolvedParties> = {
  'unclear-matter': (deps, input) => unclearMatterParties(deps.registry, input),
  objection: (deps, input) => objectionParties(deps.registry, input),
  leak: (deps, input) => leakParties(deps.registry, input),
  appraisal: (deps, input) => appraisalParties(deps.registry, input),
  'annual-inspection': (deps, input) => annualInspectionParties(deps.registry, input, deps.policy),
};

/** The recipients of a notice to a party: its contact in the registry. */
export function noticeRecipients(registry: Registry, to: PartyRef): Recipient[] {
  return [{ party: to, contact: registry.contactOf(to.id), role: 'responsible' }];
}

/**
 * Prepares a start of `kind` from its parsed input; throws the domain's errors (registry lookup,
 * no standing, deadline). Returns the prepared result and the machine's first snapshot.
 */
export function prepareStart(
  deps: PrepareDeps,
  kind: string,
  input: Record<string, unknown>,
): { prepared: PrepareResult; first: AnyMachineSnapshot } {
  const resolve = RESOLVERS[kind];
  const def = PROCEDURES[kind];
  if (!resolve || !def) throw new Error(`unknown procedure kind "${kind}"`);
  const resolved = resolve(deps, input as never);
  const [first, effects] = initialTransition(def.machine, machineInput(input, { ...resolved, policy: deps.policy }));
  const initialDeadlines = Object.fromEntries(
    deadlineRequests(first, deps.policy).map((r) => [r.inputs, computeDeadline(deps.calendar(), r.period, r.options)]),
  );
  const initialRecipients: Record<string, Recipient[]> = {};
  for (const e of effects as Array<{ type: string; params?: unknown }>) {
    const params = e.params as { to: string; subject: string };
    const to = e.type === 'notify' ? resolved.parties[params.to] : undefined;
    if (to) initialRecipients[noticeKey(params.subject, to)] = noticeRecipients(deps.registry, to);
  }
  const prepared: PrepareResult = {
    ...resolved,
    policy: deps.policy,
    registryVersion: deps.registry.version,
    channels: deps.email ? ['webhook', 'email'] : ['webhook'],
    initialDeadlines,
    initialRecipients,
  };
  return { prepared, first };
}
