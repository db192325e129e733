import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { waitReady } from '../../api/procedure-client.js';
import { startDevServer } from '../../scripts/dev-server.js';
import { today } from '../support/clock.js';
import { registerAnnualSchedules } from '../../worker/schedules.js';
import { createWorker } from '../../worker/worker.js';
import type { ProcedureWorkflow } from '../../workflows/types.js';
import { freePort } from '../support/ports.js';
import { unsealedDataConverter } from '../support/converters.js';
import { testRecordStore } from '../support/records.js';

const TASK_QUEUE = 'schedule-test';

describe('annual self-inspection schedules (Regs 48 para 3) on the dev server', () => {
  it('registers one yearly schedule per licensed enterprise, idempotently, and its run at 1 January starts that enterprise’s inspection for the previous year', async () => {
    const server = await startDevServer({
      dbFile: join(mkdtempSync(join(tmpdir(), 'bm-sched-')), 't.sqlite'),
      port: await freePort(),
      uiPort: await freePort(),
    });
    const connection = await Connection.connect({ address: server.address });
    const native = await NativeConnection.connect({ address: server.address });
    try {
      const deps = loadDeps({});
      const client = new Client({ connection, dataConverter: unsealedDataConverter });
      const licensed = deps.registry.data.organs.filter((o) => o.licence).map((o) => `annual-inspection-${o.id}`);
      expect(licensed).toEqual(['annual-inspection-ent-gz-tech']);
      expect(await registerAnnualSchedules(client, deps.registry, TASK_QUEUE)).toEqual({ created: licensed, existing: [] });
      expect(await registerAnnualSchedules(client, deps.registry, TASK_QUEUE)).toEqual({ created: [], existing: licensed });

      const schedule = client.schedule.getHandle('annual-inspection-ent-gz-tech');
      const description = await schedule.describe();
      expect(description.spec.calendars?.[0]).toMatchObject({
        month: [{ start: 'JANUARY', end: 'JANUARY', step: 1 }],
        dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      });
      expect(description.spec.timezone).toBe('Asia/Shanghai');
      expect(Date.parse(description.info.nextActionTimes[0]!.toISOString())).toBe(
        Date.parse(`${Number(today().slice(0, 4)) + 1}-01-01T00:00:00+08:00`),
      );

      const records = await testRecordStore();
      const worker = await createWorker(native, { namespace: 'default', taskQueue: TASK_QUEUE }, deps, {
        dataConverter: unsealedDataConverter,
        records,
      });
      await worker.runUntil(async () => {
        // The run the server starts at the instant (1 January 00:00 Beijing time), as a backfill of it; a trigger is refused (test/security/schedule-trigger.test.ts).
        const due = Date.parse(`${Number(today().slice(0, 4))}-01-01T00:00:00+08:00`);
        await schedule.backfill({ start: new Date(due - 1000), end: new Date(due + 1000) });
        let runId: string | undefined;
        for (let i = 0; i < 100 && !runId; i++) {
          runId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
          if (!runId) await delay(100);
        }
        expect(runId).toMatch(/^annual-inspection-ent-gz-tech-/);
        const view = await waitReady(client.workflow.getHandle<ProcedureWorkflow>(runId!));
        const year = Number(today().slice(0, 4)) - 1;
        expect(view.context).toMatchObject({ year, parties: { enterprise: { id: 'ent-gz-tech' }, authority: { id: 'auth-440000' } } });
        expect(view.deadlines[0]!.lastDay?.slice(0, 4)).toBe(String(year + 1));
      });
      await records.close();
    } finally {
      await connection.close();
      await native.close();
      await server.stop();
    }
  });
});
