/**
 * 保密资质年度自检 — annual self-inspection of a qualified enterprise (Regs 48 para 3;
 * Regs 71; Law 60). SPEC §3.5.
 */
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { ANNUAL_RESULT_LABELS, LICENCE_GROUND_LABELS, SANCTION_LABELS } from '../domain/labels.zh.js';
import { dayOf } from '../domain/time.js';
import { DateSchema, shortText } from './common.js';
import { deadlinePassed, eventDate, notifyEffect, stateMeta, type DeadlinePassedEvent, type DriverInput, type EventEnvelope, type MachineEvents, type ProcedureContext, type ProcedureDefinition } from './procedure.js';

export const AnnualInspectionStartSchema = z.strictObject({
  enterpriseId: z.string().min(1).describe('取得保密资质的企业事业单位'),
  /** The year the report covers (上一年度); the schedule fills it in. */
  year: z.number().int().min(2000).max(2100).describe('自检报告所属年度'),
});
export type AnnualInspectionStart = z.infer<typeof AnnualInspectionStartSchema>;

const note = z.strictObject({ note: shortText().optional() });
const groundOf = (grounds: readonly string[]) => grounds.map((g) => `${g} ${LICENCE_GROUND_LABELS[g]}`).join(' · ');

/** The Regs 71 para 2 grounds an authority finds itself; (2) follows from the rectification steps. */
export const SANCTION_GROUNDS = ['Regs 71 para 2(1)', 'Regs 71 para 2(3)'] as const;
/** The Regs 71 para 3 grounds that lead to a revocation proposal directly; (5) and (6) follow from the suspension, (3) from the leak procedure. */
export const REVOCATION_GROUNDS = ['Regs 71 para 3(1)', 'Regs 71 para 3(2)', 'Regs 71 para 3(4)', 'Regs 71 para 3(7)', 'Regs 71 para 3(8)'] as const;

export const annualInspectionEvents = {
  SUBMIT_REPORT: { label: '报送上一年度自检报告', by: ['enterprise'], basis: 'Regs 48 para 3', fact: true, schema: z.strictObject({ reportNumber: shortText(50).optional() }) },
  // Regs 48 para 3 says only that the report goes to the granting authority: its review has no article.
  ACCEPT: { label: '审查通过', by: ['authority'], fact: true, schema: note },
  ORDER_RECTIFICATION: { label: '责令限期整改', by: ['authority'], basis: 'Regs 71 para 1; Law 60', fact: true, schema: z.strictObject({ dueDate: DateSchema.describe('整改期限'), items: shortText() }) },
  RECTIFICATION_REPORTED: { label: '报告整改完成', by: ['enterprise'], basis: 'Regs 71 para 1', fact: true, schema: z.strictObject({ summary: shortText() }) },
  RECTIFICATION_ACCEPTED: { label: '整改合格', by: ['authority'], basis: 'Regs 71 para 1', fact: true, schema: note },
  RECTIFICATION_FAILED: { label: '整改后仍不符合', by: ['authority'], basis: 'Regs 71 para 2(2)', fact: true, schema: z.strictObject({ findings: shortText() }) },
  WARN: {
    label: '给予警告或者通报批评',
    by: ['authority'],
    basis: 'Regs 71 para 1; Law 60',
    fact: true,
    schema: z.strictObject({ measure: z.enum(['warning', 'criticism']).describe('warning 警告 · criticism 通报批评'), reason: shortText() }),
    max: 50,
  },
  PROPOSE_SANCTION: {
    label: '建议暂停涉密业务、降低资质等级',
    by: ['authority'],
    basis: 'Regs 71 para 2',
    fact: true,
    schema: z.strictObject({ ground: z.enum(SANCTION_GROUNDS).describe(`所认定的情形：${groundOf(SANCTION_GROUNDS)}`), findings: shortText() }),
  },
  PROPOSE_REVOCATION: {
    label: '建议吊销保密资质',
    by: ['authority'],
    basis: 'Regs 71 para 3',
    fact: true,
    schema: z.strictObject({ ground: z.enum(REVOCATION_GROUNDS).describe(`所认定的情形：${groundOf(REVOCATION_GROUNDS)}`), findings: shortText() }),
  },
  SUSPEND_BUSINESS: {
    label: '暂停涉密业务',
    by: ['authority'],
    basis: 'Regs 71 para 2; Law 60',
    fact: true,
    schema: z.strictObject({ until: DateSchema.describe('暂停期满日'), downgrade: z.boolean().describe('并降低资质等级') }),
  },
  DOWNGRADE: { label: '降低资质等级', by: ['authority'], basis: 'Regs 71 para 2; Law 60', fact: true, schema: note },
  /** Law 60 grades the measure by 情节: the deciding authority may find none is due, or handle it otherwise. */
  DECLINE_PROPOSAL: {
    label: '不予处罚或另作处理',
    by: ['authority'],
    basis: 'Law 60',
    fact: true,
    schema: z.strictObject({ disposition: z.enum(['no-penalty', 'otherwise']).describe('no-penalty 不予处罚 · otherwise 另作处理'), reason: shortText() }),
  },
  NEW_BUSINESS_DURING_SUSPENSION: { label: '暂停期间承接新的涉密业务', by: ['authority'], basis: 'Regs 71 para 3(5)', fact: true, schema: z.strictObject({ findings: shortText() }) },
  SUSPENSION_REVIEW_PASSED: { label: '暂停期满审查合格', by: ['authority'], basis: 'Regs 71 para 3(6)', fact: true, schema: note },
  SUSPENSION_REVIEW_FAILED: { label: '暂停期满仍不符合', by: ['authority'], basis: 'Regs 71 para 3(6)', fact: true, schema: z.strictObject({ findings: shortText() }) },
  REVOKE: { label: '吊销保密资质', by: ['authority'], basis: 'Regs 71 para 3; Law 60', fact: true, schema: note },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof annualInspectionEvents> | DeadlinePassedEvent;

/** The states a ground the authority finds can be raised in, and where a declined proposal resumes. */
const RESUMABLE = ['awaitingReport', 'reportOverdue', 'underReview', 'rectifying', 'reviewingRectification', 'sanctionProposed', 'suspended', 'suspensionEndReview'] as const;
type Resumable = (typeof RESUMABLE)[number];

/** Who decided: the sending person of the authority (the driver checks the party). */
export interface DecidedBy {
  id: string;
  name?: string;
}

/** A proposal the procedure makes to the deciding authority (建议), with the ground's article. */
export interface Proposal {
  measure: 'suspend-or-downgrade' | 'revoke';
  basis: string;
  reason: string;
  on: string;
  /** A ground found mid-procedure: where the procedure goes on if the proposal is declined. */
  resumeTo?: Resumable;
  decision?: { decision: 'adopted' | 'no-penalty' | 'otherwise'; on: string; by: DecidedBy; reason?: string };
}

/** A sanction applied (Regs 71; Law 60): every one stays in the outcome. */
export interface Sanction {
  measure: keyof typeof SANCTION_LABELS;
  label: string;
  basis: string;
  on: string;
  by: DecidedBy;
  until?: string;
  reason?: string;
}

export interface AnnualInspectionOutcome {
  /** compliant: the report, the rectification or the suspension review passed; sanctioned: closed by a downgrade. */
  result: keyof typeof ANNUAL_RESULT_LABELS;
  label: string;
  on: string;
  sanctions: Sanction[];
}

export interface AnnualInspectionContext extends ProcedureContext {
  year: number;
  reportFrom: string;
  reportDays: number;
  dueDate: string;
  submittedOn?: string;
  /** The report was submitted after the due date (by the fact's date). */
  submittedLate?: boolean;
  rectification?: { orderedOn: string; dueDate: string; items: string; reportedOn?: string };
  rectificationOrderedOn?: string;
  rectificationDays: number;
  suspension?: { from: string; until: string; downgrade: boolean };
  suspendedOn?: string;
  suspensionDays: number;
  proposals: Proposal[];
  sanctions: Sanction[];
  outcome?: AnnualInspectionOutcome;
}

export type AnnualInspectionInput = AnnualInspectionStart & DriverInput;

const decidedBy = (e: EventEnvelope): DecidedBy => ({ id: e.actor.id, ...(e.actor.name ? { name: e.actor.name } : {}) });
/** The proposal awaiting the authority's decision: the latest one not decided. */
const pending = (c: AnnualInspectionContext) => c.proposals.findLast((p) => !p.decision);

/** A revocation ground found by the authority in state `from` (Regs 71 para 3). */
const revocationGround = (from: Resumable) => ({ target: 'revocationProposed', actions: { type: 'proposeFound', params: { measure: 'revoke', resumeTo: from } } }) as const;
/** A para 2 ground found by the authority in state `from` (Regs 71 para 2(1), (3)). */
const sanctionGround = (from: Resumable) => ({ target: 'sanctionProposed', actions: { type: 'proposeFound', params: { measure: 'suspend-or-downgrade', resumeTo: from } } }) as const;
/** New 涉密业务 accepted while suspended: a proposal to revoke (Regs 71 para 3(5)). */
const newBusinessWhileSuspended = (from: Resumable) =>
  ({
    target: 'revocationProposed',
    actions: { type: 'propose', params: { measure: 'revoke', basis: 'Regs 71 para 3(5)', reason: '暂停涉密业务期间承接新的涉密业务', resumeTo: from } },
  }) as const;
const declinedNotice = { type: 'notify', params: { to: 'enterprise', subject: 'proposal-declined', basis: 'Law 60' } } as const;
/**
 * Declining a proposal (Law 60): the procedure goes on where the authority found the ground,
 * or, for a proposal that followed from the procedure's own steps (para 2(2), 3(6)), ends.
 */
const decline = [
  ...RESUMABLE.map((s) => ({ guard: { type: 'resumesTo', params: { state: s } }, target: s, actions: ['decide', declinedNotice] }) as const),
  { target: 'closed', actions: ['decide', { type: 'close', params: {} }, declinedNotice] },
] as const;

export const annualInspectionMachine = setup({
  types: { context: {} as AnnualInspectionContext, events: {} as Events, input: {} as AnnualInspectionInput },
  guards: {
    passed: deadlinePassed,
    /** Rules of edition 2 (issue 11); edition-1 procedures replay as they ran. */
    edition2: ({ context }) => context.edition >= 2,
    /** A period set by the authority must end after the day it is set. */
    endsAfterToday: ({ event }) => ('dueDate' in event ? event.dueDate : 'until' in event ? event.until : '') > eventDate(event),
    resumesTo: ({ context }, params: { state: Resumable }) => pending(context)?.resumeTo === params.state,
  },
  actions: {
    notify: notifyEffect,
    submitted: assign(({ context, event }) => ({ submittedOn: eventDate(event), submittedLate: eventDate(event) > context.dueDate })),
    orderRectification: assign(({ event }) =>
      'dueDate' in event
        ? { rectification: { orderedOn: eventDate(event), dueDate: event.dueDate, items: event.items }, rectificationOrderedOn: eventDate(event), rectificationDays: dayOf(event.dueDate) - dayOf(eventDate(event)) }
        : {},
    ),
    rectificationReported: assign(({ context, event }) => ({ rectification: { ...context.rectification!, reportedOn: eventDate(event) } })),
    /** A proposal that follows from the procedure's steps, with its article. */
    propose: assign(({ context, event }, params: Omit<Proposal, 'on' | 'decision'>) => ({ proposals: [...context.proposals, { ...params, on: eventDate(event) }] })),
    /** A proposal on a ground the authority found: the ground's article and its findings. */
    proposeFound: assign(({ context, event }, params: Pick<Proposal, 'measure' | 'resumeTo'>) =>
      'ground' in event ? { proposals: [...context.proposals, { ...params, basis: event.ground, reason: `${LICENCE_GROUND_LABELS[event.ground]}：${event.findings}`, on: eventDate(event) }] } : {},
    ),
    /** The authority decides the pending proposal: adopted by a measure, or declined with its reason. */
    decide: assign(({ context, event }) => {
      const p = pending(context);
      if (!p) return {};
      const decision: NonNullable<Proposal['decision']> =
        'disposition' in event
          ? { decision: event.disposition, on: eventDate(event), by: decidedBy(event), reason: event.reason }
          : { decision: 'adopted', on: eventDate(event), by: decidedBy(event as EventEnvelope) };
      return { proposals: context.proposals.map((x) => (x === p ? { ...x, decision } : x)) };
    }),
    warn: assign(({ context, event }) =>
      'measure' in event ? { sanctions: [...context.sanctions, { measure: event.measure, label: SANCTION_LABELS[event.measure], basis: 'Regs 71 para 1', on: eventDate(event), by: decidedBy(event), reason: event.reason }] } : {},
    ),
    /** Suspension (and downgrade, when decided with it) on the pending proposal's ground (Regs 71 para 2). */
    suspend: assign(({ context, event }) => {
      if (!('until' in event)) return {};
      const on = eventDate(event);
      const base = { basis: pending(context)?.basis ?? 'Regs 71 para 2', on, by: decidedBy(event) };
      const sanctions: Sanction[] = [
        { measure: 'suspension', label: SANCTION_LABELS.suspension, ...base, until: event.until },
        ...(event.downgrade ? [{ measure: 'downgrade' as const, label: SANCTION_LABELS.downgrade, ...base }] : []),
      ];
      return {
        suspension: { from: on, until: event.until, downgrade: event.downgrade },
        suspendedOn: on,
        suspensionDays: dayOf(event.until) - dayOf(on),
        sanctions: [...context.sanctions, ...sanctions],
      };
    }),
    sanction: assign(({ context, event }, params: { measure: 'downgrade' | 'revocation' }) => ({
      sanctions: [...context.sanctions, { measure: params.measure, label: SANCTION_LABELS[params.measure], basis: pending(context)?.basis ?? (params.measure === 'downgrade' ? 'Regs 71 para 2' : 'Regs 71 para 3'), on: eventDate(event), by: decidedBy(event) }],
    })),
    /** The outcome keeps every sanction applied; a declined proposal's disposition is the result. */
    close: assign(({ context, event }, params: { result?: AnnualInspectionOutcome['result'] }) => {
      const result = params.result ?? ('disposition' in event ? event.disposition : 'compliant');
      return { outcome: { result, label: ANNUAL_RESULT_LABELS[result], on: eventDate(event), sanctions: context.sanctions } };
    }),
  },
}).createMachine({
  id: 'annual-inspection',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    year: input.year,
    reportFrom: String(input.derived?.reportFrom),
    reportDays: Number(input.derived?.reportDays),
    dueDate: String(input.derived?.dueDate),
    rectificationDays: 0,
    suspensionDays: 0,
    proposals: [],
    sanctions: [],
  }),
  initial: 'awaitingReport',
  on: {
    // 警告、通报批评 (Regs 71 para 1; Law 60): recorded in any state, the procedure goes on.
    WARN: {
      actions: ['warn', { type: 'notify', params: ({ event }) => ({ to: 'enterprise', subject: 'measure' in event && event.measure === 'criticism' ? 'criticism-given' : 'warning-given', basis: 'Regs 71 para 1' }) }],
    },
  },
  states: {
    awaitingReport: {
      meta: stateMeta({
        label: '待报送年度自检报告',
        responsible: 'enterprise',
        basis: 'Regs 48 para 3',
        // The due date and the reminders are local policy; the overdue step goes to the authority
        // that granted the licence, the one the report is owed to (Regs 48 para 3).
        deadline: {
          id: 'annual-report',
          label: '年度自检报告报送期限（本地策略）',
          rule: 'calendar-days',
          n: { context: 'reportDays' },
          policyKey: 'annualReportDue',
          from: 'reportFrom',
          basis: 'Regs 48 para 3',
          responsible: 'enterprise',
          remindersDaysBefore: 'annualReminderDaysBefore',
          escalateTo: 'authority',
        },
      }),
      on: {
        SUBMIT_REPORT: { target: 'underReview', actions: ['submitted', { type: 'notify', params: { to: 'authority', subject: 'annual-report-submitted', basis: 'Regs 48 para 3' } }] },
        // SPEC §3.5 step 2: a report never filed is the granting authority's to act on.
        DEADLINE_PASSED: { guard: and([{ type: 'passed', params: { id: 'annual-report' } }, 'edition2']), target: 'reportOverdue' },
        PROPOSE_REVOCATION: revocationGround('awaitingReport'),
      },
    },
    reportOverdue: {
      meta: stateMeta({ label: '逾期未报送自检报告', responsible: 'authority', basis: 'Regs 48 para 3; Regs 71 para 1' }),
      on: {
        SUBMIT_REPORT: { target: 'underReview', actions: ['submitted', { type: 'notify', params: { to: 'authority', subject: 'annual-report-submitted', basis: 'Regs 48 para 3' } }] },
        ORDER_RECTIFICATION: { guard: 'endsAfterToday', target: 'rectifying', actions: ['orderRectification', { type: 'notify', params: { to: 'enterprise', subject: 'rectification-ordered', basis: 'Regs 71 para 1' } }] },
        PROPOSE_SANCTION: sanctionGround('reportOverdue'),
        PROPOSE_REVOCATION: revocationGround('reportOverdue'),
      },
    },
    underReview: {
      meta: stateMeta({ label: '审查自检报告', responsible: 'authority', basis: 'Regs 48 para 3' }),
      on: {
        ACCEPT: { target: 'closed', actions: { type: 'close', params: { result: 'compliant' } } },
        ORDER_RECTIFICATION: { guard: 'endsAfterToday', target: 'rectifying', actions: ['orderRectification', { type: 'notify', params: { to: 'enterprise', subject: 'rectification-ordered', basis: 'Regs 71 para 1' } }] },
        PROPOSE_SANCTION: sanctionGround('underReview'),
        PROPOSE_REVOCATION: revocationGround('underReview'),
      },
    },
    rectifying: {
      meta: stateMeta({
        label: '限期整改中',
        responsible: 'enterprise',
        basis: 'Regs 71 para 1',
        deadline: { id: 'rectification', label: '整改期限（保密行政管理部门确定）', rule: 'calendar-days', n: { context: 'rectificationDays' }, from: 'rectificationOrderedOn', basis: 'Regs 71 para 1', responsible: 'enterprise' },
      }),
      on: {
        RECTIFICATION_REPORTED: { target: 'reviewingRectification', actions: ['rectificationReported', { type: 'notify', params: { to: 'authority', subject: 'rectification-reported', basis: 'Regs 71 para 1' } }] },
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'rectification' } },
          target: 'sanctionProposed',
          actions: { type: 'propose', params: { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '未按照保密行政管理部门要求时限完成整改' } },
        },
        PROPOSE_REVOCATION: revocationGround('rectifying'),
      },
    },
    reviewingRectification: {
      meta: stateMeta({ label: '审查整改情况', responsible: 'authority', basis: 'Regs 71 para 1' }),
      on: {
        RECTIFICATION_ACCEPTED: { target: 'closed', actions: { type: 'close', params: { result: 'compliant' } } },
        RECTIFICATION_FAILED: {
          target: 'sanctionProposed',
          actions: { type: 'propose', params: { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '整改后仍不符合保密法律法规及国家保密规定' } },
        },
        PROPOSE_REVOCATION: revocationGround('reviewingRectification'),
      },
    },
    sanctionProposed: {
      // The measures of para 2 (one or both), or none (Law 60); the proposal names its ground.
      meta: stateMeta({ label: '建议暂停涉密业务、降低资质等级', responsible: 'authority', basis: 'Regs 71 para 2' }),
      entry: { type: 'notify', params: { to: 'authority', subject: 'sanction-proposed', basis: 'Regs 71 para 2' } },
      on: {
        SUSPEND_BUSINESS: {
          guard: 'endsAfterToday',
          target: 'suspended',
          actions: ['suspend', 'decide', { type: 'notify', params: ({ event }) => ({ to: 'enterprise', subject: 'downgrade' in event && event.downgrade ? 'business-suspended-downgraded' : 'business-suspended', basis: 'Regs 71 para 2' }) }],
        },
        DOWNGRADE: {
          target: 'closed',
          actions: [{ type: 'sanction', params: { measure: 'downgrade' } }, 'decide', { type: 'close', params: { result: 'sanctioned' } }, { type: 'notify', params: { to: 'enterprise', subject: 'licence-downgraded', basis: 'Regs 71 para 2' } }],
        },
        DECLINE_PROPOSAL: decline,
        PROPOSE_REVOCATION: revocationGround('sanctionProposed'),
      },
    },
    suspended: {
      meta: stateMeta({
        label: '暂停涉密业务期间',
        responsible: 'authority',
        basis: 'Regs 71 para 2',
        deadline: { id: 'suspension-end', label: '暂停涉密业务期满', rule: 'calendar-days', n: { context: 'suspensionDays' }, from: 'suspendedOn', basis: 'Regs 71 para 3(6)', responsible: 'authority', obligation: false },
      }),
      on: {
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended('suspended'),
        DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'suspension-end' } }, target: 'suspensionEndReview' },
        PROPOSE_REVOCATION: revocationGround('suspended'),
      },
    },
    suspensionEndReview: {
      meta: stateMeta({ label: '暂停期满审查', responsible: 'authority', basis: 'Regs 71 para 3(6)' }),
      on: {
        SUSPENSION_REVIEW_PASSED: { target: 'closed', actions: { type: 'close', params: { result: 'compliant' } } },
        SUSPENSION_REVIEW_FAILED: {
          target: 'revocationProposed',
          actions: { type: 'propose', params: { measure: 'revoke', basis: 'Regs 71 para 3(6)', reason: '暂停涉密业务期满仍不符合保密法律法规及国家保密规定' } },
        },
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended('suspensionEndReview'),
        PROPOSE_REVOCATION: revocationGround('suspensionEndReview'),
      },
    },
    revocationProposed: {
      // Para 3 gives one measure, 吊销; or none (Law 60).
      meta: stateMeta({ label: '建议吊销保密资质', responsible: 'authority', basis: 'Regs 71 para 3' }),
      entry: { type: 'notify', params: { to: 'authority', subject: 'revocation-proposed', basis: 'Regs 71 para 3' } },
      on: {
        REVOKE: {
          target: 'closed',
          actions: [{ type: 'sanction', params: { measure: 'revocation' } }, 'decide', { type: 'close', params: { result: 'revoked' } }, { type: 'notify', params: { to: 'enterprise', subject: 'licence-revoked', basis: 'Regs 71 para 3' } }],
        },
        DECLINE_PROPOSAL: decline,
      },
    },
    closed: { type: 'final', meta: stateMeta({ label: '已办结' }) },
  },
});

export const annualInspectionProcedure: ProcedureDefinition = {
  kind: 'annual-inspection',
  label: '保密资质年度自检',
  basis: 'Regs 48 para 3; Regs 71; Law 60',
  workflowType: 'annualInspectionWorkflow',
  machine: annualInspectionMachine,
  input: AnnualInspectionStartSchema,
  startedBy: 'enterpriseId',
  startFact: 'reportFrom',
  events: annualInspectionEvents,
};
