import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadDeps } from '../../activities/deps.js';
import { bundleWorkflows, createWorker } from '../../worker/worker.js';
import { unsealedDataConverter } from './converters.js';
import { testRecordStore } from './records.js';

/** Runs `fn` while a worker serves a test bundle of workflows (e.g. a procedure with a flag changed) on its own task queue; `fn` gets the bundle (to replay with it). */
export async function withTestBundle<T>(
  env: TestWorkflowEnvironment,
  workflowsPath: string,
  taskQueue: string,
  fn: (bundle: WorkflowBundleWithSourceMap) => Promise<T>,
): Promise<T> {
  const bundle = await bundleWorkflows(workflowsPath);
  const records = await testRecordStore();
  const worker = await createWorker(env.nativeConnection, { namespace: 'default', taskQueue }, loadDeps({}), {
    dataConverter: unsealedDataConverter,
    bundle,
    records,
  });
  try {
    return await worker.runUntil(() => fn(bundle));
  } finally {
    await records.close();
  }
}
