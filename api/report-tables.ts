/**
 * The history and the statistics as tables for people (the export files, api/export-files.ts): Chinese
 * headers, names not codes, instants in Beijing time, and the filters applied in words.
 */
import { basisText } from '../domain/citation.js';
import type { Registry } from '../domain/registry/registry.js';
import { SHANGHAI_OFFSET_MS } from '../domain/time.js';
import { procedureOf } from '../machines/index.js';
import type { HistoryFilters, HistoryItem } from '../records/history.js';
import type { CountRow, PeriodUnit, Statistics } from '../records/statistics.js';

export interface ReportTable {
  /** The sheet's name (at most 31 characters in XLSX). */
  name: string;
  headers: string[];
  rows: Array<Array<string | number>>;
}

export const TIER_LABELS: Record<string, string> = { national: '国家', provincial: '省级', municipal: '设区的市级', county: '县级' };
const UNIT_LABELS: Record<PeriodUnit, string> = { month: '按月', quarter: '按季度', year: '按年' };

/** An instant as 2026-12-07 14:05 (北京时间, UTC+8 all year). */
export const beijingText = (iso: string) => new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

/** Codes by name, from the registry (a region by the nearest enclosing one it names). */
export class ReportNames {
  private readonly regions: Map<string, string>;
  constructor(private readonly registry: Registry) {
    this.regions = new Map(registry.regions().map((r) => [r.code, r.name]));
  }
  party(id: string | undefined | null): string {
    if (!id) return '—';
    try {
      return this.registry.party(id).name;
    } catch {
      return id;
    }
  }
  region(code: string | undefined | null): string {
    if (!code) return '—';
    return this.regions.get(code) ?? this.regions.get(`${code.slice(0, 4)}00`) ?? this.regions.get(`${code.slice(0, 2)}0000`) ?? code;
  }
  kind = (kind: string | undefined | null) => (kind ? (procedureOf(kind)?.label ?? kind) : '—');
  tier = (tier: string | undefined | null) => (tier ? (TIER_LABELS[tier] ?? tier) : '—');
}

/** A period key in words: 2026-11 → 2026年11月, 2026-Q4 → 2026年第4季度, 2026 → 2026年. */
export const periodText = (key: string | null) =>
  key === null
    ? '—'
    : key
        .replace(/^(\d{4})-Q(\d)$/, '$1年第$2季度')
        .replace(/^(\d{4})-(\d{2})$/, (_, y, m) => `${y}年${Number(m)}月`)
        .replace(/^(\d{4})$/, '$1年');

/** The filters applied, in words (the first line of a CSV, the header of every sheet). */
export function filtersText(
  names: ReportNames,
  f: Partial<HistoryFilters> & { unit?: PeriodUnit; from?: string; to?: string; days?: Record<string, string> },
): string {
  const d = f.days ?? {};
  const parts = [
    f.unit && `统计周期：${UNIT_LABELS[f.unit]}`,
    (d.from || d.to) && `期间：${d.from ?? '不限'} 至 ${d.to ?? '不限'}`,
    f.kind && `程序：${names.kind(f.kind)}`,
    f.tier && `层级：${names.tier(f.tier)}`,
    f.region && `地区：${names.region(f.region.padEnd(6, '0'))}`,
    f.organ && `机关、单位：${names.party(f.organ)}`,
    f.status && `办理状态：${f.status === 'closed' ? '已办结' : '办理中'}`,
    (d.startedFrom || d.startedTo) && `启动日期：${d.startedFrom ?? '不限'} 至 ${d.startedTo ?? '不限'}`,
    (d.closedFrom || d.closedTo) && `办结日期：${d.closedFrom ?? '不限'} 至 ${d.closedTo ?? '不限'}`,
    f.outcome && `办结结果：${f.outcome}`,
    f.late !== undefined && `逾期：${f.late ? '有步骤逾期' : '各步骤均按期'}`,
    f.text && `编号或名称含：${f.text}`,
  ].filter(Boolean);
  return `筛选条件：${parts.length ? parts.join('；') : '无（可见范围内全部）'}`;
}

export function historyTable(items: HistoryItem[], names: ReportNames, outcomeLabel: (i: HistoryItem) => string): ReportTable {
  return {
    name: '历史',
    headers: [
      '程序',
      '编号',
      '事项名称',
      '发起的机关、单位',
      '地区',
      '层级',
      '启动时间（北京时间）',
      '办结时间（北京时间）',
      '当前状态或办结结果',
      '有无逾期',
    ],
    rows: items.map((i) => [
      names.kind(i.kind),
      i.reference ?? '',
      i.title ?? '',
      names.party(i.organ),
      names.region(i.region),
      names.tier(i.tier),
      beijingText(i.startedAt),
      i.closedAt ? beijingText(i.closedAt) : '未办结',
      outcomeLabel(i),
      i.late ? '有步骤逾期' : '按期',
    ]),
  };
}

const COUNT_HEADERS = ['启动件数', '办结件数', '各步骤均按期办结', '有步骤逾期办结', '未办结且现已超期'];
const counts = (r: CountRow) => [r.started, r.closed, r.closedOnTime, r.closedLate, r.openOverdue];
const HOURS = (h: number, rule: string) => (rule === 'hours' ? `${h} 小时` : `${Math.round((h / 24) * 10) / 10} 日`);
const SHARE = (s: number | null) => (s === null ? '—' : `${Math.round(s * 100)}%`);

/** The statistics' tables, keyed as the export's `table` parameter names them. */
export function statisticsTables(s: Statistics, names: ReportNames): Record<StatisticsTable, ReportTable> {
  const byKey = (name: string, head: string, rows: CountRow[], label: (k: string | null) => string): ReportTable => ({
    name,
    headers: [head, ...COUNT_HEADERS],
    rows: rows.map((r) => [label(r.key), ...counts(r)]),
  });
  return {
    byPeriod: byKey('按期间', '期间', s.byPeriod, periodText),
    byKind: byKey('按程序', '程序', s.byKind, names.kind),
    byTier: byKey('按层级', '层级', s.byTier, names.tier),
    byRegion: byKey('按地区', '地区', s.byRegion, (k) => names.region(k)),
    byOrgan: byKey('按机关、单位', '发起的机关、单位', s.byOrgan, (k) => names.party(k)),
    lateByArticle: {
      name: '逾期报告（按条款）',
      headers: ['条款', '逾期报告数', '涉及程序件数'],
      rows: s.lateByArticle.map((r) => [basisText(r.basis) ?? r.basis, r.reports, r.procedures]),
    },
    steps: {
      name: '各步骤用时',
      headers: [
        '程序',
        '步骤',
        '依据',
        '已办次数',
        '其中逾期',
        '用时中位数',
        '用时第90百分位',
        '期限（中位数）',
        '用时占期限（中位数）',
        '用时占期限（第90百分位）',
      ],
      rows: s.steps.map((r) => [
        names.kind(r.kind),
        r.label,
        basisText(r.basis) ?? '',
        r.met,
        r.late,
        HOURS(r.medianHours, r.rule),
        HOURS(r.p90Hours, r.rule),
        HOURS(r.periodMedianHours, r.rule),
        SHARE(r.medianShare),
        SHARE(r.p90Share),
      ]),
    },
  };
}

export const STATISTICS_TABLES = ['byPeriod', 'byKind', 'byTier', 'byRegion', 'byOrgan', 'lateByArticle', 'steps'] as const;
export type StatisticsTable = (typeof STATISTICS_TABLES)[number];
