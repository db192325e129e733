import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { SA } from '../../workflows/search-attributes.js';

/**
 * Issue 28: a supervisor sees 红牌 at the deadline's instant, whatever the workers' backlog. The
 * worker is held back (shut down) before the instant: the workflow cannot run its pass, yet the
 * board shows the procedure overdue, flagged 提醒发送中; when the worker is back and the pass is
 * recorded, the flag clears.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const SUPERVISOR = 'auth-440000';
/** How far ahead of the start the leak's 24-hour report deadline falls. */
const AHEAD_MS = 40_000;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('board-instant');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Row {
  id: string;
  nextDeadline?: string;
  deadlineStatus: string;
  pending?: true;
}
const boardRow = async (id: string) =>
  ((await callAs(stack, 'GET', '/api/dashboard/board?pageSize=200', SUPERVISOR)).body.items as Row[]).find((i) => i.id === id);
/** What the workflow itself has recorded (its search attribute), not what the board shows. */
const recorded = async (id: string) => (await stack.client.workflow.getHandle(id).describe()).typedSearchAttributes.get(SA.deadlineStatus);

describe('the board at the deadline’s instant, with the worker held back (issue 28)', () => {
  it('shows the procedure red at once, flagged 提醒发送中 until the workflow has recorded its pass', async () => {
    // A leak discovered almost 24 hours ago (Regs 61): its report falls due in 40 s; due soon already.
    const started = await callAs(stack, 'POST', '/api/procedures/leak', 'org-th-office', {
      organId: 'org-th-office',
      incidentRef: 'TH-HOLIDAY',
      summary: '节后发现',
      discoveredAt: new Date(Date.now() - 24 * 3_600_000 + AHEAD_MS).toISOString(),
      remedialMeasures: '补救',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    // On the board, its due-soon pass recorded by the workflow.
    await expect.poll(async () => (await boardRow(id))?.deadlineStatus, { timeout: 20_000 }).toBe('due_soon');
    await expect.poll(() => recorded(id), { timeout: 20_000 }).toBe('due_soon');
    const dueAt = Date.parse((await boardRow(id))!.nextDeadline!);
    expect(dueAt - Date.now()).toBeGreaterThan(5_000);

    await stack.stopWorker();
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await page.goto(stack.url);
    await page.fill('#token', await stack.token(SUPERVISOR));
    await page.click('#signin');
    await page.click('#nav-board');
    const row = page.locator(`#board tr[data-id="${id}"]`);
    await expect.poll(() => row.locator('.card').getAttribute('class'), { timeout: 20_000 }).toContain('yellow');
    expect(Date.now()).toBeLessThan(dueAt);

    // The instant: the API answers overdue at once, though the workflow has recorded nothing since.
    await new Promise((r) => setTimeout(r, dueAt - Date.now()));
    expect(await boardRow(id)).toMatchObject({ deadlineStatus: 'overdue', pending: true });
    expect(Date.now() - dueAt).toBeLessThan(2_000);
    // The page follows on its next refresh (every 5 s).
    await expect.poll(() => row.locator('.card').getAttribute('class'), { timeout: 7_000 }).toContain('red');
    expect(Date.now() - dueAt).toBeLessThan(7_000);
    expect(await row.locator('.card').textContent()).toContain('红牌');
    expect(await row.locator('.pending').textContent()).toBe('提醒发送中');
    // The step by name, and at the very instant 已届满 rather than 剩余 0 小时.
    expect(await row.locator('td').last().textContent()).toMatch(/^\S.*已(届满|超期 0\.1 小时)$/);
    expect(await recorded(id)).toBe('due_soon');
    await page.screenshot({ path: join(ARTIFACTS, 'board-overdue-at-instant.png'), fullPage: true });

    // The worker is back: the workflow runs its pass (reminders, escalation) and records it; the flag clears.
    await stack.startWorker();
    await expect.poll(() => recorded(id), { timeout: 60_000 }).toBe('overdue');
    await expect.poll(() => row.locator('.pending').count(), { timeout: 15_000 }).toBe(0);
    expect(await row.locator('.card').getAttribute('class')).toContain('red');
    expect(await boardRow(id)).not.toHaveProperty('pending');
    await page.screenshot({ path: join(ARTIFACTS, 'board-overdue-recorded.png'), fullPage: true });
    await page.close();
  }, 150_000);
});
