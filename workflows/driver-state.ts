/**
 * The driver's state as one plain value (STYLE.md "Long-lived workflows — state as one value"):
 * everything a procedure needs to go on, which continue-as-new carries to the next run unchanged
 * (the run around it: state.ts).
 */
import type { Snapshot } from 'xstate';
import type { PartyRef } from '../domain/parties.js';
import type { Actor, AuditEntry, DeadlineRecord, InboxEntry } from '../domain/procedure-view.js';
import type { PrepareResult } from './prepared.js';

/** An event Update applied, by its hashed id: a repeat in a later run is answered with this, not applied again. */
export interface AppliedUpdate {
  id: string;
  /** The audit entry the event made. */
  seq: number;
}

export interface DriverState {
  /** The machine's persisted snapshot (XState `getPersistedSnapshot`). */
  machine: Snapshot<unknown>;
  /** The party that started the procedure: the only one the ready Update answers. */
  starter: Actor;
  /** What the preparation resolved at the start (parties, route, local policy, channels, registry version). */
  prepared: Omit<PrepareResult, 'initialDeadlines' | 'initialRecipients'>;
  /** The edition of the rules the procedure started under (machines/procedure.ts CURRENT_EDITION). */
  edition: number;
  deadlines: DeadlineRecord[];
  audit: AuditEntry[];
  inbox: InboxEntry[];
  calendarVersion?: string;
  /** Bumped on every change; wakes the timer loop. */
  version: number;
  deliveryFailures: number;
  /** Who was last responsible: a closed procedure counts under that tier. */
  lastResponsible?: PartyRef;
  /** The deadline whose passing is being told to the machine: if its step ends now, it lapsed. */
  lapsing?: string;
  /** Events applied per type, for the caps (EventSpec.max). */
  eventCounts: Record<string, number>;
  /** The most recent event Updates applied, oldest first (continue-as-new.ts APPLIED_KEPT). */
  applied: AppliedUpdate[];
  /** The run of this procedure: 1 for the first, +1 at each continue-as-new. */
  run: number;
  /** The audit entries the record store holds (workflows/recorder.ts); absent before it existed. */
  recordedSeq?: number;
  /** The latest applied event Update (by its entry's seq) whose hash the record store holds. */
  recordedUpdateSeq?: number;
}
