/**
 * What the deadlines of the active states ask of the deadline engine, read from the machine's
 * context and the local policy. Pure: the workflow driver uses it on every change, and the
 * prepare activity to compute the first state's deadlines ahead (one task round trip fewer per start).
 */
import type { ComputeOptions } from '../domain/deadline/compute.js';
import type { Extension, PeriodRequest, Suspension } from '../domain/deadline/types.js';
import type { Policy } from '../domain/policy.js';
import { activeDeadlines, type DeadlineSpec, type ProcedureSnapshot } from './procedure.js';

export interface DeadlineRequest {
  spec: DeadlineSpec;
  /** One record per slot: the declaring state node, or one instance of it (spec.instanceFrom). */
  slot: string;
  /** The period is local policy (shown as 本地策略). */
  fromPolicy: boolean;
  /** An open suspension (no resumption yet) stops the clock. */
  open: boolean;
  /** What the computation depends on: a record is recomputed only when this changes. */
  inputs: string;
  period: PeriodRequest;
  options: ComputeOptions;
}

/** A machine whose state meta does not fit its context: a defect in the definition, not in the input. */
export class MachineDefinitionError extends Error {}

/** Reminder points: days before the deadline where the spec says so, else shares of the period (SPEC §4). */
export function computeOptions(policy: Policy, spec?: DeadlineSpec): ComputeOptions {
  return spec?.remindersDaysBefore
    ? { dueSoonFraction: policy.dueSoonFraction, reminderDaysBefore: policy[spec.remindersDaysBefore] }
    : { dueSoonFraction: policy.dueSoonFraction, reminderFractions: policy.reminderFractions };
}

export function deadlineRequests(snapshot: ProcedureSnapshot, policy: Policy): DeadlineRequest[] {
  const c = snapshot.context as Record<string, unknown>;
  return activeDeadlines(snapshot).map(({ nodeId, spec }) => {
    const from = c[spec.from];
    if (typeof from !== 'string') throw new MachineDefinitionError(`deadline ${spec.id}: context.${spec.from} is not set`);
    const { n, fromPolicy } = periodOf(spec, c, policy);
    const extensions = (spec.extensionsFrom ? (c[spec.extensionsFrom] as Extension[] | undefined) : undefined) ?? [];
    const allSuspensions = (spec.suspensionsFrom ? (c[spec.suspensionsFrom] as Array<Partial<Suspension>> | undefined) : undefined) ?? [];
    const suspensions = allSuspensions.filter((s): s is Suspension => s.to !== undefined);
    return {
      spec,
      slot: spec.instanceFrom ? `${nodeId}#${String(c[spec.instanceFrom])}` : nodeId,
      fromPolicy,
      open: allSuspensions.some((s) => s.to === undefined),
      inputs: JSON.stringify([spec.rule, n, from, extensions, suspensions]),
      period: {
        rule: spec.rule,
        n,
        from,
        extensions,
        suspensions,
        basis: spec.basis,
        suspensionCounting: policy.suspensionCounting,
        ...(spec.maxExtensions !== undefined ? { maxExtensions: spec.maxExtensions } : {}),
        // A date that ends a measure (obligation: false, e.g. the end of a suspension the authority
        // fixed) is not the last day of a period to act in: no 民法典 203 move.
        ...(spec.obligation === false ? { fixedEnd: true as const } : {}),
      },
      options: computeOptions(policy, spec),
    };
  });
}

function periodOf(spec: DeadlineSpec, c: Record<string, unknown>, policy: Policy): { n: number; fromPolicy: boolean } {
  if (typeof spec.n === 'number') return { n: spec.n, fromPolicy: false };
  if ('policy' in spec.n) return { n: policy[spec.n.policy] as number, fromPolicy: true };
  const n = c[spec.n.context];
  if (typeof n !== 'number') throw new MachineDefinitionError(`deadline ${spec.id}: context.${spec.n.context} is not a number`);
  return { n, fromPolicy: spec.policyKey !== undefined };
}
