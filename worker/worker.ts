import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { PayloadCodec } from '@temporalio/common';
import type { ActivityDeps } from '../activities/deps.js';
import { sealedDataConverter } from './codec.js';
import { connectionOptions, type TemporalConfig } from './config.js';

export const WORKFLOWS_PATH = new URL('../workflows/index.ts', import.meta.url).pathname;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never });
  return bundle;
}

export async function createWorker(connection: NativeConnection, config: Pick<TemporalConfig, 'namespace' | 'taskQueue'>, deps: ActivityDeps, codec: PayloadCodec): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(deps),
    dataConverter: sealedDataConverter(codec),
    // Open procedures mostly sleep for days: keep a bounded cache and replay the rest on demand,
    // so memory does not grow with the number of open procedures.
    maxCachedWorkflows: Number(process.env.BM_MAX_CACHED_WORKFLOWS ?? 300),
  });
}

export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
