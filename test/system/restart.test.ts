import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { sendEvent, startProcedure } from '../../api/procedure-client.js';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { createWorker } from '../../worker/worker.js';
import { viewQuery } from '../../workflows/messages.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import type { ProcedureKind } from '../../machines/index.js';
import { freePort } from '../support/ports.js';
import { recordOnceCaughtUp, testRecordStore } from '../support/records.js';
import type { RecordStore } from '../../records/store.js';
import { today } from '../support/clock.js';
import { SA } from '../../workflows/search-attributes.js';
import { unsealedDataConverter } from '../support/converters.js';

const TASK_QUEUE = 'restart-test';

async function withStack<T>(
  dbFile: string,
  port: number,
  uiPort: number,
  records: RecordStore,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const server: DevServer = await startDevServer({ dbFile, port, uiPort });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  try {
    const worker = await createWorker(native, { namespace: 'default', taskQueue: TASK_QUEUE }, loadDeps({}), {
      dataConverter: unsealedDataConverter,
      records,
    });
    return await worker.runUntil(fn(new Client({ connection, dataConverter: unsealedDataConverter })));
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
}

describe('the dev server on a SQLite file survives a full restart', () => {
  it('finds the open procedure, its deadline and its pending timer intact after everything stopped and started again', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'bm-restart-')), 'temporal.sqlite');
    const [port, uiPort] = [await freePort(), await freePort()];
    const organ = { id: 'org-gz-bureau' };
    const input = {
      organId: 'org-gz-bureau',
      matterRef: 'R-1',
      title: '重启测试事项',
      draftedOn: today(),
      protectiveMeasures: '先行保护',
      proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
    };

    const records = await testRecordStore();
    const before = await withStack(dbFile, port, uiPort, records, async (client) => {
      const { handle, ready: view } = await startProcedure(client, {
        kind: 'unclear-matter',
        workflowId: 'unclear-matter-restart-0001',
        taskQueue: TASK_QUEUE,
        input,
        actor: organ,
      });
      expect(view.state).toBe('awaitingReport');
      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(SA.kind)).toBe('unclear-matter');
      return view;
    });

    await withStack(dbFile, port, uiPort, records, async (client) => {
      const handle = client.workflow.getHandle('unclear-matter-restart-0001');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const view = await handle.query(viewQuery);
      expect(view.state).toBe('awaitingReport');
      expect(view.deadlines).toEqual(before.deadlines);
      // The durable timer for the first reminder is still pending, set for its instant.
      const events = (await handle.fetchHistory()).events!;
      const started = events.filter((e) => e.timerStartedEventAttributes);
      const ended = new Set(
        events
          .flatMap((e) => [e.timerFiredEventAttributes?.startedEventId, e.timerCanceledEventAttributes?.startedEventId])
          .filter(Boolean)
          .map(String),
      );
      const pending = started.filter((e) => !ended.has(String(e.eventId)));
      expect(pending).toHaveLength(1);
      const t = pending[0]!;
      const firesAt =
        Number(t.eventTime!.seconds) * 1000 +
        Math.floor((t.eventTime!.nanos ?? 0) / 1e6) +
        Number(t.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000;
      const next = [...view.deadlines[0]!.reminders.map((r) => r.at), view.deadlines[0]!.dueSoonAt]
        .map(Date.parse)
        .filter((x) => x > Date.now())
        .sort((a, b) => a - b)[0]!;
      expect(Math.abs(firesAt - next)).toBeLessThan(2000);
      // And the restarted worker carries the procedure on.
      const r = await sendEvent(handle, { type: 'SUBMIT_REPORT', payload: {}, actor: organ });
      expect(r.state).toBe('underDetermination');
      // The case file holds the whole trail, the entries from before the restart and after, in order.
      const live = await handle.query(viewQuery);
      const recorded = await recordOnceCaughtUp(records, 'unclear-matter-restart-0001', live.audit.length);
      expect(recorded?.view.audit).toEqual(live.audit);
      expect(recorded?.view.state).toBe('underDetermination');
    });
    await records.close();
  });

  it('keeps open procedures of every kind, with their deadlines and pending timers, across a restart', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'bm-restart-all-')), 'temporal.sqlite');
    const [port, uiPort] = [await freePort(), await freePort()];
    const year = Number(today().slice(0, 4));
    const starts: Array<{ kind: ProcedureKind; actor: string; input: Record<string, unknown> }> = [
      {
        kind: 'unclear-matter',
        actor: 'org-gz-bureau',
        input: {
          organId: 'org-gz-bureau',
          matterRef: 'R-2',
          title: 'T',
          draftedOn: today(),
          protectiveMeasures: 'M',
          proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
        },
      },
      {
        kind: 'objection',
        actor: 'org-gz-institute',
        input: {
          objectorId: 'org-gz-institute',
          classifierId: 'org-gz-bureau',
          matterRef: 'O',
          title: 'T',
          grounds: 'G',
          filedOn: today(),
          determined: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
          claim: { outcome: 'not-secret' },
        },
      },
      {
        kind: 'leak',
        actor: 'org-th-office',
        input: { organId: 'org-th-office', incidentRef: 'L', summary: 'S', discoveredAt: new Date().toISOString(), remedialMeasures: 'M' },
      },
      {
        kind: 'appraisal',
        actor: 'org-gz-procuratorate',
        input: { applicantId: 'org-gz-procuratorate', caseRef: 'C', appliedOn: today(), items: [{ ref: 'A1', description: 'D' }] },
      },
      { kind: 'annual-inspection', actor: 'ent-gz-tech', input: { enterpriseId: 'ent-gz-tech', year } },
    ];
    const pendingTimers = async (client: Client, id: string) => {
      const events = (await client.workflow.getHandle(id).fetchHistory()).events!;
      const ended = new Set(
        events
          .flatMap((e) => [e.timerFiredEventAttributes?.startedEventId, e.timerCanceledEventAttributes?.startedEventId])
          .filter(Boolean)
          .map(String),
      );
      return events
        .filter((e) => e.timerStartedEventAttributes && !ended.has(String(e.eventId)))
        .map((e) => e.timerStartedEventAttributes!.timerId);
    };
    const records = await testRecordStore();
    const before = await withStack(dbFile, port, uiPort, records, async (client) => {
      const out: Record<string, { view: ProcedureView; timers: Array<string | null | undefined> }> = {};
      for (const s of starts) {
        const id = `${s.kind}-restart-all-0001`;
        await startProcedure(client, { kind: s.kind, workflowId: id, taskQueue: TASK_QUEUE, input: s.input, actor: { id: s.actor } });
        out[id] = { view: await client.workflow.getHandle(id).query(viewQuery), timers: await pendingTimers(client, id) };
      }
      return out;
    });
    // Every one waits on a durable timer (the appraisal under review on its review period, local policy).
    expect(Object.values(before).filter((b) => b.timers.length > 0)).toHaveLength(5);
    await withStack(dbFile, port, uiPort, records, async (client) => {
      for (const [id, b] of Object.entries(before)) {
        const handle = client.workflow.getHandle(id);
        expect((await handle.describe()).status.name, id).toBe('RUNNING');
        const view = await handle.query(viewQuery);
        expect(view.state, id).toBe(b.view.state);
        expect(view.deadlines, id).toEqual(b.view.deadlines);
        expect(view.audit.length, id).toBeGreaterThanOrEqual(b.view.audit.length);
        // Every timer pending before the restart is still pending (none lost, none fired early).
        expect(await pendingTimers(client, id), id).toEqual(b.timers);
        // And the case file holds the same trail.
        expect((await recordOnceCaughtUp(records, id, view.audit.length))?.view.audit, id).toEqual(view.audit);
      }
    });
    await records.close();
  });
});
