/**
 * The history (历史) and the statistics (统计) of the case file, and their export as CSV and XLSX
 * (docs/history-and-statistics.md). Read from the record store only (SPEC §4a), so they hold
 * procedures whose Temporal execution is long gone; scoped as every list is (api/scope.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { basisText } from '../../domain/citation.js';
import { TierSchema } from '../../domain/parties.js';
import type { Registry } from '../../domain/registry/registry.js';
import { PROCEDURE_KINDS } from '../../machines/index.js';
import { listHistory, type HistoryFilters, type HistoryItem } from '../../records/history.js';
import { PERIOD_UNITS, statistics, type StatisticsFilters } from '../../records/statistics.js';
import type { RecordStore } from '../../records/store.js';
import { csvOf, xlsxOf } from '../export-files.js';
import { ApiError } from '../problem.js';
import { PageCursorParam, PageSizeParam, RegionPrefixParam, RegistryIdParam } from '../query-params.js';
import { beijingText, filtersText, historyTable, ReportNames, STATISTICS_TABLES, statisticsTables } from '../report-tables.js';
import { ExportFileSchema, HistoryPageSchema, StatisticsSchema } from '../case-file-schemas.js';
import type { Caller } from '../auth.js';

/** At most this many rows in one history export (本地策略): more asks for narrower filters. */
export const HISTORY_EXPORT_MAX = 10_000;

const Day = z.iso.date().describe('北京时间日期，YYYY-MM-DD / a Beijing day').optional();
const Procedure = {
  kind: z.enum(PROCEDURE_KINDS).optional(),
  tier: TierSchema.optional(),
  region: RegionPrefixParam,
  organ: RegistryIdParam,
};
const HistoryFields = {
  ...Procedure,
  status: z.enum(['open', 'closed']).optional().describe('open: 办理中; closed: 已办结'),
  startedFrom: Day,
  startedTo: Day.describe('含当日 / inclusive'),
  closedFrom: Day,
  closedTo: Day.describe('含当日 / inclusive'),
  outcome: z
    .string()
    .regex(/^[a-zA-Z]{1,40}$/, 'a final state name')
    .optional(),
  late: z.enum(['true', 'false']).optional(),
  text: z.string().trim().min(1).max(100).optional().describe('编号或名称中的文字（事件编号、事项名称 …）/ part of the reference or title'),
};
const HistoryQuery = z.strictObject({
  ...HistoryFields,
  pageSize: PageSizeParam,
  cursor: PageCursorParam,
});
const StatisticsFields = {
  ...Procedure,
  unit: z.enum(PERIOD_UNITS).default('month').describe('统计周期：按月、季度或年（北京时间）/ month, quarter or year (Beijing time)'),
  from: Day,
  to: Day.describe('含当日 / inclusive'),
};
const Format = z.enum(['csv', 'xlsx']);

/** A Beijing day's start as an instant; `next`: the day after's (an inclusive end). */
const dayStart = (day: string, next = false) => new Date(Date.parse(`${day}T00:00:00+08:00`) + (next ? 86_400_000 : 0)).toISOString();

/** [from, to] of two Beijing days, refused when the end comes before the start. */
function range(fromField: string, from: string | undefined, toField: string, to: string | undefined) {
  if (from && to && to < from)
    throw new ApiError(400, 'Bad request', `querystring.${toField}: before ${fromField}`, {
      detailZh: `查询条件有误：结束日期（${to}）早于开始日期（${from}），请重新选择。`,
      fieldErrors: [{ field: `querystring.${toField}`, message: `before ${fromField}`, messageZh: '结束日期早于开始日期' }],
    });
  return { ...(from ? { from: dayStart(from) } : {}), ...(to ? { to: dayStart(to, true) } : {}) };
}

function historyFilters(q: Partial<Record<keyof typeof HistoryFields, string>>): HistoryFilters {
  const started = range('startedFrom', q.startedFrom, 'startedTo', q.startedTo);
  const closed = range('closedFrom', q.closedFrom, 'closedTo', q.closedTo);
  return {
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.tier ? { tier: q.tier } : {}),
    ...(q.region ? { region: q.region } : {}),
    ...(q.organ ? { organ: q.organ } : {}),
    ...(q.status ? { status: q.status as 'open' | 'closed' } : {}),
    ...(started.from ? { startedFrom: started.from } : {}),
    ...(started.to ? { startedTo: started.to } : {}),
    ...(closed.from ? { closedFrom: closed.from } : {}),
    ...(closed.to ? { closedTo: closed.to } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.late ? { late: q.late === 'true' } : {}),
    ...(q.text ? { text: q.text } : {}),
  };
}

function statisticsFilters(q: z.infer<z.ZodObject<typeof StatisticsFields>>): StatisticsFilters {
  return {
    unit: q.unit,
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.tier ? { tier: q.tier } : {}),
    ...(q.region ? { region: q.region } : {}),
    ...(q.organ ? { organ: q.organ } : {}),
    ...range('from', q.from, 'to', q.to),
  };
}

const badCursor = (e: unknown) => {
  if (e instanceof RangeError || e instanceof SyntaxError)
    throw new ApiError(400, 'Bad request', 'querystring.cursor: not a cursor of this list', {
      detailZh: '翻页标记无效，请从第一页重新查询。',
    });
  throw e;
};

/** The file's heading: what it holds, for whom, the filters in words, when exported. */
const heading = (what: string, caller: Caller, names: ReportNames, filters: Parameters<typeof filtersText>[1]) => [
  `${what}（${names.party(caller.party.id)}可见范围内）`,
  filtersText(names, filters),
  `导出时间：${beijingText(new Date().toISOString())}（北京时间）`,
];

const FILE_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
/** An ASCII file name and its UTF-8 form (RFC 6266). */
const disposition = (zh: string, ascii: string, format: 'csv' | 'xlsx') =>
  `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(`${zh}.${format}`)}`;

const outcomeText = (i: HistoryItem) => (i.closed ? i.stateLabel : `办理中：${i.stateLabel}`);

export const historyRoutes =
  (records: RecordStore, registry: Registry): FastifyPluginAsyncZod =>
  async (app) => {
    const names = new ReportNames(registry);

    app.get(
      '/api/history',
      {
        schema: {
          querystring: HistoryQuery,
          response: { 200: HistoryPageSchema },
          summary: '历史：在案卷中查找办理中和已办结的程序（可见范围内，游标分页）',
          tags: ['history'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const { pageSize, cursor, ...q } = req.query;
        return listHistory(records.pool, caller.party, historyFilters(q), { size: pageSize, ...(cursor ? { cursor } : {}) }).catch(
          badCursor,
        );
      },
    );

    app.get(
      '/api/history/export',
      {
        schema: {
          querystring: z.strictObject({ ...HistoryFields, format: Format }),
          response: { 200: ExportFileSchema },
          summary: `历史导出：CSV（UTF-8，带 BOM）或 XLSX，至多 ${HISTORY_EXPORT_MAX} 件（本地策略）`,
          tags: ['history'],
        },
      },
      async (req, reply) => {
        const caller = await req.authenticate();
        const { format, ...q } = req.query;
        const filters = historyFilters(q);
        const items: HistoryItem[] = [];
        let cursor: string | undefined;
        do {
          const page = await listHistory(records.pool, caller.party, filters, { size: 1000, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor && items.length <= HISTORY_EXPORT_MAX);
        if (items.length > HISTORY_EXPORT_MAX)
          throw new ApiError(400, 'Bad request', `more than ${HISTORY_EXPORT_MAX} procedures match: narrow the filters`, {
            detailZh: `符合条件的程序超过 ${HISTORY_EXPORT_MAX} 件（本地策略的导出上限），请缩小筛选范围（如启动或办结日期）后再导出。`,
          });
        const table = historyTable(items, names, outcomeText);
        // The outcome by its words (the final state's label the record holds).
        const outcome = filters.outcome && (items.find((i) => i.state === filters.outcome)?.stateLabel ?? filters.outcome);
        const head = heading('历史', caller, names, { ...filters, ...(outcome ? { outcome } : {}), days: q });
        return reply
          .type(FILE_TYPES[format])
          .header('content-disposition', disposition('历史', 'history', format))
          .send(format === 'csv' ? csvOf(table, head) : await xlsxOf([table], head));
      },
    );

    app.get(
      '/api/statistics',
      {
        schema: {
          querystring: z.strictObject(StatisticsFields),
          response: { 200: StatisticsSchema },
          summary: '统计：按期间、程序、层级、地区、机关单位的启动、办结、逾期件数，按条款的逾期报告，各步骤用时',
          tags: ['history'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const s = await statistics(records.pool, caller.party, statisticsFilters(req.query));
        // Each article in the statute's words beside its citation.
        return {
          ...s,
          lateByArticle: s.lateByArticle.map((r) => ({ ...r, basisText: basisText(r.basis) ?? r.basis })),
          steps: s.steps.map((r) => (r.basis ? { ...r, basisText: basisText(r.basis) ?? r.basis } : r)),
        };
      },
    );

    app.get(
      '/api/statistics/export',
      {
        schema: {
          querystring: z.strictObject({
            ...StatisticsFields,
            format: Format,
            table: z
              .enum(STATISTICS_TABLES)
              .optional()
              .describe('统计表（CSV 必填；XLSX 不填则每表一页）/ the table (CSV: required; XLSX: without it, every table a sheet)'),
          }),
          response: { 200: ExportFileSchema },
          summary: '统计导出：每张统计表可导出为 CSV（UTF-8，带 BOM）或 XLSX',
          tags: ['history'],
        },
      },
      async (req, reply) => {
        const caller = await req.authenticate();
        const { format, table, ...q } = req.query;
        if (format === 'csv' && !table)
          throw new ApiError(400, 'Bad request', `querystring.table: required for csv, one of ${STATISTICS_TABLES.join(', ')}`, {
            detailZh: '导出 CSV 须选择一张统计表。',
            fieldErrors: [{ field: 'querystring.table', message: 'required for csv', messageZh: '导出 CSV 时必填' }],
          });
        const tables = statisticsTables(await statistics(records.pool, caller.party, statisticsFilters(q)), names);
        const chosen = table ? [tables[table]] : Object.values(tables);
        const head = heading('统计', caller, names, { ...q, days: q });
        const zh = table ? `统计-${tables[table].name}` : '统计';
        return reply
          .type(FILE_TYPES[format])
          .header('content-disposition', disposition(zh, table ? `statistics-${table}` : 'statistics', format))
          .send(format === 'csv' ? csvOf(chosen[0]!, head) : await xlsxOf(chosen, head));
      },
    );
  };
