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

    /** The event Updates the record holds as applied (by hash): a reset run refuses them again (workflows/recorder.ts). */
    async recordedUpdates(req: { procedureId: string }): Promise<string[]> {
      return store.updateHashes(req.procedureId);
    },
  };
}
