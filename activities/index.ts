import { ApplicationFailure } from '@temporalio/activity';
import { computeDeadline, type ComputeOptions } from '../domain/deadline/compute.js';
import { DeadlineError, type Deadline, type PeriodRequest } from '../domain/deadline/types.js';
import { escalationTargets } from '../domain/ladder.js';
import type { PartyRef } from '../domain/parties.js';
import type { Policy } from '../domain/policy.js';
import { RegistryLookupError } from '../domain/registry/registry.js';
import { annualInspectionParties, appraisalParties, leakParties, objectionParties, unclearMatterParties, type ResolvedParties } from '../domain/resolve-parties.js';
import type { Recipient } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { createDelivery } from './delivery.js';

export interface PrepareResult extends ResolvedParties {
  policy: Policy;
  registryVersion: string;
  /** Delivery channels this deployment has (the dashboard inbox always). */
  channels: Array<'webhook' | 'email'>;
}

export interface NotifyRequest {
  /** Stable per (procedure, deadline, alarm): the delivery idempotency key (SPEC §4). */
  idempotencyKey: string;
  procedureId: string;
  kind: 'notification' | 'reminder' | 'escalation';
  subject: string;
  to?: PartyRef;
  /** For an escalation: the responsible party and the rung of the ladder. */
  escalation?: { responsible: PartyRef; rung: number };
  basis?: string;
}

const RESOLVERS: Record<string, (deps: ActivityDeps, input: never) => ResolvedParties> = {
  'unclear-matter': (deps, input) => unclearMatterParties(deps.registry, input),
  objection: (deps, input) => objectionParties(deps.registry, input),
  leak: (deps, input) => leakParties(deps.registry, input),
  appraisal: (deps, input) => appraisalParties(deps.registry, input),
  'annual-inspection': (deps, input) => annualInspectionParties(deps.registry, input, deps.policy),
};

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDelivery(deps.delivery),

    /** Resolves the parties from the registry and fixes the policy for this procedure. */
    async prepareProcedure(req: { kind: string; input: unknown }): Promise<PrepareResult> {
      const resolve = RESOLVERS[req.kind];
      if (!resolve) throw ApplicationFailure.nonRetryable(`unknown procedure kind "${req.kind}"`, 'UnknownKind');
      try {
        const channels: PrepareResult['channels'] = deps.delivery.smtpUrl ? ['webhook', 'email'] : ['webhook'];
        return { ...resolve(deps, req.input as never), policy: deps.policy, registryVersion: deps.registry.version, channels };
      } catch (e) {
        if (e instanceof RegistryLookupError) throw ApplicationFailure.nonRetryable(e.message, 'RegistryLookup');
        throw e;
      }
    },

    /** Computes a deadline with the calendar in force (never inside the workflow: replay-safe). */
    async computeDeadline(req: { period: PeriodRequest; options: ComputeOptions }): Promise<Deadline> {
      try {
        return computeDeadline(deps.calendar(), req.period, req.options);
      } catch (e) {
        if (e instanceof DeadlineError || e instanceof RangeError) throw ApplicationFailure.nonRetryable(e.message, 'DeadlineError');
        throw e;
      }
    },

    /** Resolves the recipients of a notification, reminder or escalation (delivered to the inbox). */
    async notify(req: NotifyRequest): Promise<Recipient[]> {
      if (req.escalation) {
        return escalationTargets(deps.registry, req.escalation.responsible, req.escalation.rung).map((t) => ({ party: t.party, contact: t.contact, role: t.role }));
      }
      if (!req.to) return [];
      return [{ party: req.to, contact: deps.registry.contactOf(req.to.id), role: 'responsible' }];
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
