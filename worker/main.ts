import { loadConfig } from '../activities/config.js';
import { loadDeps, loadOrExit } from '../activities/deps.js';
import { temporalConfig } from '../temporal/connection.js';
import { codecOf, sealedDataConverter } from '../temporal/codec.js';
import { connectWorker, createWorker } from './worker.js';
import { refuseUnsafeStart } from './production.js';
import { installRuntimeWithMetrics } from './metrics.js';
import { openRecordStore } from '../records/open.js';
import { startRecordWatch } from './record-watch.js';
import { Client, Connection } from '@temporalio/client';
import { connectionOptions } from '../temporal/connection.js';

const settings = loadConfig('worker');
refuseUnsafeStart('worker');
// Registry, policy and calendar are validated before anything connects: bad data stops here.
const deps = loadOrExit('worker', () => loadDeps(settings));
const config = loadOrExit('worker', () => temporalConfig());
const codec = loadOrExit('worker', () => codecOf(settings));
// Only then the runtime binds its metrics port: a bad setting is named even when that port is taken.
await installRuntimeWithMetrics(settings.logLevel.toUpperCase() as Uppercase<typeof settings.logLevel>, settings).catch((e: Error) => {
  console.error(`[worker] cannot start: ${e.message}`);
  process.exit(1);
});
const records = await openRecordStore(settings).catch((e: Error) => {
  console.error(`[worker] cannot start: ${e.message}`);
  process.exit(1);
});
const connection = await connectWorker(config);
const worker = await createWorker(connection, config, deps, { dataConverter: sealedDataConverter(codec), settings, records });
console.error(
  `[worker] polling task queue ${config.taskQueue} on ${config.address} (namespace ${config.namespace}); registry ${deps.registry.version}, calendar ${deps.calendar().version}`,
);
// The case file checked against Temporal all the time (SPEC §4a), beside the worker.
const watchConnection = await Connection.connect(connectionOptions(config));
const watch = startRecordWatch({
  client: new Client({ connection: watchConnection, namespace: config.namespace, dataConverter: sealedDataConverter(codecOf(settings)) }),
  store: records,
  registry: deps.registry,
  delivery: deps.delivery,
  taskQueue: config.taskQueue,
  alarmEmails: settings.alarmEmails,
  everyMs: settings.recordWatchSeconds * 1000,
  log: (line) => console.error(`[worker] ${line}`),
});
await worker.run();
await watch.stop();
await watchConnection.close();
await connection.close();
await records.close();
