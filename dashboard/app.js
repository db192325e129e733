// The supervisors' dashboard: sign-in (login.js), overview, deadline board, procedure page.
// Chinese first, in the statute's terms. Refreshes by short polling.
import { renderStatechart } from './statechart.js';
import { actions, initWorkbench, startPage, workbench } from './workbench.js';
import { el, thead } from './dom.js';
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
  running: ['计时中', 'green'],
};
const CARDS = { overdue: '红牌', due_soon: '黄牌' };
const TIERS = { national: '国家', provincial: '省级', municipal: '设区的市级', county: '县级', none: '—' };
const UNITS = { 'working-days': '个工作日', days: '日', hours: '小时' };
const LEVELS = { 'top-secret': '绝密', secret: '机密', confidential: '秘密' };
/** 保密期限 (Law 20): years from its start (Regs 19 para 2) to its last day, a date, or a condition. */
const termText = ({ term, since, endsOn }) =>
  term.kind === 'years'
    ? `${term.years}年${since ? `（自${since}起${endsOn ? `，至${endsOn}` : ''}）` : ''}`
    : term.kind === 'until'
      ? `至${term.date}`
      : `至解密条件成就：${term.condition}`;
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

async function api(path) {
  const res = await fetch(path, { headers: authHeaders() });
  const body = await res.json();
  if (res.status === 401) throw Object.assign(new Error(body.detailZh ?? body.detail), { signedOut: true });
  if (!res.ok) throw new Error(body.detailZh ?? body.detail ?? res.statusText);
  return body;
}

async function graph(kind) {
  graphs[kind] ??= await fetch(`/api/machines/${kind}`, { headers: authHeaders() }).then((r) => r.json());
  return graphs[kind];
}
const stateLabel = (kind, state) => graphs[kind]?.states.find((s) => s.path === state)?.label ?? state;

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
  const here = location.hash.startsWith('#/board') ? 'board' : 'work';
  who.replaceChildren(
    el(
      'nav',
      { class: 'main-nav', 'aria-label': '主导航' },
      el('a', { href: '#/work', id: 'nav-work', ...(here === 'work' ? { 'aria-current': 'page' } : {}) }, '工作台'),
      el('a', { href: '#/board', id: 'nav-board', ...(here === 'board' ? { 'aria-current': 'page' } : {}) }, '期限看板'),
    ),
    el('span', { id: 'me' }, me.label),
    el(
      'button',
      {
        id: 'signout',
        onclick: async () => {
          if (!(await signOut())) route();
        },
      },
      '退出',
    ),
  );
  names ??= new Map(
    [...(await api('/api/registry/authorities')), ...(await api('/api/registry/organs?view=directory'))].map((p) => [p.id, p.name]),
  );
}

const filters = { kind: '', tier: '', region: '', organ: '', status: '', cursor: '' };

/** Someone is typing in a field of the page (a refresh must not replace it under their fingers). */
const typing = () => document.activeElement?.tagName === 'INPUT' && app.contains(document.activeElement);

/** The board; a background refresh that finds someone typing by the time its answer arrives leaves the page as it is. */
async function board(background = false) {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const [overview, page] = await Promise.all([api('/api/dashboard/overview'), api(`/api/dashboard/board?${q}`)]);
  labels = overview.labels;
  await Promise.all(Object.keys(labels).map(graph));
  if (background && typing()) return;
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
  const input = (name, label) =>
    el(
      'label',
      {},
      label,
      el('input', {
        name,
        value: filters[name],
        size: 10,
        onchange: (e) => {
          filters[name] = e.target.value.trim();
          filters.cursor = '';
          board();
        },
      }),
    );
  const left = (t) =>
    t ? (t.value < 0 ? el('span', { class: 'overdue' }, `已超期 ${-t.value} ${UNITS[t.unit]}`) : `剩余 ${t.value} ${UNITS[t.unit]}`) : '—';
  app.replaceChildren(
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
      el('h2', {}, `期限看板（按下一期限排序，共 ${page.total} 件）`),
      el(
        'div',
        { class: 'filters' },
        select('kind', labels),
        select('tier', Object.fromEntries(Object.entries(TIERS).filter(([k]) => k !== 'none'))),
        input('region', '地区代码'),
        input('organ', '机关、单位'),
        select('status', { overdue: '已超期', due_soon: '即将超期', on_track: '进行中', suspended: '中止计时' }),
      ),
      el(
        'table',
        { id: 'board' },
        thead(['状态', '程序', '当前步骤', '责任方', '层级', '地区', '期限届满（北京时间）', '剩余 / 超期']),
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
              el('td', {}, card(i.deadlineStatus)),
              el('td', {}, labels[i.kind] ?? i.kind),
              el('td', {}, stateLabel(i.kind, i.state)),
              el('td', {}, names.get(i.responsible) ?? i.responsible),
              el('td', {}, TIERS[i.tier] ?? i.tier),
              el('td', {}, i.region),
              el('td', {}, due(i.nextDeadline), i.provisional ? el('span', { class: 'policy' }, '（暂定）') : undefined),
              el('td', {}, left(i.timeLeft)),
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
                  filters.cursor = String(Math.max(0, Number(filters.cursor) - 50));
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

async function procedure(id) {
  const v = await api(`/api/procedures/${id}`);
  const g = await graph(v.kind);
  const chart = el('div', { id: 'statechart' });
  const running = v.deadlines.filter((d) => d.status !== 'superseded');
  // A basis in the statute's words: the API sends the text beside each machine-readable basis.
  const cite = (basis) => (basis ? (v.citations?.[basis] ?? basis) : '');
  app.replaceChildren(
    el('p', {}, el('a', { href: '#/work' }, '← 返回工作台'), ' · ', el('a', { href: '#/board' }, '期限看板')),
    el(
      'section',
      {},
      el('h2', {}, `${v.label}：${v.stateLabel}`),
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
    await actions(v),
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
              el('td', {}, due(d.dueAt), d.provisional ? el('div', { class: 'policy' }, '暂定（涉及尚未公布放假安排的年份）') : undefined),
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
              el('td', {}, a.by ?? actorText(a.actor)),
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
  renderStatechart(chart, g, v.activeStates, v.label);
}

/** Re-renders without closing the <details> the user opened. */
async function keepingOpenDetails(render) {
  const open = new Set([...app.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  await render();
  for (const d of app.querySelectorAll('details[data-key]')) d.open = open.has(d.dataset.key);
}

const left = (t) =>
  t ? (t.value < 0 ? el('span', { class: 'overdue' }, `已超期 ${-t.value} ${UNITS[t.unit]}`) : `剩余 ${t.value} ${UNITS[t.unit]}`) : '—';
initWorkbench({
  api,
  card,
  due,
  beijing,
  left,
  graph,
  stateLabel,
  refresh: () => route(true),
  get me() {
    return me;
  },
  get names() {
    return names;
  },
});

async function route(force = false) {
  clearTimeout(timer);
  let signedIn;
  try {
    signedIn = await whoAmI();
  } catch (e) {
    app.replaceChildren(el('p', { class: 'error' }, `加载失败：${e.message}`));
    timer = setTimeout(route, REFRESH_MS);
    return;
  }
  if (!signedIn)
    return renderSignIn(app, who, () => {
      names = undefined;
      route();
    });
  const h = location.hash;
  const m = h.match(/^#\/p\/(.+)$/);
  const start = h.match(/^#\/start\/([a-z-]+)$/);
  // No refresh under the fingers of someone typing a filter or filling in a form: the page follows when they are done.
  // A navigation (force) always renders the page navigated to.
  const typingNow = !force && typing();
  const filling = !force && !!app.querySelector('form.wb-form');
  try {
    await header(signedIn);
    if (start) {
      if (!app.querySelector('#start form') || force) await startPage(app, start[1]);
    } else if (!typingNow && !filling)
      await keepingOpenDetails(() => (m ? procedure(decodeURIComponent(m[1])) : h.startsWith('#/board') ? board(!force) : workbench(app)));
  } catch (e) {
    if (e.signedOut) return route();
    app.prepend(el('p', { class: 'error' }, `加载失败：${e.message}`));
  }
  timer = setTimeout(route, REFRESH_MS);
}

window.addEventListener('hashchange', () => route(true));
route();
