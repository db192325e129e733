import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import type { Role } from '../../domain/parties.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { launchChromium } from '../support/browser.js';
import { daysFromToday, today } from '../support/clock.js';
import { overdueInspectionYear, whatIfDue } from '../support/expected-dates.js';
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
  // Every person of the test signs in from the same loopback address: its pages load the
  // dashboard's files without a token, more than one address's anonymous limit allows.
  stack = await startStack('workbench-test', { api: { anonymousRateLimitPerMinute: 5000 } });
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
  const page = await browser.newPage({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'zh-CN',
    isMobile: phone,
    hasTouch: phone,
  });
  await page.goto(stack.url);
  await page.fill('#token', await stack.token(p.party, { sub: p.sub, name: p.name, roles: p.roles }));
  await page.click('#signin');
  await page.waitForSelector('#h-todo');
  return page;
}

const form = (page: Page) => page.locator('form.wb-form');

/** The parts of a date field as the browser presents them to a screen reader (its accessibility tree): 年, 月, 日 in zh-CN. */
async function dateFieldParts(page: Page, name: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { result } = (await cdp.send('Runtime.evaluate', { expression: `document.querySelector('form.wb-form [name="${name}"]')` })) as {
    result: { objectId: string };
  };
  const { nodes } = (await cdp.send('Accessibility.queryAXTree', { objectId: result.objectId, role: 'spinbutton' })) as {
    nodes: Array<{ name?: { value: string }; value?: { value: unknown } }>;
  };
  await cdp.detach();
  return nodes.map((n) => `${String(n.name?.value).split(/\s+/).at(-1)}=${String(n.value?.value)}`);
}
const field = (page: Page, name: string) => form(page).locator(`[name="${name}"]`);

type Fill = Array<[string, string]> | Record<string, string>;

/**
 * Fills a form field by field, in order (a union's case before its fields). `['+', label]` clicks
 * the form's button with that text (e.g. 添加一项 for a list).
 */
async function fillIn(page: Page, fill: Fill) {
  for (const [name, value] of Array.isArray(fill) ? fill : Object.entries(fill)) {
    if (name === '+') {
      await form(page).locator('button', { hasText: value }).click();
      continue;
    }
    const f = field(page, name);
    await expect.poll(() => f.count(), { timeout: 5_000 }).toBe(1);
    if ((await f.evaluate((e) => e.tagName)) === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
    await f.dispatchEvent('change');
  }
}

/** Opens the procedure, sends one event through its form (fields by name), waits until it is applied. */
/** The procedure's page freshly rendered (reloaded when the page shows it already). */
async function show(page: Page, id: string) {
  const url = `${stack.url}/#/p/${encodeURIComponent(id)}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.waitForSelector('#timeline');
}

async function act(page: Page, id: string, type: string, fill: Fill = {}, o: { shot?: string } = {}) {
  await show(page, id);
  const button = page.locator(`#actions button[data-event="${type}"]`);
  await expect.poll(() => button.count(), { timeout: 20_000 }).toBe(1);
  // Every page of the procedure along the way, in words: no code name, no missing value printed.
  expect(await codeNamesOn(page, id)).toEqual([]);
  await button.click();
  await fillIn(page, fill);
  if (o.shot) await page.screenshot({ path: join(ARTIFACTS, o.shot), fullPage: true });
  const before = await events(id);
  await form(page).locator('button[type="submit"]').click();
  await expect.poll(async () => (await events(id)).length, { timeout: 20_000 }).toBe(before.length + 1);
}

/** The buttons the person is offered on the procedure's page. */
async function offered(page: Page, id: string): Promise<string[]> {
  await show(page, id);
  await page.waitForSelector('#actions button[data-event], #no-actions');
  return page.locator('#actions button[data-event]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-event')!));
}

async function view(id: string): Promise<{
  state: string;
  closed: boolean;
  context: { parties: Record<string, { id: string }> };
  audit: Array<{ kind: string; by?: string; event?: { type: string } }>;
}> {
  const res = await fetch(`${stack.url}/api/procedures/${id}`, {
    headers: { authorization: `Bearer ${await stack.token('auth-000000')}` },
  });
  return res.json() as never;
}
const events = async (id: string) => (await view(id)).audit.filter((a) => a.kind === 'event');

/** Fills a start form and submits it; returns the new procedure's id from the page it lands on. */
async function start(page: Page, kind: string, fill: Fill, shot?: string): Promise<string> {
  await page.click(`a[data-kind="${kind}"]`);
  await page.waitForSelector('#start form');
  await fillIn(page, fill);
  if (shot) await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
  await form(page).locator('button[type="submit"]').click();
  await page.waitForURL(/#\/p\//, { timeout: 30_000 });
  return decodeURIComponent(page.url().split('#/p/')[1]!);
}

/**
 * Code names a page must not show (issue 13): camelCase state and region ids, EVENT_TYPES, kebab
 * subject codes, citations in the machine form, UTC instants.
 */
const CODE_NAMES: Array<[string, RegExp]> = [
  ['a camelCase id', /\b[a-z]+[A-Z][a-zA-Z]+\b/],
  ['an event type', /\b[A-Z]{2,}_[A-Z_]+\b/],
  ['a subject or kind code', /\b[a-z]+(?:-[a-z]+)+\b/],
  ['a citation in the machine form', /\b(?:Regs|Law) \d|\bpara \d/],
  ['an ISO instant', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/],
  ['a missing value printed', /\b(?:undefined|null|NaN)\b|\[object /],
];

/** Every code name on the procedure's page (its id and the persons' stable ids, 身份标识, shown for reference, aside), with some context. */
async function codeNamesOn(page: Page, id: string): Promise<string[]> {
  const text = (await page.locator('#app').innerText()).replaceAll(id, '').replace(/身份标识 \S+/g, '');
  return CODE_NAMES.flatMap(([what, re]) => {
    const m = new RegExp(re.source, 'g').exec(text);
    return m ? [`${what}: …${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}…`] : [];
  });
}

/**
 * The timeline names the persons who acted, the one who started the procedure in its 启动 entry;
 * the inbox names who acted for each notification; the whole page, the statechart too, shows no code name.
 */
async function timelineNames(page: Page, id: string, names: string[], starter?: string) {
  await show(page, id);
  const text = await page.locator('#timeline').textContent();
  for (const n of names) expect(text).toContain(n);
  if (starter) expect(await page.locator('#timeline tr[data-kind="started"]').textContent()).toContain(starter);
  const senders = await page.locator('#inbox tr[data-kind="notification"] td.by').allTextContents();
  expect(senders.length).toBeGreaterThan(0);
  for (const s of senders) expect(s, 'a notification names the person and the party').toMatch(/^\S+ \S+（[^）]+）$/);
  expect(names.filter((n) => senders.some((s) => s.includes(n))).length).toBeGreaterThan(0);
  expect(await codeNamesOn(page, id)).toEqual([]);
}

/**
 * The closed case's 案件信息 (issue 25): every text given is on it (what was entered at the start
 * and at each step, each decision), and its heading says whether every step was in time.
 */
async function caseInfoShows(page: Page, texts: Array<string | RegExp>) {
  const panel = await page.locator('#case-info').innerText();
  for (const t of texts) expect(panel).toMatch(t);
  expect(await page.locator('#case-state').innerText()).toMatch(/已办结（(有步骤逾期|各步骤均按期)）/);
}

/** An instant as a person in Beijing enters it (YYYY-MM-DDTHH:mm). */
const beijing = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).replace(' ', 'T').slice(0, 16);
/** The stack's calendar: a date that follows from today is computed with it, provisional or not. */
const calendar = loadDeps({}).calendar();

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
    // An office may start 不明确事项, 异议, 泄密报告 and 定密纠正 (its own determination, Regs 24), not 鉴定
    // (Regs 63 para 1) or 年度自检 (Regs 48 para 3).
    expect(await chen.locator('#h-start ~ ul a[data-kind]').evaluateAll((as) => as.map((a) => a.getAttribute('data-kind')))).toEqual([
      'unclear-matter',
      'objection',
      'leak',
      'correction',
    ]);
    await chen.click('a[data-kind="unclear-matter"]');
    await chen.waitForSelector('#start form');
    // Dates in Chinese: the browser's own control runs in zh-CN (年/月/日), and the date is written out beside it.
    expect(await chen.evaluate(() => [document.documentElement.lang, navigator.language])).toEqual(['zh-CN', 'zh-CN']);
    await field(chen, 'draftedOn').fill('2025-09-28');
    await field(chen, 'draftedOn').dispatchEvent('change');
    expect(await dateFieldParts(chen, 'draftedOn')).toEqual(['年=2025', '月=9', '日=28']);
    const dateZh = form(chen).locator('[data-field="draftedOn"] output.date-zh');
    await expect.poll(() => dateZh.textContent(), { timeout: 10_000 }).toMatch(/^2025年9月28日（星期日，.*调休上班日）$/);
    await field(chen, 'draftedOn').fill('2025-10-01');
    await field(chen, 'draftedOn').dispatchEvent('change');
    await expect.poll(() => dateZh.textContent(), { timeout: 10_000 }).toMatch(/^2025年10月1日（星期三，.*法定节假日）$/);
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-date-zh.png'), fullPage: true });
    // The starting party is fixed to the signed-in person's; the labels are Chinese.
    expect(await field(chen, 'organId').locator('option').allTextContents()).toEqual(['广州市天河区某办']);
    expect(await form(chen).locator('label').allTextContents()).toEqual(expect.arrayContaining(['事项编号 *', '拟定日期 *', '密级 *']));
    await field(chen, 'draftedOn').fill('2025-09-26');
    await field(chen, 'draftedOn').dispatchEvent('change');
    await expect
      .poll(() => chen.locator('.what-if li[data-deadline="report"]').textContent(), { timeout: 10_000 })
      .toBe('拟定日期 2025-09-26 → 报送期限（自拟定之日起10个工作日） 2025-10-16（已届满：启动后即为超期，提醒和督办随即发出）');
    expect(await dateZh.textContent()).toBe('2025年9月26日（星期五，工作日）');
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
    expect(await summary.textContent()).toContain('事项名称（非涉密）：必填');
    expect(await field(chen, 'title').getAttribute('aria-invalid')).toBe('true');
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-field-errors.png'), fullPage: true });
    // Edition 4 judges the term ceiling from the term's start (Law 20 para 2; Regs 19 para 2) once the form is
    // otherwise complete: then the 25 years are refused, in Chinese, with the article.
    await field(chen, 'title').fill('某型设备参数');
    await form(chen).locator('button[type="submit"]').click();
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toContain('机密级不超过20年（《保密法》第二十条第二款）');
    expect(await summary.textContent()).not.toContain('事项名称（非涉密）：必填');
    await field(chen, 'proposal.term.years').fill('10');
    // A double click starts one procedure: the form's key names it.
    await form(chen).locator('button[type="submit"]').dblclick();
    await chen.waitForURL(/#\/p\//, { timeout: 30_000 });
    const id = decodeURIComponent(chen.url().split('#/p/')[1]!);
    // The lists show a procedure once its record is written (after the start returns): one, the page's.
    const mine = async () =>
      (
        await fetch(`${stack.url}/api/procedures?organ=org-th-office&kind=unclear-matter`, {
          headers: { authorization: `Bearer ${await stack.token('org-th-office')}` },
        }).then((r) => r.json() as Promise<{ items: Array<{ id: string }> }>)
      ).items.map((i) => i.id);
    await expect.poll(mine, { timeout: 20_000 }).toEqual([id]);

    // 我的待办: the report is overdue (drafted 2025-09-26): a red card.
    await chen.goto(`${stack.url}/#/work`);
    await expect.poll(() => chen.locator(`#todo tr[data-id="${id}"] .card`).getAttribute('class'), { timeout: 20_000 }).toContain('red');
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-todo-office.png'), fullPage: true });
    expect(await codeNamesOn(chen, id)).toEqual([]);

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
    await show(liu, id);
    await liu.waitForSelector('#no-actions');

    // The province's officer may not decide alone (a binding decision: its 负责人 signs, edition 5, 本地策略): no
    // button, a note saying who must sign. The officer opens the receipt's form; meanwhile its head decides (below).
    const huang = await signIn(GZ.huang);
    await show(huang, id);
    expect(await offered(huang, id)).not.toContain('DETERMINE');
    expect(await huang.locator('#actions [data-needs-role="DETERMINE"]').textContent()).toBe(
      '「作出决定」须由负责人本人办理（具有约束力的决定须经负责人签发，经办人不能单独办理：本地策略）。',
    );
    await huang.screenshot({ path: join(ARTIFACTS, 'workbench-determine-sign-off.png'), fullPage: true });
    await huang.locator('#actions button[data-event="RECEIVE_REPORT"]').click();

    // The province decides (a lower level: the holders must be told), by its head.
    const zhang = await signIn(GZ.zhang);
    await expect.poll(() => zhang.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    // An authority starts only 定密纠正 (Law 50: it notifies the organ to correct an improper determination);
    // the other procedures are the organs' to start (the server would refuse each).
    expect(await zhang.locator('#h-start ~ ul a[data-kind]').evaluateAll((as) => as.map((a) => a.getAttribute('data-kind')))).toEqual([
      'correction',
    ]);
    expect(await zhang.locator('#no-starts').count()).toBe(0);
    await act(
      zhang,
      id,
      'DETERMINE',
      {
        'determination.outcome': 'state-secret',
        'determination.classification.level': 'confidential',
        'determination.classification.term.kind': 'years',
        'determination.classification.term.years': '5',
        'determination.classification.scope': '项目组',
      },
      { shot: 'workbench-determine.png' },
    );
    expect((await view(id)).state).toBe('filingAndMarkings');
    // The officer's form, now stale, is refused in Chinese: the step and the event by their labels, nothing recorded.
    await form(huang).locator('button[type="submit"]').click();
    const refused = form(huang).locator('.error-summary');
    await expect.poll(() => refused.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await refused.textContent()).toMatch(
      /^未能提交：当前步骤「[^」]+」不能办理「接到报告（登记接收日期）」；现在可以办理：「[^」]+」.*本次未作记录。$/,
    );
    await huang.screenshot({ path: join(ARTIFACTS, 'workbench-refused-zh.png'), fullPage: true });
    expect((await events(id)).filter((e) => e.event?.type === 'DETERMINE')).toHaveLength(1);
    // The office's head tells the holders; the province's officer records the filing.
    const he = await signIn(GZ.he);
    await act(he, id, 'NOTIFY_HOLDERS', { noticeRef: '天办〔2025〕8号' });
    await act(huang, id, 'FILE_RECORD', { filingNumber: '粤保备〔2025〕3号' });
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    await timelineNames(huang, id, ['刘某', '张某', '何某', '黄某']);
    await caseInfoShows(huang, [
      /事项编号\s+TH-2025-7/,
      /处理建议\s+密级：机密；保密期限：10年；知悉范围：项目组/,
      '报告文号：天办〔2025〕7号',
      /决定：属于国家秘密；.*密级：秘密；保密期限：5年；知悉范围：项目组/,
      '书面通知文号：天办〔2025〕8号',
      '备案文号：粤保备〔2025〕3号',
    ]);
    expect(await huang.locator('#case-state').innerText()).toContain('有步骤逾期');
    await huang.screenshot({ path: join(ARTIFACTS, 'workbench-unclear-matter-closed.png'), fullPage: true });
    for (const p of [chen, liu, zhang, he, huang]) await p.close();
  }, 240_000);

  it('异议处理: a research institute objects to a county office’s classification (the classifier picked from the whole registry), the office maintains it, the institute escalates, the province maintains it too, the institute appeals (edition 4: the objector only, not the office), the national authority lowers it, the office tells the holders', async () => {
    const sun = await signIn(person('org-gz-institute', 'p-gi-sun', '孙某', 'secrecy-officer'));
    await sun.click('a[data-kind="objection"]');
    await sun.waitForSelector('#start form');
    // The original classifier is any other organ: the picker lists organs outside the objector's scope (Regs 26 para 1).
    expect(await field(sun, 'classifierId').locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['广州市天河区某办', '南京市某局']),
    );
    // The what-if shows the classifier's period (local policy, named once) before submitting; 暂定 when it
    // ends in a year whose holiday notice is not out yet (from December on).
    const filedOn = today();
    await fillIn(sun, [['filedOn', filedOn]]);
    await expect
      .poll(() => sun.locator('.what-if li[data-deadline="classifier-window"]').textContent(), { timeout: 10_000 })
      .toBe(
        `提出异议日期 ${filedOn} → 原定密机关、单位处理期限（本地策略） ${whatIfDue(calendar, 'working-days', DEFAULT_POLICY.objectionWindowWorkingDays, filedOn)}`,
      );
    await sun.goto(`${stack.url}/#/work`);
    await sun.waitForSelector('#h-todo');
    const id = await start(
      sun,
      'objection',
      [
        ['classifierId', 'org-th-office'],
        ['matterRef', 'TH-2025-9'],
        ['title', '某项目技术方案'],
        ['determined.level', 'secret'],
        ['determined.term.kind', 'years'],
        ['determined.term.years', '10'],
        ['determined.scope', '项目组'],
        ['determined.since', '2025-06-02'],
        ['claim.outcome', 'state-secret'],
        ['claim.classification.level', 'confidential'],
        ['claim.classification.term.kind', 'years'],
        ['claim.classification.term.years', '5'],
        ['claim.classification.scope', '项目组'],
        ['grounds', '部分内容已公开'],
        ['filedOn', today()],
      ],
      'workbench-objection-start.png',
    );
    expect((await view(id)).state).toBe('awaitingClassifierDecision');

    // The classifier's 定密责任人 maintains the classification; the objector's head escalates.
    const liu = await signIn(person('org-th-office', 'p-th-liu', '刘某', 'classification-officer'));
    await expect.poll(() => liu.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    await act(liu, id, 'CLASSIFIER_DECIDE', {
      'determination.outcome': 'state-secret',
      'determination.classification.level': 'secret',
      'determination.classification.term.kind': 'years',
      'determination.classification.term.years': '10',
      'determination.classification.scope': '项目组',
    });
    const zhou = await signIn(person('org-gz-institute', 'p-gi-zhou', '周某', 'head'));
    await act(zhou, id, 'ESCALATE', { note: '不同意维持原密级' });
    // A secret-level matter of a local organ goes to the provincial authority (Regs 26 para 2(2)).
    expect((await view(id)).context.parties.authority?.id).toBe('auth-440000');
    const zhang = await signIn(GZ.zhang);
    await act(
      zhang,
      id,
      'AUTHORITY_DECIDE',
      {
        'determination.outcome': 'state-secret',
        'determination.classification.level': 'secret',
        'determination.classification.term.kind': 'years',
        'determination.classification.term.years': '10',
        'determination.classification.scope': '项目组',
      },
      { shot: 'workbench-objection-province.png' },
    );
    expect((await view(id)).state).toBe('provincialDecided');
    // Edition 4: only the objector may take the provincial decision to the national authority (Regs 26 para 2(2)):
    // the classifier is offered no APPEAL button (the procedure's own senders, as the server refuses it).
    expect(await offered(liu, id)).not.toContain('APPEAL');
    await liu.screenshot({ path: join(ARTIFACTS, 'workbench-objection-no-appeal.png'), fullPage: true });
    await act(zhou, id, 'APPEAL', { note: '仍不同意省级保密行政管理部门的决定' });
    expect((await view(id)).state).toBe('underNationalReview');
    const wang = await signIn(person('auth-000000', 'p-nat-wang', '王某', 'head'));
    await act(wang, id, 'NATIONAL_DECIDE', {
      'determination.outcome': 'state-secret',
      'determination.classification.level': 'confidential',
      'determination.classification.term.kind': 'years',
      'determination.classification.term.years': '5',
      'determination.classification.scope': '项目组',
    });
    // The level changed: the classifier tells the holders and changes the markings (Law 23 para 2; Regs 21 para 1).
    const chen = await signIn(person('org-th-office', 'p-th-chen', '陈某', 'secrecy-officer'));
    await act(chen, id, 'NOTIFY_HOLDERS', { noticeRef: '天办〔2025〕12号' });
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    await timelineNames(chen, id, ['孙某', '刘某', '周某', '张某', '王某', '陈某'], '孙某');
    await caseInfoShows(chen, [
      /国家秘密事项编号\s+TH-2025-9/,
      /异议方主张\s+属于国家秘密；.*密级：秘密；保密期限：5年/,
      '异议理由（非涉密简述）',
      /原定密机关、单位作出决定.*\n.*密级：机密；保密期限：10年/,
      '说明：不同意维持原密级',
      '说明：仍不同意省级保密行政管理部门的决定',
      /国家保密行政管理部门作出决定.*\n.*密级：秘密；保密期限：5年/,
    ]);
    await chen.screenshot({ path: join(ARTIFACTS, 'workbench-objection-closed.png'), fullPage: true });
    for (const p of [sun, liu, zhou, zhang, wang, chen]) await p.close();
  }, 120_000);

  it('泄密报告: a county office reports a leak to its authority and its superior, the report is relayed tier by tier to the national authority, the authority orders remedies, the office reports the result', async () => {
    const ma = await signIn(person('org-th-office', 'p-th-ma', '马某', 'secrecy-officer'));
    const id = await start(
      ma,
      'leak',
      [
        ['incidentRef', 'TH-L-2025-1'],
        ['summary', '涉密文件误发至互联网邮箱'],
        ['discoveredAt', beijing(Date.now() - 3 * 3600_000)],
        ['remedialMeasures', '已撤回邮件并封存终端'],
      ],
      'workbench-leak-start.png',
    );
    const chen = await signIn(person('org-th-office', 'p-th-chen', '陈某', 'secrecy-officer'));
    await act(chen, id, 'REPORT_TO_AUTHORITY', { reportNumber: '天办〔2025〕泄1号' });
    const liu = await signIn(person('org-th-office', 'p-th-liu', '刘某', 'classification-officer'));
    await act(liu, id, 'REPORT_TO_SUPERIOR', { reportNumber: '天办〔2025〕泄2号' });
    // Each tier's authority relays it one tier up (Regs 61 para 2): 天河区 → 广州市 → 广东省 → 国家.
    const relays = [
      person('auth-440106', 'p-thb-lin', '林某', 'secrecy-officer'),
      person('auth-440100', 'p-gzb-guo', '郭某', 'secrecy-officer'),
      person('auth-440000', 'p-gd-huang', '黄某', 'secrecy-officer'),
    ];
    const relayPages: Page[] = [];
    for (const [i, r] of relays.entries()) {
      const page = await signIn(r);
      relayPages.push(page);
      // Only the authority holding the report is offered the relay.
      await expect.poll(() => page.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
      await act(page, id, 'RELAY', { reportNumber: `泄报〔2025〕${i + 1}号` }, i === 0 ? { shot: 'workbench-leak-relay.png' } : {});
    }
    expect(await offered(relayPages[0]!, id)).not.toContain('RELAY');
    const xu = await signIn(person('auth-440106', 'p-thb-xu', '徐某', 'head'));
    await act(xu, id, 'ORDER_STOP', { order: '立即停止使用互联网邮箱处理涉密文件' });
    // Edition 4: the written result follows the authority's 处理建议 (Regs 60).
    await act(xu, id, 'PROPOSE_HANDLING', { proposal: '对直接责任人员给予处分' });
    const he = await signIn(person('org-th-office', 'p-th-he', '何某', 'head'));
    await act(he, id, 'REPORT_RESULT', { result: '已查明原因，责任人已处理' });
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    await timelineNames(he, id, ['马某', '陈某', '刘某', '林某', '郭某', '黄某', '徐某', '何某'], '马某');
    await caseInfoShows(he, [
      /事件编号\s+TH-L-2025-1/,
      /已采取的补救措施\s+已撤回邮件并封存终端/,
      '报告文号：天办〔2025〕泄1号',
      '报告文号：泄报〔2025〕3号',
      '责令事项：立即停止使用互联网邮箱处理涉密文件',
      '处理结果：已查明原因，责任人已处理',
    ]);
    await he.screenshot({ path: join(ARTIFACTS, 'workbench-leak-closed.png'), fullPage: true });
    for (const p of [ma, chen, liu, ...relayPages, xu, he]) await p.close();
  }, 120_000);

  it('国家秘密鉴定: a procuratorate applies with two items, the province asks for an amendment, accepts, consults an expert, its head extends the period (only the head is offered it), and it concludes per item', async () => {
    const qian = await signIn(person('org-gz-procuratorate', 'p-gp-qian', '钱某', 'secrecy-officer'));
    const id = await start(
      qian,
      'appraisal',
      [
        ['caseRef', '穗检〔2025〕101号'],
        ['appliedOn', today()],
        ['items.0.ref', 'A1'],
        ['items.0.description', '笔记本电脑中的文件一份'],
        ['+', '添加一项'],
        ['items.1.ref', 'A2'],
        ['items.1.description', '纸质材料三页'],
      ],
      'workbench-appraisal-start.png',
    );
    expect((await view(id)).context.parties.authority?.id).toBe('auth-440000');
    const huang = await signIn(person('auth-440000', 'p-gd-huang', '黄某', 'secrecy-officer'));
    await act(huang, id, 'REQUEST_AMENDMENT', { missing: '缺少送鉴材料清单' });
    const zhao = await signIn(person('org-gz-procuratorate', 'p-gp-zhao', '赵某', 'secrecy-officer'));
    await act(zhao, id, 'AMENDED', { note: '已补送材料清单' });
    const wu = await signIn(person('auth-440000', 'p-gd-wu', '吴某', 'secrecy-officer'));
    await act(wu, id, 'ACCEPT', { note: '材料齐全' });
    // The extension needs the authority's head in person (Regs 63 para 2), the conclusion its head's sign-off
    // (edition 5, 本地策略): an officer is offered neither, and told who must sign the conclusion.
    expect(await offered(wu, id)).toContain('START_CONSULTATION');
    expect(await offered(wu, id)).not.toContain('EXTEND');
    expect(await offered(wu, id)).not.toContain('CONCLUDE');
    expect(await wu.locator('#actions [data-needs-role="CONCLUDE"]').textContent()).toBe(
      '「出具鉴定结论」须由负责人本人办理（具有约束力的决定须经负责人签发，经办人不能单独办理：本地策略）。',
    );
    await wu.screenshot({ path: join(ARTIFACTS, 'workbench-appraisal-sign-off.png'), fullPage: true });
    const zheng = await signIn(person('auth-440000', 'p-gd-zheng', '郑某', 'classification-officer'));
    await act(zheng, id, 'START_CONSULTATION', { reason: '需专业技术意见', expert: '某研究所专家' });
    const feng = await signIn(person('auth-440000', 'p-gd-feng', '冯某', 'classification-officer'));
    await act(feng, id, 'END_CONSULTATION', { note: '专家意见已收到' });
    const zhang = await signIn(GZ.zhang);
    await act(zhang, id, 'EXTEND', { reason: '事项复杂' }, { shot: 'workbench-appraisal-extend.png' });
    await show(zhang, id);
    await expect.poll(() => zhang.locator('#deadlines').textContent(), { timeout: 10_000 }).toContain('延长 30 日（张某批准）');
    // A deputy head (负责人) signs the conclusion (edition 5, 本地策略).
    const cao = await signIn(person('auth-440000', 'p-gd-cao', '曹某', 'head'));
    await act(
      cao,
      id,
      'CONCLUDE',
      // One entry per item applied for, its number filled in (issue 25): the conclusion is chosen for each.
      [
        ['conclusions.0.outcome', 'state-secret'],
        ['conclusions.0.level', 'secret'],
        ['conclusions.1.outcome', 'not-secret'],
      ],
      { shot: 'workbench-appraisal-conclude.png' },
    );
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    expect((await view(id)).state).toBe('concluded');
    await timelineNames(cao, id, ['钱某', '黄某', '赵某', '吴某', '郑某', '冯某', '张某（负责人）', '曹某'], '钱某');
    await caseInfoShows(cao, [
      /案件编号\s+穗检〔2025〕101号/,
      '鉴定事项编号：A1；事项说明（非涉密）：笔记本电脑中的文件一份',
      '需补正的材料：缺少送鉴材料清单',
      '鉴定结论：',
      /鉴定事项编号：A1[^\n]*密级：机密|密级：机密[^\n]*鉴定事项编号：A1/,
      /鉴定事项编号：A2/,
    ]);
    await cao.screenshot({ path: join(ARTIFACTS, 'workbench-appraisal-closed.png'), fullPage: true });
    for (const p of [qian, huang, zhao, wu, zheng, feng, zhang, cao]) await p.close();
  }, 120_000);

  it('保密资质年度自检: the enterprise’s self-inspection for the latest year whose report is overdue goes to the granting authority; the enterprise reports late, is warned and ordered to rectify, reports the rectification, the authority accepts it', async () => {
    // In production a Schedule starts it on 1 January; here the enterprise starts it through its form, for
    // last year once its report is overdue (from April), else for the year before.
    const yang = await signIn(person('ent-gz-tech', 'p-et-yang', '杨某', 'secrecy-officer'));
    const year = overdueInspectionYear(calendar);
    const id = await start(yang, 'annual-inspection', [['year', String(year)]], 'workbench-annual-start.png');
    // Due on 31 March: passed, so the step is the granting authority's (Regs 48 para 3).
    await expect.poll(async () => (await view(id)).state, { timeout: 20_000 }).toBe('reportOverdue');
    const huang = await signIn(person('auth-440000', 'p-gd-huang', '黄某', 'secrecy-officer'));
    await expect.poll(() => huang.locator(`#todo tr[data-id="${id}"]`).count(), { timeout: 20_000 }).toBe(1);
    await huang.screenshot({ path: join(ARTIFACTS, 'workbench-annual-todo-authority.png'), fullPage: true });
    const deng = await signIn(person('ent-gz-tech', 'p-et-deng', '邓某', 'head'));
    await act(deng, id, 'SUBMIT_REPORT', { reportNumber: `科技自检〔${year}〕1号` });
    expect((await view(id)).state).toBe('underReview');
    // A measure (警告) is the authority's binding decision: its 负责人 signs it (edition 6, headSignOff, 本地策略).
    const zhang = await signIn(GZ.zhang);
    await act(zhang, id, 'WARN', { measure: 'warning', reason: '逾期报送年度自检报告' });
    const wu = await signIn(person('auth-440000', 'p-gd-wu', '吴某', 'secrecy-officer'));
    await act(
      wu,
      id,
      'ORDER_RECTIFICATION',
      { dueDate: daysFromToday(30), items: '保密管理制度不健全' },
      { shot: 'workbench-annual-rectification.png' },
    );
    const tang = await signIn(person('ent-gz-tech', 'p-et-tang', '唐某', 'secrecy-officer'));
    await act(tang, id, 'RECTIFICATION_REPORTED', { summary: '已修订保密管理制度' });
    await act(zhang, id, 'RECTIFICATION_ACCEPTED', { note: '整改合格' });
    await expect.poll(async () => (await view(id)).closed, { timeout: 20_000 }).toBe(true);
    await timelineNames(zhang, id, ['杨某', '邓某', '吴某', '唐某', '张某'], '杨某');
    await caseInfoShows(zhang, [
      new RegExp(`自检报告所属年度\\s+${year}`),
      `报告文号：科技自检〔${year}〕1号`,
      '措施：警告',
      `整改期限：${daysFromToday(30)}`,
      '整改情况：已修订保密管理制度',
    ]);
    expect(await zhang.locator('#case-state').innerText()).toContain('有步骤逾期');
    await zhang.screenshot({ path: join(ARTIFACTS, 'workbench-annual-closed.png'), fullPage: true });
    for (const p of [yang, huang, deng, wu, tang, zhang]) await p.close();
  }, 120_000);
});

/** Starts a procedure or sends an event through the API, as the party's test person; the body it answers. */
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

describe('the procedure page says what protects the matter and where it goes', () => {
  it('异议: the interim protection line shows the highest claimed level and the longest term from its start (Regs 26 para 3; Regs 19), and the route line the route by the matter as it now stands (Regs 26 para 2)', async () => {
    const { id } = await post('org-gz-institute', '/api/procedures/objection', {
      objectorId: 'org-gz-institute',
      classifierId: 'org-th-office',
      matterRef: 'TH-2025-10',
      title: '某项目技术方案',
      grounds: '部分内容已公开',
      filedOn: today(),
      determined: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组', since: '2025-06-02' },
      claim: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' } },
    });
    const page = await signIn(person('org-gz-institute', 'p-gi-sun', '孙某', 'secrecy-officer'));
    const line = async (selector: string) => (await page.locator(selector).textContent())?.trim();
    await show(page, id!);
    // 机密 determined, 秘密 claimed: the higher level, and the longer term, 10 years from 2 June 2025.
    expect(await line('#interim')).toBe(
      '临时保护：按主张密级中的最高密级（机密）采取保密措施（《实施条例》第二十六条第三款），保密期限10年（自2025-06-02起，至2035-06-02）（最长主张期限，本地策略）',
    );
    expect(await line('#route')).toBe(
      '报送路径：其他机关、单位确定为机密级、秘密级的事项，报省、自治区、直辖市保密行政管理部门确定（《实施条例》第二十六条第二款第（二）项）',
    );

    // The classifier raises it to 绝密 for 20 years; escalated, it goes to the national authority and is protected as 绝密.
    await post('org-th-office', `/api/procedures/${id}/events`, {
      type: 'CLASSIFIER_DECIDE',
      determination: {
        outcome: 'state-secret',
        classification: { level: 'top-secret', term: { kind: 'years', years: 20 }, scope: '项目组' },
      },
    });
    await post('org-gz-institute', `/api/procedures/${id}/events`, { type: 'ESCALATE' });
    await show(page, id!);
    expect(await line('#interim')).toBe(
      '临时保护：按主张密级中的最高密级（绝密）采取保密措施（《实施条例》第二十六条第三款），保密期限20年（自2025-06-02起，至2045-06-02）（最长主张期限，本地策略）',
    );
    expect(await line('#route')).toBe(
      '报送路径：原定密机关、单位决定变更为绝密级的事项，报国家保密行政管理部门确定（《实施条例》第二十六条第二款第（一）项）',
    );
    expect(await codeNamesOn(page, id!)).toEqual([]);
    await page.close();
  }, 120_000);
});
