/** What the driver exchanges with clients: start request, events, the procedure view. */
import type { Deadline } from '../domain/deadline/types.js';
import type { PartyRef, Role } from '../domain/parties.js';
import type { Policy } from '../domain/policy.js';
import type { DriverState } from './state.js';

/** Who sends an event: the party (organ or authority) and, where known, the person acting for it. */
export interface Actor {
  id: string;
  name?: string;
  person?: { sub: string; name: string };
  roles?: Role[];
}

export interface StartRequest {
  input: unknown;
  actor: Actor;
  /**
   * The preparation, done by the API before the start (activities/prepare.ts); without it (a
   * Schedule's start, older clients) the driver runs the preparation activity. Trust: the API is
   * the only starter of procedures and the worker trusts its task queue, as it trusts `actor`;
   * whoever can start workflows on that queue could forge both. It is still parsed (zod) before
   * use: a malformed one fails the start, it never runs with junk.
   */
  prepared?: unknown;
  /** With a prepared start: the procedure and the instant it was prepared for (SPEC §5; driver.ts startRefusal). */
  sealedFor?: StartSealedFor;
}

/**
 * The workflow id and the instant a start was sealed for: a start input copied out of a history
 * is refused under another id, and under its own once the instant is past (a closed procedure
 * started again).
 */
export interface StartSealedFor {
  procedureId: string;
  at: string;
}

/** A run continued-as-new: the state the previous run carried (workflows/state.ts). */
export interface ContinuedRequest {
  continued: DriverState;
}

/** A procedure workflow's input: a start, or a continuation of the same procedure. */
export type ProcedureInput = StartRequest | ContinuedRequest;

/**
 * The procedure and the Update a request is sealed for (SPEC §5). The codec proves only that a key
 * holder sealed the bytes once: bound to both, a sealed request copied out of a history is refused
 * in another procedure and under another Update id (the same id is answered, not applied, again).
 */
export interface SealedFor {
  procedureId: string;
  updateId: string;
}

export interface EventRequest {
  type: string;
  payload?: Record<string, unknown>;
  actor: Actor;
  /** When the fact really happened (events whose spec has `fact: true`; SPEC §2): ISO 8601 with offset. */
  occurredAt?: string;
  sealedFor: SealedFor;
}

/**
 * An event one procedure records in another (EventSpec.linkedFrom): sent only by the sending
 * procedure's activity (activities/linked-events.ts) through the linkedEvent Update, which the API never sends.
 */
export interface LinkedEventRequest {
  type: string;
  payload: Record<string, unknown>;
  /** The sending procedure. */
  from: { procedureId: string; kind: string; label: string };
  /** Who decided there: "广东省国家保密局 张某（负责人）". */
  by?: string;
  /** When it was decided (the sending event's instant). */
  occurredAt: string;
  sealedFor: SealedFor;
}

/** An operator's Update (recomputeDeadlines, refreshRecipients): who sends it, and why (recorded in the audit trail). */
export interface RecomputeRequest {
  actor: Actor;
  reason: string;
  sealedFor: SealedFor;
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

export interface EventResult {
  state: string;
  stateLabel: string;
  activeStates: string[];
  closed: boolean;
  deadlines: DeadlineRecord[];
  allowedEvents: Array<{ type: string; label: string; by: string[] }>;
}

/** Why an event was refused; carried as ApplicationFailure details. */
export interface EventRejection {
  code:
    | 'not-ready'
    | 'unknown-event'
    | 'not-allowed-in-state'
    | 'invalid-payload'
    | 'not-authorized'
    | 'guard-refused'
    | 'limit-reached'
    | 'replayed';
  message: string;
  /** The same refusal in Chinese, for the pages (domain/rejections.zh.ts); `code` is what programs read. */
  messageZh: string;
  state: string;
  allowedEvents: string[];
  fieldErrors?: Array<{ field: string; message: string; messageZh?: string }>;
}

/** Every procedure workflow: started with a request (or continued with its state), returns its final view. */
export type ProcedureWorkflow = (request: ProcedureInput) => Promise<ProcedureView>;
