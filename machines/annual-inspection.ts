/**
 * 保密资质年度自检 — annual self-inspection of a qualified enterprise (Regs 48 para 3;
 * Regs 71; Law 60). SPEC §3.5.
 */
import { and, assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import {
  ANNUAL_PASSED_LABELS,
  ANNUAL_RESULT_LABELS,
  annualOutcomeLabel,
  LICENCE_GROUND_LABELS,
  SANCTION_LABELS,
} from '../domain/labels.zh.js';
import { dayOf } from '../domain/time.js';
import { DateSchema, shortText } from './common.js';
import {
  defineProcedure,
  deadlinePassed,
  eventDate,
  notifyEffect,
  type DeadlinePassedEvent,
  type DriverInput,
  type EventEnvelope,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';
import { annualInspectionParties } from '../domain/resolve-parties.js';

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
export const REVOCATION_GROUNDS = [
  'Regs 71 para 3(1)',
  'Regs 71 para 3(2)',
  'Regs 71 para 3(4)',
  'Regs 71 para 3(7)',
  'Regs 71 para 3(8)',
] as const;

/** A decision on the proposal pending (the last made): its note starts from the proposal's reason. */
const ON_PROPOSAL = { note: 'proposals.-1.reason' };

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
  WARN: {
    label: '给予警告或者通报批评',
    by: ['authority'],
    basis: 'Regs 71 para 1; Law 60',
    fact: true,
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
    schema: z.strictObject({ until: DateSchema.describe('暂停期满日'), downgrade: z.boolean().describe('并降低资质等级') }),
  },
  // A decision on the pending proposal: its note starts from the proposal's ground and reason.
  DOWNGRADE: { label: '降低资质等级', by: ['authority'], basis: 'Regs 71 para 2; Law 60', fact: true, schema: note, prefill: ON_PROPOSAL },
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
  REVOKE: { label: '吊销保密资质', by: ['authority'], basis: 'Regs 71 para 3; Law 60', fact: true, schema: note, prefill: ON_PROPOSAL },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof annualInspectionEvents> | DeadlinePassedEvent;

/** The states a ground the authority finds can be raised in, and where a declined proposal resumes. */
const RESUMABLE = [
  'awaitingReport',
  'reportOverdue',
  'underReview',
  'rectifying',
  'reviewingRectification',
  'sanctionProposed',
  'suspended',
  'suspensionEndReview',
] as const;
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
  /** lesser: a revocation proposal decided with the measures Law 60 gives for 情节严重 (暂停、降级). */
  /** withdrawn: its premise fell away (a rectification made on time, entered after the deadline). */
  decision?: { decision: 'adopted' | 'lesser' | 'no-penalty' | 'otherwise' | 'withdrawn'; on: string; by: DecidedBy; reason?: string };
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
  /**
   * compliant: the report, the rectification or the suspension review passed and no sanction was
   * applied; sanctioned: closed by a downgrade, or passed with sanctions applied on the way.
   */
  result: keyof typeof ANNUAL_RESULT_LABELS;
  /** The headline: how it closed, naming every sanction applied (e.g. 整改合格（已暂停涉密业务、降低资质等级）). */
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
  /** The report was submitted after its deadline (by the fact's instant; the due date as moved by 民法典 203). */
  submittedLate?: boolean;
  /** The report's deadline as the engine computed it, recorded when it passed with no report. */
  reportDueAt?: string;
  rectification?: { orderedOn: string; dueDate: string; items: string; reportedOn?: string };
  rectificationOrderedOn?: string;
  /** The rectification deadline as computed, recorded when it passed with no report. */
  rectificationDueAt?: string;
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

/**
 * The article of a measure: the pending proposal's ground; a lesser measure on a revocation
 * proposal rests on Law 60's grading (情节严重: 暂停涉密业务、降低资质等级).
 */
const measureBasis = (c: AnnualInspectionContext, measure: Sanction['measure'], fallback: string) => {
  const p = pending(c);
  return p?.measure === 'revoke' && measure !== 'revocation' ? `Law 60 (${p.basis})` : (p?.basis ?? fallback);
};
/** The para 2 measures deciding a proposal: suspension (with or without downgrade), or downgrade alone, notified under `basis`. */
const suspendBusiness = (basis: string) =>
  ({
    guard: 'endsAfterToday',
    target: 'suspended',
    actions: [
      'suspend',
      'decide',
      {
        type: 'notify',
        params: ({ event }: { event: Events }) => {
          assertEvent(event, 'SUSPEND_BUSINESS');
          return { to: 'enterprise', subject: event.downgrade ? 'business-suspended-downgraded' : 'business-suspended', basis };
        },
      },
    ],
  }) as const;
const downgrade = (basis: string) =>
  ({
    target: 'closed',
    actions: [
      { type: 'sanction', params: { measure: 'downgrade' } },
      'decide',
      { type: 'close', params: { result: 'sanctioned' } },
      { type: 'notify', params: { to: 'enterprise', subject: 'licence-downgraded', basis } },
    ],
  }) as const;
/** Rectification ordered, with a period ending after today (Regs 71 para 1). */
const orderRectification = {
  guard: 'endsAfterToday',
  target: 'rectifying',
  actions: [
    'orderRectification',
    { type: 'notify', params: { to: 'enterprise', subject: 'rectification-ordered', basis: 'Regs 71 para 1' } },
  ],
} as const;
/** A revocation ground found by the authority in state `from` (Regs 71 para 3). */
const revocationGround = (from: Resumable) =>
  ({ target: 'revocationProposed', actions: { type: 'proposeFound', params: { measure: 'revoke', resumeTo: from } } }) as const;
/** A para 2 ground found by the authority in state `from` (Regs 71 para 2(1), (3)). */
const sanctionGround = (from: Resumable) =>
  ({ target: 'sanctionProposed', actions: { type: 'proposeFound', params: { measure: 'suspend-or-downgrade', resumeTo: from } } }) as const;
/** New 涉密业务 accepted while suspended: a proposal to revoke (Regs 71 para 3(5)). */
const newBusinessWhileSuspended = (from: Resumable) =>
  ({
    guard: 'duringSuspension',
    target: 'revocationProposed',
    actions: {
      type: 'propose',
      params: { measure: 'revoke', basis: 'Regs 71 para 3(5)', reason: '暂停涉密业务期间承接新的涉密业务', resumeTo: from },
    },
  }) as const;
const declinedNotice = { type: 'notify', params: { to: 'enterprise', subject: 'proposal-declined', basis: '本地策略' } } as const;
/**
 * Declining a proposal (local policy, see DECLINE_PROPOSAL): the procedure goes on where the authority found the ground,
 * or, for a proposal that followed from the procedure's own steps (para 2(2), 3(6)), ends.
 */
const decline = [
  ...RESUMABLE.map(
    (s) => ({ guard: { type: 'resumesTo', params: { state: s } }, target: s, actions: ['decide', declinedNotice] }) as const,
  ),
  { target: 'closed', actions: ['decide', { type: 'close', params: {} }, declinedNotice] },
] as const;

export const annualInspectionMachine = setup({
  types: { meta: {} as StateMeta, context: {} as AnnualInspectionContext, events: {} as Events, input: {} as AnnualInspectionInput },
  guards: {
    passed: deadlinePassed,
    /** Rules of edition 2 (issue 11); edition-1 procedures replay as they ran. */
    edition2: ({ context }) => context.edition >= 2,
    /** A period set by the authority must end after the day it is set. */
    /**
     * Regs 71 para 1, 2(2): a rectification reported after the deadline passed but made on time
     * (its occurredAt no later than the deadline recorded when it passed) is not late.
     */
    rectifiedInTime: ({ context, event }) =>
      !!context.rectification &&
      !context.rectification.reportedOn &&
      !!context.rectificationDueAt &&
      pending(context)?.basis === 'Regs 71 para 2(2)' &&
      Date.parse(event.at) <= Date.parse(context.rectificationDueAt),
    endsAfterToday: ({ event }) => {
      assertEvent(event, ['ORDER_RECTIFICATION', 'SUSPEND_BUSINESS']);
      return (event.type === 'ORDER_RECTIFICATION' ? event.dueDate : event.until) > eventDate(event);
    },
    resumesTo: ({ context }, params: { state: Resumable }) => pending(context)?.resumeTo === params.state,
    /** Regs 71 para 3(5): the business was taken from the suspension's first day to the end date the authority fixed, inclusive. */
    duringSuspension: ({ context, event }) =>
      !!context.suspension && eventDate(event) >= context.suspension.from && eventDate(event) <= context.suspension.until,
  },
  actions: {
    notify: notifyEffect,
    /**
     * Late by the deadline the engine runs (the policy date moved by 民法典 203 when it is a rest
     * day), or the one recorded when it passed; the raw policy date only where the driver gave none.
     */
    submitted: assign(({ context, event }) => {
      const due = event.deadlines['annual-report']?.dueAt ?? context.reportDueAt;
      return {
        submittedOn: eventDate(event),
        submittedLate: due ? Date.parse(event.at) > Date.parse(due) : eventDate(event) > context.dueDate,
      };
    }),
    recordReportDue: assign(({ event }) => ({ reportDueAt: event.deadlines['annual-report']?.dueAt })),
    orderRectification: assign(({ event }) => {
      assertEvent(event, 'ORDER_RECTIFICATION');
      return {
        rectification: { orderedOn: eventDate(event), dueDate: event.dueDate, items: event.items },
        rectificationOrderedOn: eventDate(event),
        rectificationDays: dayOf(event.dueDate) - dayOf(eventDate(event)),
      };
    }),
    rectificationReported: assign(({ context, event }) => ({ rectification: { ...context.rectification!, reportedOn: eventDate(event) } })),
    recordRectificationDue: assign(({ event }) => ({ rectificationDueAt: event.deadlines.rectification?.dueAt })),
    /** The para 2(2) proposal made when the deadline passed falls away: the rectification was reported in time. */
    withdrawLateProposal: assign(({ context, event }) => {
      const p = pending(context);
      const decision = {
        decision: 'withdrawn' as const,
        on: eventDate(event),
        by: decidedBy(event),
        reason: '整改已在期限内完成（期满后录入）',
      };
      return { proposals: context.proposals.map((x) => (x === p ? { ...x, decision } : x)) };
    }),
    /** A proposal that follows from the procedure's steps, with its article. */
    propose: assign(({ context, event }, params: Omit<Proposal, 'on' | 'decision'>) => ({
      proposals: [...context.proposals, { ...params, on: eventDate(event) }],
    })),
    /** A proposal on a ground the authority found: the ground's article and its findings. */
    proposeFound: assign(({ context, event }, params: Pick<Proposal, 'measure' | 'resumeTo'>) => {
      assertEvent(event, ['PROPOSE_SANCTION', 'PROPOSE_REVOCATION']);
      return {
        proposals: [
          ...context.proposals,
          { ...params, basis: event.ground, reason: `${LICENCE_GROUND_LABELS[event.ground]}：${event.findings}`, on: eventDate(event) },
        ],
      };
    }),
    /** The authority decides the pending proposal: adopted by a measure, or declined with its reason. */
    decide: assign(({ context, event }) => {
      assertEvent(event, ['SUSPEND_BUSINESS', 'DOWNGRADE', 'DECLINE_PROPOSAL', 'REVOKE']);
      const p = pending(context);
      if (!p) return {};
      const decision: NonNullable<Proposal['decision']> =
        event.type === 'DECLINE_PROPOSAL'
          ? { decision: event.disposition, on: eventDate(event), by: decidedBy(event), reason: event.reason }
          : {
              decision: p.measure === 'revoke' && event.type !== 'REVOKE' ? 'lesser' : 'adopted',
              on: eventDate(event),
              by: decidedBy(event),
            };
      return { proposals: context.proposals.map((x) => (x === p ? { ...x, decision } : x)) };
    }),
    warn: assign(({ context, event }) => {
      assertEvent(event, 'WARN');
      return {
        sanctions: [
          ...context.sanctions,
          {
            measure: event.measure,
            label: SANCTION_LABELS[event.measure],
            basis: 'Regs 71 para 1',
            on: eventDate(event),
            by: decidedBy(event),
            reason: event.reason,
          },
        ],
      };
    }),
    /** Suspension (and downgrade, when decided with it) on the pending proposal's ground (Regs 71 para 2). */
    suspend: assign(({ context, event }) => {
      assertEvent(event, 'SUSPEND_BUSINESS');
      const on = eventDate(event);
      const base = { basis: measureBasis(context, 'suspension', 'Regs 71 para 2'), on, by: decidedBy(event) };
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
      sanctions: [
        ...context.sanctions,
        {
          measure: params.measure,
          label: SANCTION_LABELS[params.measure],
          basis: measureBasis(context, params.measure, params.measure === 'downgrade' ? 'Regs 71 para 2' : 'Regs 71 para 3'),
          on: eventDate(event),
          by: decidedBy(event),
        },
      ],
    })),
    /**
     * The outcome keeps every sanction applied, and its headline names them: a step passed after
     * sanctions is not simply 符合规定 (issue 11 item 5). A declined proposal's disposition is the result.
     */
    close: assign(
      ({ context, event }, params: { result?: AnnualInspectionOutcome['result']; passed?: keyof typeof ANNUAL_PASSED_LABELS }) => {
        const declared = params.result ?? (event.type === 'DECLINE_PROPOSAL' ? event.disposition : 'compliant');
        const result = params.passed && context.sanctions.length ? 'sanctioned' : declared;
        const base = params.passed ? ANNUAL_PASSED_LABELS[params.passed] : ANNUAL_RESULT_LABELS[result];
        return {
          outcome: {
            result,
            label: annualOutcomeLabel(
              base,
              result,
              context.sanctions.map((x) => x.measure),
            ),
            on: eventDate(event),
            sanctions: context.sanctions,
          },
        };
      },
    ),
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
      actions: [
        'warn',
        {
          type: 'notify',
          params: ({ event }) => ({
            to: 'enterprise',
            subject: event.measure === 'criticism' ? 'criticism-given' : 'warning-given',
            basis: 'Regs 71 para 1',
          }),
        },
      ],
    },
  },
  states: {
    awaitingReport: {
      meta: {
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
      },
      on: {
        SUBMIT_REPORT: {
          target: 'underReview',
          actions: [
            'submitted',
            { type: 'notify', params: { to: 'authority', subject: 'annual-report-submitted', basis: 'Regs 48 para 3' } },
          ],
        },
        // SPEC §3.5 step 2: a report never filed is the granting authority's to act on.
        DEADLINE_PASSED: {
          guard: and([{ type: 'passed', params: { id: 'annual-report' } }, 'edition2']),
          target: 'reportOverdue',
          actions: 'recordReportDue',
        },
        PROPOSE_REVOCATION: revocationGround('awaitingReport'),
      },
    },
    reportOverdue: {
      meta: { label: '逾期未报送自检报告', responsible: 'authority', basis: 'Regs 48 para 3; Regs 71 para 1' },
      on: {
        SUBMIT_REPORT: {
          target: 'underReview',
          actions: [
            'submitted',
            { type: 'notify', params: { to: 'authority', subject: 'annual-report-submitted', basis: 'Regs 48 para 3' } },
          ],
        },
        ORDER_RECTIFICATION: orderRectification,
        PROPOSE_SANCTION: sanctionGround('reportOverdue'),
        PROPOSE_REVOCATION: revocationGround('reportOverdue'),
      },
    },
    underReview: {
      meta: { label: '审查自检报告', responsible: 'authority', basis: 'Regs 48 para 3' },
      on: {
        ACCEPT: { target: 'closed', actions: { type: 'close', params: { passed: 'report' } } },
        ORDER_RECTIFICATION: orderRectification,
        PROPOSE_SANCTION: sanctionGround('underReview'),
        PROPOSE_REVOCATION: revocationGround('underReview'),
      },
    },
    rectifying: {
      meta: {
        label: '限期整改中',
        responsible: 'enterprise',
        basis: 'Regs 71 para 1',
        deadline: {
          id: 'rectification',
          label: '整改期限（保密行政管理部门确定）',
          rule: 'calendar-days',
          n: { context: 'rectificationDays' },
          from: 'rectificationOrderedOn',
          basis: 'Regs 71 para 1',
          responsible: 'enterprise',
        },
      },
      on: {
        RECTIFICATION_REPORTED: {
          target: 'reviewingRectification',
          actions: [
            'rectificationReported',
            { type: 'notify', params: { to: 'authority', subject: 'rectification-reported', basis: 'Regs 71 para 1' } },
          ],
        },
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'rectification' } },
          target: 'sanctionProposed',
          actions: [
            'recordRectificationDue',
            {
              type: 'propose',
              params: { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '未按照保密行政管理部门要求时限完成整改' },
            },
          ],
        },
        PROPOSE_REVOCATION: revocationGround('rectifying'),
      },
    },
    reviewingRectification: {
      meta: { label: '审查整改情况', responsible: 'authority', basis: 'Regs 71 para 1' },
      on: {
        RECTIFICATION_ACCEPTED: { target: 'closed', actions: { type: 'close', params: { passed: 'rectification' } } },
        RECTIFICATION_FAILED: {
          target: 'sanctionProposed',
          actions: {
            type: 'propose',
            params: { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '整改后仍不符合保密法律法规及国家保密规定' },
          },
        },
        PROPOSE_REVOCATION: revocationGround('reviewingRectification'),
      },
    },
    sanctionProposed: {
      // The measures of para 2 (one or both), or none (Law 60); the proposal names its ground.
      meta: { label: '建议暂停涉密业务、降低资质等级', responsible: 'authority', basis: 'Regs 71 para 2' },
      entry: { type: 'notify', params: { to: 'authority', subject: 'sanction-proposed', basis: 'Regs 71 para 2' } },
      on: {
        SUSPEND_BUSINESS: suspendBusiness('Regs 71 para 2'),
        DOWNGRADE: downgrade('Regs 71 para 2'),
        DECLINE_PROPOSAL: decline,
        PROPOSE_REVOCATION: revocationGround('sanctionProposed'),
        // Made on time, entered late: the proposal falls away and the rectification is reviewed.
        RECTIFICATION_REPORTED: {
          guard: 'rectifiedInTime',
          target: 'reviewingRectification',
          actions: [
            'rectificationReported',
            'withdrawLateProposal',
            { type: 'notify', params: { to: 'authority', subject: 'rectification-reported', basis: 'Regs 71 para 1' } },
          ],
        },
      },
    },
    suspended: {
      meta: {
        label: '暂停涉密业务期间',
        responsible: 'authority',
        basis: 'Regs 71 para 2',
        deadline: {
          id: 'suspension-end',
          label: '暂停涉密业务期满',
          rule: 'calendar-days',
          n: { context: 'suspensionDays' },
          from: 'suspendedOn',
          basis: 'Regs 71 para 3(6)',
          responsible: 'authority',
          obligation: false,
        },
      },
      on: {
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended('suspended'),
        DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'suspension-end' } }, target: 'suspensionEndReview' },
        PROPOSE_REVOCATION: revocationGround('suspended'),
      },
    },
    suspensionEndReview: {
      meta: { label: '暂停期满审查', responsible: 'authority', basis: 'Regs 71 para 3(6)' },
      on: {
        SUSPENSION_REVIEW_PASSED: { target: 'closed', actions: { type: 'close', params: { passed: 'suspension-review' } } },
        SUSPENSION_REVIEW_FAILED: {
          target: 'revocationProposed',
          actions: {
            type: 'propose',
            params: { measure: 'revoke', basis: 'Regs 71 para 3(6)', reason: '暂停涉密业务期满仍不符合保密法律法规及国家保密规定' },
          },
        },
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended('suspensionEndReview'),
        PROPOSE_REVOCATION: revocationGround('suspensionEndReview'),
      },
    },
    revocationProposed: {
      // Para 3 gives 吊销; Law 60 gives it for 情节特别严重 and 暂停、降级 for 情节严重: the deciding
      // authority may take the lesser measure where it finds the 情节 only 严重 (a reading, README).
      meta: { label: '建议吊销保密资质', responsible: 'authority', basis: 'Regs 71 para 3' },
      entry: { type: 'notify', params: { to: 'authority', subject: 'revocation-proposed', basis: 'Regs 71 para 3' } },
      on: {
        REVOKE: {
          target: 'closed',
          actions: [
            { type: 'sanction', params: { measure: 'revocation' } },
            'decide',
            { type: 'close', params: { result: 'revoked' } },
            { type: 'notify', params: { to: 'enterprise', subject: 'licence-revoked', basis: 'Regs 71 para 3' } },
          ],
        },
        SUSPEND_BUSINESS: suspendBusiness('Law 60'),
        DOWNGRADE: downgrade('Law 60'),
        DECLINE_PROPOSAL: decline,
      },
    },
    closed: { type: 'final', meta: { label: '已办结' } },
  },
});

export const annualInspectionProcedure = defineProcedure({
  kind: 'annual-inspection',
  label: '保密资质年度自检',
  basis: 'Regs 48 para 3; Regs 71; Law 60',
  workflowType: 'annualInspectionWorkflow',
  machine: annualInspectionMachine,
  input: AnnualInspectionStartSchema,
  parties: annualInspectionParties,
  startedBy: 'enterpriseId',
  startFact: 'reportFrom',
  // One self-inspection per enterprise and year (Regs 48 para 3: 每年).
  oneFor: (input) => `${input.enterpriseId}-${input.year}`,
  events: annualInspectionEvents,
});
