/**
 * The worker's writes to the record store (records/store.ts, SPEC §4a): one append per workflow
 * activation that added audit entries. Retried until it succeeds (workflows/recorder.ts): an entry
 * is never lost, and a retry writes nothing twice (idempotent by procedure and seq).
 */
import type { DeliveryOutcome, DeliveryRequest } from './delivery.js';
import { procedureLog } from './log.js';
import type { AppendRequest, AppendResult, RecordStore } from '../records/store.js';

export type RecordActivities = ReturnType<typeof createRecordActivities>;

export function createRecordActivities(store: RecordStore, deliverAll: (reqs: DeliveryRequest[]) => Promise<DeliveryOutcome[]>) {
  return {
    async appendRecord(req: AppendRequest): Promise<AppendResult> {
      return store.append(req);
    },

    /**
     * An activation's append and its deliveries in one activity (workflows/activation-batch.ts): a
     * deadline storm's pass costs one activity, not two (issue 23). Never thrown, as `deliverAll`:
     * an append that failed comes back without `record`, and the workflow appends alone, retried.
     */
    async recordAndDeliver(req: {
      record: AppendRequest;
      deliveries: DeliveryRequest[];
    }): Promise<{ record?: AppendResult; deliveries: DeliveryOutcome[] }> {
      const [record, deliveries] = await Promise.all([
        store.append(req.record).catch((e: unknown) => {
          procedureLog(req.record.procedureId, 'recordAndDeliver').warn({ err: (e as Error).message }, 'record append failed');
          return undefined;
        }),
        deliverAll(req.deliveries),
      ]);
      return { ...(record ? { record } : {}), deliveries };
    },

    /** The event Updates the record holds as applied (by hash): a reset run refuses them again (workflows/recorder.ts). */
    async recordedUpdates(req: { procedureId: string }): Promise<string[]> {
      return store.updateHashes(req.procedureId);
    },
  };
}
