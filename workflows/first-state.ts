/**
 * A procedure's first state (issue 14): the machine's initial transition, the 'started' entry and,
 * when the preparation brought them, the first state's deadline records and notices. Pure: the
 * driver builds its first state with it, and the API its answer to a start it prepared, so the two
 * differ only in the instant they are made at (the entries' `at`, the records' `computedAt`).
 */
import { initialTransition } from 'xstate';
import type { PartyRef } from '../domain/parties.js';
import { deadlineRequests, MachineDefinitionError, type DeadlineRequest } from '../machines/deadline-requests.js';
import { CURRENT_EDITION, machineInput, type ProcedureDefinition, type ProcedureSnapshot } from '../machines/procedure.js';
import { skipPastReminders } from './alarms.js';
import { newDeadlineRecord, recordDeadlineSet } from './deadline-record.js';
import { actorLabel } from './event-checks.js';
import { notices, postNotice, type Effect } from './notices.js';
import { noticeKey, type PrepareResult } from './prepared.js';
import { ctx, record, stateLabel, stateName, type RunView } from './run-view.js';
import type { Actor } from '../domain/procedure-view.js';

/** The edition of the rules of a start the API prepared before edition 3 (machines/procedure.ts CURRENT_EDITION; workflows/driver.ts). */
export const PREPARED_EDITION = 2;

export interface StartOf {
  /** The start input, parsed by the procedure's schema. */
  start: Record<string, unknown>;
  prepared: PrepareResult;
  starter: Actor;
  edition: number;
  /** The instant it is made at: the first workflow task's, or the API's when it answers the start. */
  now: number;
}

/** The machine's first snapshot and the 'started' entry; `effects` are its first transition's. */
export function openingState(def: ProcedureDefinition, id: string, o: StartOf): RunView & { effects: Effect[] } {
  const [snapshot, effects]: [ProcedureSnapshot, Effect[]] = initialTransition(def.machine, machineInput(o.start, o.prepared, o.edition));
  const { initialDeadlines: _d, initialRecipients: _r, ...kept } = o.prepared;
  const run: RunView = {
    def,
    id,
    snapshot,
    s: {
      machine: def.machine.getPersistedSnapshot(snapshot),
      starter: o.starter,
      prepared: kept,
      edition: o.edition,
      deadlines: [],
      audit: [],
      inbox: [],
      version: 0,
      deliveryFailures: 0,
      eventCounts: {},
      applied: [],
      run: 1,
    },
  };
  const by = actorLabel(o.starter);
  record(run, {
    at: new Date(o.now).toISOString(),
    kind: 'started',
    actor: o.starter,
    ...(by ? { by } : {}),
    summary: `${def.label}启动：${stateLabel(run)}${(def.checkStart?.(o.start).notes ?? []).map((n) => `；${n}`).join('')}`,
    basis: def.basis,
    to: stateName(run),
  });
  return { ...run, effects };
}

/**
 * Adds the first state's deadline records and notices from the preparation, made at `now` as
 * syncDeadlines and runEffects make them (the notices' deliveries are still to be made). False, with nothing changed,
 * when the preparation lacks any (made before it brought them) or the machine's meta does not fit
 * its context: the driver then goes through syncDeadlines and runEffects, their activities and errors.
 */
export function addPreparedFirsts(run: RunView, effects: readonly Effect[], prepared: PrepareResult, now: number): boolean {
  let requests: DeadlineRequest[];
  try {
    requests = deadlineRequests(run.snapshot, run.s.prepared.policy);
  } catch (e) {
    if (e instanceof MachineDefinitionError) return false;
    throw e;
  }
  const deadlines = requests.map((r) => ({
    r,
    computed: prepared.initialDeadlines?.[r.inputs],
    responsible: ctx(run).parties[r.spec.responsible] as PartyRef | undefined,
  }));
  const notes = notices(run, effects).map((n) => ({ n, recipients: prepared.initialRecipients?.[noticeKey(n.subject, n.to)] }));
  if (deadlines.some((d) => !d.computed || !d.responsible) || notes.some((x) => !x.recipients)) return false;
  for (const { r, computed, responsible } of deadlines) {
    run.s.calendarVersion = computed!.calendarVersion;
    const fresh = newDeadlineRecord(run, r, computed!, responsible!, now);
    recordDeadlineSet(run, r, fresh);
    skipPastReminders(fresh, now);
    run.s.deadlines.push(fresh);
  }
  const by = actorLabel(run.s.starter);
  for (const { n, recipients } of notes) postNotice(run, n, recipients!, 'start', by, now);
  return true;
}

/** The first state of a start the API prepared, as the driver makes it; undefined when it cannot be made from the preparation alone. */
export function preparedFirstState(def: ProcedureDefinition, id: string, o: Omit<StartOf, 'edition'>): RunView | undefined {
  const { effects, ...run } = openingState(def, id, { ...o, edition: CURRENT_EDITION });
  return addPreparedFirsts(run, effects, o.prepared, o.now) ? run : undefined;
}
