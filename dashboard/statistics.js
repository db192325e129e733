// 统计: counts by period, kind, tier, region and organ, late reports by article and each step's time
// against its period (GET /api/statistics), with a bar chart and each table's export.
import { el, thead } from './dom.js';
import { TIER_NAMES, dayInput, exportButtons, procedureFilters, queryOf } from './reports.js';

const KEYS = ['kind', 'tier', 'region', 'organ', 'unit', 'from', 'to'];
const f = { typed: {}, unit: 'month' };
const UNITS = { month: '按月', quarter: '按季度', year: '按年' };
const COUNTS = ['启动件数', '办结件数', '各步骤均按期办结', '有步骤逾期办结', '未办结且现已超期'];
const SVG = 'http://www.w3.org/2000/svg';

/** 2026-11 → 2026年11月, 2026-Q4 → 2026年第4季度, 2026 → 2026年. */
const periodText = (k) =>
  k === null
    ? '—'
    : k
        .replace(/^(\d{4})-Q(\d)$/, '$1年第$2季度')
        .replace(/^(\d{4})-(\d{2})$/, (_, y, m) => `${y}年${Number(m)}月`)
        .replace(/^(\d{4})$/, '$1年');
/** Hours as the step's rule counts them: hours for an hour rule, days otherwise. */
const span = (h, rule) => (rule === 'hours' ? `${h} 小时` : `${Math.round((h / 24) * 10) / 10} 日`);
const share = (s) => (s === null ? '—' : `${Math.round(s * 100)}%`);

const svg = (tag, attrs, ...children) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
};

/** Bars per period: started, and closed split into on time and late. */
function periodChart(rows) {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.started, r.closed)));
  const w = 56;
  const h = 160;
  const width = Math.max(320, rows.length * w + 40);
  const bar = (x, value, y0, color, label) =>
    svg(
      'rect',
      { x, y: h - y0 - (value / max) * (h - 20), width: 18, height: (value / max) * (h - 20), fill: color },
      svg('title', {}, label),
    );
  const legend = [
    ['#4a78b5', '启动'],
    ['#3c8d4f', '按期办结'],
    ['#c0392b', '逾期办结'],
  ];
  return svg(
    'svg',
    { id: 'period-chart', viewBox: `0 0 ${width} ${h + 50}`, width, height: h + 50, role: 'img', 'aria-label': '按期间的启动和办结件数' },
    svg('line', { x1: 30, y1: h, x2: width, y2: h, stroke: '#888' }),
    ...rows.flatMap((r, i) => {
      const x = 36 + i * w;
      const on = (r.closedOnTime / max) * (h - 20);
      return [
        bar(x, r.started, 0, '#4a78b5', `${periodText(r.key)} 启动 ${r.started} 件`),
        bar(x + 20, r.closedOnTime, 0, '#3c8d4f', `${periodText(r.key)} 按期办结 ${r.closedOnTime} 件`),
        bar(x + 20, r.closedLate, on, '#c0392b', `${periodText(r.key)} 逾期办结 ${r.closedLate} 件`),
        svg('text', { x: x + 19, y: h + 14, 'text-anchor': 'middle', 'font-size': 11 }, periodText(r.key)),
      ];
    }),
    svg('text', { x: 26, y: 16, 'text-anchor': 'end', 'font-size': 11 }, String(max)),
    svg('text', { x: 26, y: h, 'text-anchor': 'end', 'font-size': 11 }, '0'),
    ...legend.flatMap(([color, text], i) => [
      svg('rect', { x: 36 + i * 90, y: h + 28, width: 12, height: 12, fill: color }),
      svg('text', { x: 52 + i * 90, y: h + 38, 'font-size': 12 }, text),
    ]),
  );
}

/** The 统计 page; `ctx` brings the dashboard's api, kind labels and registry names. */
export async function statisticsPage(app, ctx) {
  const redraw = () => statisticsPage(app, ctx).catch(ctx.failed);
  const set = (k) => (v) => {
    f[k] = v;
    redraw();
  };
  const q = queryOf(f, KEYS);
  const s = await ctx.api(`/api/statistics?${q}`);
  document.title = '统计 · 保密法定程序';
  const table = (key, title, head, rows, render) =>
    el(
      'section',
      { class: 'stat-table', id: `stat-${key}` },
      el(
        'h3',
        {},
        title,
        ' ',
        exportButtons(`export-${key}`, (format) => `/api/statistics/export?${q}&format=${format}&table=${key}`),
      ),
      el(
        'table',
        {},
        thead(head),
        el(
          'tbody',
          {},
          rows.length ? rows.map((r) => el('tr', {}, render(r))) : el('tr', {}, el('td', { colspan: head.length, class: 'muted' }, '无')),
        ),
      ),
    );
  const counts = (key, title, name, rows, label) =>
    table(key, title, [name, ...COUNTS], rows, (r) => [
      el('td', {}, label(r.key)),
      ...[r.started, r.closed, r.closedOnTime, r.closedLate].map((n) => el('td', { class: 'num' }, n)),
      el('td', { class: `num${r.openOverdue ? ' overdue' : ''}` }, r.openOverdue),
    ]);
  app.replaceChildren(
    el(
      'section',
      { id: 'statistics' },
      el('h2', {}, '统计：案卷中程序的办理和期限情况'),
      el(
        'div',
        { class: 'filters' },
        el(
          'label',
          {},
          '统计周期',
          el(
            'select',
            { name: 'unit', onchange: (e) => set('unit')(e.target.value) },
            Object.entries(UNITS).map(([v, t]) => el('option', { value: v, ...(f.unit === v ? { selected: true } : {}) }, t)),
          ),
        ),
        dayInput('from', '期间 自', f.from, set('from')),
        dayInput('to', '至', f.to, set('to')),
        procedureFilters(f, ctx, redraw),
      ),
      f.error ? el('p', { class: 'error', id: 'filter-error', role: 'alert' }, `未筛选：${f.error}`) : undefined,
      el(
        'p',
        { class: 'muted' },
        '启动件数按启动日期、办结件数按办结日期计入期间（北京时间）；“未办结且现已超期”计入其启动的期间。 ',
        exportButtons('export-all', () => `/api/statistics/export?${q}&format=xlsx`, { xlsx: '导出 Excel（全部统计表）' }),
      ),
      el('figure', {}, periodChart(s.byPeriod), el('figcaption', { class: 'muted' }, '按期间的启动件数和办结件数（按期、逾期）')),
      counts('byPeriod', '按期间', '期间', s.byPeriod, periodText),
      counts('byKind', '按程序', '程序', s.byKind, (k) => ctx.labels[k] ?? k),
      counts('byTier', '按层级（最后负责的层级）', '层级', s.byTier, (k) => TIER_NAMES[k] ?? '—'),
      counts('byRegion', '按地区', '地区', s.byRegion, ctx.regionName),
      counts('byOrgan', '按发起的机关、单位', '机关、单位', s.byOrgan, (k) => ctx.names.get(k) ?? k ?? '—'),
      table('lateByArticle', '逾期报告（按所依据的条款）', ['条款', '逾期报告数', '涉及程序件数'], s.lateByArticle, (r) => [
        el('td', {}, r.basisText),
        el('td', { class: 'num' }, r.reports),
        el('td', { class: 'num' }, r.procedures),
      ]),
      table(
        'steps',
        '各法定步骤的用时（与其期限相比，按办理日期计入期间）',
        [
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
        s.steps,
        (r) => [
          el('td', {}, ctx.labels[r.kind] ?? r.kind),
          el('td', {}, r.label),
          el('td', {}, r.basisText ?? ''),
          el('td', { class: 'num' }, r.met),
          el('td', { class: `num${r.late ? ' overdue' : ''}` }, r.late),
          el('td', { class: 'num' }, span(r.medianHours, r.rule)),
          el('td', { class: 'num' }, span(r.p90Hours, r.rule)),
          el('td', { class: 'num' }, span(r.periodMedianHours, r.rule)),
          el('td', { class: 'num' }, share(r.medianShare)),
          el('td', { class: 'num' }, share(r.p90Share)),
        ],
      ),
    ),
  );
}
