import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateOf, dayOf } from '../../domain/time.js';
import { ROOT } from '../../scripts/temporal-binaries.js';
import { provisionalQuery, type CalendarMove } from '../../api/calendar-preview.js';
import { viewQuery } from '../../workflows/messages.js';
import { today } from '../support/clock.js';
import { launchChromium } from '../support/browser.js';
import { dueText } from '../../domain/due-text.js';
import { unclearMatterInput } from '../support/inputs.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { operatorEnv } from '../support/verify-records.js';

const TASK_QUEUE = 'calendar-preview-test';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bm-calendar-'));
const calendarFile = join(dir, 'calendar.json');
const embedded = JSON.parse(readFileSync(join(ROOT, 'domain/calendar/data/cn-calendar.json'), 'utf8')) as {
  version: string;
  years: Array<{ year: number }>;
};
// This year's notice not yet out: every period from today counts weekends only (暂定, SPEC §2).
const year = Number(today().slice(0, 4));
const before = { ...embedded, version: `test-before-${year}`, years: embedded.years.filter((y) => y.year < year) };
// Then "published": three holidays from tomorrow, so every working-day period running from today ends later.
const notice = {
  year,
  notice: '测试通知（非真实放假安排）',
  published: today(),
  supplements: [],
  holidays: [{ from: dateOf(dayOf(today()) + 1), to: dateOf(dayOf(today()) + 3), name: '测试假日' }],
  workdays: [],
};
const after = { ...before, version: `cn-${year}@${today()}-test`, years: [...before.years, notice] };

let stack: Stack;
beforeAll(async () => {
  writeFileSync(calendarFile, JSON.stringify(before));
  stack = await startStack(TASK_QUEUE, { calendarFile });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);
const start = async (kind: string, as: string, input: unknown) => {
  const r = await call('POST', `/api/procedures/${kind}`, as, input);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};

/** `npm run recompute-provisional` as an operator runs it, against the stack, with the calendar file the worker reads. */
async function recompute(...args: string[]): Promise<CalendarMove[]> {
  const env = { ...operatorEnv(stack, TASK_QUEUE), BM_CALENDAR_FILE: calendarFile };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/recompute-provisional.ts'), '--json', ...args],
    {
      env,
    },
  );
  return (JSON.parse(stdout) as { moves: CalendarMove[] }).moves;
}
const deadlinesOf = async (id: string) => (await stack.client.workflow.getHandle(id).query(viewQuery)).deadlines;
const adminToken = (party: string) => stack.token(party, { roles: ['admin'], name: '系统管理员测试' });
const preview = async (token: string) => {
  const res = await fetch(`${stack.url}/api/admin/calendar-preview`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { moves: CalendarMove[]; calendarVersion: string; detailZh?: string } };
};

describe('a calendar update, previewed (issue 27)', () => {
  it('the dry run lists every open deadline the new calendar moves and changes nothing; the run changes exactly those and audits each', async () => {
    const gz = await start(
      'unclear-matter',
      'org-gz-bureau',
      unclearMatterInput({ matterRef: 'CAL-1', title: '日历预览事项', draftedOn: today() }),
    );
    const objection = await start('objection', 'org-gz-institute', {
      objectorId: 'org-gz-institute',
      classifierId: 'org-gz-bureau',
      matterRef: 'CAL-2',
      title: '日历预览异议',
      grounds: '理由',
      filedOn: today(),
      determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
      claim: { outcome: 'not-secret' },
    });
    const nj = await start(
      'unclear-matter',
      'org-nj-bureau',
      unclearMatterInput({ organId: 'org-nj-bureau', matterRef: 'CAL-3', draftedOn: today() }),
    );
    const ids = [gz, objection, nj];
    for (const id of ids) expect((await deadlinesOf(id)).every((d) => d.provisional)).toBe(true);
    // With the calendar they were computed with, nothing moves; BmProvisional reaches visibility a moment after the start.
    expect(await recompute('--dry-run')).toEqual([]);
    const listed = async () => {
      const out: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: provisionalQuery() })) out.push(wf.workflowId);
      return out;
    };
    await expect.poll(listed, { timeout: 60_000, interval: 1_000 }).toEqual(expect.arrayContaining(ids));

    writeFileSync(calendarFile, JSON.stringify(after));
    const unchanged = await Promise.all(ids.map(deadlinesOf));
    const dry = await recompute('--dry-run');
    // One move per provisional deadline running, each with the case, the step, the party and from → to.
    expect(dry.map((m) => m.procedureId).sort()).toEqual([...ids].sort());
    const gzMove = dry.find((m) => m.procedureId === gz)!;
    expect(gzMove).toMatchObject({
      procedureLabel: '不明确事项报送',
      reference: 'CAL-1',
      title: '日历预览事项',
      deadlineLabel: '报送期限（自拟定之日起10个工作日）',
      responsible: { id: 'org-gz-bureau', name: expect.stringMatching(/广州/) },
      calendarVersion: after.version,
    });
    for (const m of dry) expect(Date.parse(m.to)).toBeGreaterThan(Date.parse(m.from));
    expect(await Promise.all(ids.map(deadlinesOf))).toEqual(unchanged);

    // The admin page's answer: the same list for the national authority's operator; its own jurisdiction's for a province's.
    expect((await preview(await adminToken('auth-000000'))).body).toEqual({ calendarVersion: after.version, moves: dry });
    expect((await preview(await adminToken('auth-440000'))).body.moves).toEqual(dry.filter((m) => m.procedureId !== nj));
    // The admin page shows the same list, by name and in Beijing time.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
      await page.goto(`${stack.url}/#/admin/calendar`);
      await page.fill('#token', await adminToken('auth-000000'));
      await page.click('#signin');
      await page.waitForSelector('#calendar-moves tbody tr');
      expect(await page.locator('#calendar-moves tbody tr').count()).toBe(dry.length);
      const row = page.locator(`#calendar-moves tr[data-procedure="${gz}"]`);
      await expect.poll(() => row.innerText()).toContain('CAL-1');
      expect(await row.innerText()).toContain(dueText(gzMove.to));
      expect(await page.locator('#nav-admin-calendar').getAttribute('aria-current')).toBe('page');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'calendar-preview.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    const refused = await preview(await stack.token('auth-000000'));
    expect(refused.status).toBe(403);
    expect(refused.body.detailZh).toBe('日历更新预览仅供系统管理员使用。');

    const done = await recompute('--reason', '测试通知已公布');
    expect(done).toEqual(dry);
    for (const id of ids) {
      const view = await stack.client.workflow.getHandle(id).query(viewQuery);
      const audited = view.audit.filter((a) => a.kind === 'deadline-recomputed' && a.actor.id === '系统管理员');
      const moved = dry.filter((m) => m.procedureId === id);
      expect(audited.map((a) => a.deadlineKey)).toEqual(moved.map((m) => m.deadlineKey));
      for (const m of moved) {
        expect(view.deadlines.find((d) => d.key === m.deadlineKey)!.dueAt).toBe(m.to);
        expect(audited.find((a) => a.deadlineKey === m.deadlineKey)!.summary).toContain(`${m.from} → ${m.to}`);
      }
    }
    // Nothing is left to move.
    expect(await recompute('--dry-run')).toEqual([]);
  }, 300_000);
});
