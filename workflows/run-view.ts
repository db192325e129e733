/**
 * What a run's state reads as, and the audit trail it writes: pure (no workflow API), so the API
 * can build a procedure's first state with the driver's own code (first-state.ts, issue 14).
 * Inside a workflow `Date.now()` is the activation's deterministic instant; in the API, the clock.
 */
import type { PartyRef } from '../domain/parties.js';
import { ROLE_LABELS } from '../domain/labels.zh.js';
import type { Actor, AuditEntry, DeadlineRecord, ProcedureView } from '../domain/procedure-view.js';
import {
  activePaths,
  handledEvents,
  requiredRole,
  sendersOf,
  stateMetaOf,
  stateValueOf,
  type ProcedureDefinition,
  type ProcedureSnapshot,
} from '../machines/procedure.js';
import type { DriverState } from './driver-state.js';
import type { EventResult } from './types.js';

/** What a run's state is made of, without what only a running workflow has (activities, lock …: state.ts Run). */
export interface RunView {
  def: ProcedureDefinition;
  /** The workflow id: the procedure's id in every run. */
  id: string;
  s: DriverState;
  /** The live form of `s.machine`; replaced together with it (setSnapshot). */
  snapshot: ProcedureSnapshot;
}

export const SYSTEM: Actor = { id: 'system', name: '系统' };

export const nowIso = () => new Date(Date.now()).toISOString();
export const ctx = (run: RunView) => run.snapshot.context as Record<string, unknown> & { parties: Record<string, PartyRef | undefined> };
export const stateName = (run: RunView) => stateValueOf(run.snapshot);
export const stateLabel = (run: RunView) => stateMetaOf(run.snapshot)?.label ?? stateName(run);
export const closed = (run: RunView) => run.snapshot.status === 'done';
export const live = (r: DeadlineRecord) => r.status === 'running' || r.status === 'suspended';

export function record(run: RunView, e: Omit<AuditEntry, 'seq' | 'at'> & { at?: string }): void {
  run.s.audit.push({ seq: run.s.audit.length + 1, at: e.at ?? nowIso(), ...e });
}

/** What an event's senders and role depend on: the procedure's edition and the policy fixed at its start. */
export const senderContext = (run: RunView) => ({ edition: ctx(run).edition as number | undefined, policy: run.s.prepared.policy });

/** The events the state handles, each with who may send it in this procedure and the role it requires (the pages offer these). */
export const allowedEvents = (run: RunView) =>
  closed(run)
    ? []
    : handledEvents(run.snapshot)
        // An event another procedure records (EventSpec.linkedFrom) is no party's to send.
        .filter((type) => !run.def.events[type]?.linkedFrom)
        .map((type) => {
          const spec = run.def.events[type];
          const role = spec && requiredRole(spec, senderContext(run));
          return {
            type,
            label: spec?.label ?? type,
            by: [...(spec ? sendersOf(spec, senderContext(run)) : [])],
            ...(role ? { role: role.role, roleLabel: ROLE_LABELS[role.role], ...(role.basis ? { roleBasis: role.basis } : {}) } : {}),
          };
        });

export function responsibleParty(run: RunView): PartyRef | undefined {
  const key = stateMetaOf(run.snapshot)?.responsible;
  return key ? ctx(run).parties[key] : undefined;
}

export const result = (run: RunView): EventResult => ({
  state: stateName(run),
  stateLabel: stateLabel(run),
  activeStates: activePaths(run.snapshot),
  closed: closed(run),
  deadlines: run.s.deadlines,
  allowedEvents: allowedEvents(run),
});

export const view = (run: RunView): ProcedureView => ({
  id: run.id,
  kind: run.def.kind,
  label: run.def.label,
  basis: run.def.basis,
  state: stateName(run),
  stateLabel: stateLabel(run),
  activeStates: activePaths(run.snapshot),
  closed: closed(run),
  context: run.snapshot.context as Record<string, unknown>,
  responsible: responsibleParty(run),
  deadlines: run.s.deadlines,
  allowedEvents: allowedEvents(run),
  audit: run.s.audit,
  inbox: run.s.inbox,
  policy: run.s.prepared.policy,
  versions: { registry: run.s.prepared.registryVersion, ...(run.s.calendarVersion ? { calendar: run.s.calendarVersion } : {}) },
});
