/**
 * An ablation for the storm bench (issue 23: what the case file costs a deadline storm), loaded into
 * the worker before its entry point with BENCH_STORM_RECORD=0 (bench/harness.ts). A pass's append
 * (`uncommitted`: the local activity in the pass's own task, workflows/activation-batch.ts) answers as
 * if written and writes nothing; every other append (the starts', an event's) is written as always, so
 * the board, the record's check and the procedures are as in the real run. Never part of the product.
 */
import { RecordStore, type AppendRequest, type AppendResult } from '../records/store.js';

const append = RecordStore.prototype.append;
RecordStore.prototype.append = function (this: RecordStore, req: AppendRequest): Promise<AppendResult> {
  if (!req.uncommitted) return append.call(this, req);
  return Promise.resolve({ headSeq: req.entries.at(-1)?.seq ?? 0, diverged: 0, viewHash: 'not-written' });
};
