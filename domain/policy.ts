import { z } from 'zod';
import { matching } from './matching.js';

/**
 * Local policy (本地策略): values the statute does not fix (SPEC: "policy"). Each is
 * configurable and is shown as local policy, never as statute.
 */
export const PolicySchema = z.strictObject({
  /** SPEC §2: due soon after this share of the period. */
  dueSoonFraction: z.number().gt(0).lt(1).default(0.8),
  /** SPEC §4: reminders at these shares of the period, at the deadline, then every N hours while overdue. */
  reminderFractions: z.array(z.number().gt(0).lt(1)).default([0.5, 0.8]),
  overdueRepeatHours: z.number().int().min(1).default(24),
  /** Regs 25 para 2 "及时" 备案: working days for the provincial filing. */
  filingWorkingDays: z.number().int().min(1).default(5),
  /** Law 17 para 3 "立即": working days to refer a matter beyond the organ's 定密权限. */
  referralWorkingDays: z.number().int().min(1).default(1),
  /** Regs 26: the original classifier's window before "未予处理" holds (working days). */
  objectionWindowWorkingDays: z.number().int().min(1).default(20),
  /** Regs 26 para 2 gives the authority's determination of an objection no period: working days for its review and for the national review, the classifier's window by default. */
  objectionReviewWorkingDays: z.number().int().min(1).default(20),
  /** Regs 26 para 2: working days for the objector's choice after a decision (accept, or take it further). */
  objectionChoiceWorkingDays: z.number().int().min(1).default(10),
  /** Law 23 para 2 and Regs 21 "及时": working days to notify the 知悉范围 in writing and change or remove the markings after a decision. */
  markingsWorkingDays: z.number().int().min(1).default(5),
  /** Regs 61 para 2: 24 hours end to end from the first local receipt, or per tier. */
  leakRelayReading: z.enum(['end-to-end', 'per-tier']).default('end-to-end'),
  /**
   * Regs 60 "及时": months for the written result, from discovery (editions 2–3) or from the
   * authority's 处理建议 (edition 4) (国家保密局《报告泄露国家秘密事件的规定》
   * 1999 第五条: 3个月, as reported).
   */
  leakResultMonths: z.number().int().min(1).default(3),
  /** Law 34; Regs 39 "立即": hours from discovery for a network operator's report. */
  networkOperatorReportHours: z.number().int().min(1).default(1),
  /** Law 50; Regs 24 "及时": working days from the notice for the organ to correct (定密纠正). */
  correctionWorkingDays: z.number().int().min(1).default(10),
  /** Working days from the correction for the organ to report it to the notifying party (定密纠正; the statute names no report period). */
  correctionReportWorkingDays: z.number().int().min(1).default(5),
  /** Law 47 "及时": hours from a person's finding a leak to the organ's knowing of it (edition 4). */
  leakPersonReportHours: z.number().int().min(1).default(4),
  /** Regs 61 para 1 "立即": hours from the organ's knowledge to its first remedial measures (edition 4). */
  leakRemedyHours: z.number().int().min(1).default(1),
  /**
   * An authority's binding decision (确定, 异议决定, 鉴定结论) is sent by its 负责人, not a 经办人 alone
   * (edition 5; as Regs 63 has the head approve an appraisal's extension): the statute names no signer.
   */
  headSignOff: z.boolean().default(true),
  /**
   * 国家秘密鉴定工作规定 (secondary source): review of an appraisal application, days, counted
   * again from the day amended materials are complete.
   */
  appraisalReviewDays: z.number().int().min(1).default(10),
  /** Same source: re-review of a rejected application, days. */
  rejectionReviewDays: z.number().int().min(1).default(10),
  /** Same source: an expert's reply to a consultation, days, extendable once by agreement. */
  consultationReplyDays: z.number().int().min(1).default(15),
  consultationExtensionDays: z.number().int().min(1).default(15),
  /** Annual self-inspection report due date, MM-DD (2020 资质管理办法 as reported; Regs 48 gives none). */
  annualReportDue: matching(/^\d{2}-\d{2}$/, 'MM-DD').default('03-31'),
  /** Reminders before that due date, days. */
  annualReminderDaysBefore: z.array(z.number().int().min(1)).default([30, 7, 1]),
  /** SPEC §4: attempts to deliver a message on one channel before it is reported down and escalated. */
  deliveryAttempts: z.number().int().min(1).max(50).default(8),
  /** SPEC §2: suspended time counted in calendar days, or as exact duration. */
  suspensionCounting: z.enum(['calendar-days', 'exact']).default('calendar-days'),
  /**
   * Open procedures one party may have started, per kind (the API refuses another, 429): each open
   * procedure fires reminders and escalations. A kind not listed has no cap.
   */
  maxOpenProceduresPerParty: z
    .record(z.string(), z.number().int().min(1))
    .default({ 'unclear-matter': 100, objection: 50, leak: 10, appraisal: 50, 'annual-inspection': 3 }),
  /** Procedures one party may start per hour, all kinds together (every API process counted together, api/start-quota.ts; the API refuses more, 429). */
  startsPerPartyPerHour: z.number().int().min(1).default(120),
});
export type Policy = z.infer<typeof PolicySchema>;
/** Keys of numeric policy values (periods). */
export type PolicyKey = { [K in keyof Policy]: Policy[K] extends number ? K : never }[keyof Policy];
/** Keys of day-list policy values (reminder points). */
export type PolicyListKey = { [K in keyof Policy]: Policy[K] extends number[] ? K : never }[keyof Policy];

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});
