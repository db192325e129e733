// Loaded with --import into the bench's worker (BENCH_STORM_RECORD=0): the ablation patches the record
// store in the worker's main thread only (its workflow threads inherit the flag and have no record store).
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./without-pass-record-patch.ts');
