import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRequest } from '../../activities/delivery.js';
import type { DeliveryOutcome } from '../../activities/delivery.js';
import { SA } from '../../workflows/search-attributes.js';
import { historyActivities } from '../../temporal/history-activities.js';
import { withProcedureEnv } from '../support/procedure-env.js';
import { smtpReceiver, webhookReceiver } from '../support/receivers.js';
import { depsWithWebhook, WEBHOOK_SECRET } from '../support/webhook-deps.js';

const organ = { id: 'org-gz-bureau' };
const matter = {
  organId: 'org-gz-bureau',
  matterRef: 'B-1',
  title: '合并送达测试',
  draftedOn: '2025-09-26',
  protectiveMeasures: 'M',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: 'S' },
};
// The matter's 50% reminder falls due at 2025-10-10T16:00:00Z.
const BEFORE_REMINDER = '2025-10-10T15:59:00Z';
const REMINDER_KEY = (id: string, channel: string) => `${id}:report#1:reminder50%:${channel}:${organ.id}`;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

interface Scheduled {
  type: string;
  /** A regular activity's delivery keys (none for others). */
  keys: string[];
  /** A local activity (a deadline pass's batch, patch `local-pass`): its marker holds the outcomes, not the keys. */
  local?: { outcomes: DeliveryOutcome['status'][]; recorded: boolean };
}

/** The activities the procedure scheduled, in order. */
async function scheduled(h: WorkflowHandle, since = 0): Promise<Scheduled[]> {
  return historyActivities(((await h.fetchHistory()).events ?? []).slice(since)).map((a): Scheduled => {
    if (a.local) {
      const out = a.result as { record?: unknown; deliveries: DeliveryOutcome[] };
      return { type: a.type, keys: [], local: { outcomes: out.deliveries.map((d) => d.status), recorded: out.record !== undefined } };
    }
    const input = a.input as DeliveryRequest | DeliveryRequest[] | { deliveries: DeliveryRequest[] };
    // recordAndDeliver: the activation's deliveries beside the case file's append (workflows/activation-batch.ts).
    const batched =
      a.type === 'deliverAll'
        ? (input as DeliveryRequest[])
        : a.type === 'recordAndDeliver'
          ? (input as { deliveries: DeliveryRequest[] }).deliveries
          : [];
    return { type: a.type, keys: a.type === 'deliver' ? [(input as DeliveryRequest).key] : batched.map((r) => r.key) };
  });
}

describe('the deliveries of one activation go out in one activity (issue 14, a deadline storm)', () => {
  it('a reminder on webhook and e-mail goes out in one activity with its entry for the case file, each receiver getting it once, and no deliver activity', async () => {
    const smtp = await smtpReceiver();
    const hook = await webhookReceiver(WEBHOOK_SECRET);
    closers.push(smtp.close, hook.close);
    await withProcedureEnv(
      BEFORE_REMINDER,
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-10T16:00:05Z');
        await expect
          .poll(async () => (await p.view(h)).inbox.find((e) => e.kind === 'reminder')?.deliveries.map((d) => [d.channel, d.status]), {
            timeout: 10_000,
          })
          .toEqual([
            ['webhook', 'delivered'],
            ['email', 'delivered'],
          ]);
        const acts = await scheduled(h);
        expect(acts.filter((a) => a.type === 'deliver')).toEqual([]);
        // The reminder's pass: one local activity in the pass's own task (patch local-pass), its two deliveries and its entry.
        expect(acts.filter((a) => a.local)).toEqual([
          { type: 'recordAndDeliver', keys: [], local: { outcomes: ['delivered', 'delivered'], recorded: true } },
        ]);
        // No append of its own: the reminder's entry went with its deliveries (workflows/activation-batch.ts).
        expect(acts.filter((a) => a.type === 'appendRecord')).toEqual([]);
        expect(hook.calls.map((c) => c.key)).toEqual([REMINDER_KEY(h.workflowId, 'webhook')]);
        expect(hook.calls[0]!.validSignature).toBe(true);
        expect(smtp.mails.filter((m) => m.header('idempotency-key') === REMINDER_KEY(h.workflowId, 'email'))).toHaveLength(1);
      },
      depsWithWebhook(hook.url, [organ.id], { delivery: { smtpUrl: smtp.url } }),
    );
  });

  it('a receiver answering 503 is retried through the deliver activity under the same key and ends delivered once', async () => {
    const answered = new Set<string>();
    // Down for the first call of each message, up for the next.
    const hook = await webhookReceiver(WEBHOOK_SECRET, (call) => (answered.has(call.key) ? 200 : (answered.add(call.key), 503)));
    closers.push(hook.close);
    await withProcedureEnv(
      BEFORE_REMINDER,
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-10T16:00:05Z');
        await expect.poll(() => hook.calls.length, { timeout: 10_000 }).toBeGreaterThan(0);
        // The retry waits deliver's first backoff (2 s).
        await p.sleepUntil('2025-10-10T16:01:00Z');
        await expect
          .poll(async () => (await p.view(h)).inbox.find((e) => e.kind === 'reminder')?.deliveries[0]?.status, { timeout: 10_000 })
          .toBe('delivered');
        const key = REMINDER_KEY(h.workflowId, 'webhook');
        expect(hook.calls.map((c) => c.key)).toEqual([key, key]);
        expect(hook.unique()).toHaveLength(1);
        const acts = await scheduled(h);
        expect(acts.filter((a) => a.local)).toEqual([
          { type: 'recordAndDeliver', keys: [], local: { outcomes: ['retrying'], recorded: true } },
        ]);
        expect(acts.filter((a) => a.keys.includes(key))).toEqual([{ type: 'deliver', keys: [key] }]);
        // The policy's backoff goes on after the batched attempt and its 2 s: 4 s before the third attempt.
        const retry = (await h.fetchHistory()).events!.find(
          (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliver',
        )!.activityTaskScheduledEventAttributes!.retryPolicy!;
        expect([Number(retry.initialInterval!.seconds), retry.backoffCoefficient]).toEqual([4, 2]);
        expect((await p.view(h)).audit.some((a) => a.kind === 'delivery-failed')).toBe(false);
      },
      depsWithWebhook(hook.url, [organ.id]),
    );
  });

  it('a receiver answering 410 fails the delivery at once: recorded, the channel escalated once, no deliver activity', async () => {
    const hook = await webhookReceiver(WEBHOOK_SECRET, () => 410);
    closers.push(hook.close);
    await withProcedureEnv(
      BEFORE_REMINDER,
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-10T16:00:05Z');
        await expect
          .poll(async () => (await p.view(h)).inbox.find((e) => e.kind === 'reminder')?.deliveries[0]?.status, { timeout: 10_000 })
          .toBe('failed');
        await expect
          .poll(async () => (await p.view(h)).inbox.filter((e) => e.subject.startsWith('通知渠道故障')).length, { timeout: 10_000 })
          .toBe(1);
        const v = await p.view(h);
        const key = REMINDER_KEY(h.workflowId, 'webhook');
        expect(v.inbox.find((e) => e.kind === 'reminder')!.deliveries[0]!.error).toBe(`webhook ${hook.url} answered 410`);
        expect(v.audit.find((a) => a.kind === 'delivery-failed')!.summary).toContain('answered 410');
        expect(hook.calls.filter((c) => c.key === key)).toHaveLength(1);
        expect((await scheduled(h)).filter((a) => a.type === 'deliver')).toEqual([]);
        await expect.poll(async () => (await h.describe()).typedSearchAttributes.get(SA.deliveryFailed), { timeout: 10_000 }).toBe(true);
      },
      depsWithWebhook(hook.url, [organ.id]),
    );
  });

  it('a storm pass (two deadlines due at one instant) sends all its reminders and escalations, and its entries for the case file, in one activity', async () => {
    const hook = await webhookReceiver(WEBHOOK_SECRET);
    closers.push(hook.close);
    const office = { id: 'org-th-office' }; // a county-level organ with a superior organ: two 24-hour reports
    await withProcedureEnv(
      '2025-09-30T13:31:00Z',
      async (p) => {
        const h = await p.start(
          'leak',
          {
            organId: office.id,
            incidentRef: 'XL-2025-08',
            summary: '涉密文件遗失（非涉密简述）',
            discoveredAt: '2025-09-30T21:30:00+08:00',
            remedialMeasures: '封存',
          },
          office,
        );
        const startEvents = (await h.fetchHistory()).events!.length;
        const reports = (await p.view(h)).deadlines.filter((d) => d.specId.startsWith('report-'));
        await p.sleepUntil('2025-10-01T13:31:00Z');
        await expect
          .poll(async () => (await p.view(h)).inbox.flatMap((e) => e.deliveries).filter((d) => d.status !== 'delivered').length, {
            timeout: 10_000,
          })
          .toBe(0);
        const all = await scheduled(h, startEvents);
        // At 50%, at 80% and at the deadline: one local activity each in the pass's own task (patch
        // local-pass), with the instant's entries for the case file (SPEC §4a) and its deliveries (the
        // recipients from the start's record), every one delivered; no append or delivery of its own.
        expect(all.filter((a) => !a.local)).toEqual([]);
        expect(all.map((a) => [a.type, a.local!.recorded])).toEqual([
          ['recordAndDeliver', true],
          ['recordAndDeliver', true],
          ['recordAndDeliver', true],
        ]);
        const due = reports.flatMap((d) => [`${d.key}:due`, `${d.key}:escalation-1`]);
        const keys = hook.calls.map((c) => c.key);
        expect(keys).toEqual(expect.arrayContaining(due.map((entry) => `${h.workflowId}:${entry}:webhook:${office.id}`)));
        expect(new Set(keys).size).toBe(keys.length);
        // Each webhook the receiver got once is one delivered outcome of the three passes.
        const outcomes = all.flatMap((a) => a.local!.outcomes);
        expect(outcomes.every((o) => o === 'delivered')).toBe(true);
        expect(outcomes).toHaveLength(keys.length);
      },
      depsWithWebhook(hook.url, [office.id, 'org-gz-bureau']),
    );
  });
});
