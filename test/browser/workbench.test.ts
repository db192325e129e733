import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../domain/parties.js';
import { launchChromium } from '../support/browser.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The workbench in a real browser: every procedure carried out by its parties, each step by a
 * different signed-in person, through the forms generated from the schemas. One stack, one browser.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('workbench-test');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Person {
  party: string;
  sub: string;
  name: string;
  roles: Role[];
}
const person = (party: string, sub: string, name: string, ...roles: Role[]): Person => ({ party, sub, name, roles });

/** Signs a person in (token sign-in) and waits for 我的待办. A phone-sized page where asked. */
async function signIn(p: Person, phone = false): Promise<Page> {
  const page = await browser.newPage({ viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 }, locale: 'zh-CN', isMobile: phone, hasTouch: phone });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(p.party, { sub: p.sub, name: p.name, roles: p.roles }));
  await page.click('#signin');
  await page.waitForSelector('#h-todo');
  return page;
}

const form = (page: Page) => page.locator('form.wb-form');
const field = (page: Page, name: string) => form(page).locator(`[name="${name}"]`);

/** Opens the procedure, sends one event through its form (fields by name), waits until it is applied. */
async function act(page: Page, id: string, type: string, fill: Record<string, string> = {}, o: { shot?: string } = {}) {
  await page.goto(`${stack.url}/#/p/${id}`);
  const button = page.locator(`#actions button[data-event="${type}"]`);
  await expect.poll(() => button.count(), { timeout: 20_000 }).toBe(1);
  await button.click();
  for (const [name, value] of Object.entries(fill)) {
    const f = field(page, name);
    if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
  }
  if (o.shot) await page.screenshot({ path: join(ARTIFACTS, o.shot), fullPage: true });
  const before = await events(id);
  await form(page).locator('button[type="submit"]').click();
  await expect.poll(async () => (await events(id)).length, { timeout: 20_000 }).toBe(before.length + 1);
}

async function view(id: string): Promise<{ state: string; closed: boolean; context: { parties: Record<string, { id: string }> }; audit: Array<{ kind: string; by?: string; event?: { type: string } }> }> {
  const res = await fetch(`${stack.url}/api/procedures/${id}`, { headers: { authorization: `Bearer ${await stack.token('auth-000000')}` } });
  return res.json() as never;
}
const events = async (id: string) => (await view(id)).audit.filter((a) => a.kind === 'event');

/** Fills a start form and submits it; returns the new procedure's id from the page it lands on. */
async function start(page: Page, kind: string, fill: Array<[string, string]>, shot?: string): Promise<string> {
  await page.click(`a[data-kind="${kind}"]`);
  await page.waitForSelector('#start form');
  for (const [name, value] of fill) {
    const f = field(page, name);
    await expect.poll(() => f.count(), { timeout: 5_000 }).toBe(1);
    if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
    await f.dispatchEvent('change');
  }
  if (shot) await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
  await form(page).locator('button[type="submit"]').click();
  await page.waitForURL(/#\/p\//, { timeout: 30_000 });
  return decodeURIComponent(page.url().split('#/p/')[1]!);
}

/** The timeline names the persons who acted. */
async function timelineNames(page: Page, id: string, names: string[]) {
  await page.goto(`${stack.url}/#/p/${id}`);
  await page.waitForSelector('#timeline');
  const text = await page.locator('#timeline').textContent();
  for (const n of names) expect(text).toContain(n);
  // The workbench's own parts name no code (the timeline's summaries are the driver's).
  expect(await page.locator('#actions').textContent()).not.toMatch(/[A-Z]{3,}_[A-Z_]+|awaiting[A-Z]|under[A-Z]/);
}

const GZ = {
  chen: person('org-th-office', 'p-th-chen', '陈某', 'secrecy-officer'),
  liu: person('org-th-office', 'p-th-liu', '刘某', 'classification-officer'),
  he: person('org-th-office', 'p-th-he', '何某', 'head'),
  zhang: person('auth-440000', 'p-gd-zhang', '张某', 'head'),
  huang: person('auth-440000', 'p-gd-huang', '黄某', 'secrecy-officer'),
};

describe('the workbench: each procedure carried out in the browser by its parties', () => {
  it('不明确事项: a county office reports (field errors in Chinese, the calendar and the what-if shown, a double click applies once), the province decides, the office tells the holders, the filing is recorded', async () => {
    const chen = await signIn(GZ.chen);
    await chen.click('a[data-kind="unclear-matter"]');
    await chen.waitForSelector('#start form');
    // The starting party is fixed to the signed-in person's; the labels are Chinese.
    expect(await field(chen, 'organId').locator('option').allTextContents()).toEqual(['广州市天河区某办']);
    expect(await form(chen).locator('label').allTextContents()).toEqual(expect.arrayContaining(['事项编号 *', '拟定日期 *', '密级 *']));
    await field(chen, 'draftedOn').fill('2025-09-26');
    await field(chen, 'draftedOn').dispatchEvent('change');
    await expect.poll(() => chen.locator('.what-if li[data-deadline="report"]').textContent(), { timeout: 10_000 }).toBe('拟定日期 2025-09-26 → 报送期限（自拟定之日起10个工作日） 2025-10-16');
    await chen.waitForSelector('table.cal td[data-date="2025-10-01"].holiday');
    expect(await chen.locator('table.cal td[data-date="2025-09-28"]').getAttribute('class')).toContain('makeup-workday');
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-start-calendar.png'), fullPage: true });
    // Refused by the server: each field in Chinese, in an announced summary.
    await field(chen, 'matterRef').fill('TH-2025-7');
    await field(chen, 'proposal.level').selectOption('secret');
    await field(chen, 'proposal.term.kind').selectOption('years');
    await field(chen, 'proposal.term.years').fill('25');
    await field(chen, 'proposal.scope').fill('项目组');
    await field(chen, 'protectiveMeasures').fill('按机密级管理');
    await form(chen).locator('button[type="submit"]').click();
    const summary = form(chen).locator('.error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await summary.getAttribute('aria-live')).toBe('assertive');
    const text = await summary.textContent();
    expect(text).toContain('事项名称（非涉密）：必填');
    expect(text).toContain('机密级事项的保密期限最长 20 年');
    expect(await field(chen, 'title').getAttribute('aria-invalid')).toBe('true');
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-field-errors.png'), fullPage: true });
    await field(chen, 'title').fill('某型设备参数');
    await field(chen, 'proposal.term.years').fill('10');
    // A double click starts one procedure: the form's key names it.
    await form(chen).locator('button[type="submit"]').dblclick();
    await chen.waitForURL(/#\/p\//, { timeout: 30_000 });
    const id = decodeURIComponent(chen.url().split('#/p/')[1]!);
    const mine = await fetch(`${stack.url}/api/procedures?organ=org-th-office&kind=unclear-matter`, { headers: { authorization: `Bearer ${await stack.token('org-th-office')}` } }).then((r) => r.json() as Promise<{ items: unknown[] }>);
    expect(mine.items).toHaveLength(1);

    // 我的待办: the report is overdue (drafted 2025-09-26): a red card.
    await chen.goto(`${stack.url}/#/work`);
    await expect.poll(() => chen.locator(`#todo tr[data-id="${id}"] .card`).getAttribute('class'), { timeout: 20_000 }).toContain('red');
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-todo-office.png'), fullPage: true });

    // Another person of the office reports; a double click on the confirm button sends one report.
    const liu = await signIn(GZ.liu, true);
    await liu.goto(`${stack.url}/#/p/${id}`);
    await liu.locator('#actions button[data-event="SUBMIT_REPORT"]').click();
    await field(liu, 'reportNumber').fill('天办〔2025〕7号');
    await form(liu).locator('button[type="submit"]').dblclick();
    await expect.poll(async () => (await view(id)).state, { timeout: 20_000 }).toBe('underDetermination');
    await liu.waitForTimeout(1000);
    expect((await events(id)).filter((e) => e.event?.type === 'SUBMIT_REPORT')).toHaveLength(1);
    await liu.screenshot({ path: join(ARTIFACTS, 'workbench-phone-report.png'), fullPage: true });
    // The office has nothing more to do now: no buttons for the authority's step.
    await liu.goto(`${stack.url}/#/p/${id}`);
    await liu.waitForSelector('#no-actions');

    // The province decides (a lower level: the holders must be told), by its head.
    const zhang = await signIn(GZ.zhang);
    await expect.poll(() => zhang.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    await act(zhang, id, 'DETERMINE', { 'determination.outcome': 'state-secret', 'determination.classification.level': 'confidential', 'determination.classification.term.kind': 'years', 'determination.classification.term.years': '5', 'determination.classification.scope': '项目组' }, { shot: 'workbench-determine.png' });
    expect((await view(id)).state).toBe('filingAndMarkings');
    // The office's head tells the holders; the province's officer records the filing.
    const he = await signIn(GZ.he);
    await act(he, id, 'NOTIFY_HOLDERS', { noticeRef: '天办〔2025〕8号' });
    const huang = await signIn(GZ.huang);
    await act(huang, id, 'FILE_RECORD', { filingNumber: '粤保备〔2025〕3号' });
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    await timelineNames(huang, id, ['刘某', '张某', '何某', '黄某']);
    await huang.screenshot({ path: join(ARTIFACTS, 'workbench-unclear-matter-closed.png'), fullPage: true });
    for (const p of [chen, liu, zhang, he, huang]) await p.close();
  }, 240_000);
});
