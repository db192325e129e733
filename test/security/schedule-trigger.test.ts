import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { waitReady } from '../../api/procedure-client.js';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { shanghaiDateOf } from '../../domain/time.js';
import { annualScheduleId, registerAnnualSchedules } from '../../worker/schedules.js';
import { createWorker } from '../../worker/worker.js';
import { SA } from '../../workflows/search-attributes.js';
import type { ProcedureWorkflow } from '../../workflows/types.js';
import { freePort } from '../support/ports.js';
import { unsealedDataConverter } from '../support/converters.js';
import { testRecordStore } from '../support/records.js';
import type { RecordStore } from '../../records/store.js';

/**
 * Issue 24: `temporal schedule trigger --schedule-id annual-inspection-ent-gz-tech --overlap-policy
 * AllowAll`, by whoever reaches the Temporal port, started real self-inspections, each at once
 * overdue with a reminder and an escalation sent. Only the schedule's run at its instant
 * (1 January 00:00 Beijing time) is a self-inspection now; one for a given year is started through
 * the API.
 */
const TASK_QUEUE = 'schedule-trigger';
const SCHEDULE = annualScheduleId('ent-gz-tech');
let server: DevServer;
let connection: Connection;
let native: NativeConnection;
let client: Client;
let records: RecordStore;
beforeAll(async () => {
  records = await testRecordStore();
  server = await startDevServer({
    dbFile: join(mkdtempSync(join(tmpdir(), 'bm-sched-trigger-')), 't.sqlite'),
    port: await freePort(),
    uiPort: await freePort(),
  });
  connection = await Connection.connect({ address: server.address });
  native = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: unsealedDataConverter });
  await registerAnnualSchedules(client, loadDeps({}).registry, TASK_QUEUE);
});
afterAll(async () => {
  await records?.close();
  await connection?.close();
  await native?.close();
  await server?.stop();
});

/** The runs the schedule started, once `count` are there. */
async function runsOfSchedule(count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const ids: string[] = [];
    for await (const w of client.workflow.list({ query: `TemporalScheduledById = '${SCHEDULE}'` })) ids.push(w.workflowId);
    if (ids.length >= count) return ids;
    await delay(100);
  }
  const all: string[] = [];
  for await (const w of client.workflow.list()) all.push(`${w.workflowId} ${JSON.stringify(w.searchAttributes)}`);
  throw new Error(`the schedule started fewer than ${count} runs: ${all.join('; ')}`);
}

describe('the yearly self-inspection Schedule cannot be fired at will', () => {
  it('three `schedule trigger --overlap-policy AllowAll` start nothing: each run is refused before it prepares, records, arms or sends anything', async () => {
    const worker = await createWorker(native, { namespace: 'default', taskQueue: TASK_QUEUE }, loadDeps({}), {
      dataConverter: unsealedDataConverter,
      records,
    });
    await worker.runUntil(async () => {
      const schedule = client.schedule.getHandle(SCHEDULE);
      // A second apart: the server names a run by the schedule and the second it was due.
      for (let i = 0; i < 3; i++) await schedule.trigger('ALLOW_ALL').then(() => delay(1100));
      const ids = await runsOfSchedule(3);
      expect(ids).toHaveLength(3);
      for (const id of ids) {
        const handle = client.workflow.getHandle(id);
        const failure = await handle.result().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(WorkflowFailedError);
        const cause = (failure as WorkflowFailedError).cause;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect((cause as ApplicationFailure).type).toBe('NotScheduled');
        expect((cause as ApplicationFailure).message).toContain(`not by schedule ${SCHEDULE} due`);
        const events = (await handle.fetchHistory()).events ?? [];
        // No preparation, no timer (no deadline, reminder or escalation), no activity (no notice sent), no procedure attributes.
        expect(events.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes)).toEqual([]);
        const upserted = events.flatMap((e) =>
          Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
        );
        expect(upserted.filter((k) => k.startsWith('Bm'))).toEqual([]);
        expect((await handle.describe()).typedSearchAttributes.get(SA.kind)).toBeUndefined();
      }
    });
  });

  it("the schedule's own run at 1 January 00:00 Beijing time is the enterprise's self-inspection for the year before", async () => {
    const worker = await createWorker(native, { namespace: 'default', taskQueue: TASK_QUEUE }, loadDeps({}), {
      dataConverter: unsealedDataConverter,
      records,
    });
    await worker.runUntil(async () => {
      const year = Number(shanghaiDateOf(Date.now()).slice(0, 4));
      const due = Date.parse(`${year}-01-01T00:00:00+08:00`);
      const before = (await runsOfSchedule(3)).length;
      // What the server does at the instant (its catch-up after an outage too): a backfill of it.
      await client.schedule.getHandle(SCHEDULE).backfill({ start: new Date(due - 1000), end: new Date(due + 1000), overlap: 'ALLOW_ALL' });
      const ids = await runsOfSchedule(before + 1);
      const id = ids.find((i) => i.endsWith(new Date(due).toISOString().replace(/\.000Z$/, 'Z')))!;
      expect(id, ids.join(', ')).toBeDefined();
      const view = await waitReady(client.workflow.getHandle<ProcedureWorkflow>(id));
      expect(view.context).toMatchObject({ year: year - 1, parties: { enterprise: { id: 'ent-gz-tech' } } });
    });
  });
});
