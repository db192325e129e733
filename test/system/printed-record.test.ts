import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basisText } from '../../domain/citation.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';
import { recordOnceCaughtUp } from '../support/records.js';
import { verifyRecordsOn } from '../support/verify-records.js';
import { pdfPages, renderPdfPage } from '../support/pdf.js';
import { demoRegistry } from '../support/demo.js';
import { launchChromium } from '../support/browser.js';

const TASK_QUEUE = 'printed-record-test';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let stack: Stack;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack(TASK_QUEUE);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);
const send = async (id: string, as: string, type: string, payload: Record<string, unknown> = {}) => {
  const r = await call('POST', `/api/procedures/${id}/events`, as, { type, ...payload });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
const pdfOf = async (id: string, as: string) => {
  const res = await fetch(`${stack.url}/api/procedures/${id}/record.pdf`, {
    headers: { authorization: `Bearer ${await stack.token(as)}` },
  });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
};
/** The layout breaks lines anywhere: texts are compared without white space. */
const flat = (s: string) => s.replace(/\s+/g, '');

describe('the printed record (办理记录, issue 27)', () => {
  it('prints the case, each step with who and when, every deadline computation with the days skipped, and the chain head verify-records accepts', async () => {
    // Drafted the Monday before 国庆节: the 10 working days to report skip 1–7 October and a Sunday, and count the Saturday worked (2026-10-10).
    const start = await call(
      'POST',
      '/api/procedures/unclear-matter',
      'org-gz-bureau',
      unclearMatterInput({ matterRef: 'PR-2026-01', title: '打印测试事项', draftedOn: '2026-09-28' }),
    );
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const id = start.body.id as string;
    await send(id, 'org-gz-bureau', 'SUBMIT_REPORT', { occurredAt: '2026-10-12T10:00:00+08:00' });
    await send(id, 'auth-440000', 'DETERMINE', {
      determination: { outcome: 'not-secret', note: '经审查不属于国家秘密' },
      occurredAt: '2026-10-20T15:30:00+08:00',
    });
    const view = (await call('GET', `/api/procedures/${id}`, 'org-gz-bureau')).body;
    const record = (await recordOnceCaughtUp(stack.records, id, view.audit.length))!;
    expect(record.view.audit.length).toBe(view.audit.length);

    const pdf = await pdfOf(id, 'org-gz-bureau');
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    // The font is embedded as a subset: the whole Noto Sans SC is 1.5 MB.
    expect(pdf.body.length).toBeLessThan(400_000);
    writeFileSync(join(ARTIFACTS, 'printed-record.pdf'), pdf.body);
    const pages = await pdfPages(pdf.body);
    const text = flat(pages.join('\n'));
    const last = flat(pages.at(-1)!);

    // The case as entered, and each step: who (name and stable id), entered and occurred, the article.
    for (const fact of ['PR-2026-01', '打印测试事项', '2026-09-28', '先行保护', '经审查不属于国家秘密', '作出决定', '报送有关部门确定'])
      expect(text, fact).toContain(flat(fact));
    expect(text).toContain(flat(`${demoRegistry.party('org-gz-bureau').name}`));
    // Labelled and ordered as the page's 案件信息 panel shows them.
    expect(text).toContain(flat('处理建议：密级：机密；保密期限：10年；知悉范围：项目组'));
    expect(text).toContain('标识org-gz-bureau/test:org-gz-bureau');
    expect(text).toContain('标识auth-440000/test:auth-440000');
    expect(text).toContain(flat('发生时间：2026-10-12 10:00 北京时间'));
    expect(text).toContain(flat('发生时间：2026-10-20 15:30 北京时间'));
    for (const a of record.view.audit) expect(text).toContain(flat(`录入时间：${beijing(a.at)}`));
    expect(text).toContain(flat(`依据：${basisText('Regs 25 para 1')}`));
    expect(text).toContain(flat(`依据：${basisText('Regs 25 para 2')}`));

    // 期限计算说明: the report period with every day it skipped (国庆节 and a Sunday), the Saturday worked, the calendar version.
    const report = record.view.deadlines.find((d) => d.specId === 'report')!;
    expect(report.lastDay).toBe('2026-10-16');
    expect(text).toContain(flat('报送期限（自拟定之日起10个工作日）'));
    expect(text).toContain(flat('起算：2026-09-28'));
    for (const day of ['01', '02', '03', '04', '05', '06', '07']) expect(text).toContain(flat(`2026-10-${day} 法定节假日（国庆节）`));
    expect(text).toContain(flat('2026-10-11 休息日（星期日）'));
    expect(text).toContain(flat('2026-10-10 调休上班日（国庆节调休上班），计为工作日'));
    expect(text).toContain(flat('期限届满：2026-10-16 24:00 北京时间'));
    expect(text).toContain(flat(`日历版本：${report.calendarVersion}`));
    // A period local policy sets says so (the organ's notice to the holders after the determination).
    expect(record.view.deadlines.some((d) => d.policy)).toBe(true);
    expect(text).toContain('依据：本地策略');

    // The last page ties the copy to the record: its chain head and MAC, and the command that checks it.
    expect(last).toContain(record.head.hash);
    expect(last).toContain(record.head.mac);
    expect(last).toContain(flat(`npm run verify-records -- --id ${id} --hash ${record.head.hash}`));
    expect(await verifyRecordsOn(stack, TASK_QUEUE, '--id', id, '--hash', record.head.hash)).toMatchObject({ code: 0, findings: [] });
    const wrong = await verifyRecordsOn(
      stack,
      TASK_QUEUE,
      '--id',
      id,
      '--hash',
      record.head.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.findings).toEqual([expect.objectContaining({ procedureId: id, kind: 'entry-missing' })]);

    await renderPdfPage(pdf.body, 1, join(ARTIFACTS, 'printed-record-page-1.png'));
    await renderPdfPage(pdf.body, -1, join(ARTIFACTS, 'printed-record-last-page.png'));
  }, 300_000);

  it('is refused outside the scope of reading the procedure, as a procedure that does not exist is', async () => {
    const start = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclearMatterInput({ matterRef: 'PR-2026-02' }));
    const id = start.body.id as string;
    await recordOnceCaughtUp(stack.records, id, 1);
    for (const outsider of ['org-nj-bureau', 'auth-320000']) {
      const r = await pdfOf(id, outsider);
      expect(r.status, outsider).toBe(404);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.toString()).not.toContain('PR-2026-02');
    }
    // The authorities above it see it, as they read it.
    expect((await pdfOf(id, 'auth-440000')).status).toBe(200);
    expect((await pdfOf(id, 'auth-000000')).status).toBe(200);
  }, 300_000);
});

describe('the 打印 button on the procedure page', () => {
  it('saves the printed record as a PDF with the credentials of the page', async () => {
    const start = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclearMatterInput({ matterRef: 'PR-2026-03' }));
    const id = start.body.id as string;
    await recordOnceCaughtUp(stack.records, id, 1);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
      await page.goto(`${stack.url}/#/p/${id}`);
      await page.fill('#token', await stack.token('org-gz-bureau'));
      await page.click('#signin');
      await page.waitForSelector('#print-record');
      await page.screenshot({ path: join(ARTIFACTS, 'printed-record-button.png') });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-record')]);
      const pages = await pdfPages(readFileSync((await download.path())!));
      expect(flat(pages.join(''))).toContain('PR-2026-03');
      await expect.poll(() => page.locator('#print-status').innerText()).toContain('已生成办理记录');
    } finally {
      await browser.close();
    }
  }, 300_000);
});

function beijing(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)} 北京时间`;
}
