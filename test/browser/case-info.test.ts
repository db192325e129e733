import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../domain/parties.js';
import { launchChromium } from '../support/browser.js';
import { daysFromToday } from '../support/clock.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * Every person sees the case they act on (issue 25): the 案件信息 panel from the procedure's own
 * fields, decision forms that start from the proposal, lists and a board people can read by name,
 * and nothing lost when a session ends. Chromium in zh-CN, desktop and phone.
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack('case-info-test', { api: { anonymousRateLimitPerMinute: 5000 } });
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
const CHEN = person('org-th-office', 'p-th-chen', '陈某', 'secrecy-officer');
const ZHANG = person('auth-440000', 'p-gd-zhang', '张某', 'head');

const newPage = (phone: boolean) =>
  browser.newPage({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'zh-CN',
    isMobile: phone,
    hasTouch: phone,
  });

/** Signs in with a token on the sign-in page (a page already open: the one whose session ended). */
async function tokenSignIn(page: Page, p: Person, ttlSeconds?: number) {
  await page.fill(
    '#token',
    await stack.token(p.party, { sub: p.sub, name: p.name, roles: p.roles, ...(ttlSeconds ? { ttlSeconds } : {}) }),
  );
  await page.click('#signin');
}

async function signIn(p: Person, phone = false): Promise<Page> {
  const page = await newPage(phone);
  await page.goto(stack.url);
  await tokenSignIn(page, p);
  await page.waitForSelector('#h-todo');
  return page;
}

async function show(page: Page, id: string) {
  const url = `${stack.url}/#/p/${encodeURIComponent(id)}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.waitForSelector('#case-info');
}

const form = (page: Page) => page.locator('form.wb-form');
const field = (page: Page, name: string) => form(page).locator(`[name="${name}"]`);

async function post(as: string, path: string, body: unknown): Promise<{ id?: string }> {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { id?: string };
  expect(res.ok, JSON.stringify(answer)).toBe(true);
  return answer;
}

async function state(id: string): Promise<string> {
  const res = await fetch(`${stack.url}/api/procedures/${id}`, {
    headers: { authorization: `Bearer ${await stack.token('auth-000000')}` },
  });
  return ((await res.json()) as { state: string }).state;
}

/** Today in Beijing, YYYY-MM-DD. */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * What a page must not show where a name exists: a registry id, a region code, an English API
 * message, code names of states, events and options, UTC instants (the procedure's own id aside).
 */
const RAW: Array<[string, RegExp]> = [
  ['a registry id', /\b(?:org|auth|ent)-[\w-]+/],
  ['a region code', /(?<!\d)\d{6}(?!\d)/],
  ['an English API message', /\b(?:missing|bearer|token|querystring|no procedure|not found|invalid|forbidden)\b/i],
  ['a camelCase id', /\b[a-z]+[A-Z][a-zA-Z]+\b/],
  ['an event type', /\b[A-Z]{2,}_[A-Z_]+\b/],
  ['a code', /\b[a-z]+(?:-[a-z]+)+\b/],
  ['an ISO instant', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/],
  ['a missing value printed', /\b(?:undefined|null|NaN)\b|\[object /],
];
async function rawOn(page: Page, ...ids: string[]): Promise<string[]> {
  // A person's stable id is shown on purpose, labelled 身份标识 (a name is only what was claimed).
  let text = (await page.locator('#app').innerText()).replace(/身份标识 \S+/g, '');
  for (const id of ids) text = text.replaceAll(id, '');
  return RAW.flatMap(([what, re]) => {
    const m = new RegExp(re.source, re.flags + 'g').exec(text);
    return m ? [`${what}: …${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}…`] : [];
  });
}

const startUnclear = (matterRef: string, title: string) =>
  post('org-th-office', '/api/procedures/unclear-matter', {
    organId: 'org-th-office',
    matterRef,
    title,
    draftedOn: today(),
    protectiveMeasures: '按机密级先行管理',
    proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组成员' },
  }).then((r) => r.id!);

describe('案件信息: every procedure page says what the case is', () => {
  it('不明确事项: the panel shows the proposal, the report number entered and the decision made (密级, 期限, 知悉范围); the decision form starts from the proposal; each action names its recipient and is confirmed', async () => {
    const id = await startUnclear('TH-2026-21', '某型设备参数');
    const chen = await signIn(CHEN);
    await show(chen, id);
    const panel = chen.locator('#case-info');
    expect(await panel.innerText()).toMatch(/事项编号\s+TH-2026-21/);
    expect(await panel.innerText()).toMatch(/处理建议\s+密级：机密；保密期限：10年；知悉范围：项目组成员/);
    expect(await chen.locator('#case-title').innerText()).toContain('不明确事项报送：TH-2026-21 某型设备参数');
    expect(await chen.title()).toBe('不明确事项报送 TH-2026-21 某型设备参数 · 保密法定程序');
    // The report: the form names whom it goes to; after it, a confirmation and the number in the panel.
    await chen.locator('#actions button[data-event="SUBMIT_REPORT"]').click();
    expect(await form(chen).locator('.recipient').innerText()).toBe('提交后通知：广东省国家保密局');
    await field(chen, 'reportNumber').fill('天办〔2026〕21号');
    await form(chen).locator('button[type="submit"]').click();
    await chen.waitForSelector('#flash');
    expect(await chen.locator('#flash').innerText()).toBe('已办理「报送有关部门确定」，已通知广东省国家保密局。');
    expect(await chen.locator('#case-steps li[data-event="SUBMIT_REPORT"]').innerText()).toMatch(/报告文号：天办〔2026〕21号/);
    // Edition 4: the authority may first register the day it received the report (Regs 25 para 2), or decide at once.
    expect(await chen.locator('#case-now').innerText()).toMatch(
      /广东省国家保密局：可办理「接到报告（登记接收日期）」「作出决定」\n确定期限（接到报告后10个工作日）：.*前/,
    );
    expect(await rawOn(chen, id)).toEqual([]);

    // The province's head decides from the proposal, prefilled, and changes the level and term.
    const zhang = await signIn(ZHANG);
    await show(zhang, id);
    await zhang.locator('#actions button[data-event="DETERMINE"]').click();
    expect(await zhang.locator('#prefilled').isVisible()).toBe(true);
    expect(
      await Promise.all(
        [
          'determination.outcome',
          'determination.classification.level',
          'determination.classification.term.kind',
          'determination.classification.term.years',
          'determination.classification.scope',
        ].map((n) => field(zhang, n).inputValue()),
      ),
    ).toEqual(['state-secret', 'secret', 'years', '10', '项目组成员']);
    await zhang.screenshot({ path: join(ARTIFACTS, 'case-info-determine-prefilled.png'), fullPage: true });
    await field(zhang, 'determination.classification.level').selectOption('confidential');
    await field(zhang, 'determination.classification.term.years').fill('5');
    await form(zhang).locator('button[type="submit"]').click();
    await zhang.waitForSelector('#flash');
    expect(await zhang.locator('#flash').innerText()).toBe('已办理「作出决定」，已通知广州市天河区某办。');
    const decided = await zhang.locator('#case-steps li[data-event="DETERMINE"]').innerText();
    expect(decided).toContain('属于国家秘密');
    expect(decided).toMatch(/密级：秘密；保密期限：5年；知悉范围：项目组成员/);
    // The heading follows the state: both open steps, by name.
    expect(await zhang.locator('#case-state').innerText()).toContain('待备案');
    expect(await rawOn(zhang, id)).toEqual([]);
    await zhang.screenshot({ path: join(ARTIFACTS, 'case-info-unclear-matter-decided.png'), fullPage: true });

    // On a phone: the panel first, then the actions, then the chart; the timeline stacked, one entry a block.
    const phone = await signIn(CHEN, true);
    await show(phone, id);
    const y = async (sel: string) => (await phone.locator(sel).boundingBox())!.y;
    expect(await y('#case-info')).toBeLessThan(await y('#actions'));
    expect(await y('#actions')).toBeLessThan(await y('#statechart'));
    expect(
      await phone
        .locator('#timeline td')
        .first()
        .evaluate((td) => getComputedStyle(td).display),
    ).toBe('block');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(ARTIFACTS, 'case-info-unclear-matter-phone.png'), fullPage: true });

    // The lists tell the case apart: its reference and title beside the kind.
    await chen.goto(`${stack.url}/#/work`);
    await expect
      .poll(() => chen.locator(`#started tr[data-id="${id}"]`).innerText(), { timeout: 20_000 })
      .toContain('TH-2026-21 某型设备参数');
    expect(await chen.title()).toMatch(/^工作台（待办 \d+ 件） · 保密法定程序$/);
    for (const p of [chen, zhang, phone]) await p.close();
  }, 120_000);

  it('泄密报告: the panel shows the incident, the first remedial measures, and each late report with its consequences and article; a 24-hour deadline is never 暂定; the national authority finds the case under 我参与的 and 辖区内', async () => {
    const { id } = await post('org-th-office', '/api/procedures/leak', {
      organId: 'org-th-office',
      incidentRef: 'TH-L-2026-3',
      summary: '涉密文件误发至互联网邮箱',
      discoveredAt: new Date(Date.now() - 30 * 3600_000).toISOString(),
      remedialMeasures: '已撤回邮件并封存终端',
    });
    const feng = await signIn(person('auth-000000', 'p-nat-feng', '冯某', 'head'));
    await expect.poll(() => feng.locator(`#involved tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    expect(await feng.locator(`#involved tr[data-id="${id}"]`).innerText()).toContain('TH-L-2026-3 涉密文件误发至互联网邮箱');
    // The overdue obligation by name.
    expect(await feng.locator(`#involved tr[data-id="${id}"]`).innerText()).toMatch(
      /向(同级保密行政管理部门|上级主管部门)报告 已超期 [\d.]+ 小时/,
    );
    expect(await feng.locator(`#jurisdiction tr[data-id="${id}"]`).count()).toBe(1);
    expect(await feng.locator('.legend').first().innerText()).toContain('黄牌');
    await feng.screenshot({ path: join(ARTIFACTS, 'case-info-workbench-national.png'), fullPage: true });
    await show(feng, id!);
    const panel = await feng.locator('#case-info').innerText();
    expect(panel).toMatch(/事件编号\s+TH-L-2026-3/);
    expect(panel).toMatch(/已采取的补救措施\s+已撤回邮件并封存终端/);
    await expect
      .poll(() => feng.locator('#case-late').innerText(), { timeout: 20_000 })
      .toContain('向同级保密行政管理部门报告：逾期未报告');
    expect(await feng.locator('#case-late').innerText()).toContain('《实施条例》第六十七条第一款第（八）项');
    // 暂定 only where a period runs into a year whose holidays are not published: never on 24 hours.
    const rows = await feng.locator('#deadlines tbody tr').allInnerTexts();
    for (const r of rows.filter((t) => t.includes('24小时'))) expect(r).not.toContain('暂定');
    expect(await rawOn(feng, id!)).toEqual([]);
    // The organ's chart: its Regs 61 reports (the parallel steps), not the network operator's 立即 report.
    expect(await feng.locator('#statechart .state[data-path="underway.toAuthority.pending"]').count()).toBe(1);
    expect(await feng.locator('#statechart [data-path^="operator"]').count()).toBe(0);
    expect(await feng.locator('#statechart').innerText()).not.toContain('网络运营者');
    await feng.screenshot({ path: join(ARTIFACTS, 'case-info-leak.png'), fullPage: true });
    // The board names the overdue step too.
    await feng.goto(`${stack.url}/#/board`);
    await expect
      .poll(() => feng.locator(`#board tr[data-id="${id}"]`).innerText(), { timeout: 20_000 })
      .toMatch(/向(同级保密行政管理部门|上级主管部门)报告 已超期 [\d.]+ 小时/);
    // Relayed one tier: the relay is not met until the national authority holds it, and one row says so.
    await post('org-th-office', `/api/procedures/${id}/events`, { type: 'REPORT_TO_AUTHORITY', reportNumber: '天办〔2026〕泄3号' });
    await post('auth-440106', `/api/procedures/${id}/events`, { type: 'RELAY', reportNumber: '天保〔2026〕3号' });
    await show(feng, id!);
    const relay = feng.locator('#deadlines tbody tr', { hasText: '逐级报至国家保密行政管理部门' });
    expect(await relay.count()).toBe(1);
    expect(await relay.innerText()).toMatch(/进行中[\s\S]*此前一次：广州市天河区国家保密局（按期办结）/);
    expect(await feng.locator('#timeline').innerText()).toContain('按期完成（仅为广州市天河区国家保密局这一环节）');
    expect(await rawOn(feng, id!)).toEqual([]);
    await feng.close();
  }, 120_000);
  it('泄密报告 of a network operator: the chart draws the operator’s 立即 report to the receiver it chose, not the organ’s Regs 61 reports', async () => {
    const { id } = await post('ent-gz-net', '/api/procedures/leak', {
      organId: 'ent-gz-net',
      incidentRef: 'NET-L-2026-1',
      summary: '用户上传的涉密文件出现在平台',
      discoveredAt: new Date(Date.now() - 600_000).toISOString(),
      variant: 'network-operator',
      receiverId: 'auth-440000',
    });
    for (const phone of [false, true]) {
      const zheng = await signIn(person('ent-gz-net', 'p-net-zheng', '郑某', 'secrecy-officer'), phone);
      await show(zheng, id!);
      const chart = zheng.locator('#statechart');
      expect(await chart.locator('.state[data-path="operatorReporting"]').count()).toBe(1);
      expect(await chart.locator('.state.current[data-path="operatorReporting"]').count()).toBe(1);
      expect(await chart.locator('[data-path^="underway"], [data-path="open"], [data-path="reporting"]').count()).toBe(0);
      expect(await chart.innerText()).not.toContain('向上级主管部门报告');
      expect(await chart.innerText()).toContain('网络运营者待立即报告');
      await zheng.screenshot({ path: join(ARTIFACTS, `case-info-leak-operator${phone ? '-phone' : ''}.png`), fullPage: true });
      await zheng.close();
    }
  }, 120_000);
});

describe('保密资质年度自检: the authority’s decisions start from what the procedure holds', () => {
  it('整改后仍不符合 starts from the items ordered; the decision on the proposal (降低资质等级) from the proposal’s reason', async () => {
    const { id } = await post('ent-gz-tech', '/api/procedures/annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2024 });
    await post('ent-gz-tech', `/api/procedures/${id}/events`, { type: 'SUBMIT_REPORT', reportNumber: '科技自检〔2025〕1号' });
    await post('auth-440000', `/api/procedures/${id}/events`, {
      type: 'ORDER_RECTIFICATION',
      dueDate: daysFromToday(30),
      items: '保密管理制度不健全；涉密载体台账缺失',
    });
    await post('ent-gz-tech', `/api/procedures/${id}/events`, { type: 'RECTIFICATION_REPORTED', summary: '已修订保密管理制度' });
    await expect.poll(() => state(id!), { timeout: 20_000 }).toBe('reviewingRectification');

    for (const phone of [true, false]) {
      const huang = await signIn(person('auth-440000', 'p-gd-huang', '黄某', 'secrecy-officer'), phone);
      await show(huang, id!);
      await huang.locator('#actions button[data-event="RECTIFICATION_FAILED"]').click();
      expect(await huang.locator('#prefilled').innerText()).toBe('已按本程序此前记录的内容预先填写，请按实际情况修改。');
      expect(await field(huang, 'findings').inputValue()).toBe('保密管理制度不健全；涉密载体台账缺失');
      // A form without anything held to start from stays blank, and says nothing of prefilling.
      await huang.locator('#actions button[data-event="RECTIFICATION_ACCEPTED"]').click();
      expect(await huang.locator('#prefilled').count()).toBe(0);
      await huang.locator('#actions button[data-event="RECTIFICATION_FAILED"]').click();
      await huang.screenshot({ path: join(ARTIFACTS, `case-info-annual-findings-prefilled${phone ? '-phone' : ''}.png`), fullPage: true });
      if (phone) {
        await huang.close();
        continue;
      }
      await field(huang, 'findings').fill('涉密载体台账仍缺失');
      await form(huang).locator('button[type="submit"]').click();
      await huang.waitForSelector('#flash');
      await expect.poll(() => state(id!), { timeout: 20_000 }).toBe('sanctionProposed');
      await huang.close();
      // A decision on the proposal is signed by the authority's 负责人 (edition 6, policy headSignOff).
      const zhang = await signIn(ZHANG);
      await show(zhang, id!);
      await zhang.locator('#actions button[data-event="DOWNGRADE"]').click();
      expect(await zhang.locator('#prefilled').isVisible()).toBe(true);
      expect(await field(zhang, 'note').inputValue()).toBe('整改后仍不符合保密法律法规及国家保密规定');
      expect(await rawOn(zhang, id!)).toEqual([]);
      await zhang.screenshot({ path: join(ARTIFACTS, 'case-info-annual-decision-prefilled.png'), fullPage: true });
      await zhang.close();
    }
  }, 120_000);
});

describe('forms show what applies', () => {
  it('泄密报告 start: an organ sees neither the operator’s receiver nor its 立即 deadline; choosing 网络运营者 shows both and hides the Regs 61 reports', async () => {
    const chen = await signIn(CHEN);
    await chen.click('a[data-kind="leak"]');
    await chen.waitForSelector('#start form');
    await field(chen, 'discoveredAt').fill(`${today()}T00:30`);
    await field(chen, 'discoveredAt').dispatchEvent('change');
    const deadlines = () => chen.locator('.what-if li[data-deadline]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-deadline')));
    // Edition 4: the two reports run from the organ's knowledge, which is the discovery while 获知时刻 is blank (found by
    // the organ itself); with no measures entered yet, the organ must also take them 立即 (Regs 61 para 1).
    await expect.poll(deadlines, { timeout: 10_000 }).toEqual(['report-authority', 'report-superior', 'remedy']);
    const toAuthority = chen.locator('.what-if li[data-deadline="report-authority"]');
    expect(await toAuthority.textContent()).toMatch(/^发现时刻 \d{4}-\d{2}-\d{2} 00:30 → 向同级保密行政管理部门报告（24小时）/);
    await field(chen, 'knownAt').fill(`${today()}T01:00`);
    await field(chen, 'knownAt').dispatchEvent('change');
    await expect
      .poll(() => toAuthority.textContent(), { timeout: 10_000 })
      .toMatch(/^机关、单位获知时刻 \d{4}-\d{2}-\d{2} 01:00 → 向同级保密行政管理部门报告（24小时）/);
    expect(await form(chen).locator('[data-field="receiverId"]').isVisible()).toBe(false);
    await chen.screenshot({ path: join(ARTIFACTS, 'case-info-leak-start-organ.png'), fullPage: true });
    await field(chen, 'variant').selectOption('network-operator');
    await field(chen, 'variant').dispatchEvent('change');
    await expect.poll(deadlines, { timeout: 10_000 }).toEqual(['report-receiver']);
    expect(await form(chen).locator('[data-field="receiverId"]').isVisible()).toBe(true);
    await chen.screenshot({ path: join(ARTIFACTS, 'case-info-leak-start-operator.png'), fullPage: true });
    await chen.close();
  }, 60_000);
});

describe('names, not codes; nothing lost', () => {
  it('the board filters by a region and an organ typed by name, shows 地区 by name, and says in Chinese when a name matches nothing (the message replaced, not piled up, and left behind on another page)', async () => {
    const th = await startUnclear('TH-2026-30', '天河事项');
    const { id: nj } = await post('org-nj-bureau', '/api/procedures/unclear-matter', {
      organId: 'org-nj-bureau',
      matterRef: 'NJ-2026-1',
      title: '南京事项',
      draftedOn: today(),
      protectiveMeasures: '先行管理',
      proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
    });
    const tang = await signIn(person('auth-000000', 'p-nat-tang', '唐某', 'secrecy-officer'));
    await tang.goto(`${stack.url}/#/board`);
    await tang.waitForSelector(`#board tr[data-id="${nj}"]`, { timeout: 20_000 });
    const region = tang.locator('input[name="region"]');
    await region.fill('天河');
    await region.dispatchEvent('change');
    await expect.poll(() => tang.locator(`#board tr[data-id="${nj}"]`).count(), { timeout: 10_000 }).toBe(0);
    expect(await tang.locator(`#board tr[data-id="${th}"]`).innerText()).toContain('广州市天河区');
    expect(await region.inputValue()).toBe('广州市天河区');
    expect(await tang.locator(`#board tr[data-id="${th}"]`).innerText()).toContain('TH-2026-30 天河事项');
    // The organ by name, the region cleared. The load the clearing starts is held back while the organ is
    // typed: when it lands it redraws the filters, and the text being typed stays, with the focus.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await tang.route('**/api/dashboard/board?*', async (route) => (await held, route.continue()));
    await region.fill('');
    await region.dispatchEvent('change');
    const organ = tang.locator('input[name="organ"]');
    await organ.fill('南京市某');
    release();
    await expect.poll(() => tang.locator(`#board tr[data-id="${nj}"]`).count(), { timeout: 10_000 }).toBe(1);
    await tang.unroute('**/api/dashboard/board?*');
    expect(await organ.inputValue()).toBe('南京市某');
    expect(await organ.evaluate((e) => e === document.activeElement)).toBe(true);
    // Nor is the half-typed name taken as a filter when its field is redrawn: 天河 still listed.
    await tang.waitForTimeout(1_000);
    expect(await tang.locator(`#board tr[data-id="${th}"]`).count()).toBe(1);
    await organ.fill('南京市某局');
    await organ.dispatchEvent('change');
    await expect.poll(() => tang.locator(`#board tr[data-id="${th}"]`).count(), { timeout: 10_000 }).toBe(0);
    expect(await tang.locator(`#board tr[data-id="${nj}"]`).innerText()).toContain('南京市');
    await tang.screenshot({ path: join(ARTIFACTS, 'case-info-board-by-name.png'), fullPage: true });
    // A name nobody has: one message in Chinese, no rows under it, not repeated by the refresh.
    await organ.fill('不存在的单位');
    await organ.dispatchEvent('change');
    await tang.waitForSelector('#filter-error');
    expect(await tang.locator('#filter-error').innerText()).toBe('未筛选：没有名为“不存在的单位”的机关、单位，请从列表中选择。');
    await tang.waitForTimeout(6_000);
    expect(await tang.locator('.error').count()).toBe(1);
    expect(await tang.locator('#board').isVisible()).toBe(false);
    expect(await rawOn(tang, th, nj!)).toEqual([]);
    await tang.screenshot({ path: join(ARTIFACTS, 'case-info-board-unknown-name.png'), fullPage: true });
    await tang.click('#nav-work');
    await tang.waitForSelector('#h-todo');
    expect(await tang.locator('.error').count()).toBe(0);

    // A link to a case outside one's scope: a Chinese message in place of the page, gone on the next page.
    const nanjing = await signIn(person('org-nj-bureau', 'p-nj-li', '李某', 'secrecy-officer'));
    await nanjing.goto(`${stack.url}/#/p/${encodeURIComponent(th)}`);
    await nanjing.waitForSelector('#load-error');
    expect(await nanjing.locator('#load-error').innerText()).toBe('加载失败：未找到该程序，或其不在您的可见范围内。');
    expect(await nanjing.locator('#app').innerText()).not.toContain('no procedure');
    await nanjing.screenshot({ path: join(ARTIFACTS, 'case-info-out-of-scope.png'), fullPage: true });
    await nanjing.click('#nav-work');
    await nanjing.waitForSelector('#h-todo');
    expect(await nanjing.locator('#load-error').count()).toBe(0);
    await tang.close();
    await nanjing.close();
  }, 120_000);

  it('a session that expires mid-form: the sign-in page says so in Chinese, and after signing in the form comes back as it was typed', async () => {
    const id = await startUnclear('TH-2026-40', '会话过期事项');
    const page = await newPage(false);
    await page.goto(stack.url);
    await tokenSignIn(page, CHEN, 15);
    await page.waitForSelector('#h-todo');
    await show(page, id);
    await page.locator('#actions button[data-event="SUBMIT_REPORT"]').click();
    await field(page, 'reportNumber').fill('天办〔2026〕40号');
    await field(page, 'occurredAt').fill(`${today()}T08:30`);
    await field(page, 'occurredAt@offset').selectOption('+00:00');
    // Whether the next refresh or the submit finds the session gone, the entries are kept.
    await page.waitForTimeout(16_000);
    if (await form(page).count()) await form(page).locator('button[type="submit"]').click();
    await page.waitForSelector('#signin-notice', { timeout: 10_000 });
    expect(await page.locator('#signin-notice').innerText()).toBe('登录已过期，请重新登录。您填写的内容已保存，登录后将自动恢复。');
    expect(await rawOn(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-session-expired.png'), fullPage: true });
    await tokenSignIn(page, CHEN);
    await page.waitForSelector('#draft-restored', { timeout: 15_000 });
    expect(await page.locator('#draft-restored').innerText()).toBe('已恢复您在登录过期前填写的内容，请核对后提交。');
    expect(await field(page, 'reportNumber').inputValue()).toBe('天办〔2026〕40号');
    expect(await field(page, 'occurredAt').inputValue()).toBe(`${today()}T08:30`);
    expect(await field(page, 'occurredAt@offset').inputValue()).toBe('+00:00');
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-form-restored.png'), fullPage: true });
    // Entered in UTC, read back in Beijing time: 08:30 UTC is 16:30 北京时间.
    expect(await form(page).locator('[data-field="occurredAt"] output.date-zh').innerText()).toMatch(
      /08:30（协调世界时（UTC）），即 .* 16:30 北京时间$/,
    );
    // Sent without the instant (it would have to follow the start): recorded now, and confirmed.
    await field(page, 'occurredAt').fill('');
    await field(page, 'occurredAt').dispatchEvent('change');
    await form(page).locator('button[type="submit"]').click();
    await page.waitForSelector('#flash');
    await expect.poll(() => state(id), { timeout: 20_000 }).toBe('underDetermination');
    expect(await page.locator('#case-steps li[data-event="SUBMIT_REPORT"]').innerText()).toContain('天办〔2026〕40号');
    await page.close();
  }, 120_000);
});

/**
 * Swagger UI's own interface words left in English on the page: visible text outside what the API
 * itself says (its Chinese-first descriptions, field names, paths, examples, codes, tag names).
 */
const englishUi = (page: Page) =>
  page.evaluate(() => {
    const ours =
      'pre, code, textarea, select, .microlight, .markdown, .renderedMarkdown, .opblock-summary-path, .opblock-summary-method, .parameter__name, .json-schema-2020-12__title, .json-schema-2020-12-property .json-schema-2020-12__title, .info .url, .info .title, .opblock-tag a, .response-col_status, .version-stamp';
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.nodeValue!.trim();
      const el = n.parentElement!;
      // Chinese text is ours or translated (an English name inside it, as Temporal, is the thing's name).
      if (!text || /[\u4e00-\u9fff]/.test(text) || el.closest(ours) || !el.getClientRects().length) continue;
      // An interface word is capitalised ("Execute", "Value:"), a phrase ("header.", "Any of"), or a JSON type name.
      if (/\b[A-Z][a-z]{2,}\b|[a-z]{2,}[ .:]+[a-z]{2,}|^[a-z]+\.$|\b(?:object|string|integer|array|boolean|number)\b/.test(text))
        out.push(text);
    }
    return out;
  });

describe('/docs for a department’s integrator', () => {
  it('opens in Chinese with how to get a token and the level mapping, Swagger UI’s own words in Chinese (buttons, headings, validation, schema view, authorization, a response), a real example body per event', async () => {
    const page = await newPage(false);
    await page.goto(`${stack.url}/docs`);
    await page.waitForSelector('.information-container');
    const intro = await page.locator('.information-container').innerText();
    expect(intro).toContain('如何取得访问令牌');
    expect(intro).toContain('top-secret = 绝密，secret = 机密，confidential = 秘密');
    expect(await englishUi(page)).toEqual([]);
    await page
      .locator('.opblock-summary-path', { hasText: /^\/api\/procedures\/\{id\}\/events$/ })
      .first()
      .click();
    const op = page.locator('.opblock.is-open').first();
    await expect
      .poll(() => op.locator('.body-param__example, .microlight').first().innerText(), { timeout: 10_000 })
      .toContain('"reportNumber": "天办〔2026〕7号"');
    expect(await op.innerText()).toContain('参数');
    expect(await op.innerText()).not.toContain('additionalProp1');
    expect(await op.innerText()).not.toContain('Default Response');
    expect(await englishUi(page)).toEqual([]);
    // Trying it out without the procedure's id: the form's own check, in Chinese.
    await op.locator('.try-out__btn').click();
    await op.locator('.execute').click();
    await expect.poll(() => op.locator('.validation-errors').innerText()).toContain('请改正以下输入错误后再试。');
    expect(await op.locator('.validation-errors').innerText()).toContain('「id」：必填，尚未填写');
    // The schema view: keywords, types and constraints.
    await op.locator('.tablinks[data-name="model"]').first().click();
    await op.locator('.json-schema-2020-12-expand-deep-button').first().click();
    expect(await op.innerText()).toContain('字符');
    expect(await englishUi(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-docs-try.png'), fullPage: false });
    // A request that answers: the response's headings.
    await page
      .locator('.opblock-summary-path', { hasText: /^\/healthz$/ })
      .first()
      .click();
    const health = page.locator('.opblock.is-open', { has: page.locator('.opblock-summary-path', { hasText: /^\/healthz$/ }) });
    await health.locator('.try-out__btn').click();
    await health.locator('.execute').click();
    await expect.poll(() => health.locator('.responses-inner').innerText(), { timeout: 10_000 }).toContain('服务器响应');
    expect(await health.locator('.responses-inner').innerText()).toContain('请求地址');
    expect(await englishUi(page)).toEqual([]);
    // How to authorize: the token, in Chinese.
    await page.locator('.btn.authorize').first().click();
    const modal = page.locator('.modal-ux');
    expect(await modal.innerText()).toContain('可用的授权方式');
    expect(await modal.innerText()).toContain('Authorization: Bearer <令牌>');
    expect(await englishUi(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-docs-authorize.png') });
    await modal.locator('.close-modal').click();
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-docs.png') });
    await page.close();
    // On a phone too.
    const phone = await newPage(true);
    await phone.goto(`${stack.url}/docs`);
    await phone.waitForSelector('.information-container');
    await phone
      .locator('.opblock-summary-path', { hasText: /^\/api\/procedures\/leak$/ })
      .first()
      .click();
    await expect.poll(() => phone.locator('.opblock.is-open').innerText()).toContain('请求体');
    expect(await englishUi(phone)).toEqual([]);
    await phone.screenshot({ path: join(ARTIFACTS, 'case-info-docs-phone.png'), fullPage: false });
    await phone.close();
  }, 120_000);
});
