import { loadDeps, loadOrExit } from '../activities/deps.js';
import { temporalConfig } from './config.js';
import { codecFromEnv } from './codec.js';
import { connectWorker, createWorker } from './worker.js';
import { refuseUnsafeProduction } from './production.js';
import { installRuntimeWithMetrics } from './metrics.js';

refuseUnsafeProduction('worker');
// Registry, policy and calendar are validated before anything connects: bad data stops here.
const deps = loadOrExit('worker', () => loadDeps());
await installRuntimeWithMetrics((process.env.LOG_LEVEL?.toUpperCase() as 'WARN' | undefined) ?? 'WARN').catch((e: Error) => {
  console.error(`[worker] cannot start: ${e.message}`);
  process.exit(1);
});
const config = loadOrExit('worker', () => temporalConfig());
const connection = await connectWorker(config);
const worker = await createWorker(connection, config, deps, codecFromEnv());
console.error(
  `[worker] polling task queue ${config.taskQueue} on ${config.address} (namespace ${config.namespace}); registry ${deps.registry.version}, calendar ${deps.calendar().version}`,
);
await worker.run();
await connection.close();
