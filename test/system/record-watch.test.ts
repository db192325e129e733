import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries.js';
import { SA } from '../../workflows/search-attributes.js';
import { viewQuery } from '../../workflows/messages.js';
import { startRecordWatch } from '../../worker/record-watch.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { recordOnceCaughtUp } from '../support/records.js';
import { smtpReceiver, webhookReceiver } from '../support/receivers.js';
import { depsWithWebhook, WEBHOOK_SECRET } from '../support/webhook-deps.js';

const TASK_QUEUE = 'record-watch-test';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
let watch: ReturnType<typeof startRecordWatch>;
const logged: string[] = [];
/** The procedures the first test ends from outside, for the second to look for. */
const ended = { terminated: '', reset: '' };

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

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);
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
    Object.assign(ended, { terminated, reset });
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
        { key: SA.closed, value: false },
        { key: SA.organ, value: 'org-th-office' },
        { key: SA.updatedAt, value: new Date('2099-01-01T00:00:00Z') },
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

  it('the fake appears nowhere and cannot move the board on; the terminated leak stays on the board from the record, flagged; the workbench answers at once', async () => {
    const board = async (as: string) =>
      (await call('GET', '/api/dashboard/board?pageSize=200', as)).body.items as Array<{ id: string; anomaly?: true }>;
    // The terminated leak of the test before: still open in the record, its duties shown, 异常.
    await expect
      .poll(async () => (await board('auth-000000')).find((i) => i.id === ended.terminated)?.anomaly, { timeout: 20_000 })
      .toBe(true);
    // The reset one runs on in Temporal: on the board as it runs, flagged too.
    expect((await board('auth-000000')).find((i) => i.id === ended.reset)?.anomaly).toBe(true);
    expect((await board('auth-000000')).some((i) => i.id === 'leak-fake-watch')).toBe(false);
    expect((await board('org-th-office')).some((i) => i.id === 'leak-fake-watch')).toBe(false);

    // A leak started after the fake's BmUpdatedAt of 2099 still reaches the board: the board's query bounds come from its own clock.
    const later = await recordedLeak('W-3');
    await expect.poll(async () => (await board('org-th-office')).some((i) => i.id === later), { timeout: 20_000 }).toBe(true);

    // The organ's workbench: the fake (which names the organ, on a queue nobody polls) neither listed nor waited for.
    const t0 = Date.now();
    const work = (await call('GET', '/api/workbench', 'org-th-office')).body;
    expect(Date.now() - t0).toBeLessThan(10_000);
    const ids = [...work.todo, ...work.started].map((r: { id: string }) => r.id);
    expect(ids).toContain(later);
    expect(ids).not.toContain('leak-fake-watch');
    // And the list of open procedures names no fake either.
    const listed = (await call('GET', '/api/procedures?pageSize=200', 'org-th-office')).body.items.map((i: { id: string }) => i.id);
    expect(listed).toContain(later);
    expect(listed).not.toContain('leak-fake-watch');
  }, 120_000);

  it('in the browser: the board flags the terminated leak 异常 in its row, and its page says why', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      await page.goto(stack.url);
      await page.fill('#token', await stack.token('auth-000000'));
      await page.click('#signin');
      await page.click('#nav-board');
      const row = page.locator(`#board tr[data-id="${ended.terminated}"]`);
      await row.waitFor({ timeout: 20_000 });
      expect(await row.locator('.anomaly').textContent()).toBe('异常：运行被外部终止或回退');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'board-anomaly.png'), fullPage: true });
      await row.click();
      await page.waitForSelector('#anomaly');
      expect(await page.locator('#anomaly').textContent()).toContain('程序运行在办结之前被从外部终止');
      await page.screenshot({ path: join(ARTIFACTS, 'procedure-anomaly.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
