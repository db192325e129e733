import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startProcedure } from '../../api/procedure-client.js';
import { codecFromEnv, sealedDataConverter } from '../../temporal/codec.js';
import demo from '../../domain/registry/demo-registry.json' with { type: 'json' };
import { historyActivities } from '../../temporal/history-activities.js';
import { freePort } from '../support/ports.js';
import { webhookReceiver } from '../support/receivers.js';
import { sleepUntil, timeSkippingEnv } from '../support/temporal.js';
import { viewQuery } from '../../workflows/messages.js';
import { startWorkerProcess as startWorker } from '../support/worker-child.js';
import { testRecordKeysEnv, testRecordStore } from '../support/records.js';
import { verifyChains } from '../../records/verify.js';

const SECRET = 'crash-test-secret';

describe.sequential('a reminder survives a worker killed between sending and recording (SPEC §4)', () => {
  it('the receiver sees it exactly once: the resend carries the same idempotency key', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-crash-'));
    const registry = structuredClone(demo);
    registry.organs.find((o) => o.id === 'org-gz-bureau')!.secrecyOfficer = { name: '保密办', webhook: 'PLACEHOLDER' } as never;
    let first: ChildProcess | undefined;
    // One record database for both workers, as in production.
    const records = await testRecordStore();
    const reminderRows = () =>
      records.pool
        .query<{ seq: number; at: string; task: number | null }>(
          `select seq, entry->>'at' as at, task from record_entries where procedure_id = $1 and entry->>'kind' = 'reminder'`,
          ['unclear-matter-crash-0001'],
        )
        .then((r) => r.rows);
    let written: Array<{ seq: number; at: string; task: number | null }> = [];
    const hook = await webhookReceiver(SECRET, async () => {
      // The first delivery arrives while the pass's local activity also writes its entry to the record
      // (issue 28): once that is written, the worker dies before Temporal commits the pass's task.
      if (!first || first.exitCode !== null || first.killed) return;
      await expect.poll(reminderRows, { timeout: 30_000, interval: 50 }).toHaveLength(1);
      written = await reminderRows();
      first.kill('SIGKILL');
    });
    registry.organs.find((o) => o.id === 'org-gz-bureau')!.secrecyOfficer = { name: '保密办', webhook: hook.url } as never;
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(registry));
    const port = await freePort();
    // The clock starts 10 min before the 50% reminder and runs in real time (the test never waits on a
    // result); once the procedure is armed it is moved to 3 s before the reminder. A loaded host may take
    // more than a minute to start the worker process: a clock started just before the reminder would have
    // passed it by then, and the procedure would start after its 50% point. The waits below are generous.
    const env = await timeSkippingEnv('2025-10-10T15:50:00Z', port);
    const workerEnv = {
      BM_RECORDS_URL: records.url,
      ...testRecordKeysEnv(),
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: 'crash',
      BM_REGISTRY_FILE: join(dir, 'registry.json'),
      BM_WEBHOOK_SECRET: SECRET,
      BM_DATA_DIR: dir,
    };
    let second: ChildProcess | undefined;
    try {
      // Without a workflow cache, hence without a sticky task queue: the time-skipping server never moves a
      // task off a dead worker's sticky queue (a real server does after 10 s; see test/faults).
      first = await startWorker({ ...workerEnv, BM_MAX_CACHED_WORKFLOWS: '0' });
      const input = {
        organId: 'org-gz-bureau',
        matterRef: 'K-1',
        title: '崩溃测试',
        draftedOn: '2025-09-26',
        protectiveMeasures: 'M',
        proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: 'S' },
      };
      const client = new Client({ connection: env.connection, dataConverter: sealedDataConverter(codecFromEnv({ BM_DATA_DIR: dir })) });
      const { handle } = await startProcedure(client, {
        kind: 'unclear-matter',
        workflowId: 'unclear-matter-crash-0001',
        taskQueue: 'crash',
        input,
        actor: { id: 'org-gz-bureau' },
      });
      await handle.query(viewQuery);
      await sleepUntil(env, Date.parse('2025-10-10T15:59:57Z'));
      await expect.poll(() => first!.exitCode !== null || first!.signalCode !== null, { timeout: 90_000 }).toBe(true);
      expect(hook.calls).toHaveLength(1);

      second = await startWorker(workerEnv);
      // The pass's batch (its entry for the case file and its delivery) is a local activity in the pass's
      // own workflow task (patch local-pass, workflows/activation-batch.ts): the task the kill interrupted
      // times out, and the new worker runs the pass again with the same key.
      await expect.poll(() => hook.calls.length, { timeout: 90_000, interval: 500 }).toBe(2);
      expect(hook.calls[1]!.key).toBe(hook.calls[0]!.key);
      expect(hook.calls.every((c) => c.validSignature)).toBe(true);
      expect(hook.unique()).toHaveLength(1);
      // The history shows the interrupted task timed out and the pass's one local activity (its result sealed), with no deliver
      // activity (the record's later appends, of activations that were no pass, are regular activities).
      await expect
        .poll(
          async () => {
            const events = (await handle.fetchHistory()).events ?? [];
            const fired = events.findIndex((e) => e.timerFiredEventAttributes);
            const pass = historyActivities(events.slice(fired));
            return {
              timedOutTasks: events.slice(fired).filter((e) => e.workflowTaskTimedOutEventAttributes).length,
              local: pass.filter((a) => a.local).map((a) => a.type),
              deliver: pass.filter((a) => a.type === 'deliver').length,
            };
          },
          { timeout: 60_000 },
        )
        .toEqual({ timedOutTasks: 1, local: ['recordAndDeliver'], deliver: 0 });
      await expect
        .poll(async () => (await handle.query(viewQuery)).inbox.find((e) => e.kind === 'reminder')?.deliveries.map((d) => d.status), {
          timeout: 30_000,
        })
        .toEqual(['delivered']);
      // The record held the first attempt's entry, written by the uncommitted task; the retried task of the
      // same run wrote the pass again over it (its view patch's base was gone, so the view went whole, by
      // the regular activity: a committed row): one reminder entry, at the retry's instant, no anomaly.
      expect(written).toEqual([{ seq: expect.any(Number), at: expect.any(String), task: expect.any(Number) }]);
      expect(await reminderRows()).toEqual([{ seq: written[0]!.seq, at: expect.any(String), task: null }]);
      const [rewritten] = await reminderRows();
      expect(Date.parse(rewritten!.at)).toBeGreaterThan(Date.parse(written[0]!.at));
      expect((await records.read('unclear-matter-crash-0001'))!.anomaly).toBeUndefined();
      expect(await verifyChains(records.pool, records.keys)).toEqual([]);
    } finally {
      first?.kill('SIGKILL');
      second?.kill('SIGKILL');
      await env.teardown();
      await hook.close();
      await records.close();
    }
  });
});
