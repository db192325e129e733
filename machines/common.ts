import { z } from 'zod';
import { LevelSchema } from '../domain/parties.js';
import { DateSchema } from '../domain/calendar/schema.js';
import { LEVEL_LABELS } from '../domain/labels.zh.js';
import { CEILING_ZH } from '../domain/rejections.zh.js';
import { beyondCeiling } from '../domain/term-ceiling.js';
import type { FieldIssue } from './procedure.js';

/** A short, non-secret description (SPEC §5: never the content of a secret). */
export const shortText = (max = 200) => z.string().trim().min(1).max(max).describe('非涉密简要说明 (non-secret description)');

export { DateSchema };

/** 保密期限: a number of years, a declassification date, or a declassification condition (Law 20). */
export const TermSchema = z.discriminatedUnion('kind', [
  // 100: an input bound, not the statute's (Law 20 para 2 is checked by ceilingCheck, from the term's start).
  z.strictObject({ kind: z.literal('years'), years: z.number().int().min(1).max(100) }),
  z.strictObject({ kind: z.literal('until'), date: DateSchema }),
  // Law 20 para 2 binds a condition too: its latest date (本地策略) is held to the ceiling by ceilingCheck.
  z.strictObject({
    kind: z.literal('condition'),
    condition: shortText(100),
    latest: DateSchema.optional().describe('最迟解密时间：解密条件届时仍未成就的，届时解密（不超过保密期限上限，本地策略）'),
  }),
]);
export type Term = z.infer<typeof TermSchema>;

/**
 * 密级 + 保密期限 + 知悉范围; optionally the day the term runs from (Regs 19 para 2: 自标明的制发日起计算)
 * — where it is absent, each procedure says what it assumes — and, for a term beyond the Law 20
 * para 2 ceiling, the other provision that allows it (除另有规定外). The ceiling needs the term's
 * start, so it is checked by `ceilingCheck` where the procedure knows it.
 */
export const ClassificationSchema = z.strictObject({
  level: LevelSchema,
  term: TermSchema,
  scope: shortText(200).describe('知悉范围 (who may know)'),
  since: DateSchema.optional().describe('保密期限起算日：标明的制发日 (Regs 19 para 2)'),
  otherProvision: shortText(200).optional().describe('另有规定：保密期限超过上限的依据 (Law 20 para 2 除另有规定外)'),
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

/**
 * Law 20 para 2 for a classification at `field`, its term counted from its own `since`, else from
 * `start` (the procedure's reading of the 制发日): beyond the ceiling it is refused unless it states
 * the other provision (除另有规定外), which the audit entry then records as a note. A condition must state
 * its latest date within the ceiling (domain/term-ceiling.ts), unless `existing`: a classification recorded as in force.
 */
export function ceilingCheck(
  c: Classification,
  start: string,
  field: string,
  o: { existing?: boolean } = {},
): { errors: FieldIssue[]; notes: string[] } {
  const from = c.since ?? start;
  const over = beyondCeiling(c.level, c.term, from);
  // A classification in force as another made it (the objection's `determined`): its condition is not the filer's to bound.
  if (!over || (over.unbounded && o.existing)) return { errors: [], notes: [] };
  const level = LEVEL_LABELS[c.level];
  if (c.otherProvision) {
    const note = over.unbounded ? CEILING_ZH.unboundedNote : CEILING_ZH.note;
    return { errors: [], notes: [note(level, over.maxYears, from, over.lastDay, c.otherProvision)] };
  }
  const error = over.unbounded
    ? {
        field: `${field}.term.latest`,
        message: `a term stated as a condition (解密条件) is bound by the ceiling too (Law 20 para 2, 除另有规定外: ${c.level} at most ${over.maxYears} years from ${from}, until ${over.lastDay}): state the latest declassification date (latest, 本地策略) up to ${over.lastDay}, or the other provision in ${field}.otherProvision`,
        messageZh: CEILING_ZH.unbounded(level, over.maxYears, from, over.lastDay),
      }
    : {
        field: `${field}.term`,
        message: `除另有规定外 (Law 20 para 2), a ${c.level} term is at most ${over.maxYears} years from its start (${from}: until ${over.lastDay}); a longer term needs the other provision stated in ${field}.otherProvision`,
        messageZh: CEILING_ZH.refused(level, over.maxYears, from, over.lastDay),
      };
  return { errors: [error], notes: [] };
}

/** The checks of several classifications, together. */
export const ceilingChecks = (...checks: Array<{ errors: FieldIssue[]; notes: string[] }>) => ({
  errors: checks.flatMap((c) => c.errors),
  notes: checks.flatMap((c) => c.notes),
});
