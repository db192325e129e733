import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';

/**
 * Regs 71 para 3(3) in both procedures (issue 26, edition 6): the licensing authority's decision in
 * a leak procedure, as the 年度自检's page and the leak's page show it, in names. Chromium in zh-CN.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('licence-page-test', { api: { anonymousRateLimitPerMinute: 5000 } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const ENTERPRISE = 'ent-gz-tech';
const LICENSOR = 'auth-440000';

async function ok(method: string, path: string, as: string, body?: unknown) {
  const r = await callAs(stack, method, path, as, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

/** A leak of the enterprise reported late, decided by the licensor's 负责人; returns once the leak recorded where the decision went. */
async function decidedLeak(incidentRef: string, decision: Record<string, string>): Promise<string> {
  const discoveredAt = new Date(Date.now() - 30 * 3_600_000).toISOString();
  const { id } = await ok('POST', '/api/procedures/leak', ENTERPRISE, leakInput({ organId: ENTERPRISE, incidentRef, discoveredAt }));
  await ok('POST', `/api/procedures/${id}/events`, ENTERPRISE, { type: 'REPORT_TO_AUTHORITY', reportNumber: `${incidentRef}-报` });
  await ok('POST', `/api/procedures/${id}/events`, LICENSOR, decision);
  await expect
    .poll(async () => (await ok('GET', `/api/procedures/${id}`, LICENSOR)).audit.some((a: any) => a.kind === 'linked'), { timeout: 30_000 })
    .toBe(true);
  return id;
}

async function signIn(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(LICENSOR, { sub: 'p-gd-zhang', name: '张某', roles: ['head'] }));
  await page.click('#signin');
  await page.waitForSelector('#h-todo');
  return page;
}

async function show(page: Page, id: string) {
  // A hash route: loaded afresh, so the page waited for is this procedure's, not the one shown before.
  await page.goto(`${stack.url}/#/p/${encodeURIComponent(id)}`);
  await page.reload();
  await page.waitForSelector('#case-info');
}

/** Registry ids, event types, codes, instants in machine form: none where a name exists (the procedures' own ids aside). */
const RAW: Array<[string, RegExp]> = [
  ['a registry id', /\b(?:org|auth|ent)-[\w-]+/],
  ['an event type', /\b[A-Z]{2,}_[A-Z_]+\b/],
  ['a code', /\b[a-z]+(?:-[a-z]+)+\b/],
  ['a citation in the machine form', /\b(?:Regs|Law) \d|\bpara \d/],
  ['an ISO instant', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/],
];
async function rawOn(page: Page, ...ids: string[]): Promise<string[]> {
  let text = (await page.locator('#app').innerText()).replace(/身份标识 \S+/g, '');
  for (const id of ids) text = text.replaceAll(id, '');
  return RAW.flatMap(([what, re]) => {
    const m = new RegExp(re.source, 'g').exec(text);
    return m ? [`${what}: …${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}…`] : [];
  });
}

describe('the licensing authority’s decision on a leak, on the pages of both procedures', () => {
  it('the 年度自检 page lists the decline with the incident and the authority by name and goes on; a revocation closes it as revoked; the leak page says where the decision was recorded', async () => {
    const annual = (await ok('POST', '/api/procedures/annual-inspection', ENTERPRISE, { enterpriseId: ENTERPRISE, year: 2025 })).id;
    const declined = await decidedLeak('GZ-LEAK-P1', { type: 'DECLINE_REVOCATION', reason: '已及时采取补救措施，危害后果轻微' });
    const page = await signIn();

    await show(page, annual);
    const info = page.locator('#case-info li[data-event="LEAK_LICENCE_DECISION"]');
    await expect.poll(() => info.count()).toBe(1);
    const entry = await info.innerText();
    for (const words of [
      '泄密事件：颁发资质的保密行政管理部门就是否吊销保密资质作出决定',
      '颁发资质的保密行政管理部门的决定：不予吊销保密资质（本地策略）',
      '吊销决定（文号、简述）或者不予吊销的理由：已及时采取补救措施，危害后果轻微',
      '泄密事件编号：GZ-LEAK-P1',
      '作出决定的保密行政管理部门：广东省国家保密局',
    ])
      expect(entry).toContain(words);
    // Who decided: the licensor's 负责人 who signed it, in the leak procedure.
    expect(entry).toMatch(/广东省国家保密局 \S+（负责人）（泄密报告）/);
    expect(await page.locator('#case-state').innerText()).not.toContain('已办结');
    expect(await rawOn(page, annual, declined)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'licence-decision-annual-declined.png'), fullPage: true });

    await show(page, declined);
    expect(await page.locator('#timeline').innerText()).toContain('已记入广州某科技有限公司2025年度的保密资质年度自检程序');
    await page.screenshot({ path: join(ARTIFACTS, 'licence-decision-leak.png'), fullPage: true });

    const revoked = await decidedLeak('GZ-LEAK-P2', { type: 'REVOKE_LICENCE', decision: '粤保吊〔2026〕1号' });
    await show(page, annual);
    await expect.poll(() => info.count()).toBe(2);
    expect(await info.nth(1).innerText()).toContain('颁发资质的保密行政管理部门的决定：吊销保密资质');
    expect(await page.locator('#app').innerText()).toContain('吊销保密资质');
    expect(await rawOn(page, annual, declined, revoked)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'licence-decision-annual-revoked.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
