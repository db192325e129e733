import type { AnyStateMachine, AnyMachineSnapshot } from 'xstate';
import type { z } from 'zod';
import type { Rule } from '../domain/deadline/types.js';
import type { PartyRef } from '../domain/parties.js';
import type { PolicyKey } from '../domain/policy.js';

/**
 * A statutory deadline a state declares in its meta: the driver computes it through an
 * activity on entry, arms the timers, and records it.
 */
export interface DeadlineSpec {
  id: string;
  label: string;
  rule: Rule;
  /** Statutory period, or the policy key that sets it (shown as 本地策略). */
  n: number | { policy: PolicyKey };
  /** Context key holding the start date (day rules) or instant (hours). */
  from: string;
  basis: string;
  /** Key in context.parties of the party that must meet it. */
  responsible: string;
  maxExtensions?: number;
  /** Context keys holding the recorded extensions and suspensions (SPEC §2). */
  extensionsFrom?: string;
  suspensionsFrom?: string;
}

export interface StateMeta {
  label: string;
  /** Key in context.parties of the party expected to act in this state. */
  responsible?: string;
  basis?: string;
  deadline?: DeadlineSpec;
}

export interface EventSpec {
  label: string;
  schema: z.ZodType;
  /** Keys in context.parties whose members may send this event. */
  by: readonly string[];
  basis?: string;
}

/** The envelope the driver adds to every event it feeds the machine. */
export interface EventEnvelope {
  actor: { id: string; name?: string };
  at: string;
}

/** The fields every procedure's context has. */
export interface ProcedureContext {
  parties: Record<string, PartyRef | undefined>;
  /** Region code of the procedure's origin (GB/T 2260). */
  region: string;
}

/** One procedure: its machine, its events' schemas, and how to start it. */
export interface ProcedureDefinition {
  kind: string;
  label: string;
  basis: string;
  workflowType: string;
  machine: AnyStateMachine;
  /** What a caller supplies to start it; the driver adds the resolved parties. */
  input: z.ZodType;
  /** The input field naming the party that starts it: only that party may. */
  startedBy: string;
  events: Record<string, EventSpec>;
}

export function stateMetaOf(snapshot: AnyMachineSnapshot): StateMeta | undefined {
  const metas = Object.values(snapshot.getMeta()) as StateMeta[];
  return metas.at(-1);
}

/** Event types the active states handle (guards aside). */
export function handledEvents(snapshot: AnyMachineSnapshot): string[] {
  return [...new Set(snapshot._nodes.flatMap((n) => n.ownEvents))].filter((e) => !e.startsWith('xstate.'));
}

export function stateValueOf(snapshot: AnyMachineSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
}
