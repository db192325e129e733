import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries.js';
import { SA } from '../../workflows/search-attributes.js';
import { viewQuery } from '../../workflows/messages.js';
import { startRecordWatch } from '../../worker/record-watch.js';
import { startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { recordOnceCaughtUp } from '../support/records.js';
import { smtpReceiver, webhookReceiver } from '../support/receivers.js';
import { depsWithWebhook, WEBHOOK_SECRET } from '../support/webhook-deps.js';

const TASK_QUEUE = 'record-watch-test';
let stack: Stack;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
let watch: ReturnType<typeof startRecordWatch>;
const logged: string[] = [];

beforeAll(async () => {
  stack = await startStack(TASK_QUEUE);
  hook = await webhookReceiver(WEBHOOK_SECRET);
  smtp = await smtpReceiver();
  const deps = depsWithWebhook(hook.url, ['auth-000000'], { delivery: { smtpUrl: smtp.url } });
  watch = startRecordWatch({
    client: stack.client,
    store: stack.records,
    registry: deps.registry,
    delivery: deps.delivery,
    taskQueue: TASK_QUEUE,
    alarmEmails: ['ops@baomi.test'],
    everyMs: 3_000,
    graceMs: 5_000,
    log: (l) => logged.push(l),
  });
});
afterAll(async () => {
  await watch?.stop();
  await hook?.close();
  await smtp?.close();
  await stack?.stop();
});

async function call(method: string, path: string, as: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await stack.token(as)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}
const recordedLeak = async (ref: string) => {
  const r = await call('POST', '/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: ref }));
  expect(r.status).toBe(201);
  const id = r.body.id as string;
  const v = await stack.client.workflow.getHandle(id).query(viewQuery);
  await recordOnceCaughtUp(stack.records, id, v.audit.length);
  return id;
};
/** The alarm webhooks about a procedure, by finding kind in words. */
const alarmsOf = (id: string) => hook.unique().filter((c) => c.body.procedureId === id);

describe('the case file checked against Temporal all the time (SPEC §4a)', () => {
  it('a terminate, a reset and a fake start are each alarmed within 60 s, once, to the national authority (webhook, e-mail) and the operators; the procedure shows 异常', async () => {
    const terminated = await recordedLeak('W-1');
    const reset = await recordedLeak('W-2');
    const t0 = Date.now();
    await stack.client.workflow.getHandle(terminated).terminate('an insider ends it');
    execFileSync(ensureTemporalBinaries().cli, [
      'workflow',
      'reset',
      '--address',
      stack.address,
      '--workflow-id',
      reset,
      '--type',
      'FirstWorkflowTask',
      '--reapply-exclude',
      'Update',
      '--reason',
      'rewind',
    ]);
    await stack.client.workflow.start('leakWorkflow', {
      taskQueue: 'nobody-polls',
      workflowId: 'leak-fake-watch',
      args: [{}],
      typedSearchAttributes: [
        { key: SA.kind, value: 'leak' },
        { key: SA.parties, value: ['org-th-office'] },
        { key: SA.deadlineStatus, value: 'overdue' },
      ],
    });

    for (const id of [terminated, reset, 'leak-fake-watch'])
      await expect.poll(() => alarmsOf(id).length, { timeout: 60_000 - (Date.now() - t0), interval: 500 }).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(alarmsOf(terminated).map((c) => c.body.subject)).toEqual(['案卷异常：程序运行在办结之前被从外部终止，期限、提醒和督办已停止']);
    expect(alarmsOf('leak-fake-watch').map((c) => c.body.subject)).toEqual(['案卷异常：发现无案卷的程序（非经本系统启动）']);
    expect(alarmsOf(reset).length).toBeGreaterThan(0);
    for (const c of hook.unique()) expect(c.body.recipient).toMatchObject({ id: 'auth-000000' });
    // The same alarms by e-mail to the national authority's contact and the operators.
    await expect
      .poll(() => smtp.mails.filter((m) => m.to.includes('ops@baomi.test')).length, { timeout: 20_000 })
      .toBe(hook.unique().length);

    // Once: more cycles send nothing again.
    const sent = hook.calls.length;
    await watch.cycle();
    await watch.cycle();
    expect(hook.calls.length).toBe(sent);

    // The procedure page shows 异常 with the reason, in words.
    const page = await call('GET', `/api/procedures/${terminated}`, 'org-th-office');
    expect(page.body.anomaly.kindsText).toEqual(['程序运行在办结之前被从外部终止，期限、提醒和督办已停止']);
    expect((await call('GET', `/api/procedures/${reset}`, 'org-th-office')).body.anomaly.kinds).toEqual(
      expect.arrayContaining(['diverged']),
    );
  }, 180_000);
});
