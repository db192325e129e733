/**
 * A worker in its own process, for tests that kill it (kill -9) mid-procedure: the production
 * worker (worker/worker.ts) with the environment of worker/main.ts. Prints "polling" when ready.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../activities/config.js';
import { loadDeps } from '../../activities/deps.js';
import { codecOf, sealedDataConverter } from '../../temporal/codec.js';
import { temporalConfig } from '../../temporal/connection.js';
import { connectWorker, createWorker } from '../../worker/worker.js';
import { openRecordStore } from '../../records/open.js';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const settings = loadConfig('worker');
const config = temporalConfig();
const worker = await createWorker(await connectWorker(config), config, loadDeps(settings), {
  dataConverter: sealedDataConverter(codecOf(settings)),
  settings,
  records: await openRecordStore(settings),
});
console.log('polling');
await worker.run();
