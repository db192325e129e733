import { z } from 'zod';

/** 工作日 / 日 / 月 / 年 / 小时 (SPEC §2). */
export const RuleSchema = z.enum(['working-days', 'calendar-days', 'months', 'years', 'hours']);
export type Rule = z.infer<typeof RuleSchema>;

export const SuspensionSchema = z.strictObject({
  from: z.string().describe('中止日 YYYY-MM-DD；精确计时的，为时刻 (suspension date or instant)'),
  to: z.string().describe('恢复日 YYYY-MM-DD；精确计时的，为时刻 (resumption date or instant)'),
  reason: z.string().max(200).optional(),
  approver: z.string().max(100).optional(),
  basis: z.string().max(100).optional(),
});
export type Suspension = z.infer<typeof SuspensionSchema>;

export const ExtensionSchema = z.strictObject({
  days: z.number().int().min(1).max(3650),
  reason: z.string().max(200).optional(),
  approver: z.string().max(100).optional(),
  basis: z.string().max(100).optional(),
});
export type Extension = z.infer<typeof ExtensionSchema>;

export const PeriodRequestSchema = z.strictObject({
  rule: RuleSchema,
  n: z.number().int().min(1).max(36_500),
  from: z.string().describe('起算日 YYYY-MM-DD；按小时计的，为带时区的 ISO 时刻 (start date or instant)'),
  extensions: z.array(ExtensionSchema).default([]),
  suspensions: z.array(SuspensionSchema).default([]),
  /** How many extensions the statute allows; more are refused. */
  maxExtensions: z.number().int().min(0).optional(),
  /** SPEC §2: suspended time counted in calendar days (default) or as exact duration. */
  suspensionCounting: z.enum(['calendar-days', 'exact']).default('calendar-days'),
  /**
   * The last day is a date an authority fixed as the end of a measure (e.g. 暂停涉密业务 until a
   * date), not the last day of a period to act in: 民法典 203's rest-day move does not apply.
   */
  fixedEnd: z.literal(true).optional(),
  basis: z.string().max(100).optional(),
});
export type PeriodRequest = z.input<typeof PeriodRequestSchema>;
export type PeriodRequestParsed = z.output<typeof PeriodRequestSchema>;

/** A computed deadline: what the workflow records in its history. */
export interface Deadline {
  rule: Rule;
  n: number;
  from: string;
  basis?: string;
  /** Last day of the period (Asia/Shanghai), day rules only. */
  lastDay?: string;
  /** Last day before the rest-day move of 民法典 203, when it moved. */
  nominalLastDay?: string;
  /** A date fixed as the end of a measure: not moved (see PeriodRequest.fixedEnd). */
  fixedEnd?: true;
  /** UTC instant; 24:00 Asia/Shanghai of lastDay for day rules. */
  dueAt: string;
  /** When the period starts running: 24:00 of the start day, or the instant for hours. */
  startAt: string;
  /** When the step becomes due soon (policy). */
  dueSoonAt: string;
  /** Reminder instants (SPEC §4): at shares of the period ('50%') or days before it ('-7d'). */
  reminders: Array<{ key: string; at: string }>;
  /** Base + extensions + suspended units, in the rule's unit (days, working days, hours). */
  budget: number;
  provisional: boolean;
  calendarVersion: string;
  extensions: Extension[];
  suspensions: Suspension[];
}

export class DeadlineError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}
