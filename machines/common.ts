import { z } from 'zod';
import { LevelSchema, type Level } from '../domain/parties.js';
import { DateSchema } from '../domain/calendar/schema.js';

/** A short, non-secret description (SPEC §5: never the content of a secret). */
export const shortText = (max = 200) => z.string().trim().min(1).max(max).describe('非涉密简要说明 (non-secret description)');

export { DateSchema };

/** Law 20 para 2: 绝密 ≤ 30 years, 机密 ≤ 20, 秘密 ≤ 10, unless otherwise provided. */
export const MAX_TERM_YEARS: Record<Level, number> = { 'top-secret': 30, secret: 20, confidential: 10 };

/** 保密期限: a number of years, a declassification date, or a declassification condition (Law 20). */
export const TermSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('years'), years: z.number().int().min(1).max(30) }),
  z.strictObject({ kind: z.literal('until'), date: DateSchema }),
  z.strictObject({ kind: z.literal('condition'), condition: shortText(100) }),
]);
export type Term = z.infer<typeof TermSchema>;

/**
 * 密级 + 保密期限 + 知悉范围, with the Law 20 ceiling checked; optionally the day the term runs
 * from (Regs 19 para 2: 自标明的制发日起计算) — where it is absent, each procedure says what it assumes.
 */
export const ClassificationSchema = z
  .strictObject({
    level: LevelSchema,
    term: TermSchema,
    scope: shortText(200).describe('知悉范围 (who may know)'),
    since: DateSchema.optional().describe('保密期限起算日：标明的制发日 (Regs 19 para 2)'),
  })
  .superRefine((c, ctx) => {
    if (c.term.kind === 'years' && c.term.years > MAX_TERM_YEARS[c.level]) {
      ctx.addIssue({
        code: 'custom',
        path: ['term', 'years'],
        message: `a ${c.level} term is at most ${MAX_TERM_YEARS[c.level]} years (Law 20 para 2)`,
      });
    }
  });
export type Classification = z.infer<typeof ClassificationSchema>;

/** 确定: a state secret with its classification, or not a state secret. */
export const DeterminationSchema = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('state-secret'), classification: ClassificationSchema, note: shortText().optional() }),
  z.strictObject({ outcome: z.literal('not-secret'), note: shortText().optional() }),
]);
export type Determination = z.infer<typeof DeterminationSchema>;

/**
 * What a determination does to a classification in force: nothing, a change of its level, term
 * or scope (Law 23 para 2; Regs 21 para 1), or its removal: not a state secret (Law 22 para 3).
 */
export function classificationChange(before: Classification, after: Determination): 'unchanged' | 'changed' | 'removed' {
  if (after.outcome === 'not-secret') return 'removed';
  const a = after.classification;
  return a.level === before.level && a.scope === before.scope && JSON.stringify(a.term) === JSON.stringify(before.term)
    ? 'unchanged'
    : 'changed';
}
