/** Chinese display strings, each statute term beside its article. */
import type { Rule } from './deadline/types.js';

export const RULE_LABELS: Record<Rule, string> = {
  'working-days': '工作日（不含法定节假日，含调休上班日）',
  'calendar-days': '日（自然日，期间最后一日为休息日的顺延，民法典第二百零三条）',
  months: '月（到期月的对应日，民法典第二百零二条）',
  years: '年（到期年的对应日，民法典第二百零二条）',
  hours: '小时（自记录时刻起精确计算，民法典第二百零一条第二款）',
};

export const WEEKDAY_LABELS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 密级 (Law 14). */
export const LEVEL_LABELS = { 'top-secret': '绝密', secret: '机密', confidential: '秘密' } as const;

export const STATUS_LABELS = {
  on_track: '进行中',
  due_soon: '即将超期',
  overdue: '已超期',
  met: '按期办结',
  met_late: '逾期办结',
} as const;

export const LOCAL_POLICY_LABEL = '本地策略 (local policy)';
