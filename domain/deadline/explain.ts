import type { WorkCalendar } from '../calendar/work-calendar.js';
import { dayOf, dateOf, weekdayOf } from '../time.js';
import { RULE_LABELS, WEEKDAY_LABELS } from '../labels.zh.js';
import type { Deadline } from './types.js';

export interface SkippedDay {
  date: string;
  reason: string;
}

export interface Explanation {
  lines: string[];
  /** Days not counted (working-day rule) or rolled over (民法典 203), each with its reason. */
  skipped: SkippedDay[];
}

/** Explains a deadline for people: rule, basis, the days skipped and why. */
export function explainDeadline(cal: WorkCalendar, d: Deadline): Explanation {
  const lines = [
    `规则：${RULE_LABELS[d.rule]}，${d.n}${d.rule === 'hours' ? '小时' : ''}${d.basis ? `（依据：${d.basis}）` : ''}`,
    `起算：${d.from}${d.rule === 'hours' ? '' : '（当日不计入，民法典第二百零一条）'}`,
  ];
  for (const e of d.extensions)
    lines.push(
      `延长：${e.days}${d.rule === 'working-days' ? '个工作日' : '日'}${e.approver ? `，批准：${e.approver}` : ''}${e.reason ? `，理由：${e.reason}` : ''}`,
    );
  for (const s of d.suspensions) lines.push(`中止（不计入期限）：${s.from} 至 ${s.to}${s.reason ? `，理由：${s.reason}` : ''}`);
  const skipped: SkippedDay[] = [];
  if (d.lastDay) {
    const start = dayOf(d.from);
    const last = dayOf(d.lastDay);
    if (d.rule === 'working-days') {
      for (let day = start + 1; day < last; day++) {
        if (!cal.isWorkingDay(day)) skipped.push({ date: dateOf(day), reason: reasonOf(cal, day) });
      }
    } else if (d.nominalLastDay) {
      const nominal = dayOf(d.nominalLastDay);
      for (let day = nominal; day < last; day++) {
        skipped.push({
          date: dateOf(day),
          reason: `${reasonOf(cal, day)}：法定休假日，期间的最后一日顺延至其结束的次日（民法典第二百零三条）`,
        });
      }
    }
    lines.push(`期限届满：${d.lastDay} 24:00（北京时间）${d.fixedEnd ? '（机关确定的终止日期，不适用民法典第二百零三条顺延）' : ''}`);
  } else {
    lines.push(`期限届满：${d.dueAt}（按小时精确计算，不顺延）`);
  }
  if (skipped.length)
    lines.push(
      `跳过 ${skipped.length} 日：${skipped
        .slice(0, 12)
        .map((s) => `${s.date} ${s.reason}`)
        .join('；')}${skipped.length > 12 ? ' …' : ''}`,
    );
  lines.push(`日历版本：${d.calendarVersion}${d.provisional ? '；暂定（涉及尚未公布放假安排的年份，仅按周末计算）' : ''}`);
  return { lines, skipped };
}

function reasonOf(cal: WorkCalendar, day: number): string {
  const info = cal.describe(day);
  if (info.kind === 'holiday') return `法定节假日（${info.name}）`;
  return `休息日（${WEEKDAY_LABELS[weekdayOf(day)]}）`;
}

/** The weekend days worked by the State Council's notice (调休上班) that a working-day period counted. */
export function makeupDaysCounted(cal: WorkCalendar, d: Deadline): SkippedDay[] {
  if (d.rule !== 'working-days' || !d.lastDay) return [];
  const out: SkippedDay[] = [];
  for (let day = dayOf(d.from) + 1; day <= dayOf(d.lastDay); day++) {
    const info = cal.describe(day);
    if (info.kind === 'makeup-workday')
      out.push({ date: dateOf(day), reason: `调休上班日（${info.name ?? WEEKDAY_LABELS[weekdayOf(day)]}），计为工作日` });
  }
  return out;
}
