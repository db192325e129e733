/**
 * The 历史 and 统计 pages and the board's 已办结 filter in a real browser, over procedures the worker
 * drove to known outcomes: filters by name, exports downloaded and read back, screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { leakInput } from '../support/inputs.js';
import { closeTianheLeak } from '../support/leak-steps.js';
import { callAs, startStack, type Stack } from '../support/stack.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;
const ids: Record<string, string> = {};

const startLeak = async (organ: string, ref: string, over: Record<string, unknown> = {}) => {
  const r = await callAs(stack, 'POST', '/api/procedures/leak', organ, leakInput({ organId: organ, incidentRef: ref, ...over }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};
const threeDaysAgo = () => new Date(Date.now() - 3 * 86_400_000).toISOString();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('history-browser-test');
  browser = await launchChromium();
  ids.onTime = await startLeak('org-th-office', 'TH-2026-01', { summary: '涉密文件遗失' });
  ids.late = await startLeak('org-th-office', 'TH-2026-02', { summary: '涉密U盘遗失', discoveredAt: threeDaysAgo() });
  ids.open = await startLeak('ent-gz-tech', 'GT-2026-07', { summary: '涉密图纸外泄', discoveredAt: threeDaysAgo() });
  ids.nanjing = await startLeak('org-nj-bureau', 'NJ-2026-03');
  await closeTianheLeak(stack, ids.onTime);
  await closeTianheLeak(stack, ids.late);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(as: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(as));
  await page.click('#signin');
  await page.waitForSelector('#nav-history');
  // The workbench drawn first: a navigation before it answers is overdrawn by it until the next refresh.
  await page.waitForSelector('#h-todo');
  return page;
}
const rowIds = (page: Page, table: string) =>
  page.locator(`${table} tr[data-id]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')).sort());
/**
 * A download the click starts: the name the page gave it and its bytes. (This headless Chromium saves
 * a blob under a non-ASCII download name as "download": the name is read where the page sets it.)
 */
async function downloaded(page: Page, selector: string) {
  await page.evaluate(() => {
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      document.body.dataset.downloadName = this.download;
      click.call(this);
    };
  });
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: await page.evaluate(() => document.body.dataset.downloadName), bytes: readFileSync((await file.path())!) };
}

describe('历史 and 统计 in a real browser', () => {
  it('历史: a county authority finds open and closed cases by name, status and lateness, and exports them', async () => {
    const page = await signIn('auth-440106');
    await page.click('#nav-history');
    await page.waitForSelector('#history-table');
    await expect.poll(() => rowIds(page, '#history-table'), { timeout: 15_000 }).toEqual([ids.onTime, ids.late, ids.open].sort());
    expect(await page.textContent(`#history-table tr[data-id="${ids.late}"]`)).toContain('TH-2026-02 涉密U盘遗失');
    expect(await page.textContent(`#history-table tr[data-id="${ids.late}"]`)).toContain('广州市天河区某办');
    // The organ by its name, typed: only its two cases; 已办结 and 有步骤逾期 narrow to the late one.
    await page.fill('input[name="organ"]', '天河区某办');
    await page.press('input[name="organ"]', 'Tab');
    await expect.poll(() => rowIds(page, '#history-table'), { timeout: 15_000 }).toEqual([ids.onTime, ids.late].sort());
    await page.selectOption('select[name="status"]', 'closed');
    await page.selectOption('select[name="late"]', 'true');
    await expect.poll(() => rowIds(page, '#history-table'), { timeout: 15_000 }).toEqual([ids.late]);
    await page.selectOption('select[name="late"]', '');
    await expect.poll(() => rowIds(page, '#history-table'), { timeout: 15_000 }).toEqual([ids.onTime, ids.late].sort());
    await page.screenshot({ path: join(ARTIFACTS, 'history.png'), fullPage: true });

    const csv = await downloaded(page, '#history-export .export-csv');
    expect(csv.name).toBe('历史.csv');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.bytes.toString('utf8');
    expect(text).toContain('筛选条件：机关、单位：广州市天河区某办；办理状态：已办结');
    expect(text).toContain('TH-2026-01');
    const xlsx = await downloaded(page, '#history-export .export-xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(book.getWorksheet('历史')!.rowCount).toBe(7);

    // A name that finds nothing is said, not silently ignored.
    await page.fill('input[name="region"]', '火星');
    await page.press('input[name="region"]', 'Tab');
    expect(await page.textContent('#filter-error')).toContain('没有名为“火星”的地区');
    await page.close();
  });

  it('统计: tables, the bar chart and the exports; the board’s 已办结 filter; an organ sees only its own', async () => {
    const page = await signIn('auth-440106');
    await page.click('#nav-statistics');
    await page.waitForSelector('#period-chart');
    expect(await page.locator('#period-chart rect').count()).toBeGreaterThanOrEqual(3);
    const byKind = await page.textContent('#stat-byKind tbody');
    expect(byKind).toContain('泄密报告');
    // 3 started, 2 closed (1 on time, 1 late), the enterprise's open case overdue now.
    expect(byKind!.replace(/\s+/g, ' ')).toContain('泄密报告32111');
    expect(await page.textContent('#stat-lateByArticle')).toContain('《实施条例》第六十七条第一款第（八）项');
    expect(await page.textContent('#stat-steps')).toContain('向同级保密行政管理部门报告');
    await page.screenshot({ path: join(ARTIFACTS, 'statistics.png'), fullPage: true });
    const all = await downloaded(page, '#export-all .export-xlsx');
    expect(all.name).toBe('统计.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(all.bytes as unknown as ArrayBuffer);
    expect(book.worksheets).toHaveLength(7);
    const steps = await downloaded(page, '#export-steps .export-csv');
    expect(steps.bytes.toString('utf8')).toContain('用时中位数');

    await page.click('#nav-board');
    await page.waitForSelector('#board');
    await page.selectOption('select[name="status"]', 'closed');
    await expect.poll(() => rowIds(page, '#board'), { timeout: 15_000 }).toEqual([ids.onTime, ids.late].sort());
    expect(await page.textContent(`#board tr[data-id="${ids.late}"]`)).toContain('有步骤逾期');
    await page.screenshot({ path: join(ARTIFACTS, 'board-closed.png'), fullPage: true });
    await page.close();

    const nanjing = await signIn('org-nj-bureau');
    await nanjing.click('#nav-history');
    await expect.poll(() => rowIds(nanjing, '#history-table'), { timeout: 15_000 }).toEqual([ids.nanjing]);
    await nanjing.click('#nav-statistics');
    await nanjing.waitForSelector('#stat-byOrgan');
    expect(await nanjing.textContent('#stat-byOrgan tbody')).not.toContain('天河');
    await nanjing.close();
  });
});
