import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { parseFeed } from '../support/ics.js';

/** The 收件箱 and 日历订阅 pages in a real browser (issue 27), with screenshots in test-artifacts/. */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('inbox-browser-test', { api: { anonymousRateLimitPerMinute: 5000 } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(party: string, name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(party, { sub: `test:${party}`, name }));
  await page.click('#signin');
  await page.waitForSelector('#h-todo');
  return page;
}

describe('收件箱 and 日历订阅 in the browser (issue 27)', () => {
  it('the workbench counts the unread messages; the 收件箱 lists them by case and marks one read', async () => {
    // Overdue at the start (discovered 25 hours ago): the reminders and escalations go out at once.
    const start = await callAs(
      stack,
      'POST',
      '/api/procedures/leak',
      'org-th-office',
      leakInput({ incidentRef: 'SX-2026-017', discoveredAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }),
    );
    expect(start.status).toBe(201);
    // The worker records behind the workflow: until the burst of reminders and escalations is in the record (the same count three reads running).
    const counts: number[] = [];
    while (counts.length < 3 || counts.at(-1) === 0 || new Set(counts.slice(-3)).size > 1) {
      counts.push((await callAs(stack, 'GET', '/api/inbox/unread', 'org-th-office')).body.unread as number);
      await new Promise((ok) => setTimeout(ok, 400));
    }
    const unread = counts.at(-1)!;
    expect(unread).toBeGreaterThan(0);

    const page = await signIn('org-th-office', '李某');
    await expect.poll(() => page.textContent('#inbox-unread'), { timeout: 15_000 }).toContain(`${unread} 条未读消息`);
    await page.click('#nav-inbox');
    await page.waitForSelector('#inbox-list');
    expect(await page.textContent('#h-inbox')).toBe(`收件箱（未读 ${unread} 条）`);
    const first = page.locator('#inbox-list tbody tr').first();
    expect(await first.textContent()).toContain('SX-2026-017');
    expect(await page.locator('#inbox-list tr.unread').count()).toBe(unread);
    await page.screenshot({ path: `${ARTIFACTS}inbox.png`, fullPage: true });

    await first.locator('button.mark-read').click();
    await expect.poll(() => page.textContent('#h-inbox'), { timeout: 15_000 }).toBe(`收件箱（未读 ${unread - 1} 条）`);
    expect(await page.locator('#inbox-list tbody tr').first().textContent()).toContain('已读');
    await page.click('#only-unread');
    await expect.poll(() => page.locator('#inbox-list tbody tr').count(), { timeout: 15_000 }).toBe(unread - 1);
    await page.screenshot({ path: `${ARTIFACTS}inbox-unread.png`, fullPage: true });
    // Back on the workbench, the count follows.
    await page.click('#nav-work');
    await expect.poll(() => page.textContent('#inbox-unread'), { timeout: 15_000 }).toContain(`${unread - 1} 条未读消息`);
    await page.screenshot({ path: `${ARTIFACTS}workbench-inbox-count.png` });
    await page.close();
  });

  it('日历订阅 shows the URL once, which a calendar client can read; revoking it ends it', async () => {
    const page = await signIn('org-th-office', '李某');
    await page.click('#nav-calendar');
    await page.waitForSelector('#calendar-page');
    expect(await page.textContent('#feed-status')).toContain('没有有效的订阅地址');
    await page.click('#feed-issue');
    await page.waitForSelector('#feed-url-text');
    const url = await page.inputValue('#feed-url-text');
    expect(await page.textContent('#feed-status')).toContain('当前订阅地址有效');
    await page.screenshot({ path: `${ARTIFACTS}calendar-subscription.png`, fullPage: true });

    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(parseFeed(await feed.text()).events.some((e) => e.summary.includes('SX-2026-017'))).toBe(true);

    // Shown once: after leaving and coming back, only that it is active.
    await page.click('#nav-inbox');
    await page.waitForSelector('#inbox-page');
    await page.click('#nav-calendar');
    await page.waitForSelector('#feed-revoke');
    expect(await page.locator('#feed-url-text').count()).toBe(0);
    await page.click('#feed-revoke');
    await expect.poll(() => page.textContent('#feed-status'), { timeout: 15_000 }).toContain('没有有效的订阅地址');
    expect((await fetch(url)).status).toBe(410);
    await page.screenshot({ path: `${ARTIFACTS}calendar-subscription-revoked.png`, fullPage: true });
    await page.close();
  });
});
