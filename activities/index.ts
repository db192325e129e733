import { ApplicationFailure } from '@temporalio/activity';
import { computeDeadline, type ComputeOptions } from '../domain/deadline/compute.js';
import { DeadlineError, type Deadline, type PeriodRequest } from '../domain/deadline/types.js';
import { NotEntitledError } from '../domain/errors.js';
import { escalationTargets } from '../domain/ladder.js';
import type { PartyRef } from '../domain/parties.js';
import { RegistryLookupError } from '../domain/registry/registry.js';
import type { PrepareResult } from '../workflows/prepared.js';
import type { Recipient } from '../domain/procedure-view.js';
import { MachineDefinitionError } from '../machines/deadline-requests.js';
import { procedureOf } from '../machines/index.js';
import type { ActivityDeps } from './deps.js';
import { createDelivery } from './delivery.js';
import { sendLinkedEvent } from './linked-events.js';
import type { RecordActivities } from './record.js';
import { procedureLog } from './log.js';
import { alarmLateness } from './metrics.js';
import { noticeRecipients, partyRecipients, prepareStart, type PartyRecipients } from './prepare.js';

export type { PrepareResult };

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
      const def = procedureOf(req.kind);
      if (!def) throw ApplicationFailure.nonRetryable(`unknown procedure kind "${req.kind}"`, 'UnknownKind');
      try {
        // The first notices go through the notify activity on this path (workflows/driver.ts).
        const { initialRecipients: _, ...prepared } = prepareStart({ ...deps, email: !!deps.delivery.smtpUrl }, def, req.input).prepared;
        return prepared;
      } catch (e) {
        throw final(e);
      }
    },

    /** The parties' contacts and escalation ladders in the registry in force, and its version (an operator's refreshRecipients). */
    async registryRecipients(req: { parties: PartyRef[] }): Promise<PartyRecipients & { registryVersion: string }> {
      return { registryVersion: deps.registry.version, ...partyRecipients(deps.registry, req.parties) };
    },

    /** Computes a deadline with the calendar in force (never inside the workflow: replay-safe). */
    async computeDeadline(req: { period: PeriodRequest; options: ComputeOptions }): Promise<Deadline> {
      try {
        return computeDeadline(deps.calendar(), req.period, req.options);
      } catch (e) {
        throw final(e);
      }
    },

    /** An event for the open procedures of another kind about a party (EventSpec.linkedFrom): the worker's client sends it. */
    sendLinkedEvent,

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

/**
 * How late a reminder or escalation was notified after its alarm's instant: here, or through the
 * workflow's sink where its recipients came from the start's record (worker/sinks.ts).
 */
export function observeAlarm(procedureId: string, kind: 'reminder' | 'escalation', scheduledAt: string): void {
  const late = Math.max(0, (Date.now() - Date.parse(scheduledAt)) / 1000);
  alarmLateness.observe({ kind }, late);
  procedureLog(procedureId, 'notify').info({ kind, lateSeconds: late }, 'alarm notified');
}

/** The recipients of one request; a reminder's or escalation's lateness after its alarm is measured. */
function recipientsOf(deps: ActivityDeps, req: NotifyRequest): Recipient[] {
  if (req.scheduledAt && req.kind !== 'notification') observeAlarm(req.procedureId, req.kind, req.scheduledAt);
  if (req.escalation) {
    return escalationTargets(deps.registry, req.escalation.responsible, req.escalation.rung, req.escalation.named).map((t) => ({
      party: t.party,
      contact: t.contact,
      role: t.role,
    }));
  }
  if (!req.to) return [];
  return noticeRecipients(deps.registry, req.to);
}

/** Every activity a workflow may call: the worker adds the record store's (activities/record.ts). */
export type Activities = ReturnType<typeof createActivities> & RecordActivities;
