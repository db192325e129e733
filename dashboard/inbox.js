// 收件箱 and 日历订阅 (issue 27): the party's messages with this person's read state, and the
// person's secret calendar URL (shown once, revocable).
import { el, thead } from './dom.js';
import { authHeaders } from './login.js';

async function send(method, path) {
  const res = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detailZh ?? '服务器未能完成请求，请稍后再试。');
  return body;
}

/** A refusal shown on the page, in the API's Chinese words. */
const showError = (app, e) => {
  const p = app.querySelector('p.page-error');
  if (p) p.textContent = e.message;
};
const errorLine = () => el('p', { class: 'error page-error', role: 'alert' });

/** The case as people name it: the procedure, its reference and title (never its code). */
const caseText = (m) => [m.procedureLabel, m.reference, m.title && `「${m.title}」`].filter(Boolean).join(' ');

/** Pages already shown (更早的消息): kept across the page's refreshes. */
let shown = { unreadOnly: false, cursors: [undefined] };

/** The 收件箱: newest first, unread in bold, each linked to its case; 标为已读 per message. */
export async function inboxPage(app, d) {
  const unreadOnly = location.hash === '#/inbox/unread';
  if (shown.unreadOnly !== unreadOnly) shown = { unreadOnly, cursors: [undefined] };
  const pages = await Promise.all(
    shown.cursors.map((c) => d.api(`/api/inbox?pageSize=50${unreadOnly ? '&unread=true' : ''}${c ? `&cursor=${c}` : ''}`)),
  );
  const items = pages.flatMap((p) => p.items);
  const { unread } = pages[0];
  const next = pages.at(-1).nextCursor;
  document.title = `收件箱（未读 ${unread} 条） · 保密法定程序`;
  const mark = async (m) => {
    await send('POST', `/api/inbox/${m.id}/read`);
    d.refresh();
  };
  app.replaceChildren(
    el(
      'section',
      { 'aria-labelledby': 'h-inbox', id: 'inbox-page' },
      el('h2', { id: 'h-inbox' }, `收件箱（未读 ${unread} 条）`),
      el(
        'p',
        { class: 'muted' },
        '发给本单位的通知、提醒和逐级督办，新的在前；已读、未读按本人记录。案件记录长期保存，程序办结多年后仍可查阅。',
      ),
      errorLine(),
      el(
        'nav',
        { class: 'filters', 'aria-label': '筛选' },
        el('a', { href: '#/inbox', ...(unreadOnly ? {} : { 'aria-current': 'page' }) }, '全部'),
        ' · ',
        el('a', { href: '#/inbox/unread', id: 'only-unread', ...(unreadOnly ? { 'aria-current': 'page' } : {}) }, '仅未读'),
      ),
      items.length
        ? el(
            'table',
            { id: 'inbox-list' },
            thead(['时间', '类别', '案件', '内容', '依据', '状态']),
            el(
              'tbody',
              {},
              items.map((m) =>
                el(
                  'tr',
                  { class: m.read ? 'read' : 'unread', 'data-id': m.id },
                  el('td', {}, d.beijing(m.at)),
                  el('td', {}, m.typeText),
                  el('td', {}, el('a', { href: `#/p/${encodeURIComponent(m.procedureId)}` }, caseText(m))),
                  el('td', {}, m.subjectText, m.byText ? el('div', { class: 'muted' }, `经办：${m.byText}`) : undefined),
                  el('td', {}, m.basisText ?? '—'),
                  el(
                    'td',
                    {},
                    m.read
                      ? el('span', { class: 'muted' }, `已读（${d.beijing(m.readAt)}）`)
                      : el('button', { class: 'mark-read', onclick: () => mark(m).catch((e) => showError(app, e)) }, '标为已读'),
                  ),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted', id: 'inbox-empty' }, unreadOnly ? '没有未读消息。' : '收件箱中还没有消息。'),
      next
        ? el(
            'button',
            {
              id: 'inbox-more',
              onclick: () => {
                shown.cursors.push(next);
                d.refresh();
              },
            },
            '更早的消息',
          )
        : undefined,
    ),
  );
}

/** The URL issued in this page view: shown once, gone when the page is left. */
let issued;

/** 日历订阅: whether the person's feed URL is active; issue (shown once), re-issue, revoke. */
export async function calendarPage(app, d) {
  const s = await d.api('/api/calendar/subscription');
  document.title = '日历订阅 · 保密法定程序';
  const act = async (method) => {
    try {
      const r = await send(method, '/api/calendar/subscription');
      issued = r.url;
      d.refresh();
    } catch (e) {
      showError(app, e);
    }
  };
  const url = issued;
  issued = undefined;
  app.replaceChildren(
    el(
      'section',
      { 'aria-labelledby': 'h-cal', id: 'calendar-page' },
      el('h2', { id: 'h-cal' }, '日历订阅'),
      el(
        'p',
        {},
        '在 Outlook、WPS 日历或手机日历中订阅本单位参与的未办结程序的各项期限：每项期限为一个日程（按日计算的期限为届满日当天的全天日程，按小时计算的为届满时刻），提醒时点为日程提醒。期限因延长、中止或日历更新而变动时，日程随之更新（日历软件每小时左右拉取一次）。',
      ),
      el(
        'p',
        { class: 'muted' },
        '日程只写程序类别、案件编号和（非涉密）事项名称、期限环节、法条依据、办理单位和届满时间，不写事件概况、补救措施、理由、意见等任何案件内容。订阅地址即凭证，不需要登录：请勿转发；遗失或调岗时请作废。',
      ),
      url
        ? el(
            'div',
            { id: 'feed-url', class: 'notice', role: 'status' },
            el('p', {}, el('strong', {}, '订阅地址已生成，仅此一次显示，请立即复制到日历软件中：')),
            el('input', { id: 'feed-url-text', readonly: true, value: url, size: 90, 'aria-label': '订阅地址' }),
            ' ',
            el('button', { id: 'feed-copy', onclick: () => navigator.clipboard?.writeText(url) }, '复制'),
            el(
              'p',
              { class: 'muted' },
              'Outlook：添加日历 → 从 Internet 订阅；WPS 日历：订阅日历 → 网络日历；iPhone：设置 → 日历 → 账户 → 添加已订阅的日历；也可点击 ',
              el('a', { href: url.replace(/^https?:/, 'webcal:') }, 'webcal 链接'),
              '。',
            ),
          )
        : undefined,
      el(
        'p',
        { id: 'feed-status' },
        s.active
          ? `当前订阅地址有效：生成于 ${d.beijing(s.createdAt)}${s.lastFetchedAt ? `，最近一次被日历软件拉取于 ${d.beijing(s.lastFetchedAt)}` : '，尚未被拉取'}。`
          : '您目前没有有效的订阅地址。',
      ),
      errorLine(),
      el(
        'p',
        {},
        el('button', { id: 'feed-issue', onclick: () => act('POST') }, s.active ? '重新生成（原地址随即作废）' : '生成订阅地址'),
        ' ',
        s.active ? el('button', { id: 'feed-revoke', onclick: () => act('DELETE') }, '作废订阅地址') : undefined,
      ),
    ),
  );
}
