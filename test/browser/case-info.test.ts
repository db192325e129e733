import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../domain/parties.js';
import { launchChromium } from '../support/browser.js';
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
    // The organ by name, the region cleared.
    await region.fill('');
    await region.dispatchEvent('change');
    const organ = tang.locator('input[name="organ"]');
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

describe('/docs for a department’s integrator', () => {
  it('opens in Chinese with how to get a token and the level mapping, Swagger UI’s own words in Chinese, a real example body per event', async () => {
    const page = await newPage(false);
    await page.goto(`${stack.url}/docs`);
    await page.waitForSelector('.information-container');
    const intro = await page.locator('.information-container').innerText();
    expect(intro).toContain('如何取得访问令牌');
    expect(intro).toContain('top-secret = 绝密，secret = 机密，confidential = 秘密');
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
    await page.screenshot({ path: join(ARTIFACTS, 'case-info-docs.png') });
    await page.close();
  }, 60_000);
});
