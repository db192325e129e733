import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  ApplicationFailure,
  defaultPayloadConverter,
  WorkflowExecutionAlreadyStartedError,
  type PayloadCodec,
  type UpdateDefinition,
} from '@temporalio/common';
import { createHmac, randomUUID } from 'node:crypto';
import { secretFromFile } from '../activities/deps.js';
import type { Config } from '../activities/config.js';
import { setTimeout as delay } from 'node:timers/promises';
import { eventUpdate, readyUpdate, viewQuery } from '../workflows/messages.js';
import type {
  EventRejection,
  EventRequest,
  EventResult,
  ProcedureInput,
  ProcedureWorkflow,
  RecomputeRequest,
  StartRequest,
} from '../workflows/types.js';
import type { Actor, ProcedureView } from '../domain/procedure-view.js';
import { PROCEDURES, type ProcedureKind } from '../machines/index.js';
import { SA } from '../workflows/search-attributes.js';
import type { PreparedStart } from './prepare-start.js';

export interface StartOptions {
  kind: ProcedureKind;
  workflowId: string;
  taskQueue: string;
  input: unknown;
  actor: Actor;
  /** Prepared by the API (prepare-start.ts): sent in the input, the attributes set by the start, its first state the answer. */
  prepared?: PreparedStart;
  /** Whether a workflow already at this id is the caller's procedure (isOwnProcedure); else IdTakenError. */
  own?: () => Promise<boolean>;
}

/** A start whose workflow id is held by something that is not the caller's procedure (the API's 409). */
export class IdTakenError extends Error {
  constructor(readonly workflowId: string) {
    super(
      `the procedure id ${workflowId} of this start is held by a workflow that is not your procedure; nothing was started (logged for the operators)`,
    );
  }
}

/**
 * Whether the workflow at this id is the party's procedure: of the definition's workflow type, and
 * started with an input a key holder sealed (it decodes under the codec) naming the party as the
 * starter and, when prepared, sealed for this id — or a run the server continued from an earlier
 * one. A squatter's start through the Temporal port is none of these: it is refused at once,
 * never queried or waited on. One call: the first event of the current run.
 */
export async function isOwnProcedure(
  client: Client,
  codec: PayloadCodec,
  o: { workflowId: string; workflowType: string; partyId: string },
): Promise<boolean> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: o.workflowId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started || started.workflowType?.name !== o.workflowType) return false;
  if (started.continuedExecutionRunId) return true;
  try {
    const [payload] = await codec.decode(started.input?.payloads ?? []);
    const request = defaultPayloadConverter.fromPayload<ProcedureInput>(payload!);
    if ('continued' in request) return false; // a carried state only in a run the server continued (above)
    return request.actor?.id === o.partyId && (request.sealedFor === undefined || request.sealedFor.procedureId === o.workflowId);
  } catch {
    return false; // not sealed by a key holder, or not a start request
  }
}

/**
 * Starts a procedure. Prepared by the API: a plain start, answered with the first state the API
 * built with the driver's code (prepare-start.ts) as soon as the server has recorded it, without
 * waiting for the first workflow task (issue 14). Otherwise one call (update-with-start) that starts
 * it and waits for its 'ready' update, i.e. for the worker's preparation. A repeated start with the
 * same id returns the first procedure, running or closed, with its real view.
 */
export async function startProcedure(
  client: Client,
  o: StartOptions,
): Promise<{ handle: WorkflowHandle<ProcedureWorkflow>; ready: EventResult }> {
  const def = PROCEDURES[o.kind];
  const options = {
    taskQueue: o.taskQueue,
    workflowId: o.workflowId,
    args: [
      { input: o.input, actor: o.actor, ...(o.prepared ? { prepared: o.prepared.prepared, sealedFor: o.prepared.sealedFor } : {}) },
    ] as [StartRequest],
    typedSearchAttributes: o.prepared?.searchAttributes ?? [{ key: SA.kind, value: o.kind }],
  };
  if (o.prepared) {
    try {
      // FAIL, not USE_EXISTING: only a start that created the procedure may answer with the state it prepared.
      const handle = await client.workflow.start<ProcedureWorkflow>(def.workflowType, {
        ...options,
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { handle, ready: o.prepared.first };
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      if (o.own && !(await o.own())) throw new IdTakenError(o.workflowId);
      const handle = client.workflow.getHandle<ProcedureWorkflow>(o.workflowId);
      return { handle, ready: await waitReady(handle) };
    }
  }
  const operation = new WithStartWorkflowOperation<ProcedureWorkflow>(def.workflowType, {
    ...options,
    // A repeated start with the same id returns the first procedure, running or closed.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  try {
    const ready = await client.workflow.executeUpdateWithStart(readyUpdate, { args: [o.actor], startWorkflowOperation: operation });
    return { handle: await operation.workflowHandle(), ready };
  } catch (e) {
    // Closed already (a repeated start) or failed while preparing: its view, or why it failed.
    const handle = client.workflow.getHandle<ProcedureWorkflow>(o.workflowId);
    const exists = await handle.describe().then(
      () => true,
      () => false,
    );
    if (!exists) throw e;
    if (o.own && !(await o.own())) throw new IdTakenError(o.workflowId);
    return { handle, ready: await waitReady(handle) };
  }
}

export async function waitReady(handle: WorkflowHandle, timeoutMs = 20_000): Promise<ProcedureView> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const view = await handle.query(viewQuery);
    if (view.state !== 'preparing') return view;
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') await handle.result(); // surfaces why it failed
    if (Date.now() > deadline) throw new Error(`procedure ${handle.workflowId} is still preparing after ${timeoutMs} ms`);
    await delay(wait);
  }
}

/** The refusal inside a failed event update, if that is why it failed. */
export function eventRejection(err: unknown): (EventRejection & { message: string }) | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure) || err.cause.type !== 'InvalidEvent')
    return undefined;
  const details = err.cause.details?.[0] as EventRejection | undefined;
  return details ? { ...details, message: err.cause.message } : undefined;
}

/** Why a start was refused, if the domain refused it (a party without standing, e.g. Regs 63): the API's 403. */
export function startRefusal(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause)
    if (e instanceof ApplicationFailure && e.type === 'NotEntitled') return e.message;
  return undefined;
}

/**
 * What a caller's Idempotency-Key becomes before anything is recorded: HMAC-SHA256 under the
 * server's secret (BM_ID_SECRET) over the key with the caller (and, for an event, the procedure).
 * The key — chosen by the caller and possibly meaningful (a case number) — never appears in a
 * workflow id, an update id or the history, and without the secret nobody can test guesses against
 * an id, nor compute the id of someone's next start to take it first; the same caller's same key
 * still names the same start or event. Computed at the start and per event only: recorded ids are
 * never recomputed, so procedures started under the unkeyed SHA-256 of before keep theirs.
 */
export function idempotencyDigest(secret: Uint8Array, ...parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\n')).digest('hex').slice(0, 32);
}

/** The digests' secret: BM_ID_SECRET, else (demo only) one generated once and kept in the data folder. */
export function idSecretOf(config: Pick<Config, 'idSecret' | 'dataDir'>): Uint8Array {
  return new TextEncoder().encode(config.idSecret ?? secretFromFile(config.dataDir, 'id-secret'));
}

/**
 * Sends an event as an Update, sealed for this procedure and this Update id (types.ts SealedFor);
 * `updateId` makes a retried send apply at most once, also across a continue-as-new (the workflow
 * keeps the ids it applied). 'not-ready' (preparing, or moving to its next run) is retried with
 * backoff for up to about 10 s, under the same id; the handle names no run, so the retry reaches
 * the latest.
 */
export async function sendEvent(
  handle: WorkflowHandle,
  req: Omit<EventRequest, 'sealedFor'>,
  updateId: string = randomUUID(),
): Promise<EventResult> {
  const sealed: EventRequest = { ...req, sealedFor: { procedureId: handle.workflowId, updateId } };
  for (let attempt = 0; ; attempt++) {
    try {
      return await handle.executeUpdate(eventUpdate, { args: [sealed], updateId });
    } catch (err) {
      if (eventRejection(err)?.code !== 'not-ready' || attempt >= 30) throw err;
      await delay(Math.min(20 * 2 ** attempt, 500));
    }
  }
}

/** An operator's Update (recomputeDeadlines, refreshRecipients), sealed for this procedure and this Update id as an event is. */
export function sendOperatorUpdate<Ret>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, [RecomputeRequest]>,
  req: Omit<RecomputeRequest, 'sealedFor'>,
  updateId: string = randomUUID(),
): Promise<Ret> {
  return handle.executeUpdate(update, { args: [{ ...req, sealedFor: { procedureId: handle.workflowId, updateId } }], updateId });
}
