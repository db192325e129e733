/**
 * The procedure view: what a procedure shows its parties and the pages (its steps' deadlines, audit
 * trail and inbox), and who acts in it. Plain data shared by every layer: the machines' words
 * (machines/in-words.zh.ts), the driver that builds it (workflows/), the API that serves it.
 */
import type { Deadline } from './deadline/types.js';
import type { PartyRef, Role } from './parties.js';
import type { Policy } from './policy.js';

/** Who sends an event: the party (organ or authority) and, where known, the person acting for it. */
export interface Actor {
  id: string;
  name?: string;
  person?: { sub: string; name: string };
  roles?: Role[];
}

/** 'lapsed': the step ended because its period ran out (e.g. 未予处理), not because it was done. */
export type DeadlineRecordStatus = 'running' | 'suspended' | 'met' | 'met_late' | 'lapsed' | 'superseded';

export interface DeadlineRecord extends Deadline {
  key: string;
  specId: string;
  /** The declaring state node (and instance): a parallel region's step is matched by it. */
  slot: string;
  label: string;
  state: string;
  responsible: PartyRef;
  /** The period comes from local policy (本地策略), not the statute. */
  policy: boolean;
  /** A duty (reminded and escalated when it passes), or a date that ends a period. */
  obligation: boolean;
  status: DeadlineRecordStatus;
  computedAt: string;
  metAt?: string;
  /** Fingerprint of the inputs it was computed from. */
  inputs: string;
  /** Reminder keys already fired or skipped as past. */
  remindersDone: string[];
  dueSoonDone: boolean;
  dueFired: boolean;
  overdueCount: number;
  /** The last rung of the escalation ladder reached (SPEC §1). */
  escalationRung: number;
  /**
   * Edition 4 (SPEC §3.7): met by a fact dated before the deadline but entered after it passed, on the
   * sender's word: 逾期录入、待确认 until another party of the procedure confirms the instant.
   */
  lateEntry?: { enteredAt: string; confirmed: boolean; confirmedAt?: string; confirmedBy?: string };
}

export type AuditKind =
  | 'started'
  | 'event'
  | 'deadline-set'
  | 'deadline-met'
  | 'deadline-recomputed'
  | 'recipients-refreshed'
  | 'reminder'
  | 'escalation'
  | 'notification'
  | 'delivery-failed'
  | 'linked'
  | 'closed';

export interface AuditEntry {
  seq: number;
  /** The entry instant: when the system recorded it. */
  at: string;
  /** When the fact really happened, if the sender said so (SPEC §2). */
  occurredAt?: string;
  kind: AuditKind;
  actor: Actor;
  /** The person and the party acting: "广东省国家保密局 张某（负责人）". */
  by?: string;
  summary: string;
  basis?: string;
  event?: { type: string; payload: Record<string, unknown> };
  from?: string;
  to?: string;
  deadlineKey?: string;
}

export interface Recipient {
  party: PartyRef;
  contact: { name: string; email?: string; webhook?: string };
  role: string;
}

/** One message on one channel to one recipient (SPEC §4). */
export interface Delivery {
  channel: 'webhook' | 'email';
  to: string;
  status: 'pending' | 'delivered' | 'failed';
  at?: string;
  error?: string;
}

/** The dashboard inbox: every notification, reminder and escalation, with its deliveries. */
export interface InboxEntry {
  id: string;
  at: string;
  kind: 'notification' | 'reminder' | 'escalation';
  subject: string;
  recipients: Recipient[];
  basis?: string;
  deadlineKey?: string;
  /** Who acted so that a notification went out (“广东省国家保密局 张某（负责人）”); none for the system's reminders. */
  by?: string;
  deliveries: Delivery[];
}

export interface ProcedureView {
  id: string;
  kind: string;
  label: string;
  basis: string;
  state: string;
  stateLabel: string;
  /** Every active leaf state (several in a parallel state). */
  activeStates: string[];
  closed: boolean;
  context: Record<string, unknown>;
  responsible?: PartyRef;
  deadlines: DeadlineRecord[];
  allowedEvents: Array<{ type: string; label: string; by: string[] }>;
  audit: AuditEntry[];
  inbox: InboxEntry[];
  /** The local policy fixed for this procedure at its start (absent while preparing). */
  policy?: Policy;
  versions: { calendar?: string; registry?: string };
}
