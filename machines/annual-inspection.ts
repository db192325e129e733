/**
 * 保密资质年度自检 — annual self-inspection of a qualified enterprise (Regs 48 para 3;
 * Regs 71; Law 60). SPEC §3.5.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { dayOf } from '../domain/time.js';
import { DateSchema, shortText } from './common.js';
import { deadlinePassed, eventDate, notifyEffect, stateMeta, type DeadlinePassedEvent, type DriverInput, type MachineEvents, type ProcedureContext, type ProcedureDefinition } from './procedure.js';

export const AnnualInspectionStartSchema = z.strictObject({
  enterpriseId: z.string().min(1).describe('取得保密资质的企业事业单位'),
  /** The year the report covers (上一年度); the schedule fills it in. */
  year: z.number().int().min(2000).max(2100).describe('自检报告所属年度'),
});
export type AnnualInspectionStart = z.infer<typeof AnnualInspectionStartSchema>;

const note = z.strictObject({ note: shortText().optional() });

export const annualInspectionEvents = {
  SUBMIT_REPORT: { label: '报送上一年度自检报告', by: ['enterprise'], basis: 'Regs 48 para 3', schema: z.strictObject({ reportNumber: shortText(50).optional() }) },
  ACCEPT: { label: '审查通过', by: ['authority'], basis: 'Regs 48 para 3', schema: note },
  ORDER_RECTIFICATION: { label: '责令限期整改', by: ['authority'], basis: 'Regs 71 para 1', schema: z.strictObject({ dueDate: DateSchema.describe('整改期限'), items: shortText() }) },
  RECTIFICATION_REPORTED: { label: '报告整改完成', by: ['enterprise'], basis: 'Regs 71 para 1', schema: z.strictObject({ summary: shortText() }) },
  RECTIFICATION_ACCEPTED: { label: '整改合格', by: ['authority'], basis: 'Regs 71 para 1', schema: note },
  RECTIFICATION_FAILED: { label: '整改后仍不符合', by: ['authority'], basis: 'Regs 71 para 2(2)', schema: z.strictObject({ findings: shortText() }) },
  SUSPEND_BUSINESS: {
    label: '暂停涉密业务',
    by: ['authority'],
    basis: 'Regs 71 para 2',
    schema: z.strictObject({ until: DateSchema.describe('暂停期满日'), downgrade: z.boolean().describe('并降低资质等级') }),
  },
  DOWNGRADE: { label: '降低资质等级', by: ['authority'], basis: 'Regs 71 para 2', schema: note },
  NEW_BUSINESS_DURING_SUSPENSION: { label: '暂停期间承接新的涉密业务', by: ['authority'], basis: 'Regs 71 para 3(5)', schema: z.strictObject({ findings: shortText() }) },
  SUSPENSION_REVIEW_PASSED: { label: '暂停期满审查合格', by: ['authority'], basis: 'Regs 71 para 3(6)', schema: note },
  SUSPENSION_REVIEW_FAILED: { label: '暂停期满仍不符合', by: ['authority'], basis: 'Regs 71 para 3(6)', schema: z.strictObject({ findings: shortText() }) },
  REVOKE: { label: '吊销保密资质', by: ['authority'], basis: 'Regs 71 para 3', schema: note },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof annualInspectionEvents> | DeadlinePassedEvent;

/** A proposal the procedure makes to the authority (建议), with its article. */
export interface Proposal {
  measure: 'suspend-or-downgrade' | 'revoke';
  basis: string;
  reason: string;
  on: string;
}

export interface AnnualInspectionContext extends ProcedureContext {
  year: number;
  reportFrom: string;
  reportDays: number;
  dueDate: string;
  submittedOn?: string;
  rectification?: { orderedOn: string; dueDate: string; items: string; reportedOn?: string };
  rectificationOrderedOn?: string;
  rectificationDays: number;
  suspension?: { from: string; until: string; downgrade: boolean };
  suspendedOn?: string;
  suspensionDays: number;
  proposals: Proposal[];
  outcome?: 'compliant' | 'downgraded' | 'revoked';
}

export type AnnualInspectionInput = AnnualInspectionStart & DriverInput;


/** New 涉密业务 accepted while suspended: a proposal to revoke (Regs 71 para 3(5)). */
const newBusinessWhileSuspended = {
  target: 'revocationProposed',
  actions: { type: 'propose', params: { measure: 'revoke', basis: 'Regs 71 para 3(5)', reason: '暂停涉密业务期间承接新的涉密业务' } },
} as const;

export const annualInspectionMachine = setup({
  types: { context: {} as AnnualInspectionContext, events: {} as Events, input: {} as AnnualInspectionInput },
  guards: {
    passed: deadlinePassed,
    /** A period set by the authority must end after today. */
    endsAfterToday: ({ event }) => ('dueDate' in event ? event.dueDate : 'until' in event ? event.until : '') > eventDate(event),
  },
  actions: {
    notify: notifyEffect,
    submitted: assign(({ event }) => ({ submittedOn: eventDate(event) })),
    orderRectification: assign(({ event }) =>
      'dueDate' in event
        ? { rectification: { orderedOn: eventDate(event), dueDate: event.dueDate, items: event.items }, rectificationOrderedOn: eventDate(event), rectificationDays: dayOf(event.dueDate) - dayOf(eventDate(event)) }
        : {},
    ),
    rectificationReported: assign(({ context, event }) => ({ rectification: { ...context.rectification!, reportedOn: eventDate(event) } })),
    propose: assign(({ context, event }, params: Omit<Proposal, 'on'>) => ({ proposals: [...context.proposals, { ...params, on: eventDate(event) }] })),
    suspend: assign(({ event }) =>
      'until' in event
        ? { suspension: { from: eventDate(event), until: event.until, downgrade: event.downgrade }, suspendedOn: eventDate(event), suspensionDays: dayOf(event.until) - dayOf(eventDate(event)) }
        : {},
    ),
    outcome: assign((_, params: { outcome: AnnualInspectionContext['outcome'] }) => ({ outcome: params.outcome })),
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
  }),
  initial: 'awaitingReport',
  states: {
    awaitingReport: {
      meta: stateMeta({
        label: '待报送年度自检报告',
        responsible: 'enterprise',
        basis: 'Regs 48 para 3',
        deadline: { id: 'annual-report', label: '年度自检报告报送期限（本地策略）', rule: 'calendar-days', n: { context: 'reportDays' }, from: 'reportFrom', basis: 'Regs 48 para 3', responsible: 'enterprise', remindersDaysBefore: 'annualReminderDaysBefore' },
      }),
      on: { SUBMIT_REPORT: { target: 'underReview', actions: ['submitted', { type: 'notify', params: { to: 'authority', subject: 'annual-report-submitted', basis: 'Regs 48 para 3' } }] } },
    },
    underReview: {
      meta: stateMeta({ label: '审查自检报告', responsible: 'authority', basis: 'Regs 48 para 3' }),
      on: {
        ACCEPT: { target: 'closed', actions: { type: 'outcome', params: { outcome: 'compliant' } } },
        ORDER_RECTIFICATION: { guard: 'endsAfterToday', target: 'rectifying', actions: ['orderRectification', { type: 'notify', params: { to: 'enterprise', subject: 'rectification-ordered', basis: 'Regs 71 para 1' } }] },
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
      },
    },
    reviewingRectification: {
      meta: stateMeta({ label: '审查整改情况', responsible: 'authority', basis: 'Regs 71 para 1' }),
      on: {
        RECTIFICATION_ACCEPTED: { target: 'closed', actions: { type: 'outcome', params: { outcome: 'compliant' } } },
        RECTIFICATION_FAILED: {
          target: 'sanctionProposed',
          actions: { type: 'propose', params: { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '整改后仍不符合保密法律法规及国家保密规定' } },
        },
      },
    },
    sanctionProposed: {
      meta: stateMeta({ label: '建议暂停涉密业务、降低资质等级', responsible: 'authority', basis: 'Regs 71 para 2(2)' }),
      entry: { type: 'notify', params: { to: 'authority', subject: 'sanction-proposed', basis: 'Regs 71 para 2(2)' } },
      on: {
        SUSPEND_BUSINESS: { guard: 'endsAfterToday', target: 'suspended', actions: ['suspend', { type: 'notify', params: { to: 'enterprise', subject: 'business-suspended', basis: 'Regs 71 para 2' } }] },
        DOWNGRADE: { target: 'closed', actions: [{ type: 'outcome', params: { outcome: 'downgraded' } }, { type: 'notify', params: { to: 'enterprise', subject: 'licence-downgraded', basis: 'Regs 71 para 2' } }] },
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
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended,
        DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'suspension-end' } }, target: 'suspensionEndReview' },
      },
    },
    suspensionEndReview: {
      meta: stateMeta({ label: '暂停期满审查', responsible: 'authority', basis: 'Regs 71 para 3(6)' }),
      on: {
        SUSPENSION_REVIEW_PASSED: { target: 'closed', actions: { type: 'outcome', params: { outcome: 'compliant' } } },
        SUSPENSION_REVIEW_FAILED: {
          target: 'revocationProposed',
          actions: { type: 'propose', params: { measure: 'revoke', basis: 'Regs 71 para 3(6)', reason: '暂停涉密业务期满仍不符合保密法律法规及国家保密规定' } },
        },
        NEW_BUSINESS_DURING_SUSPENSION: newBusinessWhileSuspended,
      },
    },
    revocationProposed: {
      meta: stateMeta({ label: '建议吊销保密资质', responsible: 'authority', basis: 'Regs 71 para 3' }),
      entry: { type: 'notify', params: { to: 'authority', subject: 'revocation-proposed', basis: 'Regs 71 para 3' } },
      on: { REVOKE: { target: 'closed', actions: [{ type: 'outcome', params: { outcome: 'revoked' } }, { type: 'notify', params: { to: 'enterprise', subject: 'licence-revoked', basis: 'Regs 71 para 3' } }] } },
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
