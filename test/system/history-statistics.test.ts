/**
 * History, statistics and their export (docs/history-and-statistics.md) on the real stack: procedures
 * driven by the worker to known outcomes, one late, one deleted from Temporal; all read from the record.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { closeTianheLeak } from '../support/leak-steps.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('history-test');
});
afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, as: string) => callAs(stack, 'GET', path, as);
const post = (path: string, as: string, body: unknown) => callAs(stack, 'POST', path, as, body);
const download = async (path: string, as: string) => {
  const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${await stack.token(as)}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
};
const DAY = 86_400_000;
/** A Beijing day, YYYY-MM-DD, `days` from now. */
const beijingDay = (days = 0) => new Date(Date.now() + days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);

const startLeak = async (organ: string, ref: string, over: Record<string, unknown> = {}) => {
  const r = await post('/api/procedures/leak', organ, leakInput({ organId: organ, incidentRef: ref, ...over }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};
const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id).sort();

describe('history, statistics and export from the case file', () => {
  let onTime: string;
  let late: string;
  let open: string;
  let nanjing: string;

  beforeAll(async () => {
    onTime = await startLeak('org-th-office', 'HS-ONTIME', { summary: '涉密文件遗失（按期）' });
    // Discovered three days ago: the 24-hour report (Regs 61 para 1) is late when made now (Regs 67 para 1(8)).
    late = await startLeak('org-th-office', 'HS-LATE', {
      summary: '涉密U盘遗失（逾期报告）',
      discoveredAt: new Date(Date.now() - 3 * DAY).toISOString(),
    });
    open = await startLeak('ent-gz-tech', 'HS-OPEN', { discoveredAt: new Date(Date.now() - 3 * DAY).toISOString() });
    nanjing = await startLeak('org-nj-bureau', 'HS-NJ');
    await closeTianheLeak(stack, onTime);
    await closeTianheLeak(stack, late);
    // The closed on-time case is deleted from Temporal: history and statistics still hold it.
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: onTime } });
    for (let i = 0; i < 600; i++) {
      const gone = await stack.client.workflow
        .getHandle(onTime)
        .describe()
        .then(
          () => false,
          () => true,
        );
      if (gone) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    await expect(stack.client.workflow.getHandle(onTime).describe()).rejects.toThrow(/not found/i);
  });

  it('finds open and closed cases by reference or title, kind, organ, region, tier, period, outcome and lateness, after the execution is deleted', async () => {
    const found = await call('/api/history?text=hs-ontime', 'org-th-office');
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        id: onTime,
        kind: 'leak',
        reference: 'HS-ONTIME',
        title: '涉密文件遗失（按期）',
        organ: 'org-th-office',
        region: '440106',
        closed: true,
        late: false,
        closedAt: expect.any(String),
      }),
    ]);
    const closedItem = found.body.items[0];
    // By the title's text too; the LIKE wildcards are literal.
    expect(ids((await call(`/api/history?text=${encodeURIComponent('逾期报告')}`, 'org-th-office')).body)).toEqual([late]);
    expect((await call('/api/history?text=%25', 'org-th-office')).body.items).toEqual([]);
    expect(ids((await call('/api/history?status=closed', 'org-th-office')).body)).toEqual([late, onTime].sort());
    expect(ids((await call('/api/history?late=true', 'org-th-office')).body)).toEqual([late]);
    expect(ids((await call(`/api/history?outcome=${closedItem.state}&late=false`, 'org-th-office')).body)).toEqual([onTime]);
    const today = beijingDay();
    expect(ids((await call(`/api/history?closedFrom=${today}&closedTo=${today}`, 'org-th-office')).body)).toEqual([late, onTime].sort());
    expect((await call(`/api/history?closedTo=${beijingDay(-1)}`, 'org-th-office')).body.items).toEqual([]);
    expect(ids((await call(`/api/history?startedFrom=${today}&kind=leak&organ=org-th-office`, 'org-th-office')).body)).toEqual(
      [late, onTime].sort(),
    );
    expect(ids((await call(`/api/history?tier=${closedItem.tier}&region=4401`, 'auth-440000')).body)).toEqual(
      expect.arrayContaining([onTime, late]),
    );
    expect((await call('/api/history?tier=national&region=4401', 'auth-440000')).body.items).toEqual([]);
    // Open ones too; newest start first, paged by a cursor.
    const all = await call('/api/history?region=440106', 'auth-440106');
    expect(ids(all.body)).toEqual([onTime, late, open].sort());
    expect(all.body.items.find((i: { id: string }) => i.id === open)).toMatchObject({ closed: false, late: true });
    const page1 = await call('/api/history?pageSize=2', 'auth-440106');
    const page2 = await call(`/api/history?pageSize=2&cursor=${page1.body.nextCursor}`, 'auth-440106');
    expect([...ids(page1.body), ...ids(page2.body)].sort()).toEqual([onTime, late, open].sort());
    expect(page2.body.nextCursor).toBeUndefined();
    // Bad input names the field.
    const bad = await call('/api/history?startedFrom=2026-13-01', 'org-th-office');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('startedFrom');
    const reversed = await call('/api/history?closedFrom=2026-12-02&closedTo=2026-12-01', 'org-th-office');
    expect(reversed.status).toBe(400);
    expect(reversed.body.detailZh).toContain('结束日期');
  });

  it('scoped as the list is: an organ sees only its own cases, in history and statistics', async () => {
    expect(ids((await call('/api/history', 'org-nj-bureau')).body)).toEqual([nanjing]);
    expect((await call('/api/history?text=HS-NJ', 'org-th-office')).body.items).toEqual([]);
    expect(ids((await call('/api/history', 'org-th-office')).body)).toEqual([late, onTime].sort());
    const nj = (await call('/api/statistics', 'org-nj-bureau')).body;
    expect(nj.byKind).toEqual([{ key: 'leak', started: 1, closed: 0, closedOnTime: 0, closedLate: 0, openOverdue: 0 }]);
    expect(nj.lateByArticle).toEqual([]);
    expect((await call('/api/statistics', 'auth-320000')).body.byOrgan.map((r: { key: string }) => r.key)).toEqual(['org-nj-bureau']);
    expect(ids((await call('/api/history', 'auth-000000')).body)).toEqual([onTime, late, open, nanjing].sort());
  });

  it('counts started, closed on time and late, open and overdue now, late reports by article and each step’s time, from the records the worker wrote', async () => {
    const month = beijingDay().slice(0, 7);
    const own = (await call('/api/statistics?unit=month', 'org-th-office')).body;
    const counts = { key: 'leak', started: 2, closed: 2, closedOnTime: 1, closedLate: 1, openOverdue: 0 };
    expect(own.byKind).toEqual([counts]);
    expect(own.byPeriod).toEqual([{ ...counts, key: month }]);
    expect(own.byOrgan).toEqual([{ ...counts, key: 'org-th-office' }]);
    // Each late report's flag names its article (machines/leak.ts): both 24-hour reports of one case, Regs 67 para 1(8).
    expect(own.lateByArticle).toEqual([
      { basis: 'Regs 67 para 1(8)', basisText: expect.stringContaining('第六十七条'), reports: 2, procedures: 1 },
    ]);
    const report = own.steps.find((s: { specId: string }) => s.specId === 'report-authority');
    expect(report).toMatchObject({ kind: 'leak', met: 2, late: 1, rule: 'hours' });
    // Met within seconds of its start (on time) and three days after the discovery (late): the median lies between.
    expect(report.p90Hours).toBeGreaterThan(24);
    expect(report.medianShare).toBeGreaterThan(0);

    // The county authority sees the enterprise's open case too: overdue now, its late flags pending.
    const county = (await call(`/api/statistics?unit=year&from=${beijingDay()}&to=${beijingDay()}`, 'auth-440106')).body;
    expect(county.byPeriod).toEqual([{ key: month.slice(0, 4), started: 3, closed: 2, closedOnTime: 1, closedLate: 1, openOverdue: 1 }]);
    expect(county.byOrgan).toEqual(
      expect.arrayContaining([{ key: 'ent-gz-tech', started: 1, closed: 0, closedOnTime: 0, closedLate: 0, openOverdue: 1 }]),
    );
    expect(county.byTier.reduce((n: number, r: { started: number }) => n + r.started, 0)).toBe(3);
    // A range that holds none of them counts none.
    expect((await call(`/api/statistics?to=${beijingDay(-2)}`, 'auth-440106')).body.byKind).toEqual([]);
  });

  it('exports the history and every statistics table as CSV with a BOM and as XLSX, Chinese headers, Beijing time, the filters named', async () => {
    const csv = await download('/api/history/export?format=csv&status=closed&kind=leak', 'org-th-office');
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('历史.csv')}`);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('历史');
    expect(lines[1]).toMatch(/^筛选条件：程序：泄密报告.*；办理状态：已办结$/);
    expect(lines[3]).toBe(
      '程序,编号,事项名称,发起的机关、单位,地区,层级,启动时间（北京时间）,办结时间（北京时间）,当前状态或办结结果,有无逾期',
    );
    expect(lines).toHaveLength(6);
    const row = lines.find((l) => l.includes('HS-LATE'))!.split(',');
    expect(row[3]).toBe('广州市天河区某办');
    expect(row[4]).toBe('广州市天河区');
    expect(row[7]).toMatch(new RegExp(`^${beijingDay()} \\d{2}:\\d{2}$`));
    expect(row[9]).toBe('有步骤逾期');

    const xlsx = await download('/api/history/export?format=xlsx&late=true', 'org-th-office');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('历史')!;
    expect(String(sheet.getRow(3).getCell(1).value)).toBe('筛选条件：逾期：有步骤逾期');
    expect(sheet.getRow(5).values).toEqual(expect.arrayContaining(['程序', '编号', '有无逾期']));
    expect(sheet.getRow(6).getCell(2).value).toBe('HS-LATE');
    expect(sheet.rowCount).toBe(6);

    const stats = await download('/api/statistics/export?format=xlsx&unit=quarter', 'org-th-office');
    const sbook = new ExcelJS.Workbook();
    await sbook.xlsx.load(stats.bytes as unknown as ArrayBuffer);
    expect(sbook.worksheets.map((w) => w.name)).toEqual([
      '按期间',
      '按程序',
      '按层级',
      '按地区',
      '按机关、单位',
      '逾期报告（按条款）',
      '各步骤用时',
    ]);
    const byKind = sbook.getWorksheet('按程序')!;
    expect(String(byKind.getRow(3).getCell(1).value)).toBe('筛选条件：统计周期：按季度');
    expect(byKind.getRow(5).values).toEqual([
      undefined,
      '程序',
      '启动件数',
      '办结件数',
      '各步骤均按期办结',
      '有步骤逾期办结',
      '未办结且现已超期',
    ]);
    expect(byKind.getRow(6).values).toEqual([undefined, '泄密报告', 2, 2, 1, 1, 0]);
    for (const table of ['byPeriod', 'byKind', 'byTier', 'byRegion', 'byOrgan', 'lateByArticle', 'steps']) {
      const one = await download(`/api/statistics/export?format=csv&table=${table}`, 'org-th-office');
      expect(one.status).toBe(200);
      expect([...one.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(one.bytes.toString('utf8').split('\r\n')[3]).toMatch(/^[\u4e00-\u9fff]/);
    }
    const article = (await download('/api/statistics/export?format=csv&table=lateByArticle', 'org-th-office')).bytes.toString('utf8');
    expect(article).toContain('第六十七条');
    const noTable = await download('/api/statistics/export?format=csv', 'org-th-office');
    expect(noTable.status).toBe(400);
    // The OpenAPI document describes the files as binary.
    const spec = (await call('/openapi.json', 'org-th-office')).body;
    expect(spec.paths['/api/history/export'].get.responses['200'].content['application/json'].schema).toMatchObject({ format: 'binary' });
  });
});
