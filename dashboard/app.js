// The supervisors' dashboard: sign-in (login.js), overview, deadline board, procedure page.
// Chinese first, in the statute's terms. Refreshes by short polling.
import { renderStatechart } from './statechart.js';
import { actions, draftHash, formsData, initWorkbench, keepDraft, startPage, takeFlash, workbench } from './workbench.js';
import { caseInfo } from './case.js';
import { calendarPage, inboxPage } from './inbox.js';
import { calendarPreviewPage } from './admin.js';
import { printButton } from './printed-record.js';
import { el, fieldInFocus, replaceKeepingTyping, thead } from './dom.js';
import { namePicker, regionNameIn } from './names.js';
import { historyPage } from './history.js';
import { statisticsPage } from './statistics.js';
import { authHeaders, renderSignIn, signOut, whoAmI } from './login.js';

const app = document.getElementById('app');
const who = document.getElementById('who');
const REFRESH_MS = 5000;
const STATUS = {
  on_track: ['进行中', 'green'],
  due_soon: ['即将超期', 'yellow'],
  overdue: ['已超期', 'red'],
  suspended: ['中止计时', 'grey'],
  met: ['按期办结', 'green'],
  met_late: ['逾期办结', 'grey'],
  lapsed: ['期满未办', 'red'],
  superseded: ['已重算', 'grey'],
  none: ['无期限', 'grey'],
  closed: ['已办结', 'grey'],
  running: ['计时中', 'green'],
};
const CARDS = { overdue: '红牌', due_soon: '黄牌' };
/** When a card turns: the due-soon share is local policy (dueSoonFraction, 0.8 by default; a day-based period at the latest its last day). */
const LEGEND =
  '黄牌（即将超期）：期限已用去八成起（本地策略的默认值；按日计算的期限至迟自最后一日起）；红牌（已超期）：期限已届满，提醒和逐级督办随即发出（尚未记录完毕的标“提醒发送中”）。';
const TIERS = { national: '国家', provincial: '省级', municipal: '设区的市级', county: '县级', none: '—' };
const UNITS = { 'working-days': '个工作日', days: '日', hours: '小时' };
const LEVELS = { 'top-secret': '绝密', secret: '机密', confidential: '秘密' };
/** 保密期限 (Law 20): years from its start (Regs 19 para 2) to its last day, a date, or a condition. */
const termText = ({ term, since, endsOn }) =>
  term.kind === 'years'
    ? `${term.years}年${since ? `（自${since}起${endsOn ? `，至${endsOn}` : ''}）` : ''}`
    : term.kind === 'until'
      ? `至${term.date}`
      : `至解密条件成就：${term.condition}${term.latest ? `（最迟 ${term.latest} 解密）` : ''}`;
const RULES = {
  'working-days': '工作日',
  'calendar-days': '日（法定休假日顺延，民法典第二百零三条）',
  months: '月',
  years: '年',
  hours: '小时（精确计算）',
};

let timer;
const graphs = {};
let labels = {};
let names;
let regions;
let organs;

// Instants in Beijing time (UTC+8 all year), as domain/labels.zh.ts beijingTime writes them.
const beijing = (iso) => (iso ? `${new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} 北京时间` : '—');
// A day-based deadline ends at 24:00 of its last day (民法典 201, 203): say so, not "00:00 the next day".
const due = (iso) => {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if ((ms + 8 * 3600_000) % 86_400_000 !== 0) return beijing(iso);
  return `${new Date(ms - 1 + 8 * 3600_000).toISOString().slice(0, 10)} 24:00 北京时间`;
};
const card = (status) =>
  el(
    'span',
    { class: `card ${(STATUS[status] ?? ['', 'grey'])[1]}`, 'data-status': status },
    CARDS[status] ? `${CARDS[status]} ${STATUS[status][0]}` : (STATUS[status] ?? [status])[0],
  );

/**
 * The card is the clock's (issue 28): red at the deadline's instant, yellow at the policy's share.
 * Until the procedure has recorded that pass (its reminders and escalation), the row says so.
 */
const pendingMark = (i) =>
  i.pending ? el('div', { class: 'pending', title: '期限已到，提醒和督办正在发出，程序尚未记录' }, '提醒发送中') : undefined;

/** A refusal in Chinese: the API's own words (detailZh), else the page's by status; never the English detail. */
const PAGE_ERRORS = {
  401: '登录已过期，请重新登录。',
  403: '您无权查看此内容。',
  404: '未找到该程序，或其不在您的可见范围内。',
};
async function api(path) {
  let res;
  try {
    res = await fetch(path, { headers: authHeaders() });
  } catch {
    throw new Error('无法连接服务器，请检查网络后重试。');
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) throw Object.assign(new Error(PAGE_ERRORS[401]), { signedOut: true });
  if (!res.ok) throw new Error(body.detailZh ?? PAGE_ERRORS[res.status] ?? '服务器未能完成请求，请稍后再试。');
  return body;
}

/**
 * A procedure's statechart as procedures of `edition` run it (the current rules unless given) and,
 * for a procedure of variants, as `variant` (e.g. the leak's network operator) runs it.
 */
async function graph(kind, edition, variant) {
  const query = new URLSearchParams({ ...(edition ? { edition } : {}), ...(variant ? { variant } : {}) }).toString();
  const key = [kind, edition, variant].filter(Boolean).join(':');
  graphs[key] ??= await api(`/api/machines/${kind}${query ? `?${query}` : ''}`);
  return graphs[key];
}
/** A state's label, from any edition's chart of the kind loaded. */
const stateLabel = (kind, state) =>
  Object.entries(graphs)
    .filter(([k]) => k === kind || k.startsWith(`${kind}:`))
    .map(([, g]) => g.states.find((s) => s.path === state)?.label)
    .find(Boolean) ?? state;

let me;
const ROLES = { 'secrecy-officer': '保密员', 'classification-officer': '定密责任人', head: '负责人', admin: '系统管理员' };
/** Who acted: the party and, where the entry names one, the person with their roles (e.g. the 启动 entry). */
const actorText = (a) =>
  a.person
    ? `${a.name ?? a.id} ${a.person.name}${a.roles?.length ? `（${a.roles.map((r) => ROLES[r]).join('、')}）` : ''}`
    : (a.name ?? a.id);
/** The navigation, the person and the party signed in ("广东省国家保密局 张某（负责人）"), and 退出. */
async function header(signedIn) {
  me = signedIn;
  const here = location.hash.startsWith('#/admin/')
    ? 'admin'
    : (['board', 'history', 'statistics', 'inbox', 'calendar'].find((p) => location.hash.startsWith(`#/${p}`)) ?? 'work');
  who.replaceChildren(
    el(
      'nav',
      { class: 'main-nav', 'aria-label': '主导航' },
      el('a', { href: '#/work', id: 'nav-work', ...(here === 'work' ? { 'aria-current': 'page' } : {}) }, '工作台'),
      el('a', { href: '#/board', id: 'nav-board', ...(here === 'board' ? { 'aria-current': 'page' } : {}) }, '期限看板'),
      el('a', { href: '#/history', id: 'nav-history', ...(here === 'history' ? { 'aria-current': 'page' } : {}) }, '历史'),
      el('a', { href: '#/statistics', id: 'nav-statistics', ...(here === 'statistics' ? { 'aria-current': 'page' } : {}) }, '统计'),
      el('a', { href: '#/inbox', id: 'nav-inbox', ...(here === 'inbox' ? { 'aria-current': 'page' } : {}) }, '收件箱'),
      el('a', { href: '#/calendar', id: 'nav-calendar', ...(here === 'calendar' ? { 'aria-current': 'page' } : {}) }, '日历订阅'),
      me.roles?.includes('admin')
        ? el(
            'a',
            { href: '#/admin/calendar', id: 'nav-admin-calendar', ...(here === 'admin' ? { 'aria-current': 'page' } : {}) },
            '日历更新预览',
          )
        : undefined,
    ),
    el('span', { id: 'me' }, me.label),
    el(
      'button',
      {
        id: 'signout',
        onclick: async () => {
          // Signed out on purpose: no 登录已过期 notice, nothing kept.
          me = undefined;
          if (!(await signOut())) route();
        },
      },
      '退出',
    ),
  );
  names ??= new Map(
    [...(await api('/api/registry/authorities')), ...(await api('/api/registry/organs?view=directory'))].map((p) => [p.id, p.name]),
  );
  regions ??= await api('/api/registry/regions');
  organs ??= await api('/api/registry/organs?view=directory');
}

const regionName = (code) => regionNameIn(regions, code);

/** A case as people tell it apart: its reference and title beside the kind. */
const headlineText = (i) => [i.reference, i.title].filter(Boolean).join(' ');

const filters = { kind: '', tier: '', region: '', organ: '', status: '', cursor: '' };
/** What the person typed in the name filters, and why a name found nothing (the filter then not applied). */
const typed = { region: '', organ: '' };
let filterError;

/** Someone is typing in a field of the page (a refresh must not replace it under their fingers). */
const typing = () => document.activeElement?.tagName === 'INPUT' && app.contains(document.activeElement);

/** The 已办结 pages before this one (their cursors). */
const closedCursors = [];
/**
 * 已办结 on the board: closed procedures from the case file (GET /api/history), with the board's
 * filters, as board rows: closed when, the outcome, and whether a step was late.
 */
async function closedPage() {
  const { status: _, cursor, ...rest } = filters;
  if (!cursor) closedCursors.length = 0;
  const q = new URLSearchParams([
    ...Object.entries(rest).filter(([, v]) => v),
    ['status', 'closed'],
    ...(cursor ? [['cursor', cursor]] : []),
  ]);
  const r = await api(`/api/history?${q}`);
  const items = r.items.map((i) => ({ ...i, deadlineStatus: 'closed', responsible: i.organ, nextDeadline: i.closedAt }));
  return { items, ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}), refreshedAt: new Date().toISOString() };
}

/** The number of the board's latest load: an earlier one answering later (other filters) is dropped. */
let boardLoads = 0;

/** The board; a background refresh that finds someone typing by the time its answer arrives leaves the page as it is. */
async function board(background = false) {
  const load = ++boardLoads;
  const typedBefore = fieldInFocus(app);
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const closedMode = filters.status === 'closed';
  const [overview, page] = await Promise.all([
    api('/api/dashboard/overview'),
    closedMode ? closedPage() : api(`/api/dashboard/board?${q}`),
  ]);
  labels = overview.labels;
  await Promise.all(Object.keys(labels).map((k) => graph(k)));
  // Filters changed while this load was under way: the later load draws the board, not this one.
  if (load !== boardLoads) return;
  if (background && typing()) return;
  document.title = closedMode ? '期限看板：已办结 · 保密法定程序' : `期限看板（${page.total} 件） · 保密法定程序`;
  const overviewTable = (rows, key, name) =>
    el(
      'table',
      { id: `overview-${key}` },
      thead([name, '进行中', '即将超期', '已超期', '已办结']),
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, key === 'kind' ? labels[r.kind] : TIERS[r.tier]),
            el('td', { class: 'num' }, r.open),
            el('td', { class: 'num' }, r.dueSoon),
            el('td', { class: 'num overdue' }, r.overdue),
            el('td', { class: 'num' }, r.closed),
          ),
        ),
      ),
    );
  const select = (name, options) =>
    el(
      'label',
      {},
      name === 'kind' ? '程序' : name === 'tier' ? '层级' : '状态',
      el(
        'select',
        {
          name,
          onchange: (e) => {
            filters[name] = e.target.value;
            filters.cursor = '';
            board();
          },
        },
        el('option', { value: '' }, '全部'),
        Object.entries(options).map(([v, t]) => {
          const o = el('option', { value: v }, t);
          if (filters[name] === v) o.selected = true;
          return o;
        }),
      ),
    );
  // A name picker: type a name (the list offers the registry's), the board filters by its code.
  const picker = (name, label, what, options) =>
    namePicker({
      name,
      label,
      what,
      options,
      value: typed[name],
      onPick: ({ text, code, error }) => {
        typed[name] = text;
        filterError = error;
        if (!error) filters[name] = code;
        filters.cursor = '';
        board();
      },
    });
  /** The overdue step by name: 逐级报至国家保密行政管理部门 已超期 3 小时. */
  const step = (i) =>
    i.deadlineLabel && (i.timeLeft?.value < 0 || i.deadlineStatus === 'overdue') ? `${i.deadlineLabel.replace(/（[^）]*）$/, '')} ` : '';
  replaceKeepingTyping(
    app,
    typedBefore,
    el(
      'section',
      {},
      el('h2', {}, '概览'),
      el('div', { class: 'grid2' }, overviewTable(overview.byKind, 'kind', '程序'), overviewTable(overview.byTier, 'tier', '责任层级')),
      overview.deliveryFailures
        ? el(
            'p',
            { class: 'error', id: 'delivery-failures' },
            `通知渠道故障：${overview.deliveryFailures} 件程序的提醒未能送达，已逐级督办。`,
          )
        : undefined,
    ),
    el(
      'section',
      {},
      el('h2', {}, closedMode ? '期限看板：已办结（案卷中，按启动时间倒序）' : `期限看板（按下一期限排序，共 ${page.total} 件）`),
      el(
        'div',
        { class: 'filters' },
        select('kind', labels),
        select('tier', Object.fromEntries(Object.entries(TIERS).filter(([k]) => k !== 'none'))),
        picker(
          'region',
          '地区',
          '地区',
          regions.map((r) => ({ value: r.code, text: r.name })),
        ),
        picker(
          'organ',
          '发起的机关、单位',
          '机关、单位',
          organs.map((o) => ({ value: o.id, text: o.name })),
        ),
        select('status', { overdue: '已超期', due_soon: '即将超期', on_track: '进行中', suspended: '中止计时', closed: '已办结' }),
      ),
      filterError ? el('p', { class: 'error', id: 'filter-error', role: 'alert' }, `未筛选：${filterError}`) : undefined,
      el('p', { class: 'legend' }, LEGEND),
      el(
        'table',
        { id: 'board', hidden: !!filterError },
        thead(
          closedMode
            ? ['状态', '程序', '办结结果', '发起的机关、单位', '层级', '地区', '办结时间（北京时间）', '期限情况']
            : ['状态', '程序', '当前步骤', '责任方', '层级', '地区', '期限届满（北京时间）', '剩余 / 超期'],
        ),
        el(
          'tbody',
          {},
          page.items.map((i) =>
            el(
              'tr',
              {
                class: 'row',
                'data-id': i.id,
                'data-status': i.deadlineStatus,
                tabindex: 0,
                onclick: () => {
                  location.hash = `#/p/${i.id}`;
                },
                onkeydown: (e) => {
                  if (e.key === 'Enter') location.hash = `#/p/${i.id}`;
                },
              },
              el(
                'td',
                {},
                card(i.deadlineStatus),
                pendingMark(i),
                // 异常 (SPEC §4a): its run was reset or ended from outside; its duties are shown from the case file.
                i.anomaly ? el('div', { class: 'error anomaly' }, '异常：运行被外部终止或回退') : undefined,
              ),
              el('td', {}, labels[i.kind] ?? '', headlineText(i) ? el('div', { class: 'headline' }, headlineText(i)) : undefined),
              el('td', {}, closedMode ? i.stateLabel : stateLabel(i.kind, i.state)),
              el('td', {}, names.get(i.responsible) ?? ''),
              el('td', {}, TIERS[i.tier] ?? ''),
              el('td', {}, regionName(i.region)),
              el(
                'td',
                {},
                due(i.nextDeadline),
                i.provisional && i.deadlineRule !== 'hours' ? el('span', { class: 'policy' }, '（暂定）') : undefined,
              ),
              el(
                'td',
                {},
                closedMode
                  ? i.late
                    ? el('span', { class: 'overdue' }, '有步骤逾期')
                    : '各步骤均按期'
                  : [step(i), left(i.timeLeft, i.deadlineStatus)],
              ),
            ),
          ),
        ),
      ),
      el(
        'nav',
        {},
        filters.cursor
          ? el(
              'button',
              {
                onclick: () => {
                  filters.cursor = closedMode
                    ? (closedCursors.pop(), closedCursors.at(-1) ?? '')
                    : String(Math.max(0, Number(filters.cursor) - 50));
                  board();
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
                  if (closedMode) closedCursors.push(page.nextCursor);
                  filters.cursor = page.nextCursor;
                  board();
                },
              },
              '下一页',
            )
          : undefined,
        el('span', { class: 'muted' }, ` 数据更新于 ${beijing(page.refreshedAt)}`),
      ),
    ),
  );
}

/** What the 历史 and 统计 pages draw with: the API, kind labels, names, statecharts. */
async function reportContext() {
  if (!Object.keys(labels).length) labels = (await api('/api/dashboard/overview')).labels;
  return { api, labels, names, regions, organs, graph, regionName, beijing, failed: (e) => failed(e.message) };
}

async function procedure(id) {
  const v = await api(`/api/procedures/${id}`);
  const forms = await formsData();
  // A procedure of variants (the leak's organ or network operator): the chart of the variant chosen at the start.
  const variants = forms.procedures[v.kind].variants;
  const g = await graph(v.kind, v.context.edition, variants ? v.context[variants.field] : undefined);
  const chart = el('div', { id: 'statechart' });
  // One row a step: a step taken again (each tier of a relay) shows its latest instance, the earlier ones beside it.
  const kept = v.deadlines.filter((d) => d.status !== 'superseded');
  const running = kept.filter((d) => d === kept.findLast((x) => x.specId === d.specId));
  const earlier = (d) => kept.filter((x) => x.specId === d.specId && x !== d);
  // A basis in the statute's words: the API sends the text beside each machine-readable basis.
  const cite = (basis) => (basis ? (v.citations?.[basis] ?? basis) : '');
  const headline = headlineText(v.headline);
  // The heading follows the state: the steps still open (a parallel state's finished regions left out); a closed case says if any step was late.
  const late = v.deadlines.some((d) => d.status === 'met_late' || d.status === 'lapsed');
  const open = v.activeStates.filter((p) => g.states.find((s) => s.path === p)?.type !== 'final');
  const heading = v.closed
    ? `已办结${late ? '（有步骤逾期）' : '（各步骤均按期）'}`
    : open.map((p) => stateLabel(v.kind, p)).join('、') || v.stateLabel;
  document.title = `${v.label}${headline ? ` ${headline}` : ''} · 保密法定程序`;
  app.replaceChildren(
    el('p', {}, el('a', { href: '#/work' }, '← 返回工作台'), ' · ', el('a', { href: '#/board' }, '期限看板')),
    el('div', { id: 'flash-slot' }, takeFlash()),
    el(
      'h2',
      { id: 'case-title', class: 'page-title' },
      `${v.label}${headline ? `：${headline}` : ''}`,
      el('span', { class: 'case-headline', id: 'case-state' }, ` —— ${heading}`),
    ),
    // 异常: the case file's check found the run rewound, ended from outside or its record changed.
    el(
      'div',
      { id: 'case-alerts' },
      v.anomaly ? el('p', { class: 'error', id: 'anomaly', role: 'alert' }, `异常：${v.anomaly.kindsText.join('；')}`) : undefined,
      v.archived ? el('p', { class: 'muted', id: 'archived' }, '本程序已办结，以下内容取自案卷。') : undefined,
    ),
    printButton(v.id),
    caseInfo(v, { forms, names, beijing, due, card }),
    // The actions before the chart: on a phone what the person must do comes first.
    await actions(v),
    el(
      'section',
      {},
      el('h2', {}, `状态：${heading}`),
      el(
        'p',
        { class: 'muted' },
        `程序编号 ${v.id} · 依据 ${v.basisText ?? v.basis}${v.responsible ? ` · 当前责任方：${v.responsible.name}` : ''}`,
      ),
      v.context.interim
        ? el(
            'p',
            { id: 'interim' },
            `临时保护：按主张密级中的最高密级（${LEVELS[v.context.interim.level]}）采取保密措施（《实施条例》第二十六条第三款），保密期限${termText(v.context.interim)}（最长主张期限，本地策略）`,
          )
        : undefined,
      !v.context.interim && v.context.inForce
        ? el(
            'p',
            { id: 'in-force' },
            `现行决定（${v.context.inForce.on}，${cite(v.context.inForce.basis)}）：${v.context.inForce.determination.outcome === 'not-secret' ? '不属于国家秘密' : `${LEVELS[v.context.inForce.determination.classification.level]}，保密期限${termText(v.context.inForce.determination.classification)}`}`,
          )
        : undefined,
      v.context.route
        ? el('p', { id: 'route', class: 'muted' }, `报送路径：${v.context.route.reason}（${cite(v.context.route.basis)}）`)
        : undefined,
      // The authorities' own late steps (Regs 72; Law 61), judged by when each was really taken.
      v.authorityLate?.length
        ? el(
            'ul',
            { id: 'authority-late' },
            v.authorityLate.map((f) =>
              el(
                'li',
                {},
                `${f.authority.name}逾期${f.takenAt ? `办理（${beijing(f.takenAt)}）` : '未办'}：${f.label}（届满 ${beijing(f.dueAt)}${f.policy ? '，期限为本地策略' : ''}）；${f.consequences.map((c) => `${c.basisText ?? c.basis}：${c.consequence}`).join('；')}；${f.reading}`,
              ),
            ),
          )
        : undefined,
      chart,
    ),
    el(
      'section',
      {},
      el('h2', {}, '期限'),
      el(
        'table',
        { id: 'deadlines' },
        thead(['期限', '规则', '依据', '起算', '届满（北京时间）', '状态', '说明']),
        el(
          'tbody',
          {},
          running.map((d) =>
            el(
              'tr',
              {},
              el('td', {}, d.label, d.policy ? el('div', { class: 'policy' }, '本地策略') : undefined),
              el('td', {}, `${d.n} ${RULES[d.rule]}`),
              el('td', {}, d.basisText ?? d.basis),
              el('td', {}, d.rule === 'hours' ? beijing(d.from) : d.from),
              el(
                'td',
                {},
                due(d.dueAt),
                d.provisional && d.rule !== 'hours' ? el('div', { class: 'policy' }, '暂定（涉及尚未公布放假安排的年份）') : undefined,
              ),
              el(
                'td',
                {},
                card(d.currentStatus),
                d.lateEntry && !d.lateEntry.confirmed ? el('div', { class: 'policy' }, '逾期录入、待确认') : undefined,
                d.lateEntry?.confirmed ? el('div', { class: 'muted' }, `逾期录入，已由${d.lateEntry.confirmedBy}确认`) : undefined,
              ),
              el(
                'td',
                {},
                earlier(d).map((x) => el('div', { class: 'muted' }, `此前一次：${x.responsible.name}（${STATUS[x.status]?.[0] ?? ''}）`)),
                d.extensions.map((x) => el('div', {}, `延长 ${x.days} 日${x.approver ? `（${x.approver}批准）` : ''}`)),
                d.suspensions.map((s) => el('div', {}, `中止 ${s.from} 至 ${s.to}${s.reason ? `：${s.reason}` : ''}`)),
                d.explanation?.skipped.length
                  ? el(
                      'details',
                      { 'data-key': d.key },
                      el('summary', {}, `跳过 ${d.explanation.skipped.length} 日`),
                      el(
                        'ul',
                        {},
                        d.explanation.skipped.map((s) => el('li', {}, `${s.date} ${s.reason}`)),
                      ),
                    )
                  : undefined,
              ),
            ),
          ),
        ),
      ),
    ),
    el(
      'section',
      {},
      el('h2', {}, '时间线'),
      el(
        'table',
        { id: 'timeline' },
        thead(['时间（北京时间）', '类型', '操作人', '内容', '依据']),
        el(
          'tbody',
          {},
          v.audit.map((a) =>
            el(
              'tr',
              { 'data-kind': a.kind },
              el(
                'td',
                {},
                a.occurredAt ? [el('div', {}, `发生 ${beijing(a.occurredAt)}`), el('div', {}, `录入 ${beijing(a.at)}`)] : beijing(a.at),
              ),
              el('td', {}, a.kindText ?? a.kind),
              // The person's stable id beside the name (a name is only what was claimed).
              el('td', {}, [
                a.by ?? actorText(a.actor),
                ...(a.actor.person ? [el('div', { class: 'muted' }, `身份标识 ${a.actor.person.sub}`)] : []),
              ]),
              el('td', {}, a.summaryText ?? a.summary),
              el('td', {}, a.basisText ?? a.basis ?? ''),
            ),
          ),
        ),
      ),
    ),
    el(
      'section',
      {},
      el('h2', {}, '通知与送达'),
      el(
        'table',
        { id: 'inbox' },
        thead(['时间（北京时间）', '类型', '内容', '办理人', '收件方', '送达']),
        el(
          'tbody',
          {},
          v.inbox.map((i) =>
            el(
              'tr',
              { 'data-kind': i.kind },
              el('td', {}, beijing(i.at)),
              el('td', {}, i.kindText ?? i.kind),
              el('td', {}, i.subjectText ?? i.subject, i.basisText ? el('div', { class: 'muted' }, `依据：${i.basisText}`) : undefined),
              // Who acted so that it went out (“广东省国家保密局 张某（负责人）”); reminders and escalations: the system.
              el('td', { class: 'by' }, i.byText ?? '系统（期限提醒、督办）'),
              el('td', {}, i.recipients.map((r) => `${r.party.name}（${r.contact.name}）`).join('、')),
              el(
                'td',
                {},
                i.deliveries.length
                  ? i.deliveries
                      .map(
                        (d) =>
                          `${d.channel === 'webhook' ? 'Webhook' : '邮件'}：${{ delivered: '已送达', failed: '失败', pending: '发送中' }[d.status]}`,
                      )
                      .join('；')
                  : '看板收件箱',
              ),
            ),
          ),
        ),
      ),
    ),
  );
  renderStatechart(chart, g, v.activeStates, v.label, v.id);
}

/** Re-renders without closing the <details> the user opened. */
async function keepingOpenDetails(render) {
  const open = new Set([...app.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  await render();
  for (const d of app.querySelectorAll('details[data-key]')) d.open = open.has(d.dataset.key);
}

/** Time left, or how long overdue; a row red at its deadline's very instant says 已届满 rather than 剩余 0 (issue 28). */
const left = (t, status) => {
  if (!t) return '—';
  if (t.value < 0) return el('span', { class: 'overdue' }, `已超期 ${-t.value} ${UNITS[t.unit]}`);
  return status === 'overdue' ? el('span', { class: 'overdue' }, '已届满') : `剩余 ${t.value} ${UNITS[t.unit]}`;
};
initWorkbench({
  api,
  card,
  pendingMark,
  due,
  beijing,
  left,
  graph,
  stateLabel,
  refresh: () => route(true),
  signedOut: () => route(true),
  headline: headlineText,
  legend: LEGEND,
  get me() {
    return me;
  },
  get names() {
    return names;
  },
});

/** Why the sign-in page shows: the session ended under a page (and whether a form was kept). */
let signInNotice;
/** Counts navigations: an answer that arrives after the person went elsewhere is dropped. */
let navigation = 0;

/** A load that failed: the page's content replaced by the reason in Chinese (not piled up, not carried to the next page). */
function failed(message) {
  document.title = '加载失败 · 保密法定程序';
  app.replaceChildren(
    el('p', { class: 'error', id: 'load-error', role: 'alert' }, `加载失败：${message}`),
    el('p', {}, el('a', { href: '#/work' }, '返回工作台'), ' · ', el('a', { href: '#/board' }, '期限看板')),
  );
}

async function route(force = false) {
  clearTimeout(timer);
  const nav = navigation;
  let signedIn;
  try {
    signedIn = await whoAmI();
  } catch (e) {
    failed(e.message);
    timer = setTimeout(route, REFRESH_MS);
    return;
  }
  if (!signedIn) {
    // Signed out under a page: keep what was being filled in, and say so.
    if (me && !signInNotice)
      signInNotice = keepDraft() ? '登录已过期，请重新登录。您填写的内容已保存，登录后将自动恢复。' : '登录已过期，请重新登录。';
    me = undefined;
    document.title = '登录 · 保密法定程序';
    return renderSignIn(
      app,
      who,
      () => {
        names = undefined;
        signInNotice = undefined;
        // Back to the page the kept form was on, if the sign-in came back elsewhere.
        const back = draftHash();
        if (back && back !== location.hash) location.hash = back;
        else route(true);
      },
      signInNotice,
    );
  }
  const h = location.hash;
  const m = h.match(/^#\/p\/(.+)$/);
  const start = h.match(/^#\/start\/([a-z-]+)$/);
  const report = h.startsWith('#/history') ? historyPage : h.startsWith('#/statistics') ? statisticsPage : undefined;
  // No refresh under the fingers of someone typing a filter or filling in a form: the page follows when they are done.
  // A navigation (force) always renders the page navigated to.
  const typingNow = !force && typing();
  const filling = !force && !!app.querySelector('form.wb-form');
  try {
    await header(signedIn);
    if (start) {
      if (!app.querySelector('#start form') || force) await startPage(app, start[1]);
    } else if (h === '#/calendar') {
      // The URL just issued stays on the page until the person leaves it: no refresh in the background.
      if (!app.querySelector('#calendar-page') || force) await calendarPage(app, { api, beijing, refresh: () => route(true) });
    } else if (h.startsWith('#/inbox')) {
      if (!typingNow) await inboxPage(app, { api, beijing, refresh: () => route(true) });
    } else if (!typingNow && !filling)
      await keepingOpenDetails(() =>
        m
          ? procedure(decodeURIComponent(m[1]))
          : h.startsWith('#/board')
            ? board(!force)
            : report
              ? // 历史 and 统计 are drawn when navigated to, not under the person refining their filters.
                (force || !app.querySelector(report === historyPage ? '#history' : '#statistics')) &&
                reportContext().then((c) => report(app, c))
              : h === '#/admin/calendar'
                ? calendarPreviewPage(app, api, due)
                : workbench(app),
      );
  } catch (e) {
    if (e.signedOut) return route();
    if (nav === navigation) failed(e.message);
  }
  timer = setTimeout(route, REFRESH_MS);
}

window.addEventListener('hashchange', () => {
  navigation++;
  route(true);
});
route();
