/**
 * 保密资质年度自检 — annual self-inspection of a qualified enterprise (Regs 48 para 3;
 * Regs 71; Law 60). SPEC §3.5.
 */
import { and, assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { ANNUAL_PASSED_LABELS, ANNUAL_RESULT_LABELS, annualOutcomeLabel } from '../domain/labels.zh.js';
import { dayOf } from '../domain/time.js';
import {
  defineProcedure,
  deadlinePassed,
  eventDate,
  notifyEffect,
  type DriverInput,
  type ProcedureContext,
  type StateMeta,
} from './procedure.js';
import { annualInspectionParties } from '../domain/resolve-parties.js';
import {
  decline,
  downgrade,
  duringSuspension,
  newBusinessWhileSuspended,
  pending,
  revocationGround,
  sanctionGround,
  sanctionUpdates,
  suspendBusiness,
  type Proposal,
  type Resumable,
  type Sanction,
  type SanctionContext,
} from './annual-inspection-sanctions.js';
import { annualInspectionEvents, type Events } from './annual-inspection-events.js';

export const AnnualInspectionStartSchema = z.strictObject({
  enterpriseId: z.string().min(1).describe('取得保密资质的企业事业单位'),
  /** The year the report covers (上一年度); the schedule fills it in. */
  year: z.number().int().min(2000).max(2100).describe('自检报告所属年度'),
});
export type AnnualInspectionStart = z.infer<typeof AnnualInspectionStartSchema>;

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

export interface AnnualInspectionContext extends ProcedureContext, SanctionContext {
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
  outcome?: AnnualInspectionOutcome;
}

export type AnnualInspectionInput = AnnualInspectionStart & DriverInput;

/** Rectification ordered, with a period ending after today (Regs 71 para 1). */
const orderRectification = {
  guard: 'endsAfterToday',
  target: 'rectifying',
  actions: [
    'orderRectification',
    { type: 'notify', params: { to: 'enterprise', subject: 'rectification-ordered', basis: 'Regs 71 para 1' } },
  ],
} as const;
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
    revokedInLeak: ({ event }) => event.type === 'LEAK_LICENCE_DECISION' && event.licenceDecision === 'revoked',
    resumesTo: ({ context }, params: { state: Resumable }) => pending(context)?.resumeTo === params.state,
    duringSuspension,
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
    withdrawLateProposal: assign(({ context, event }) => sanctionUpdates.withdrawLateProposal(context, event)),
    propose: assign(({ context, event }, params: Omit<Proposal, 'on' | 'decision'>) => sanctionUpdates.propose(context, event, params)),
    proposeFound: assign(({ context, event }, params: Pick<Proposal, 'measure' | 'resumeTo'>) =>
      sanctionUpdates.proposeFound(context, event, params),
    ),
    decide: assign(({ context, event }) => sanctionUpdates.decide(context, event)),
    warn: assign(({ context, event }) => sanctionUpdates.warn(context, event)),
    suspend: assign(({ context, event }) => sanctionUpdates.suspend(context, event)),
    revokedInLeak: assign(({ context, event }) => sanctionUpdates.revokedInLeak(context, event)),
    declinedInLeak: assign(({ context, event }) => sanctionUpdates.declinedInLeak(context, event)),
    sanction: assign(({ context, event }, params: { measure: 'downgrade' | 'revocation' }) =>
      sanctionUpdates.sanction(context, event, params),
    ),
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
    // Regs 71 para 3(3), decided in the leak procedure (LEAK_LICENCE_DECISION): a revocation ends the
    // self-inspection from any state with the licence revoked; a decline is recorded, the procedure goes on.
    LEAK_LICENCE_DECISION: [
      {
        guard: 'revokedInLeak',
        target: '.closed',
        actions: [
          'revokedInLeak',
          { type: 'close', params: { result: 'revoked' } },
          { type: 'notify', params: { to: 'enterprise', subject: 'licence-revoked', basis: 'Regs 71 para 3(3)' } },
        ],
      },
      { actions: 'declinedInLeak' },
    ],
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
