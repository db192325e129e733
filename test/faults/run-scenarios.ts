import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sendEvent, startProcedure } from '../../api/procedure-client.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { sleepUntil } from '../support/temporal.js';
import { SCENARIOS, START } from './scenarios.js';

export interface Outcome {
  kind: string;
  handle: WorkflowHandle;
  final: ProcedureView;
}

const DAY = 86_400_000;

/** Retries a call the server did not answer in time (a worker was down); other errors surface. */
async function patiently<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || attempt >= 10) throw e;
    }
  }
}

/** The days on which events are sent, in order. */
export const EVENT_DAYS = [...new Set(SCENARIOS.flatMap((s) => s.steps.map((step) => step.day)))].sort((a, b) => a - b);

/**
 * Runs every scenario at once on a time-skipping server whose clock stands at START: starts the
 * procedures, then day by day lets the server's clock run to the next events (timers fire on the
 * way) and sends them, each under its own update id so that a resend is applied at most once.
 * `beforeDay` may hold the script back (the fault test paces it to its kills). Resolves with each
 * procedure's final view once all have closed.
 */
export async function runScenarios(
  env: TestWorkflowEnvironment,
  client: Client,
  taskQueue: string,
  tag: string,
  beforeDay: (index: number) => Promise<void> = async () => {},
): Promise<Outcome[]> {
  const handles = await Promise.all(
    SCENARIOS.map(
      async (s) =>
        (
          await patiently(() =>
            startProcedure(client, { kind: s.kind, workflowId: `${tag}-${s.kind}`, taskQueue, input: s.input, actor: { id: s.by } }),
          )
        ).handle,
    ),
  );
  for (const [index, day] of EVENT_DAYS.entries()) {
    await beforeDay(index);
    await sleepUntil(env, Date.parse(START) + day * DAY);
    await Promise.all(
      SCENARIOS.map(async (s, i) => {
        for (const [n, step] of s.steps.entries()) {
          if (step.day !== day) continue;
          await patiently(() =>
            sendEvent(
              handles[i]!,
              {
                type: step.type,
                payload: step.payload ?? {},
                actor: step.person
                  ? { id: step.by, person: { sub: step.person.sub, name: step.person.name }, roles: step.person.roles }
                  : { id: step.by },
              },
              `${handles[i]!.workflowId}-event-${n}`,
            ),
          );
        }
      }),
    );
  }
  return Promise.all(
    SCENARIOS.map(async (s, i) => ({ kind: s.kind, handle: handles[i]!, final: (await handles[i]!.result()) as ProcedureView })),
  );
}
