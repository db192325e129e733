/**
 * A worker in its own process, for tests that kill it (kill -9) mid-procedure. Reads the
 * same environment as worker/main.ts plus TEST_TASK_QUEUE.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { loadDeps } from '../../activities/deps.js';
import { workflowBundle } from '../../worker/worker.js';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({ connection, taskQueue: process.env.TEST_TASK_QUEUE!, workflowBundle: await workflowBundle(), activities: createActivities(loadDeps()) });
console.log('polling');
await worker.run();
