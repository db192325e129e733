// 日历更新预览 (系统管理员): what `npm run recompute-provisional` would move with the calendar in force
// (GET /api/admin/calendar-preview), before anything changes: each open deadline, from and to, the case
// and the party responsible.
import { el, thead } from './dom.js';

export async function calendarPreviewPage(app, api, due) {
  const { calendarVersion, moves } = await api('/api/admin/calendar-preview');
  document.title = '日历更新预览 · 保密法定程序';
  const caseName = (m) => [m.procedureLabel, m.reference, m.title && `「${m.title}」`].filter(Boolean).join(' ');
  app.replaceChildren(
    el('h2', { class: 'page-title' }, '日历更新预览'),
    el(
      'p',
      { class: 'muted' },
      `现行日历版本 ${calendarVersion}。暂定期限（所涉年份的放假安排公布前仅按周末计算）按现行日历重新计算后，下列期限将变更。本页不作任何更改；由系统管理员运行 recompute-provisional 后生效，并逐项记入各程序的审计记录。`,
    ),
    moves.length
      ? el(
          'table',
          { id: 'calendar-moves' },
          thead(['案件', '期限', '责任方', '现期限', '重新计算后', '说明']),
          el(
            'tbody',
            {},
            moves.map((m) =>
              el(
                'tr',
                { 'data-procedure': m.procedureId },
                el('td', {}, el('a', { href: `#/p/${m.procedureId}` }, caseName(m))),
                el('td', {}, m.deadlineLabel),
                el('td', {}, m.responsible.name),
                el('td', {}, due(m.from)),
                el('td', {}, due(m.to)),
                el('td', {}, m.stillProvisional ? '仍为暂定（涉及尚未公布放假安排的年份）' : '不再暂定'),
              ),
            ),
          ),
        )
      : el('p', { id: 'calendar-moves' }, '现行日历不会变更任何进行中的期限。'),
  );
}
