import { ApplicationFailure } from '@temporalio/activity';
import { computeDeadline, type ComputeOptions } from '../domain/deadline/compute.js';
import { DeadlineError, type Deadline, type PeriodRequest } from '../domain/deadline/types.js';
import { NotEntitledError } from '../domain/errors.js';
import { escalationTargets } from '../domain/ladder.js';
import type { PartyRef } from '../domain/parties.js';
import type { Policy } from '../domain/policy.js';
import { RegistryLookupError } from '../domain/registry/registry.js';
import {
  annualInspectionParties,
  appraisalParties,
  leakParties,
  objectionParties,
  unclearMatterParties,
  type ResolvedParties,
} from '../domain/resolve-parties.js';
import type { Recipient } from '../workflows/types.js';
import { initialTransition } from 'xstate';
import { deadlineRequests, MachineDefinitionError } from '../machines/deadline-requests.js';
import { PROCEDURES } from '../machines/index.js';
import { machineInput } from '../machines/procedure.js';
import type { ActivityDeps } from './deps.js';
import { createDelivery } from './delivery.js';
import { procedureLog } from './log.js';
import { alarmLateness } from './metrics.js';

export interface PrepareResult extends ResolvedParties {
  policy: Policy;
  registryVersion: string;
  /** Delivery channels this deployment has (the dashboard inbox always). */
  channels: Array<'webhook' | 'email'>;
  /** The first state's deadlines, by their inputs (machines/deadline-requests.ts). */
  initialDeadlines?: Record<string, Deadline>;
}

export interface NotifyRequest {
  /** Stable per (procedure, deadline, alarm): the delivery idempotency key (SPEC §4). */
  idempotencyKey: string;
  procedureId: string;
  kind: 'notification' | 'reminder' | 'escalation';
  subject: string;
  to?: PartyRef;
  /** For an escalation: the responsible party, the rung of the ladder, the authority a statute names for the step. */
  escalation?: { responsible: PartyRef; rung: number; named?: PartyRef };
  basis?: string;
  /** For a reminder or escalation: the instant its alarm was scheduled for (measures lateness; optional, older callers omit it). */
  scheduledAt?: string;
}

const RESOLVERS: Record<string, (deps: ActivityDeps, input: never) => ResolvedParties> = {
  'unclear-matter': (deps, input) => unclearMatterParties(deps.registry, input),
  objection: (deps, input) => objectionParties(deps.registry, input),
  leak: (deps, input) => leakParties(deps.registry, input),
  appraisal: (deps, input) => appraisalParties(deps.registry, input),
  'annual-inspection': (deps, input) => annualInspectionParties(deps.registry, input, deps.policy),
};

/** Errors of the domain are final: a retry cannot fix them, so the activity fails for good. */
function final(e: unknown): unknown {
  if (e instanceof RegistryLookupError) return ApplicationFailure.nonRetryable(e.message, 'RegistryLookup');
  if (e instanceof NotEntitledError) return ApplicationFailure.nonRetryable(e.message, 'NotEntitled');
  if (e instanceof DeadlineError || e instanceof RangeError) return ApplicationFailure.nonRetryable(e.message, 'DeadlineError');
  if (e instanceof MachineDefinitionError) return ApplicationFailure.nonRetryable(e.message, 'MachineDefinition');
  return e;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDelivery(deps.delivery),

    /**
     * Resolves the parties from the registry, fixes the policy for this procedure, and computes
     * the deadlines its first state declares (the machine is pure: run here as in the workflow).
     */
    async prepareProcedure(req: { kind: string; input: Record<string, unknown> }): Promise<PrepareResult> {
      const resolve = RESOLVERS[req.kind];
      const def = PROCEDURES[req.kind];
      if (!resolve || !def) throw ApplicationFailure.nonRetryable(`unknown procedure kind "${req.kind}"`, 'UnknownKind');
      try {
        const resolved = resolve(deps, req.input as never);
        const [first] = initialTransition(def.machine, machineInput(req.input, { ...resolved, policy: deps.policy }));
        const initialDeadlines = Object.fromEntries(
          deadlineRequests(first, deps.policy).map((r) => [r.inputs, computeDeadline(deps.calendar(), r.period, r.options)]),
        );
        const channels: PrepareResult['channels'] = deps.delivery.smtpUrl ? ['webhook', 'email'] : ['webhook'];
        return { ...resolved, policy: deps.policy, registryVersion: deps.registry.version, channels, initialDeadlines };
      } catch (e) {
        throw final(e);
      }
    },

    /** Computes a deadline with the calendar in force (never inside the workflow: replay-safe). */
    async computeDeadline(req: { period: PeriodRequest; options: ComputeOptions }): Promise<Deadline> {
      try {
        return computeDeadline(deps.calendar(), req.period, req.options);
      } catch (e) {
        throw final(e);
      }
    },

    /** Resolves the recipients of a notification, reminder or escalation (delivered to the inbox). */
    async notify(req: NotifyRequest): Promise<Recipient[]> {
      return recipientsOf(deps, req);
    },

    /** The recipients of every reminder and escalation of the alarms falling due together (a deadline storm): one activity, in order. */
    async notifyAll(reqs: NotifyRequest[]): Promise<Recipient[][]> {
      return reqs.map((req) => recipientsOf(deps, req));
    },
  };
}

/** The recipients of one request; a reminder's or escalation's lateness after its alarm is measured. */
function recipientsOf(deps: ActivityDeps, req: NotifyRequest): Recipient[] {
  const log = procedureLog(req.procedureId, 'notify');
  if (req.scheduledAt && req.kind !== 'notification') {
    const late = Math.max(0, (Date.now() - Date.parse(req.scheduledAt)) / 1000);
    alarmLateness.observe({ kind: req.kind }, late);
    log.info({ kind: req.kind, lateSeconds: late }, 'alarm notified');
  }
  if (req.escalation) {
    return escalationTargets(deps.registry, req.escalation.responsible, req.escalation.rung, req.escalation.named).map((t) => ({
      party: t.party,
      contact: t.contact,
      role: t.role,
    }));
  }
  if (!req.to) return [];
  return [{ party: req.to, contact: deps.registry.contactOf(req.to.id), role: 'responsible' }];
}

export type Activities = ReturnType<typeof createActivities>;
