/**
 * 保密资质年度自检: its events, the procedure's own steps and the sanctions' (Regs 48 para 3; Regs 71;
 * Law 60), and their union type: below both annual-inspection.ts and annual-inspection-sanctions.ts,
 * which each read them (no import cycle, issue 29).
 */
import { z } from 'zod';
import { LICENCE_GROUND_LABELS } from '../domain/labels.zh.js';
import { DateSchema, shortText } from './common.js';
import type { DeadlinePassedEvent, MachineEvents, ProcedureDefinition } from './procedure.js';

const note = z.strictObject({ note: shortText().optional() });
const groundOf = (grounds: readonly string[]) => grounds.map((g) => `${g} ${LICENCE_GROUND_LABELS[g]}`).join(' · ');

/** The Regs 71 para 2 grounds an authority finds itself; (2) follows from the rectification steps. */
export const SANCTION_GROUNDS = ['Regs 71 para 2(1)', 'Regs 71 para 2(3)'] as const;
/** The Regs 71 para 3 grounds that lead to a revocation proposal directly; (5) and (6) follow from the suspension, (3) from the leak procedure. */
export const REVOCATION_GROUNDS = [
  'Regs 71 para 3(1)',
  'Regs 71 para 3(2)',
  'Regs 71 para 3(4)',
  'Regs 71 para 3(7)',
  'Regs 71 para 3(8)',
] as const;

/** A decision on the proposal pending (the last made): its note starts from the proposal's reason. */
const ON_PROPOSAL = { note: 'proposals.-1.reason' };
/** The measures and the decisions on proposals are binding: signed by the authority's 负责人 from edition 6 (policy headSignOff, 本地策略). */
const SIGNED = { sinceEdition: 6 } as const;

export const sanctionEvents = {
  WARN: {
    label: '给予警告或者通报批评',
    by: ['authority'],
    basis: 'Regs 71 para 1; Law 60',
    fact: true,
    signOff: SIGNED,
    schema: z.strictObject({
      measure: z.enum(['warning', 'criticism']).describe('warning 警告 · criticism 通报批评'),
      reason: shortText(),
    }),
    max: 50,
  },
  PROPOSE_SANCTION: {
    label: '建议暂停涉密业务、降低资质等级',
    by: ['authority'],
    basis: 'Regs 71 para 2',
    fact: true,
    schema: z.strictObject({
      ground: z.enum(SANCTION_GROUNDS).describe(`所认定的情形：${groundOf(SANCTION_GROUNDS)}`),
      findings: shortText(),
    }),
  },
  PROPOSE_REVOCATION: {
    label: '建议吊销保密资质',
    by: ['authority'],
    basis: 'Regs 71 para 3',
    fact: true,
    schema: z.strictObject({
      ground: z.enum(REVOCATION_GROUNDS).describe(`所认定的情形：${groundOf(REVOCATION_GROUNDS)}`),
      findings: shortText(),
    }),
  },
  SUSPEND_BUSINESS: {
    label: '暂停涉密业务',
    by: ['authority'],
    basis: 'Regs 71 para 2; Law 60',
    fact: true,
    signOff: SIGNED,
    schema: z.strictObject({ until: DateSchema.describe('暂停期满日'), downgrade: z.boolean().describe('并降低资质等级') }),
  },
  // A decision on the pending proposal: its note starts from the proposal's ground and reason.
  DOWNGRADE: {
    label: '降低资质等级',
    by: ['authority'],
    basis: 'Regs 71 para 2; Law 60',
    fact: true,
    signOff: SIGNED,
    schema: note,
    prefill: ON_PROPOSAL,
  },
  /**
   * A reading, not an article: Regs 71 para 2 and 3 say 并处 and Law 60 grades the measures by
   * 情节, neither provides for no measure. The deciding authority may find the ground not made out
   * or the case one for 不予处罚 under the general law of penalties (cf. 行政处罚法 33): local policy.
   */
  DECLINE_PROPOSAL: {
    label: '不予处罚或另作处理',
    by: ['authority'],
    basis: '本地策略',
    fact: true,
    signOff: SIGNED,
    schema: z.strictObject({
      disposition: z.enum(['no-penalty', 'otherwise']).describe('no-penalty 不予处罚 · otherwise 另作处理'),
      reason: shortText(),
    }),
  },
  // The fact's instant (occurredAt) is when the new business was taken: it must fall within the suspension.
  NEW_BUSINESS_DURING_SUSPENSION: {
    label: '暂停期间承接新的涉密业务',
    by: ['authority'],
    basis: 'Regs 71 para 3(5)',
    fact: true,
    schema: z.strictObject({ findings: shortText() }),
  },
  // Para 3(6) names only the failed review (期满仍不符合 → 吊销); a passed one ends the para 2
  // suspension it reviews, and that is what it cites.
  SUSPENSION_REVIEW_PASSED: { label: '暂停期满审查合格', by: ['authority'], basis: 'Regs 71 para 2', fact: true, schema: note },
  SUSPENSION_REVIEW_FAILED: {
    label: '暂停期满仍不符合',
    by: ['authority'],
    basis: 'Regs 71 para 3(6)',
    fact: true,
    schema: z.strictObject({ findings: shortText() }),
  },
  REVOKE: {
    label: '吊销保密资质',
    by: ['authority'],
    basis: 'Regs 71 para 3; Law 60',
    fact: true,
    signOff: SIGNED,
    schema: note,
    prefill: ON_PROPOSAL,
  },
  /**
   * Regs 71 para 3(3) is the leak procedure's ground (a late report or late measures): the
   * licensing authority decides it there, and its decision is recorded here too. No party sends
   * it: the leak procedure's activity does (EventSpec.linkedFrom; workflows/linked.ts).
   */
  LEAK_LICENCE_DECISION: {
    label: '泄密事件：颁发资质的保密行政管理部门就是否吊销保密资质作出决定',
    by: [],
    linkedFrom: 'leak',
    basis: 'Regs 71 para 3(3)',
    fact: true,
    schema: z.strictObject({
      licenceDecision: z.enum(['revoked', 'declined']).describe('决定：revoked 吊销保密资质 · declined 不予吊销保密资质（本地策略）'),
      text: shortText().describe('吊销决定（文号、简述）或者不予吊销的理由'),
      incidentRef: shortText(50).describe('泄密事件编号'),
      decidedBy: shortText(100).describe('作出决定的保密行政管理部门'),
    }),
  },
} satisfies ProcedureDefinition['events'];

export const annualInspectionEvents = {
  SUBMIT_REPORT: {
    label: '报送上一年度自检报告',
    by: ['enterprise'],
    basis: 'Regs 48 para 3',
    fact: true,
    schema: z.strictObject({ reportNumber: shortText(50).optional() }),
  },
  // Regs 48 para 3 says only that the report goes to the granting authority: its review has no article.
  ACCEPT: { label: '审查通过', by: ['authority'], fact: true, schema: note },
  ORDER_RECTIFICATION: {
    label: '责令限期整改',
    by: ['authority'],
    basis: 'Regs 71 para 1; Law 60',
    fact: true,
    schema: z.strictObject({ dueDate: DateSchema.describe('整改期限'), items: shortText() }),
  },
  RECTIFICATION_REPORTED: {
    label: '报告整改完成',
    by: ['enterprise'],
    basis: 'Regs 71 para 1',
    fact: true,
    schema: z.strictObject({ summary: shortText() }),
  },
  RECTIFICATION_ACCEPTED: { label: '整改合格', by: ['authority'], basis: 'Regs 71 para 1', fact: true, schema: note },
  RECTIFICATION_FAILED: {
    label: '整改后仍不符合',
    by: ['authority'],
    basis: 'Regs 71 para 2(2)',
    fact: true,
    schema: z.strictObject({ findings: shortText() }),
    // The review judges the items ordered (Regs 71 para 1): the findings start from them.
    prefill: { findings: 'rectification.items' },
  },
  ...sanctionEvents,
} satisfies ProcedureDefinition['events'];

export type Events = MachineEvents<typeof annualInspectionEvents> | DeadlinePassedEvent;
