import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadDeps } from '../../activities/deps.js';
import { createActivities } from '../../activities/index.js';
import { FAILURE_CONVERTER_PATH } from '../../temporal/codec.js';
import { workerSinks } from '../../worker/sinks.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never;

/** Runs `fn` while a worker serves a test bundle of workflows (e.g. a procedure with a flag changed) on its own task queue; `fn` gets the bundle (to replay with it). */
export async function withTestBundle<T>(
  env: TestWorkflowEnvironment,
  workflowsPath: string,
  taskQueue: string,
  fn: (bundle: WorkflowBundleWithSourceMap) => Promise<T>,
): Promise<T> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quiet });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: createActivities(loadDeps({})),
    sinks: workerSinks,
  });
  return worker.runUntil(() => fn(workflowBundle));
}
