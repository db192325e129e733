import { z } from 'zod';

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
  /** SPEC §4: how many hours after the deadline each further escalation rung fires. */
  escalationIntervalHours: z.number().int().min(1).default(24),
  /** Regs 25 para 2 "及时" 备案: working days for the provincial filing. */
  filingWorkingDays: z.number().int().min(1).default(5),
  /** Law 17 para 3 "立即": working days to refer a matter beyond the organ's 定密权限. */
  referralWorkingDays: z.number().int().min(1).default(1),
  /** SPEC §2: suspended time counted in calendar days, or as exact duration. */
  suspensionCounting: z.enum(['calendar-days', 'exact']).default('calendar-days'),
});
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyKey = { [K in keyof Policy]: Policy[K] extends number ? K : never }[keyof Policy];

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});
