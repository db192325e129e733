import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { eventUpdate, readyUpdate, viewQuery } from '../workflows/messages.js';
import type { Actor, EventRejection, EventRequest, EventResult, ProcedureView, ProcedureWorkflow } from '../workflows/types.js';
import { PROCEDURES, type ProcedureKind } from '../machines/index.js';
import { SA } from '../workflows/search-attributes.js';
import type { PreparedStart } from './prepare-start.js';

export interface StartOptions {
  kind: ProcedureKind;
  workflowId: string;
  taskQueue: string;
  input: unknown;
  actor: Actor;
  /** Prepared by the API (prepare-start.ts): sent in the input, the attributes set by the start. */
  prepared?: PreparedStart;
}

/**
 * Starts a procedure and returns once its parties are resolved and it accepts events: one call
 * (update-with-start) that starts it and waits for its 'ready' update.
 */
export async function startProcedure(
  client: Client,
  o: StartOptions,
): Promise<{ handle: WorkflowHandle<ProcedureWorkflow>; ready: EventResult }> {
  const def = PROCEDURES[o.kind];
  const operation = new WithStartWorkflowOperation<ProcedureWorkflow>(def.workflowType, {
    taskQueue: o.taskQueue,
    workflowId: o.workflowId,
    args: [{ input: o.input, actor: o.actor, ...(o.prepared ? { prepared: o.prepared.prepared } : {}) }],
    typedSearchAttributes: o.prepared?.searchAttributes ?? [{ key: SA.kind, value: o.kind }],
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
 * What a caller's Idempotency-Key becomes before anything is recorded: SHA-256 over the key with
 * the caller (and, for an event, the procedure), so the key — chosen by the caller and possibly
 * meaningful — never appears in a workflow id, an update id or the history, while the same
 * caller's same key still names the same start or event.
 */
export function idempotencyDigest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

/**
 * Sends an event as an Update; `updateId` makes a retried send apply at most once, also across a
 * continue-as-new (the workflow keeps the ids it applied). 'not-ready' (preparing, or moving to its
 * next run) is retried with backoff for up to about 10 s; the handle names no run, so the retry
 * reaches the latest.
 */
export async function sendEvent(handle: WorkflowHandle, req: EventRequest, updateId?: string): Promise<EventResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await handle.executeUpdate(eventUpdate, { args: [req], ...(updateId ? { updateId } : {}) });
    } catch (err) {
      if (eventRejection(err)?.code !== 'not-ready' || attempt >= 30) throw err;
      await delay(Math.min(20 * 2 ** attempt, 500));
    }
  }
}
