import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { sendEvent, startProcedure } from '../../api/procedure-client.js';
import { viewQuery } from '../../workflows/messages.js';
import type { Actor } from '../../domain/procedure-view.js';
import { sleepUntil, timeSkippingEnv } from '../support/temporal.js';
import { withTestBundle } from '../support/test-bundle.js';
import { RUN_LIMITS } from '../../workflows/continue-as-new.js';
import type { RunLimits } from '../../workflows/state.js';
import { TEST_RUN_LIMITS } from '../support/uncapped-workflows.js';

const organ = { id: 'org-th-office', name: '天河区某办公室' };
const authority: Actor = { id: 'auth-440106' };
const leak = {
  organId: 'org-th-office',
  incidentRef: 'XL-2025-07',
  summary: '涉密U盘遗失（非涉密简述）',
  discoveredAt: '2025-09-30T10:00:00+08:00',
  remedialMeasures: '封存相关设备',
};
const BATCH = 25;
const DAY = 86_400_000;
const START = Date.parse('2025-09-30T02:01:00Z');

interface Case {
  events: number;
  days: number;
  /** The test bundle: a leak procedure whose RECORD_MEASURES is uncapped, under `limits`. */
  bundle: string;
  limits: RunLimits;
  /** Batches between two sleeps. */
  perSleep: number;
  minRuns: number;
}
const CASES: Case[] = [
  // Several runs' worth at the small test limit (150 Updates a run): quick.
  { events: 450, days: 100, bundle: 'uncapped-workflows.ts', limits: TEST_RUN_LIMITS, perSleep: 75, minRuns: 3 },
  // The issue's own size: 3,000 events over a year at the limits every procedure runs under.
  { events: 3_000, days: 365, bundle: 'uncapped-real-limits-workflows.ts', limits: RUN_LIMITS, perSleep: 100, minRuns: 2 },
];

/** The runs of a procedure, first to latest, each with its history (followed through ContinuedAsNew events). */
async function runs(
  address: string,
  h: WorkflowHandle,
  firstRunId: string,
): Promise<Array<{ runId: string; history: temporal.api.history.v1.IHistory }>> {
  // A run's history is fetched in one page of several MB (the update results carry the deadlines).
  const client = new Client({
    connection: await Connection.connect({ address, channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } }),
  });
  const out = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(h.workflowId, runId).fetchHistory();
    out.push({ runId, history });
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

describe('procedures that live for years continue-as-new (issue 12)', () => {
  it.each(CASES)(
    '$events events into one leak procedure over $days days ($limits.maxUpdates Updates a run): it continues-as-new, keeps accepting the authority’s events, keeps its audit trail whole and in order, applies a repeated Update once across the runs, and every run replays',
    { timeout: 600_000 },
    async ({ events: EVENTS, days, bundle, limits, perSleep, minRuns }) => {
      const PER_SLEEP = perSleep;
      const env = await timeSkippingEnv('2025-09-30T02:01:00Z');
      try {
        await withTestBundle(env, new URL(`../support/${bundle}`, import.meta.url).pathname, 'long-lived', async (workflowBundle) => {
          const { handle: h } = await startProcedure(env.client, {
            kind: 'leak',
            taskQueue: 'long-lived',
            workflowId: 'leak-long-lived-1',
            input: leak,
            actor: organ,
          });
          const firstRunId = (await h.describe()).runId;
          const runId = async () => (await h.describe()).runId;
          await sendEvent(h, { type: 'REPORT_TO_AUTHORITY', payload: {}, actor: organ });
          await sendEvent(h, { type: 'REPORT_TO_SUPERIOR', payload: {}, actor: organ });
          // Edition 4 (Regs 60): the written result runs from the authority's 处理建议.
          await sendEvent(h, { type: 'PROPOSE_HANDLING', payload: { proposal: '对直接责任人员给予处分' }, actor: authority });
          const measure = (i: number) =>
            sendEvent(h, { type: 'RECORD_MEASURES', payload: { measures: `措施${i}` }, actor: organ }, `org-th-office:measure-${i}`);
          let repeatedAcrossRuns: { before: string; after: string; state: string } | undefined;
          let orderStopsAfterFirstRun = 0;
          for (let i = 0; i < EVENTS; i += BATCH) {
            await Promise.all(Array.from({ length: BATCH }, (_, k) => measure(i + k)));
            // Spread over the days: the written result's reminders and overdue escalations fire between batches.
            if (i % PER_SLEEP === PER_SLEEP - BATCH) await sleepUntil(env, START + ((i + BATCH) / EVENTS) * days * DAY);
            if (i === 100 - BATCH)
              await sendEvent(
                h,
                { type: 'RECORD_MEASURES', payload: { measures: '重复发送的措施' }, actor: organ },
                'org-th-office:repeat-key',
              );
            if (!repeatedAcrossRuns && i > 100 && (await runId()) !== firstRunId) {
              // The same Idempotency-Key once more, now in the next run: answered, not applied again.
              const again = await sendEvent(
                h,
                { type: 'RECORD_MEASURES', payload: { measures: '重复发送的措施' }, actor: organ },
                'org-th-office:repeat-key',
              );
              repeatedAcrossRuns = { before: firstRunId, after: await runId(), state: again.state };
            }
            if (repeatedAcrossRuns && orderStopsAfterFirstRun < 3) {
              await sendEvent(h, { type: 'ORDER_STOP', payload: { order: `责令停止${orderStopsAfterFirstRun}` }, actor: authority });
              orderStopsAfterFirstRun++;
            }
          }
          // Edition 4 (Regs 60): the leak is underway until the authority's handling and every duty are done.
          expect(repeatedAcrossRuns).toMatchObject({ state: 'underway' });
          expect(repeatedAcrossRuns!.after).not.toBe(repeatedAcrossRuns!.before);
          expect(orderStopsAfterFirstRun).toBe(3);

          const all = await runs(env.address, h, firstRunId);
          // It continued at the update threshold, not again and again because of the state it carries.
          expect(all.length).toBeGreaterThanOrEqual(minRuns);
          // Each run continued at maxUpdates, give or take the Updates accepted in the same activation
          // (at most one batch in flight), far below Temporal's 2,000; none continued before it had grown.
          for (const { history } of all)
            expect(history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length).toBeLessThanOrEqual(
              limits.maxUpdates + BATCH,
            );
          for (const { history } of all.slice(0, -1)) {
            expect(history.events!.length).toBeGreaterThanOrEqual(limits.minEvents);
            expect(history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
          }
          // The next run started from the carried state: no preparation, no deadline computed anew.
          for (const { history } of all.slice(1)) {
            const activities = history.events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
            expect(activities).not.toContain('prepareProcedure');
            expect(activities).not.toContain('computeDeadline');
            // The calendar the start recorded goes on with the state: the next run computes its deadlines with it (issue 14).
            const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!;
            expect(JSON.parse(Buffer.from(input).toString('utf8')).continued.prepared.calendar).toMatchObject({
              version: expect.any(String),
            });
          }

          const v = await h.query(viewQuery);
          expect(v.audit.map((a) => a.seq)).toEqual(v.audit.map((_, k) => k + 1));
          for (let k = 1; k < v.audit.length; k++)
            expect(Date.parse(v.audit[k]!.at)).toBeGreaterThanOrEqual(Date.parse(v.audit[k - 1]!.at));
          const measures = v.audit.filter((a) => a.event?.type === 'RECORD_MEASURES').map((a) => a.event!.payload.measures as string);
          expect(measures.filter((m) => m === '重复发送的措施')).toHaveLength(1);
          expect(new Set(measures.filter((m) => m !== '重复发送的措施'))).toEqual(
            new Set(Array.from({ length: EVENTS }, (_, i) => `措施${i}`)),
          );
          // The measures the start recorded, then every one sent.
          expect((v.context.measures as unknown[]).length).toBe(EVENTS + 2);
          expect(v.audit.filter((a) => a.event?.type === 'ORDER_STOP')).toHaveLength(3);
          // The written result fell due (3 months, 本地策略) while the runs changed: reminded and escalated once each period.
          expect(v.audit.filter((a) => a.kind === 'reminder' && a.deadlineKey?.startsWith('result')).length).toBeGreaterThan(0);
          expect(v.deadlines.find((d) => d.specId === 'result')).toMatchObject({ status: 'running', dueFired: true });

          // Every run's history replays on the same code (one replay worker for all of them).
          const replays = [];
          for await (const r of Worker.runReplayHistories(
            { workflowBundle },
            all.map(({ history }) => ({ workflowId: 'leak-long-lived-1', history })),
          ))
            replays.push(r.error);
          expect(replays).toEqual(all.map(() => undefined));
        });
      } finally {
        await env.teardown();
      }
    },
  );
});
