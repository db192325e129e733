import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { daysFromToday } from '../support/clock.js';
import { startStack, type Stack } from '../support/stack.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;
const ids: Record<string, string> = {};

async function start(kind: string, as: string, input: unknown): Promise<string> {
  const res = await fetch(`${stack.url}/api/procedures/${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('dashboard-test');
  browser = await launchChromium();
  const longAgo = daysFromToday(-60);
  const proposal = { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' };
  // Overdue: reported nowhere for 60 days. Due soon: a leak discovered 20 of its 24 hours ago.
  ids.overdue = await start('unclear-matter', 'org-gz-bureau', {
    organId: 'org-gz-bureau',
    matterRef: 'GZ-OVERDUE',
    title: '超期事项',
    draftedOn: longAgo,
    protectiveMeasures: 'M',
    proposal,
  });
  ids.dueSoon = await start('leak', 'org-th-office', {
    organId: 'org-th-office',
    incidentRef: 'TH-LEAK',
    summary: '概况',
    discoveredAt: new Date(Date.now() - 20 * 3_600_000).toISOString(),
    remedialMeasures: '补救',
  });
  ids.nanjing = await start('unclear-matter', 'org-nj-bureau', {
    organId: 'org-nj-bureau',
    matterRef: 'NJ-1',
    title: '南京事项',
    draftedOn: longAgo,
    protectiveMeasures: 'M',
    proposal,
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(as: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(as));
  await page.click('#signin');
  await page.click('#nav-board');
  await page.waitForSelector('#board');
  return page;
}

const row = (page: Page, id: string) => page.locator(`#board tr[data-id="${id}"]`);

describe('the supervisor dashboard in a real browser', () => {
  it('a provincial supervisor sees an overdue procedure in red and a due-soon one in yellow, opens it, and sees the statechart and the timeline', async () => {
    const page = await signIn('auth-440000');
    await expect.poll(async () => row(page, ids.overdue!).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => row(page, ids.dueSoon!).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.textContent('#me')).toContain('广东省国家保密局');
    const red = row(page, ids.overdue!).locator('.card');
    await expect.poll(() => red.getAttribute('class'), { timeout: 20_000 }).toContain('red');
    expect(await red.textContent()).toContain('红牌');
    expect(await row(page, ids.overdue!).textContent()).toMatch(/已超期 \d+ 个工作日/);
    const yellow = row(page, ids.dueSoon!).locator('.card');
    expect(await yellow.getAttribute('class')).toContain('yellow');
    expect(await yellow.textContent()).toContain('黄牌');
    expect(await row(page, ids.dueSoon!).textContent()).toMatch(/剩余 [\d.]+ 小时/);
    expect(await page.locator('#overview-kind').textContent()).toContain('不明确事项报送');
    await page.screenshot({ path: join(ARTIFACTS, 'board-provincial.png'), fullPage: true });

    await row(page, ids.overdue!).click();
    await page.waitForSelector('#statechart .state.current');
    const current = await page.locator('#statechart .state.current').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path));
    expect(current).toEqual(['awaitingReport']);
    expect(await page.locator('#statechart .state').count()).toBeGreaterThanOrEqual(7);
    expect(await page.locator('#statechart svg path').count()).toBeGreaterThan(3);
    const timeline = await page.locator('#timeline tbody tr').allTextContents();
    // In the statute's words and Beijing time: no code names, no UTC instants (issue 13).
    expect(timeline.some((t) => t.includes('督办') && t.includes('《实施条例》第二十五条第一款'))).toBe(true);
    expect(timeline.filter((t) => /Regs|Law|[a-z][A-Z]|\dT\d|Z\b/.test(t))).toEqual([]);
    expect(timeline.every((t) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2} 北京时间/.test(t))).toBe(true);
    expect(await page.locator('#deadlines').textContent()).toContain('《实施条例》第二十五条第一款');
    expect(await page.locator('#deadlines details summary').first().textContent()).toMatch(/跳过 \d+ 日/);
    // The page refreshes every 5 s: what the supervisor opened stays open.
    await page.locator('#deadlines details summary').first().click();
    const refreshed = await page.locator('#timeline').elementHandle();
    await expect.poll(async () => refreshed!.evaluate((e) => !e.isConnected), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('#deadlines details').first().getAttribute('open')).not.toBeNull();
    expect(await page.locator('#deadlines details li').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'procedure-overdue.png'), fullPage: true });
    await page.close();
  });

  it('a municipal supervisor does not see another region’s procedure', async () => {
    const page = await signIn('auth-440100');
    await expect.poll(async () => row(page, ids.overdue!).count(), { timeout: 20_000 }).toBe(1);
    expect(await row(page, ids.nanjing!).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'board-municipal.png'), fullPage: true });
    await page.goto(`${stack.url}/#/p/${ids.nanjing}`);
    await page.waitForSelector('.error');
    // In Chinese, in place of the page (issue 25): never the API's English detail.
    expect(await page.textContent('.error')).toBe('加载失败：未找到该程序，或其不在您的可见范围内。');
    await page.close();
  });

  it('filters the board by status and shows live changes without a reload', async () => {
    const page = await signIn('auth-000000');
    await expect.poll(async () => row(page, ids.nanjing!).count(), { timeout: 20_000 }).toBe(1);
    await page.selectOption('select[name="status"]', 'due_soon');
    await expect
      .poll(async () => page.locator('#board tbody tr').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.status)), {
        timeout: 10_000,
      })
      .toEqual(['due_soon']);
    await page.selectOption('select[name="status"]', '');
    // No refresh under the fingers of someone typing a filter; the board follows when they leave it.
    await page.locator('input[name="region"]').click();
    await page.keyboard.type('南京');
    await page.waitForTimeout(6_000); // longer than the 5-s refresh
    expect(
      await page.evaluate(() => [(document.activeElement as HTMLInputElement).name, (document.activeElement as HTMLInputElement).value]),
    ).toEqual(['region', '南京']);
    await page.keyboard.press('Tab');
    await expect
      .poll(async () => page.locator('#board tbody tr').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.id)), {
        timeout: 10_000,
      })
      .toEqual([ids.nanjing]);
    await page.fill('input[name="region"]', '');
    await page.keyboard.press('Tab');
    // The Nanjing organ reports: the row leaves the overdue set on the next refresh, with no reload.
    await fetch(`${stack.url}/api/procedures/${ids.nanjing}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.token('org-nj-bureau')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SUBMIT_REPORT' }),
    });
    await expect.poll(async () => row(page, ids.nanjing!).getAttribute('data-status'), { timeout: 20_000 }).toBe('on_track');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(ARTIFACTS, 'board-print.png'), fullPage: true });
    await page.close();
  });
});
