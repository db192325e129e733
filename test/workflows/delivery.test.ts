import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { withProcedureEnv } from '../support/procedure-env.js';
import { smtpReceiver, webhookReceiver } from '../support/receivers.js';
import { depsWithWebhook, WEBHOOK_SECRET as SECRET } from '../support/webhook-deps.js';
import { SA } from '../../workflows/search-attributes.js';

const organ = { id: 'org-gz-bureau' };
const matter = {
  organId: 'org-gz-bureau',
  matterRef: 'D-1',
  title: '送达测试',
  draftedOn: '2025-09-26',
  protectiveMeasures: 'M',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: 'S' },
};
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** The demo registry with the organ's secrecy officer also reachable by webhook. */
const depsWith = (webhook: string, delivery: Partial<ActivityDeps['delivery']> = {}, policy = {}) =>
  depsWithWebhook(webhook, [organ.id], { delivery, policy });

describe('reminder delivery (SPEC §4)', () => {
  it('e-mails the authority over real SMTP: subject, recipient and body checked', async () => {
    const smtp = await smtpReceiver();
    const hook = await webhookReceiver(SECRET);
    closers.push(smtp.close, hook.close);
    await withProcedureEnv(
      '2025-09-26T01:00:00Z',
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        // Sent by a person for the organ: the message names them and the party (issue 13).
        await p.send(h, 'SUBMIT_REPORT', {
          ...organ,
          name: '广州市某局',
          person: { sub: 'u-li', name: '李某' },
          roles: ['secrecy-officer'],
        });
        await expect.poll(() => smtp.mails.length, { timeout: 10_000 }).toBeGreaterThan(0);
        const mail = smtp.mails.find((m) => m.to.includes('duty@gd.baomi.example'))!;
        expect(mail.header('subject')).toBe('【不明确事项报送】收到不明确事项报告，请在10个工作日内作出决定（《实施条例》第二十五条）');
        expect(mail.text).toContain('广东省国家保密局');
        // In the statute's words and Beijing time: no code names, no UTC instants (issue 13).
        expect(mail.text).toContain('依据：《实施条例》第二十五条第一款');
        expect(mail.text).toMatch(/时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/);
        expect(mail.text).not.toMatch(/Regs|Law|\d{2}:\d{2}:\d{2}/);
        expect(mail.text).toContain('不含国家秘密内容');
        expect(mail.text).toContain('办理人：广州市某局 李某（保密员）');
        expect(mail.header('message-id')).toContain(h.workflowId);
        // The inbox entry names them too (the webhook message carries the same `by`).
        expect((await p.view(h)).inbox.find((i) => i.subject === 'report-received')!.by).toBe('广州市某局 李某（保密员）');
        await expect
          .poll(async () => (await p.view(h)).inbox.find((i) => i.subject === 'report-received')!.deliveries, { timeout: 10_000 })
          .toEqual([expect.objectContaining({ channel: 'email', to: 'auth-440000', status: 'delivered' })]);
      },
      depsWith(hook.url, { smtpUrl: smtp.url }),
    );
  });

  it('sends each reminder to the webhook once, HMAC-signed, with its idempotency key', async () => {
    const hook = await webhookReceiver(SECRET);
    closers.push(hook.close);
    await withProcedureEnv(
      '2025-09-26T01:00:00Z',
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-17T16:00:30Z');
        // Reminders at 50%, 80%, the deadline and +24 h, and the rung-1 escalation to the organ's own secrecy officer.
        await expect.poll(() => hook.calls.length, { timeout: 10_000 }).toBe(5);
        expect(hook.calls.every((c) => c.validSignature)).toBe(true);
        expect(new Set(hook.calls.map((c) => c.key)).size).toBe(hook.calls.length);
        expect(hook.calls[0]!.body).toMatchObject({
          procedureId: h.workflowId,
          kind: 'reminder',
          basis: 'Regs 25 para 1',
          basisText: '《实施条例》第二十五条第一款',
          atText: expect.stringMatching(/北京时间$/),
          recipient: { id: 'org-gz-bureau' },
        });
        expect(hook.calls[0]!.key).toBe(`${h.workflowId}:report#1:reminder50%:webhook:org-gz-bureau`);
      },
      depsWith(hook.url),
    );
  });

  it('retries a receiver that is down for a while, then delivers once', async () => {
    const hook = await webhookReceiver(SECRET);
    closers.push(hook.close);
    hook.respondWith(503);
    await withProcedureEnv(
      '2025-10-10T15:59:00Z',
      async (p) => {
        await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-10T16:00:05Z');
        await expect.poll(() => hook.calls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        hook.respondWith(200);
        await p.sleepUntil('2025-10-10T16:10:00Z');
        await expect.poll(() => hook.unique().length, { timeout: 10_000 }).toBe(1);
        const keys = new Set(hook.calls.map((c) => c.key));
        expect(keys.size).toBe(1); // every attempt under the same key
      },
      depsWith(hook.url),
    );
  });

  it('reports a receiver that stays down and escalates it, without dropping the reminder from the inbox', async () => {
    const hook = await webhookReceiver(SECRET, () => 503);
    closers.push(hook.close);
    await withProcedureEnv(
      '2025-10-10T15:59:00Z',
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.sleepUntil('2025-10-10T16:30:00Z');
        await expect.poll(async () => (await p.view(h)).audit.some((a) => a.kind === 'delivery-failed'), { timeout: 15_000 }).toBe(true);
        const v = await p.view(h);
        // The policy's 3 attempts for the reminder, then 3 for the escalation, whose target (the
        // organ's own secrecy officer) listens on the same dead webhook.
        const attempts = new Map<string, number>();
        for (const c of hook.calls) attempts.set(c.key, (attempts.get(c.key) ?? 0) + 1);
        expect([...attempts.values()]).toEqual([3, 3]);
        const reminder = v.inbox.find((i) => i.kind === 'reminder')!;
        expect(reminder.deliveries).toEqual([
          expect.objectContaining({ channel: 'webhook', status: 'failed', error: expect.stringContaining('503') }),
        ]);
        const escalation = v.inbox.find((i) => i.subject.startsWith('通知渠道故障'))!;
        expect(escalation.recipients.map((r) => r.role)).toEqual(['secrecy-officer']);
        expect((await h.describe()).typedSearchAttributes.get(SA.deliveryFailed)).toBe(true);
      },
      depsWith(hook.url, {}, { deliveryAttempts: 3 }),
    );
  });
});
