/**
 * What the API sends from the case file (records/): the history, the statistics, export files, the
 * 收件箱 and calendar subscriptions. As response-schemas.ts: a field not named here never leaves.
 */
import { z } from 'zod';
import { instant, text } from './response-schemas.js';

/** The history (records/history.ts): open and closed procedures from the case file. */
export const HistoryPageSchema = z.object({
  items: z.array(
    z.object({
      id: text,
      kind: text,
      state: text,
      stateLabel: text.describe('当前状态，办结后为办理结果 / the current state, or the outcome once closed'),
      reference: text.optional().describe('事件编号、事项编号 …'),
      title: text.optional(),
      organ: text.optional(),
      region: text.optional(),
      tier: text.optional(),
      startedAt: instant,
      closedAt: instant.optional(),
      closed: z.boolean(),
      late: z.boolean().describe('有步骤逾期办结、逾期未办或办理中已超期 / a step of it was met late, lapsed or passed while it ran'),
    }),
  ),
  nextCursor: text.optional().describe('下一页的游标（cursor），最后一页无 / pass as cursor for the next page; absent on the last'),
});

const CountRowSchema = z.object({
  key: text
    .nullable()
    .describe(
      '期间（2026-11、2026-Q4、2026）、程序、层级、地区代码或机关标识；null：未记录 / the period, kind, tier, region code or organ id; null: not recorded',
    ),
  started: z.number().int(),
  closed: z.number().int(),
  closedOnTime: z.number().int().describe('各步骤均按期办结 / closed with every step on time'),
  closedLate: z.number().int().describe('办结但有步骤逾期 / closed with a step met late, lapsed or passed while it ran'),
  openOverdue: z.number().int().describe('期间内启动、未办结且现已超期 / started in the range, open, a duty of it overdue now'),
});

/** The statistics (records/statistics.ts). */
export const StatisticsSchema = z.object({
  unit: z.enum(['month', 'quarter', 'year']),
  byPeriod: z.array(CountRowSchema),
  byKind: z.array(CountRowSchema),
  byTier: z.array(CountRowSchema),
  byRegion: z.array(CountRowSchema),
  byOrgan: z.array(CountRowSchema),
  lateByArticle: z.array(z.object({ basis: text, basisText: text, reports: z.number().int(), procedures: z.number().int() })),
  steps: z.array(
    z.object({
      kind: text,
      specId: text,
      label: text,
      basis: text.optional(),
      basisText: text.optional(),
      rule: text,
      met: z.number().int(),
      late: z.number().int(),
      medianHours: z.number(),
      p90Hours: z.number(),
      periodMedianHours: z.number(),
      medianShare: z.number().nullable().describe('用时占期限的比例（中位数）/ time taken as a share of the period, median'),
      p90Share: z.number().nullable(),
    }),
  ),
});

/** An export file (api/export-files.ts): sent as bytes, never serialized. */
export const ExportFileSchema = z
  .instanceof(Buffer)
  .describe(
    '导出文件：CSV（UTF-8，带 BOM）或 XLSX / CSV (text/csv, UTF-8 with BOM) or XLSX (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)',
  )
  .meta({ type: 'string', format: 'binary' });
/** One message of the 收件箱 (api/routes/inbox.ts): what it is, for which case, read or not by this person. */
export const InboxMessageSchema = z.object({
  id: text.describe('消息标识（所属程序及收件箱条目），长期不变 / stable message id'),
  procedureId: text,
  procedureKind: text,
  procedureLabel: text,
  reference: text.optional(),
  title: text.optional(),
  type: z.enum(['notification', 'reminder', 'escalation']),
  typeText: text,
  subjectText: text,
  basisText: text.optional(),
  byText: text.optional(),
  at: instant,
  read: z.boolean(),
  readAt: instant.optional(),
});
export const InboxPageSchema = z.object({ items: z.array(InboxMessageSchema), unread: z.number().int(), nextCursor: text.optional() });
export const InboxUnreadSchema = z.object({ unread: z.number().int() });
export const InboxReadSchema = z.object({ id: text, read: z.literal(true), readAt: instant });

/** A person's calendar subscription: whether one is active; its URL only in the answer that issues it. */
export const CalendarSubscriptionSchema = z.object({
  active: z.boolean(),
  createdAt: instant.optional(),
  lastFetchedAt: instant.optional(),
  url: text.optional().describe('订阅地址（含密钥），仅在签发时显示一次 / the secret feed URL: shown once, when issued'),
});
