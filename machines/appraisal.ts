/**
 * 国家秘密和情报鉴定 — appraisal, 30 + 30 days (Regs 63; Law 53). SPEC §3.4.
 */
import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { dueAtSuspended, suspensionBound, type SuspensionCounting } from '../domain/deadline/suspension.js';
import type { Extension } from '../domain/deadline/types.js';
import { LevelSchema } from '../domain/parties.js';
import type { Route } from '../domain/routing.js';
import { DateSchema, shortText } from './common.js';
import {
  defineProcedure,
  eventDate,
  notifyEffect,
  type DriverInput,
  type EventEnvelope,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';
import { appraisalParties } from '../domain/resolve-parties.js';

export const AppraisalStartSchema = z.strictObject({
  applicantId: z.string().min(1).describe('申请鉴定的监察机关、司法机关'),
  caseRef: shortText(50).describe('案件编号'),
  appliedOn: DateSchema.describe('申请日期'),
  items: z
    .array(z.strictObject({ ref: shortText(30).describe('鉴定事项编号'), description: shortText().describe('事项说明（非涉密）') }))
    .min(1)
    .max(200)
    .refine((items) => new Set(items.map((i) => i.ref)).size === items.length, 'item refs must be unique'),
});
export type AppraisalStart = z.infer<typeof AppraisalStartSchema>;

/** 鉴定结论 per item (Regs 63 para 2): a state secret and its level, not one, intelligence or not. */
const ConclusionSchema = z.discriminatedUnion('outcome', [
  z.strictObject({ ref: z.string(), outcome: z.literal('state-secret'), level: LevelSchema }),
  z.strictObject({ ref: z.string(), outcome: z.literal('not-secret') }),
  z.strictObject({ ref: z.string(), outcome: z.literal('intelligence') }),
  z.strictObject({ ref: z.string(), outcome: z.literal('not-intelligence') }),
]);

const note = z.strictObject({ note: shortText().optional() });

/**
 * Steps the statute does not set out but 国家秘密鉴定工作规定 (2021, a departmental rule: a
 * secondary source here) does: local policy, never cited as Regs 63.
 */
const GUIDE = '本地策略（国家秘密鉴定工作规定）';

export const appraisalEvents = {
  REQUEST_AMENDMENT: {
    label: '通知补正材料',
    by: ['authority'],
    basis: GUIDE,
    fact: true,
    max: 20,
    schema: z.strictObject({ missing: shortText() }),
  },
  AMENDED: { label: '材料已补正（重新审查）', by: ['applicant'], basis: GUIDE, fact: true, max: 20, schema: note },
  // Regs 63 para 2: the period runs from the day of 受理.
  ACCEPT: { label: '受理', by: ['authority'], basis: 'Regs 63 para 2', fact: true, schema: note },
  REJECT: { label: '不予受理', by: ['authority'], basis: GUIDE, fact: true, schema: z.strictObject({ reason: shortText() }) },
  OBJECT: { label: '对不予受理提出异议', by: ['applicant'], basis: GUIDE, fact: true, schema: z.strictObject({ reason: shortText() }) },
  ACCEPT_REJECTION: { label: '接受不予受理决定', by: ['applicant'], basis: GUIDE, fact: true, schema: note },
  REVIEW_ACCEPT: { label: '复核后受理', by: ['authority'], basis: 'Regs 63 para 2', fact: true, schema: note },
  REVIEW_UPHOLD: { label: '复核维持不予受理', by: ['authority'], basis: GUIDE, fact: true, schema: note },
  EXTEND: {
    label: '经负责人批准延长30日',
    by: ['authority'],
    // 经保密行政管理部门负责人批准: the sender must hold the authority's head role (the driver checks it).
    role: 'head',
    basis: 'Regs 63 para 2',
    schema: z.strictObject({
      // Kept so that recorded histories (edition 1 sent a typed name) still parse; never shown when a person is known.
      approver: shortText(50).optional().describe('已弃用（deprecated）：批准人即发送事件的负责人本人；仅在不知其人的旧记录中采用，勿填'),
      reason: shortText(),
    }),
  },
  START_CONSULTATION: {
    label: '专家咨询（中止计时）',
    by: ['authority'],
    basis: 'Regs 63 para 2',
    fact: true,
    max: 50,
    schema: z.strictObject({ reason: shortText(), expert: shortText(50).describe('咨询对象（非涉密）') }),
  },
  EXTEND_CONSULTATION: {
    label: '经协商延长专家答复期限',
    by: ['authority'],
    basis: GUIDE,
    schema: z.strictObject({ reason: shortText() }),
  },
  END_CONSULTATION: { label: '专家咨询结束（恢复计时）', by: ['authority'], basis: 'Regs 63 para 2', fact: true, max: 50, schema: note },
  // A binding decision (鉴定结论): signed by the authority's 负责人 from edition 5 (policy headSignOff, 本地策略).
  CONCLUDE: {
    label: '出具鉴定结论',
    by: ['authority'],
    basis: 'Regs 63 para 2',
    signOff: true,
    fact: true,
    schema: z.strictObject({ conclusions: z.array(ConclusionSchema).min(1).max(200) }),
  },
  // Neither Regs 63 nor Law 53 speaks of withdrawal: allowed by local policy, no article cited.
  WITHDRAW: { label: '撤回申请', by: ['applicant'], basis: '本地策略', fact: true, schema: note },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof appraisalEvents>;

export interface AppraisalContext extends ProcedureContext {
  caseRef: string;
  appliedOn: string;
  items: AppraisalStart['items'];
  route: Route;
  /** The review's period runs from here: the application, or the day the materials are complete. */
  reviewFrom: string;
  amendments: Array<{ requestedOn: string; missing: string; amendedOn?: string }>;
  rejection?: { on: string; reason: string; objectedOn?: string; objection?: string };
  objectedOn?: string;
  acceptedOn?: string;
  extensions: Extension[];
  /** How suspended time counts (policy, SPEC §2): bounds are dates, or instants when exact. */
  suspensionCounting: SuspensionCounting;
  /** Clock suspensions for expert consultation (专家咨询等时间不计入); an open one has no `to`. */
  suspensions: Array<{ from: string; to?: string; reason: string; basis: string }>;
  /** `afterDeadline`: opened once the deadline had passed, so it stopped no clock (Regs 63 para 2). */
  consultations: Array<{ sentOn: string; expert: string; reason: string; extended: boolean; endedOn?: string; afterDeadline?: true }>;
  consultationSentOn?: string;
  /** The current consultation's reply period; each starts at the policy period. */
  consultationDays: number;
  consultationReplyDays: number;
  consultationExtensionDays: number;
  conclusions?: Array<z.infer<typeof ConclusionSchema>>;
  concludedOn?: string;
}

export type AppraisalInput = AppraisalStart & DriverInput;

/**
 * The applicant may withdraw in every state until the conclusion is issued; the authority is
 * told (edition 2: edition-1 procedures withdrew without a notice and replay so).
 */
const withdraw = [
  {
    guard: 'edition2',
    target: '#appraisal.withdrawn',
    actions: { type: 'notify', params: { to: 'authority', subject: 'appraisal-withdrawn', basis: '本地策略' } },
  },
  { target: '#appraisal.withdrawn' },
] as const;

/** The person who sent the event, where the driver knows it (domain/procedure-view.ts Actor). */
const personOf = (actor: EventEnvelope['actor']) => (actor as { person?: { name: string } }).person;

export const appraisalMachine = setup({
  types: { meta: {} as StateMeta, context: {} as AppraisalContext, events: {} as Events, input: {} as AppraisalInput },
  guards: {
    /**
     * Once, before the deadline passes (Regs 63 para 2). During an open consultation the clock
     * stands still (专家咨询等时间不计入): the deadline is the recorded one moved by the time
     * the consultation has run so far.
     */
    canExtend: ({ context, event }) => {
      const due = event.deadlines.conclusion;
      if (context.extensions.length > 0 || !due) return false;
      const open = context.suspensions.find((s) => s.to === undefined);
      return Date.parse(event.at) <= Date.parse(dueAtSuspended(due.dueAt, open, event.at, context.suspensionCounting));
    },
    /**
     * Regs 63 para 2 (专家咨询等时间不计入鉴定办理期限): only consultation time inside the period is not
     * counted. A consultation opened at or after the deadline (as recorded: none is open while working)
     * stops no clock: the deadline stays passed, its alarms run on, a later conclusion is late.
     */
    consultationInPeriod: ({ context, event }) => {
      const due = event.deadlines.conclusion;
      // Edition 3 (machines/procedure.ts): procedures started before replay as they ran.
      return context.edition < 3 || !due || Date.parse(event.at) < Date.parse(due.dueAt);
    },
    consultationNotExtended: ({ context }) => !context.consultations.at(-1)?.extended,
    /** A conclusion for every item applied for, and for nothing else. */
    concludesEveryItem: ({ context, event }) => {
      assertEvent(event, 'CONCLUDE');
      return (
        event.conclusions.length === context.items.length && context.items.every((i) => event.conclusions.some((c) => c.ref === i.ref))
      );
    },
    /** Rules of edition 2 that add timers or notifications: edition-1 procedures replay without them. */
    edition2: ({ context }) => context.edition >= 2,
  },
  actions: {
    notify: notifyEffect,
    requestAmendment: assign(({ context, event }) => {
      assertEvent(event, 'REQUEST_AMENDMENT');
      return { amendments: [...context.amendments, { requestedOn: eventDate(event), missing: event.missing }] };
    }),
    /** The review restarts from the day the materials are complete (鉴定工作规定, local policy). */
    amended: assign(({ context, event }) => ({
      reviewFrom: eventDate(event),
      amendments: context.amendments.map((a, i, all) => (i === all.length - 1 ? { ...a, amendedOn: eventDate(event) } : a)),
    })),
    accept: assign(({ event }) => ({ acceptedOn: eventDate(event) })),
    reject: assign(({ event }) => {
      assertEvent(event, 'REJECT');
      return { rejection: { on: eventDate(event), reason: event.reason } };
    }),
    object: assign(({ context, event }) => {
      assertEvent(event, 'OBJECT');
      return { objectedOn: eventDate(event), rejection: { ...context.rejection!, objectedOn: eventDate(event), objection: event.reason } };
    }),
    /** The approver is the head who sends it; a name typed in stands only where no person is known (earlier records). */
    extend: assign(({ context, event }) => {
      assertEvent(event, 'EXTEND');
      return {
        extensions: [
          ...context.extensions,
          {
            days: 30,
            approver: personOf(event.actor)?.name ?? event.approver ?? event.actor.name ?? event.actor.id,
            reason: event.reason,
            basis: 'Regs 63 para 2',
          },
        ],
      };
    }),
    /** The clock stops (专家咨询等时间不计入, Regs 63 para 2): only for a consultation inside the period. */
    suspendClock: assign(({ context, event }) => {
      assertEvent(event, 'START_CONSULTATION');
      return {
        suspensions: [
          ...context.suspensions,
          { from: suspensionBound(event.at, context.suspensionCounting), reason: `专家咨询：${event.reason}`, basis: 'Regs 63 para 2' },
        ],
      };
    }),
    startConsultation: assign(({ context, event }, params: { afterDeadline?: true } | undefined) => {
      assertEvent(event, 'START_CONSULTATION');
      return {
        consultations: [
          ...context.consultations,
          { sentOn: eventDate(event), expert: event.expert, reason: event.reason, extended: false, ...params },
        ],
        consultationSentOn: eventDate(event),
        consultationDays: context.consultationReplyDays,
      };
    }),
    extendConsultation: assign(({ context }) => ({
      consultationDays: context.consultationDays + context.consultationExtensionDays,
      consultations: context.consultations.map((c, i, all) => (i === all.length - 1 ? { ...c, extended: true } : c)),
    })),
    endConsultation: assign(({ context, event }) => ({
      suspensions: context.suspensions.map((s) =>
        s.to === undefined ? { ...s, to: suspensionBound(event.at, context.suspensionCounting) } : s,
      ),
      consultations: context.consultations.map((c, i, all) => (i === all.length - 1 ? { ...c, endedOn: eventDate(event) } : c)),
    })),
    conclude: assign(({ event }) => {
      assertEvent(event, 'CONCLUDE');
      return { conclusions: event.conclusions, concludedOn: eventDate(event) };
    }),
  },
}).createMachine({
  id: 'appraisal',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    route: input.route as Route,
    caseRef: input.caseRef,
    appliedOn: input.appliedOn,
    items: input.items,
    reviewFrom: input.appliedOn,
    amendments: [],
    extensions: [],
    // Histories recorded before the policy had the setting counted in calendar days.
    suspensionCounting: input.policy.suspensionCounting ?? 'calendar-days',
    suspensions: [],
    consultations: [],
    consultationDays: input.policy.consultationReplyDays,
    consultationReplyDays: input.policy.consultationReplyDays,
    consultationExtensionDays: input.policy.consultationExtensionDays,
  }),
  initial: 'underReview',
  states: {
    underReview: {
      meta: { label: '受理审查', responsible: 'authority', basis: 'Regs 63 para 2' },
      entry: { type: 'notify', params: { to: 'authority', subject: 'appraisal-applied', basis: 'Regs 63 para 1' } },
      initial: 'entered',
      states: {
        entered: {
          meta: { label: '受理审查', responsible: 'authority', basis: 'Regs 63 para 2' },
          always: [{ guard: 'edition2', target: 'timed' }, { target: 'untimed' }],
        },
        timed: {
          meta: {
            label: '受理审查',
            responsible: 'authority',
            basis: 'Regs 63 para 2',
            deadline: {
              id: 'review',
              label: '受理审查期限（鉴定工作规定，本地策略）',
              rule: 'calendar-days',
              n: { policy: 'appraisalReviewDays' },
              from: 'reviewFrom',
              basis: GUIDE,
              responsible: 'authority',
            },
          },
        },
        // Edition 1: the review ran without a period; the same meta as its parent, so the state it names is unchanged.
        untimed: { meta: { label: '受理审查', responsible: 'authority', basis: 'Regs 63 para 2' } },
      },
      on: {
        REQUEST_AMENDMENT: {
          target: 'awaitingAmendment',
          actions: ['requestAmendment', { type: 'notify', params: { to: 'applicant', subject: 'amendment-requested', basis: GUIDE } }],
        },
        ACCEPT: {
          target: 'appraising',
          actions: ['accept', { type: 'notify', params: { to: 'applicant', subject: 'appraisal-accepted', basis: 'Regs 63 para 2' } }],
        },
        REJECT: {
          target: 'rejected',
          actions: ['reject', { type: 'notify', params: { to: 'applicant', subject: 'appraisal-rejected', basis: GUIDE } }],
        },
        WITHDRAW: withdraw,
      },
    },
    awaitingAmendment: {
      meta: { label: '待补正材料', responsible: 'applicant', basis: GUIDE },
      on: { AMENDED: { target: 'underReview', actions: 'amended' }, WITHDRAW: withdraw },
    },
    rejected: {
      meta: { label: '不予受理', responsible: 'applicant', basis: GUIDE },
      on: {
        OBJECT: {
          target: 'rejectionReview',
          actions: ['object', { type: 'notify', params: { to: 'authority', subject: 'rejection-objected', basis: GUIDE } }],
        },
        ACCEPT_REJECTION: 'closedRejected',
        WITHDRAW: withdraw,
      },
    },
    rejectionReview: {
      meta: {
        label: '不予受理异议复核',
        responsible: 'authority',
        basis: GUIDE,
        deadline: {
          id: 'rejection-review',
          label: '复核期限（鉴定工作规定，本地策略）',
          rule: 'calendar-days',
          n: { policy: 'rejectionReviewDays' },
          from: 'objectedOn',
          basis: GUIDE,
          responsible: 'authority',
        },
      },
      on: {
        REVIEW_ACCEPT: {
          target: 'appraising',
          actions: ['accept', { type: 'notify', params: { to: 'applicant', subject: 'appraisal-accepted', basis: 'Regs 63 para 2' } }],
        },
        REVIEW_UPHOLD: {
          target: 'closedRejected',
          actions: { type: 'notify', params: { to: 'applicant', subject: 'rejection-upheld', basis: GUIDE } },
        },
        WITHDRAW: withdraw,
      },
    },
    appraising: {
      meta: {
        label: '鉴定办理中',
        responsible: 'authority',
        basis: 'Regs 63 para 2',
        deadline: {
          id: 'conclusion',
          label: '鉴定期限（自受理之日起30日，可延长30日一次）',
          rule: 'calendar-days',
          n: 30,
          from: 'acceptedOn',
          basis: 'Regs 63 para 2',
          responsible: 'authority',
          maxExtensions: 1,
          extensionsFrom: 'extensions',
          suspensionsFrom: 'suspensions',
        },
      },
      on: {
        EXTEND: {
          guard: 'canExtend',
          actions: ['extend', { type: 'notify', params: { to: 'applicant', subject: 'appraisal-extended', basis: 'Regs 63 para 2' } }],
        },
        WITHDRAW: withdraw,
      },
      initial: 'working',
      states: {
        working: {
          meta: { label: '鉴定办理中', responsible: 'authority', basis: 'Regs 63 para 2' },
          on: {
            START_CONSULTATION: [
              { guard: 'consultationInPeriod', target: 'consulting', actions: ['suspendClock', 'startConsultation'] },
              // After the deadline the experts may still be consulted, but the time no longer stops a clock (Regs 63 para 2).
              { target: 'consulting', actions: { type: 'startConsultation', params: { afterDeadline: true } } },
            ],
            CONCLUDE: {
              guard: 'concludesEveryItem',
              target: '#appraisal.concluded',
              actions: [
                'conclude',
                { type: 'notify', params: { to: 'applicant', subject: 'appraisal-concluded', basis: 'Regs 63 para 2' } },
              ],
            },
          },
        },
        consulting: {
          meta: {
            label: '专家咨询（不计入鉴定期限）',
            responsible: 'authority',
            basis: 'Regs 63 para 2',
            deadline: {
              id: 'consultation-reply',
              label: '专家答复期限（鉴定工作规定，本地策略）',
              rule: 'calendar-days',
              n: { context: 'consultationDays' },
              policyKey: 'consultationReplyDays',
              from: 'consultationSentOn',
              basis: GUIDE,
              responsible: 'authority',
            },
          },
          on: {
            EXTEND_CONSULTATION: { guard: 'consultationNotExtended', actions: 'extendConsultation' },
            END_CONSULTATION: { target: 'working', actions: 'endConsultation' },
          },
        },
      },
    },
    concluded: { type: 'final', meta: { label: '已出具鉴定结论' } },
    closedRejected: { type: 'final', meta: { label: '不予受理（已办结）' } },
    withdrawn: { type: 'final', meta: { label: '已撤回' } },
  },
});

export const appraisalProcedure = defineProcedure({
  kind: 'appraisal',
  label: '国家秘密和情报鉴定',
  basis: 'Regs 63; Law 53',
  workflowType: 'appraisalWorkflow',
  machine: appraisalMachine,
  input: AppraisalStartSchema,
  parties: appraisalParties,
  startedBy: 'applicantId',
  startFact: 'appliedOn',
  events: appraisalEvents,
});
