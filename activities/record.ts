/**
 * The worker's writes to the record store (records/store.ts, SPEC §4a): one append per workflow
 * activation that added audit entries. Retried until it succeeds (workflows/recorder.ts): an entry
 * is never lost, and a retry writes nothing twice (idempotent by procedure and seq).
 */
import type { AppendRequest, AppendResult, RecordStore } from '../records/store.js';

export type RecordActivities = ReturnType<typeof createRecordActivities>;

export function createRecordActivities(store: RecordStore) {
  return {
    async appendRecord(req: AppendRequest): Promise<AppendResult> {
      return store.append(req);
    },
  };
}
