import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../api/demo-people.js';
import { launchChromium } from '../support/browser.js';
import { daysFromToday, today } from '../support/clock.js';
import { freePort } from '../support/ports.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The 用户手册's walk (docs/user-guide.zh.md) in a real browser, on the real stack with the
 * demonstration's people signed in with one click: an organ's 保密员 starts and reports an unclear
 * matter, the provincial authority's 经办人 finds it in the workbench and sees that its 负责人 must
 * decide, the 负责人 opens the decision form, a supervisor reads the deadline board. Its screenshots
 * are the guide's images: `npm run screenshots` (scripts/screenshots.ts) runs this file with
 * BM_SCREENSHOTS_DIR=docs/images; otherwise they go to test-artifacts/user-guide/.
 */
const SHOTS = process.env.BM_SCREENSHOTS_DIR ?? new URL('../../test-artifacts/user-guide/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;
let url: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack('user-guide-test', { api: { anonymousRateLimitPerMinute: 5000 } });
  const port = await freePort();
  await (await stack.extraApp({ demoPeople: DEMO_PEOPLE, anonymousRateLimitPerMinute: 5000 })).listen({ port, host: '127.0.0.1' });
  url = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name) });
/** The viewport with the element at its top, for a shot of one part of a long page. */
async function shotAt(page: Page, at: Locator, name: string) {
  await at.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(page, name);
}

/** Signs a demo person in with one click on the sign-in page (演示), as the guide tells. */
async function signIn(label: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  await page.goto(url);
  await page.getByRole('button', { name: `演示：${label}` }).click();
  await page.waitForSelector('#h-todo');
  expect(await page.textContent('#me')).toBe(label);
  return page;
}

const form = (page: Page) => page.locator('form.wb-form');
const field = (page: Page, name: string) => form(page).locator(`[name="${name}"]`);

async function state(id: string): Promise<string> {
  const res = await fetch(`${stack.url}/api/procedures/${id}`, {
    headers: { authorization: `Bearer ${await stack.token('auth-000000')}` },
  });
  return ((await res.json()) as { state: string }).state;
}

async function startByApi(kind: string, as: string, input: unknown): Promise<string> {
  const res = await fetch(`${stack.url}/api/procedures/${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('the user guide, walked in the browser', () => {
  it('sign in, start and report an unclear matter, the authority’s workbench and sign-off, the decision form, the board', async () => {
    // 登录: the demonstration lists its people, marked 演示.
    const first = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await first.goto(url);
    await first.waitForSelector('#demo-signin');
    expect(await first.textContent('#demo-signin h3')).toContain('演示');
    await shot(first, 'sign-in.png');
    await first.close();

    // 机关、单位: the office's 保密员 starts 不明确事项报送 through the form, with the deadline shown before it starts.
    const chen = await signIn('广州市天河区某办 陈某（保密员）');
    await chen.click('a[data-kind="unclear-matter"]');
    await chen.waitForSelector('#start form');
    const fill: Array<[string, string]> = [
      ['matterRef', 'TH-2025-9'],
      ['title', '某型设备参数'],
      ['draftedOn', today()],
      ['proposal.level', 'secret'],
      ['proposal.term.kind', 'years'],
      ['proposal.term.years', '10'],
      ['proposal.scope', '项目组'],
      ['protectiveMeasures', '按机密级管理'],
    ];
    for (const [name, value] of fill) {
      const f = field(chen, name);
      if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
      else await f.fill(value);
      await f.dispatchEvent('change');
    }
    await expect.poll(() => chen.locator('.what-if li[data-deadline="report"]').textContent(), { timeout: 10_000 }).toContain('报送期限');
    await shot(chen, 'start-form.png');
    await form(chen).locator('button[type="submit"]').click();
    await chen.waitForURL(/#\/p\//, { timeout: 30_000 });
    const id = decodeURIComponent(chen.url().split('#/p/')[1]!);
    const report = chen.locator('#actions button[data-event="SUBMIT_REPORT"]');
    await expect.poll(() => report.count(), { timeout: 20_000 }).toBe(1);
    expect(await chen.locator('#case-info').textContent()).toContain('TH-2025-9');
    await chen.evaluate(() => window.scrollTo(0, 0));
    await shot(chen, 'procedure-organ.png');
    await report.click();
    await field(chen, 'reportNumber').fill('天办〔2025〕9号');
    await form(chen).locator('button[type="submit"]').click();
    await expect.poll(() => state(id), { timeout: 20_000 }).toBe('underDetermination');

    // 保密行政管理部门: the provincial 经办人 finds it in 我的待办; a decision is its 负责人's to sign.
    const huang = await signIn('广东省国家保密局 黄某（保密员）');
    await expect.poll(() => huang.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    await shot(huang, 'workbench-authority.png');
    await huang.goto(`${url}/#/p/${encodeURIComponent(id)}`);
    const note = huang.locator('#actions [data-needs-role="DETERMINE"]');
    await expect.poll(() => note.count(), { timeout: 20_000 }).toBe(1);
    expect(await note.textContent()).toContain('须由负责人本人办理');
    await shotAt(huang, huang.locator('#actions'), 'procedure-authority.png');

    // The 负责人 opens the decision form, filled from the proposal.
    const zhang = await signIn('广东省国家保密局 张某（负责人）');
    await zhang.goto(`${url}/#/p/${encodeURIComponent(id)}`);
    const decide = zhang.locator('#actions button[data-event="DETERMINE"]');
    await expect.poll(() => decide.count(), { timeout: 20_000 }).toBe(1);
    await decide.click();
    await form(zhang).waitFor();
    await shotAt(zhang, form(zhang), 'decision-form.png');
    // Each deadline with its rule, period and article.
    expect(await zhang.locator('#deadlines').textContent()).toContain('《实施条例》第二十五条第二款');
    await shotAt(zhang, zhang.locator('#deadlines'), 'deadlines.png');

    // 督办: the board, with an overdue matter (红牌) and a leak due within hours (黄牌).
    const overdue = await startByApi('unclear-matter', 'org-gz-bureau', {
      organId: 'org-gz-bureau',
      matterRef: 'GZ-2025-3',
      title: '某项目方案',
      draftedOn: daysFromToday(-60),
      protectiveMeasures: '先行保护',
      proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
    });
    await startByApi('leak', 'org-th-office', {
      organId: 'org-th-office',
      incidentRef: 'TH-LEAK-1',
      summary: '某文件外发',
      discoveredAt: new Date(Date.now() - 20 * 3_600_000).toISOString(),
      remedialMeasures: '收回并封存',
    });
    await zhang.click('#nav-board');
    await zhang.waitForSelector('#board');
    const card = zhang.locator(`#board tr[data-id="${overdue}"] .card`);
    await expect.poll(() => card.getAttribute('class'), { timeout: 20_000 }).toContain('red');
    await expect.poll(() => zhang.locator('#board .card.yellow').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(zhang, 'board.png');
    for (const p of [chen, huang, zhang]) await p.close();
  }, 240_000);
});
