/** What the driver exchanges with clients: start request, events and their answers (the view: domain/procedure-view.ts). */
import type { Actor, DeadlineRecord, ProcedureView } from '../domain/procedure-view.js';
import type { DriverState } from './driver-state.js';

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

/** A run continued-as-new: the state the previous run carried (workflows/driver-state.ts). */
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
