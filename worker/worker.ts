import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createRecordActivities } from '../activities/record.js';
import { workerSinks } from './sinks.js';
import type { DataConverter } from '@temporalio/common';
import type { ActivityDeps } from '../activities/deps.js';
import type { RecordStore } from '../records/store.js';
import type { Config } from '../activities/config.js';
import { FAILURE_CONVERTER_PATH, PAYLOAD_CONVERTER_PATH } from '../temporal/codec.js';
import { connectionOptions, type TemporalConfig } from '../temporal/connection.js';

export const WORKFLOWS_PATH = new URL('../workflows/index.ts', import.meta.url).pathname;
/** Evaluated once per worker thread and shared by every workflow (see workflows/shared-modules.ts). */
const SHARED_MODULES = ['zod', 'xstate', new URL('../workflows/shared-modules.ts', import.meta.url).pathname];

/** A bundle of the workflows a file exports, with the converters and shared modules every worker uses. */
export function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    preloadModules: SHARED_MODULES,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never,
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per process (tests; `npm start` prebuilds it, see below). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows(WORKFLOWS_PATH);
  return bundle;
}

/** Writes the bundle to a file: a worker started with BM_WORKFLOW_BUNDLE loads it instead of running webpack. */
export async function writeWorkflowBundle(path: string): Promise<void> {
  const { code } = await workflowBundle();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
}

/** Worker settings from the configuration (BM_WORKFLOW_BUNDLE, BM_MAX_CACHED_WORKFLOWS, BM_STICKY_TIMEOUT_SECONDS). */
export type WorkerSettings = Partial<Pick<Config, 'workflowBundle' | 'maxCachedWorkflows' | 'stickyTimeoutSeconds'>>;

/** How a worker converts payloads, and which workflows it runs. */
export interface WorkerSetup {
  /** Production seals every payload (`sealedDataConverter`); the time-skipping tests run the same converters unsealed. */
  dataConverter: DataConverter;
  /** A bundle built in this process (a test of changed workflows); else BM_WORKFLOW_BUNDLE's file, else the workflows' bundle. */
  bundle?: WorkflowBundleWithSourceMap;
  settings?: WorkerSettings;
  /** The case file's database (records/store.ts): every audit entry is appended there. */
  records: RecordStore;
}

/** The one worker of production, the tests and the benches. */
export async function createWorker(
  connection: NativeConnection,
  config: Pick<TemporalConfig, 'namespace' | 'taskQueue'>,
  deps: ActivityDeps,
  { dataConverter, bundle, settings = {}, records }: WorkerSetup,
): Promise<Worker> {
  // A prebuilt bundle (BM_WORKFLOW_BUNDLE): the worker does not run webpack.
  const prebuilt: WorkflowBundleOption | undefined = settings.workflowBundle ? { codePath: settings.workflowBundle } : undefined;
  const activities = createActivities(deps);
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowBundle: bundle ?? prebuilt ?? (await workflowBundle()),
    activities: { ...activities, ...createRecordActivities(records, activities.deliverAll) },
    dataConverter,
    sinks: workerSinks,
    // Open procedures mostly sleep for days: keep a bounded cache and replay the rest on demand,
    // so memory does not grow with the number of open procedures.
    maxCachedWorkflows: settings.maxCachedWorkflows ?? 300,
    stickyQueueScheduleToStartTimeout: `${settings.stickyTimeoutSeconds ?? 300} seconds`,
  });
}

export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
