// 历史: open and closed procedures found in the case file (GET /api/history), by name, period, outcome,
// lateness and the case's reference or title; exported as CSV or Excel with the same filters.
import { el, thead } from './dom.js';
import { TIER_NAMES, choice, dayInput, exportButtons, procedureFilters, queryOf } from './reports.js';

const KEYS = ['kind', 'tier', 'region', 'organ', 'status', 'startedFrom', 'startedTo', 'closedFrom', 'closedTo', 'outcome', 'late', 'text'];
/** The page's filters, kept while the person moves about the dashboard; `cursors`: the pages before this one. */
const f = { typed: {}, cursors: [] };

/** The 历史 page; `ctx` brings the dashboard's api, kind labels, registry names and statecharts. */
export async function historyPage(app, ctx) {
  const redraw = () => {
    f.cursors = [];
    historyPage(app, ctx).catch(ctx.failed);
  };
  const set = (k) => (v) => {
    f[k] = v;
    if (k === 'kind') f.outcome = '';
    redraw();
  };
  const q = queryOf(f, KEYS);
  const [page, finals] = await Promise.all([
    f.error ? { items: [] } : ctx.api(`/api/history?${q}&pageSize=50${f.cursors.length ? `&cursor=${f.cursors.at(-1)}` : ''}`),
    f.kind ? ctx.graph(f.kind).then((g) => g.states.filter((s) => s.type === 'final')) : [],
  ]);
  document.title = '历史 · 保密法定程序';
  const headline = (i) => [i.reference, i.title].filter(Boolean).join(' ');
  app.replaceChildren(
    el(
      'section',
      { id: 'history' },
      el('h2', {}, '历史：案卷中的程序（办理中和已办结）'),
      el(
        'div',
        { class: 'filters' },
        procedureFilters(f, ctx, redraw),
        choice('status', '办理状态', { open: '办理中', closed: '已办结' }, f.status, set('status')),
        dayInput('startedFrom', '启动日期 自', f.startedFrom, set('startedFrom')),
        dayInput('startedTo', '至', f.startedTo, set('startedTo')),
        dayInput('closedFrom', '办结日期 自', f.closedFrom, set('closedFrom')),
        dayInput('closedTo', '至', f.closedTo, set('closedTo')),
        finals.length
          ? choice('outcome', '办结结果', Object.fromEntries(finals.map((s) => [s.path, s.label])), f.outcome, set('outcome'))
          : undefined,
        choice('late', '逾期', { true: '有步骤逾期', false: '各步骤均按期' }, f.late, set('late')),
        el(
          'label',
          {},
          '编号或名称',
          el('input', {
            name: 'text',
            value: f.text ?? '',
            size: 16,
            maxlength: 100,
            placeholder: '事件编号、事项名称等',
            onchange: (e) => set('text')(e.target.value.trim()),
          }),
        ),
      ),
      f.error ? el('p', { class: 'error', id: 'filter-error', role: 'alert' }, `未筛选：${f.error}`) : undefined,
      el(
        'p',
        {},
        exportButtons('history-export', (format) => `/api/history/export?${q}&format=${format}`),
        el('span', { class: 'muted' }, ' 导出当前筛选条件下的全部程序（时间为北京时间）。'),
      ),
      el(
        'table',
        { id: 'history-table' },
        thead(['程序', '编号和名称', '发起的机关、单位', '地区', '层级', '启动（北京时间）', '办结（北京时间）', '状态或办结结果', '逾期']),
        el(
          'tbody',
          {},
          page.items.length
            ? page.items.map((i) =>
                el(
                  'tr',
                  { class: 'row', 'data-id': i.id, tabindex: 0, onclick: () => (location.hash = `#/p/${i.id}`) },
                  el('td', {}, ctx.labels[i.kind] ?? i.kind),
                  el('td', {}, headline(i) || '—'),
                  el('td', {}, ctx.names.get(i.organ) ?? '—'),
                  el('td', {}, ctx.regionName(i.region)),
                  el('td', {}, TIER_NAMES[i.tier] ?? '—'),
                  el('td', {}, ctx.beijing(i.startedAt)),
                  el('td', {}, i.closedAt ? ctx.beijing(i.closedAt) : '未办结'),
                  el('td', {}, i.closed ? i.stateLabel : `办理中：${i.stateLabel}`),
                  el('td', {}, i.late ? el('span', { class: 'overdue' }, '有步骤逾期') : '按期'),
                ),
              )
            : el('tr', {}, el('td', { colspan: 9, class: 'muted' }, '没有符合条件的程序。')),
        ),
      ),
      el(
        'nav',
        {},
        f.cursors.length
          ? el(
              'button',
              {
                onclick: () => {
                  f.cursors.pop();
                  historyPage(app, ctx).catch(ctx.failed);
                },
              },
              '上一页',
            )
          : undefined,
        page.nextCursor
          ? el(
              'button',
              {
                onclick: () => {
                  f.cursors.push(page.nextCursor);
                  historyPage(app, ctx).catch(ctx.failed);
                },
              },
              '下一页',
            )
          : undefined,
      ),
    ),
  );
}
