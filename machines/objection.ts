/**
 * 异议处理 — objection to a classification (Regs 26). SPEC §3.2.
 */
import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { interimProtection, type Interim } from '../domain/interim.js';
import { routeObjection, type Route } from '../domain/routing.js';
import {
  ceilingCheck,
  ceilingChecks,
  classificationChange,
  ClassificationSchema,
  DateSchema,
  DeterminationSchema,
  shortText,
  type Classification,
  type Determination,
} from './common.js';
import {
  defineProcedure,
  deadlinePassed,
  eventDate,
  notifyEffect,
  type DeadlinePassedEvent,
  type DriverInput,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';
import { objectionParties } from '../domain/resolve-parties.js';

export const ObjectionStartSchema = z
  .strictObject({
    objectorId: z.string().min(1).describe('提出异议的机关、单位'),
    classifierId: z.string().min(1).describe('原定密机关、单位'),
    matterRef: shortText(50).describe('国家秘密事项编号'),
    title: shortText(100).describe('事项名称（非涉密）'),
    /**
     * What the original classifier determined, with the day its term runs from (`since`, Regs 19
     * para 2). Absent (inputs from before it was asked for), the filing date stands in: the same
     * count as before, and a later end than the true one, so the protection never falls short.
     */
    determined: ClassificationSchema,
    /** The objector's claim: not a state secret, or another level/term (a year term runs from `determined.since` unless the claim states its own). */
    claim: DeterminationSchema,
    grounds: shortText().describe('异议理由（非涉密简述）'),
    filedOn: DateSchema.describe('提出异议日期'),
  })
  .superRefine((s, ctx) => {
    // Regs 26 para 1: an organ objects to a classification by another organ (向原定密机关、单位提出异议).
    if (s.objectorId === s.classifierId) {
      ctx.addIssue({
        code: 'custom',
        path: ['classifierId'],
        message: `the original classifier (原定密机关、单位) must be another organ than the objector "${s.objectorId}": an organ cannot object to its own classification (Regs 26 para 1); allowed: any other registered organ`,
      });
    }
  });
export type ObjectionStart = z.infer<typeof ObjectionStartSchema>;

const decide = z.strictObject({ determination: DeterminationSchema });
/** Law 20 para 2 on a position: its term from its own start, else the determined classification's, else the filing date (as termStart). */
const positionCeiling = (d: Determination, termStart: string, field: string) =>
  d.outcome === 'state-secret' ? ceilingCheck(d.classification, termStart, `${field}.classification`) : { errors: [], notes: [] };
const decisionCeiling = (p: { determination: Determination }, c: Pick<ObjectionContext, 'termStart'>) =>
  positionCeiling(p.determination, c.termStart, 'determination');
const nothing = z.strictObject({ note: shortText().optional() });
const holdersNotified = z.strictObject({ noticeRef: shortText(50).optional().describe('书面通知文号'), note: shortText().optional() });

export const objectionEvents = {
  CLASSIFIER_DECIDE: {
    label: '原定密机关、单位作出决定',
    by: ['classifier'],
    basis: 'Regs 26 para 1',
    schema: decide,
    fact: true,
    check: decisionCeiling,
  },
  // Regs 26 names no acceptance: it records the objector's choice (before a provincial decision becomes final, see provincialDecided).
  ACCEPT: { label: '异议方接受决定', by: ['objector'], schema: nothing, fact: true },
  ESCALATE: { label: '报保密行政管理部门确定', by: ['objector'], basis: 'Regs 26 para 2', schema: nothing, fact: true },
  // The authorities' decisions (异议决定) are binding: signed by the 负责人 from edition 5 (policy headSignOff, 本地策略).
  // The classifier's decision is an organ's, taken under its own 定密 rules (Law 17), not an authority's: no sign-off here.
  AUTHORITY_DECIDE: {
    label: '保密行政管理部门作出决定',
    by: ['authority'],
    basis: 'Regs 26 para 2',
    signOff: true,
    schema: decide,
    fact: true,
    check: decisionCeiling,
  },
  // Regs 26 para 2(2): the objector (edition 4, see mayAppeal); the classifier stays a sender for the procedures of editions 2–3.
  APPEAL: {
    label: '对省级保密行政管理部门的决定有异议，报国家保密行政管理部门确定',
    by: ['objector', 'classifier'],
    narrowed: {
      sinceEdition: 4,
      by: ['objector'],
      rule: 'only the objecting organ may take a provincial decision to the national authority (Regs 26 para 2(2), edition 4)',
      ruleZh: '仅提出异议的机关、单位可以对省级保密行政管理部门的决定报国家保密行政管理部门确定（《实施条例》第二十六条第二款第（二）项）',
    },
    basis: 'Regs 26 para 2(2)',
    schema: nothing,
    fact: true,
  },
  NATIONAL_DECIDE: {
    label: '国家保密行政管理部门作出决定',
    by: ['national'],
    basis: 'Regs 26 para 2(2)',
    signOff: true,
    schema: decide,
    fact: true,
    check: decisionCeiling,
  },
  // Law 23 para 2 (written notice of a change) and Regs 21 para 1 (markings changed); Law 22 para 3 forbids markings on what is not a secret.
  NOTIFY_HOLDERS: {
    label: '书面通知知悉范围，变更或者解除国家秘密标志',
    by: ['classifier'],
    basis: 'Law 23 para 2; Regs 21 para 1; Law 22 para 3',
    schema: holdersNotified,
    fact: true,
  },
  WITHDRAW: { label: '撤回异议', by: ['objector'], schema: nothing, fact: true },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof objectionEvents> | DeadlinePassedEvent;

type Decider = 'classifier' | 'authority' | 'national';
/** A decision: in force from the day it is made until a further escalation (Regs 26 para 3). */
export interface Decision {
  determination: Determination;
  by: Decider;
  on: string;
  basis: string;
}

export interface ObjectionContext extends ProcedureContext {
  matterRef: string;
  title: string;
  grounds: string;
  filedOn: string;
  /** The classification the objection is against. */
  determined: Classification;
  /** The day year terms run from unless a position states its own (Regs 19 para 2; see the start schema). */
  termStart: string;
  /** The route that applies: by the matter as it stands when the objection is escalated (Regs 26 para 2). */
  route: Route;
  /** Each party's current position; the interim level is the highest of them (Regs 26 para 3). */
  positions: Record<string, Determination>;
  /** While a decision is pending (Regs 26 para 3: 在…作出决定前). */
  interim?: Interim;
  /** Between a decision and a further escalation, the decision applies. */
  inForce?: Decision;
  /** 未予处理: the original classifier let the policy window pass (and did not decide within it, by the decision's instant). */
  unanswered: boolean;
  /** The classifier's window as computed, recorded when it passed. */
  classifierWindowDueAt?: string;
  classifierDecidedOn?: string;
  escalatedOn?: string;
  provincialDecidedOn?: string;
  appealedOn?: string;
  appealedBy?: 'objector' | 'classifier';
  final?: Decision;
  /** The day the final decision was made. */
  finalOn?: string;
  /**
   * The day the decision that now stands was made (Law 23 para 2: 及时 from the change): the
   * holders' period runs from it, not from the acceptance, the lapse or the withdrawal that ends the objection.
   */
  changedOn?: string;
  /** The objector accepted the provincial decision; it becomes final when the appeal window passes unused. */
  acceptedOn?: string;
  withdrawnOn?: string;
  /** The written notice to the 知悉范围 and the change or removal of markings (Law 23 para 2; Law 22 para 3; Regs 21). */
  holdersNotifiedOn?: string;
}

export type ObjectionInput = ObjectionStart & DriverInput;

const positionOf = (c: Classification): Determination => ({ outcome: 'state-secret', classification: c });
const edition2 = ({ context }: { context: ObjectionContext }) => context.edition >= 2;
/** What the decision that stands (final, or the one left by a withdrawal) does to the classification. */
const standingChange = (context: ObjectionContext) =>
  context.inForce ? classificationChange(context.determined, context.inForce.determination) : 'unchanged';
/** The day the decision `by` made was recorded (a decision taken over by acceptance, lapse or withdrawal keeps its own day). */
const decidedOnOf = (c: ObjectionContext, by: Decider) =>
  by === 'classifier' ? c.classifierDecidedOn : by === 'authority' ? c.provincialDecidedOn : undefined;

/** Unanswered, or a decision the objector disputes: either way it goes up (Regs 26 para 2). */
const escalate = {
  target: 'underAuthorityReview',
  actions: [
    'routeByMatterAsItStands',
    'pending',
    { type: 'stamp', params: { key: 'escalatedOn' } },
    { type: 'notify', params: { to: 'authority', subject: 'objection-escalated', basis: 'Regs 26 para 2' } },
  ],
} as const;
/** The original classifier decides, within the window or late (Regs 26 para 1); its decision applies until escalated. */
const classifierDecides = {
  target: 'classifierDecided',
  actions: [
    { type: 'recordDecision', params: { by: 'classifier', basis: 'Regs 26 para 1' } },
    'judgeAnswered',
    { type: 'stamp', params: { key: 'classifierDecidedOn' } },
    'routeByMatterAsItStands',
    { type: 'notify', params: { to: 'objector', subject: 'classifier-decided', basis: 'Regs 26 para 1' } },
  ],
} as const;
/** A decision that ends the objection; the original classifier is told (then, where it changes the classification, tells the holders). */
const finalDecision = (by: Decider, basis: string, notifyObjector?: string) => ({
  target: 'closing' as const,
  actions: [
    { type: 'finalize' as const, params: { by, basis } },
    ...(notifyObjector ? [{ type: 'notify' as const, params: { to: 'objector', subject: notifyObjector, basis } }] : []),
    { type: 'notify' as const, params: { to: 'classifier', subject: 'objection-final', basis } },
  ],
});
const markingsDeadline = (label: string, basis: string) =>
  ({
    id: 'markings',
    label,
    rule: 'working-days',
    n: { policy: 'markingsWorkingDays' },
    from: 'changedOn',
    basis,
    responsible: 'classifier',
    sinceEdition: 2,
  }) as const;
/**
 * Withdrawn, the decision made before the pending step applies again (Regs 26 para 3 protects only
 * until a decision): the provincial one, else the classifier's, else the original classification.
 * Where it changed or removed the classification, the holders are told before the procedure closes.
 */
const withdraw = [
  { guard: 'edition2', target: 'closing', actions: 'withdraw' },
  { target: 'withdrawn', actions: 'withdraw' },
] as const;

/** The holders told, the procedure ends as it was going to: decided, or withdrawn. */
const holdersNotifiedThen = [
  { guard: 'withdrawnObjection', target: 'withdrawn', actions: { type: 'stamp', params: { key: 'holdersNotifiedOn' } } },
  { target: 'decided', actions: { type: 'stamp', params: { key: 'holdersNotifiedOn' } } },
] as const;

export const objectionMachine = setup({
  types: { meta: {} as StateMeta, context: {} as ObjectionContext, events: {} as Events, input: {} as ObjectionInput },
  guards: {
    passed: deadlinePassed,
    decidedByProvincialAuthority: ({ context }) => context.parties.authority?.tier === 'provincial',
    edition2,
    markingsRemoved: ({ context }) => edition2({ context }) && standingChange(context) === 'removed',
    markingsChanged: ({ context }) => edition2({ context }) && standingChange(context) === 'changed',
    withdrawnObjection: ({ context }) => context.withdrawnOn !== undefined,
    edition1: ({ context }) => !edition2({ context }),
    acceptance: ({ context }) => edition2({ context }) && context.acceptedOn === undefined,
    /**
     * Editions 2–3: the objector who accepted the provincial decision has waived its appeal; the classifier
     * kept its own. Edition 4: only the objector appeals — para 2's subject, 机关、单位…仍有异议的, is the
     * objecting organ, and item (二)'s second clause continues that sentence.
     */
    mayAppeal: ({ context, event }) =>
      context.edition >= 4
        ? event.actor.id === context.parties.objector?.id
        : !(context.acceptedOn && event.actor.id === context.parties.objector?.id),
    edition4: ({ context }) => context.edition >= 4,
  },
  actions: {
    notify: notifyEffect,
    markUnanswered: assign(({ event }) => ({ unanswered: true, classifierWindowDueAt: event.deadlines['classifier-window']?.dueAt })),
    /** A decision made within the window (its occurredAt), entered after it passed: it was answered (Regs 26 para 1). */
    judgeAnswered: assign(({ context, event }) => ({
      unanswered:
        context.unanswered && !(context.classifierWindowDueAt && Date.parse(event.at) <= Date.parse(context.classifierWindowDueAt)),
    })),
    /** The day a step happened, from the event's instant (a fact's occurredAt where given). */
    stamp: assign(
      ({ event }, params: { key: 'classifierDecidedOn' | 'escalatedOn' | 'provincialDecidedOn' | 'appealedOn' | 'holdersNotifiedOn' }) => ({
        [params.key]: eventDate(event),
      }),
    ),
    recordAppellant: assign({
      appealedBy: ({ context, event }) =>
        event.actor.id === context.parties.classifier?.id ? ('classifier' as const) : ('objector' as const),
    }),
    /** A decision becomes its maker's position and applies; the interim protection ends (Regs 26 para 3). */
    recordDecision: assign(({ context, event }, params: { by: Decider; basis: string }) => {
      assertEvent(event, ['CLASSIFIER_DECIDE', 'AUTHORITY_DECIDE']);
      return {
        positions: { ...context.positions, [params.by]: event.determination },
        inForce: { determination: event.determination, by: params.by, on: eventDate(event), basis: params.basis },
        interim: undefined,
      };
    }),
    /** A decision is pending again: the highest claimed level protects the matter (Regs 26 para 3). */
    pending: assign(({ context }) => ({
      interim: interimProtection(Object.values(context.positions), context.termStart),
      inForce: undefined,
    })),
    /**
     * Regs 26 para 2: the route by the matter as it now stands — the classifier's decision where it
     * changed the level, else the originally determined level (a decision of "not a secret" leaves
     * no level: the determined one routes). Edition 1 kept the route fixed at start.
     */
    routeByMatterAsItStands: assign(({ context }) => {
      if (context.edition < 2) return {};
      const decided = context.positions.classifier;
      const changed = decided?.outcome === 'state-secret' && decided.classification.level !== context.determined.level;
      const route = routeObjection(
        context.parties.classifier!.organKind!,
        changed ? decided.classification.level : context.determined.level,
        changed,
      );
      const authority = route.tier === 'national' ? context.parties.national : context.parties.provincial;
      return { route, parties: { ...context.parties, authority } };
    }),
    /**
     * The decision ends the objection: it applies, and nothing is pending any more. A decision
     * taken over (accepted, or its window lapsed) keeps the day it was made.
     */
    finalize: assign(({ context, event }, params: { by: Decider; basis: string }) => {
      const made = event.type === 'AUTHORITY_DECIDE' || event.type === 'NATIONAL_DECIDE';
      const on = made ? eventDate(event) : (decidedOnOf(context, params.by) ?? eventDate(event));
      const final: Decision = {
        determination: made ? event.determination : context.positions[params.by]!,
        by: params.by,
        on,
        basis: params.basis,
      };
      return { final, finalOn: eventDate(event), changedOn: on, inForce: final, interim: undefined };
    }),
    /** Withdrawal: the decision made before the pending step stands (see `withdraw`). */
    withdraw: assign(({ context, event }) => {
      const by: Decider = context.positions.authority && context.provincialDecidedOn ? 'authority' : 'classifier';
      const on = decidedOnOf(context, by) ?? context.filedOn;
      const basis = by === 'authority' ? 'Regs 26 para 2(2)' : context.classifierDecidedOn ? 'Regs 26 para 1' : '原定密机关、单位确定';
      return {
        withdrawnOn: eventDate(event),
        inForce: { determination: context.positions[by]!, by, on, basis },
        changedOn: on,
        interim: undefined,
      };
    }),
    recordAcceptance: assign(({ event }) => ({ acceptedOn: eventDate(event) })),
  },
}).createMachine({
  id: 'objection',
  context: ({ input }) => {
    const positions = { classifier: positionOf(input.determined), objector: input.claim };
    const termStart = input.determined.since ?? input.filedOn;
    return {
      parties: input.parties,
      region: input.region,
      edition: input.edition,
      route: input.route as Route,
      matterRef: input.matterRef,
      title: input.title,
      grounds: input.grounds,
      filedOn: input.filedOn,
      determined: input.determined,
      termStart,
      positions,
      interim: interimProtection(Object.values(positions), termStart),
      unanswered: false,
    };
  },
  initial: 'awaitingClassifierDecision',
  states: {
    awaitingClassifierDecision: {
      meta: {
        label: '原定密机关、单位处理中',
        responsible: 'classifier',
        basis: 'Regs 26 para 1',
        deadline: {
          id: 'classifier-window',
          label: '原定密机关、单位处理期限（本地策略）',
          rule: 'working-days',
          n: { policy: 'objectionWindowWorkingDays' },
          from: 'filedOn',
          basis: 'Regs 26 para 1',
          responsible: 'classifier',
        },
      },
      entry: { type: 'notify', params: { to: 'classifier', subject: 'objection-filed', basis: 'Regs 26 para 1' } },
      on: {
        CLASSIFIER_DECIDE: classifierDecides,
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'classifier-window' } },
          target: 'unanswered',
          actions: ['markUnanswered', { type: 'notify', params: { to: 'objector', subject: 'unanswered', basis: 'Regs 26 para 2' } }],
        },
        WITHDRAW: withdraw,
      },
    },
    unanswered: {
      meta: { label: '原定密机关、单位未予处理', responsible: 'objector', basis: 'Regs 26 para 2' },
      on: {
        ESCALATE: escalate,
        CLASSIFIER_DECIDE: classifierDecides,
        WITHDRAW: withdraw,
      },
    },
    classifierDecided: {
      meta: {
        label: '原定密机关、单位已作出决定',
        responsible: 'objector',
        basis: 'Regs 26 para 2',
        deadline: {
          id: 'objector-choice',
          label: '异议方接受决定或者报保密行政管理部门确定（本地策略）',
          rule: 'working-days',
          n: { policy: 'objectionChoiceWorkingDays' },
          from: 'classifierDecidedOn',
          basis: 'Regs 26 para 2',
          responsible: 'objector',
          sinceEdition: 2,
        },
      },
      on: {
        ACCEPT: finalDecision('classifier', 'Regs 26 para 1'),
        ESCALATE: escalate,
        // The objector let its choice lapse: the classifier's decision stands, as if accepted.
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'objector-choice' } },
          ...finalDecision('classifier', 'Regs 26 para 1', 'classifier-decision-final'),
        },
        WITHDRAW: withdraw,
      },
    },
    underAuthorityReview: {
      meta: {
        label: '保密行政管理部门确定中',
        responsible: 'authority',
        basis: 'Regs 26 para 2',
        deadline: {
          id: 'authority-review',
          label: '保密行政管理部门确定期限（本地策略）',
          rule: 'working-days',
          n: { policy: 'objectionReviewWorkingDays' },
          from: 'escalatedOn',
          basis: 'Regs 26 para 2',
          responsible: 'authority',
          sinceEdition: 2,
        },
      },
      on: {
        AUTHORITY_DECIDE: [
          {
            guard: 'decidedByProvincialAuthority',
            target: 'provincialDecided',
            actions: [
              { type: 'recordDecision', params: { by: 'authority', basis: 'Regs 26 para 2(2)' } },
              { type: 'stamp', params: { key: 'provincialDecidedOn' } },
              { type: 'notify', params: { to: 'objector', subject: 'authority-decided', basis: 'Regs 26 para 2(2)' } },
            ],
          },
          finalDecision('authority', 'Regs 26 para 2(1)', 'authority-decided'),
        ],
        WITHDRAW: withdraw,
      },
    },
    provincialDecided: {
      meta: {
        label: '省级保密行政管理部门已作出决定',
        responsible: 'objector',
        basis: 'Regs 26 para 2(2)',
        // The objector appeals (edition 4; before, the classifier too: see mayAppeal); the reminders go to it.
        deadline: {
          id: 'appeal-choice',
          label: '对省级决定报国家保密行政管理部门确定的期限（本地策略；期满未报，省级决定即为最终决定）',
          rule: 'working-days',
          n: { policy: 'objectionChoiceWorkingDays' },
          from: 'provincialDecidedOn',
          basis: 'Regs 26 para 2(2)',
          responsible: 'objector',
          sinceEdition: 2,
        },
      },
      on: {
        // Edition 2: the objector's acceptance is recorded, and the original classifier may still
        // appeal until the window passes; then the provincial decision is final. Edition 1 closed on it.
        // Edition 4: no one else may appeal, so the objector's acceptance makes the provincial decision final.
        ACCEPT: [
          { guard: 'edition4', ...finalDecision('authority', 'Regs 26 para 2(2)') },
          { guard: 'acceptance', actions: 'recordAcceptance' },
          { guard: 'edition1', ...finalDecision('authority', 'Regs 26 para 2(2)') },
        ],
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'appeal-choice' } },
          ...finalDecision('authority', 'Regs 26 para 2(2)', 'provincial-decision-final'),
        },
        APPEAL: {
          guard: 'mayAppeal',
          target: 'underNationalReview',
          actions: [
            'pending',
            { type: 'stamp', params: { key: 'appealedOn' } },
            'recordAppellant',
            { type: 'notify', params: { to: 'national', subject: 'objection-appealed', basis: 'Regs 26 para 2(2)' } },
          ],
        },
        WITHDRAW: withdraw,
      },
    },
    underNationalReview: {
      meta: {
        label: '国家保密行政管理部门确定中',
        responsible: 'national',
        basis: 'Regs 26 para 2(2)',
        deadline: {
          id: 'national-review',
          label: '国家保密行政管理部门确定期限（本地策略）',
          rule: 'working-days',
          n: { policy: 'objectionReviewWorkingDays' },
          from: 'appealedOn',
          basis: 'Regs 26 para 2(2)',
          responsible: 'national',
          sinceEdition: 2,
        },
      },
      on: {
        NATIONAL_DECIDE: finalDecision('national', 'Regs 26 para 2(2)', 'national-decided'),
        WITHDRAW: withdraw,
      },
    },
    /** The decision is final, or the objection withdrawn: where what stands changes or removes the classification, the holders are told first. */
    closing: {
      meta: { label: '异议办结' },
      always: [
        { guard: 'markingsRemoved', target: 'removingMarkings' },
        { guard: 'markingsChanged', target: 'changingMarkings' },
        { guard: 'withdrawnObjection', target: 'withdrawn' },
        { target: 'decided' },
      ],
    },
    changingMarkings: {
      meta: {
        label: '待书面通知知悉范围、变更国家秘密标志',
        responsible: 'classifier',
        basis: 'Law 23 para 2; Regs 21 para 1',
        deadline: markingsDeadline('书面通知知悉范围、变更国家秘密标志（“及时”，本地策略）', 'Law 23 para 2; Regs 21 para 1'),
        eventBasis: { NOTIFY_HOLDERS: 'Law 23 para 2; Regs 21 para 1' },
      },
      entry: { type: 'notify', params: { to: 'classifier', subject: 'markings-change-due', basis: 'Law 23 para 2; Regs 21 para 1' } },
      on: { NOTIFY_HOLDERS: holdersNotifiedThen },
    },
    removingMarkings: {
      meta: {
        label: '待解除国家秘密标志（并书面通知知悉范围：本地策略）',
        responsible: 'classifier',
        basis: 'Law 22 para 3',
        deadline: markingsDeadline('解除国家秘密标志（“及时”期间与书面通知知悉范围：本地策略）', 'Law 22 para 3'),
        // Law 23 para 2 covers a change only: the notice on removal is local policy.
        eventBasis: { NOTIFY_HOLDERS: 'Law 22 para 3; 本地策略' },
      },
      entry: { type: 'notify', params: { to: 'classifier', subject: 'markings-removal-due', basis: 'Law 22 para 3' } },
      on: { NOTIFY_HOLDERS: holdersNotifiedThen },
    },
    decided: { type: 'final', meta: { label: '已作出决定' } },
    withdrawn: { type: 'final', meta: { label: '已撤回' }, entry: assign({ interim: undefined }) },
  },
});

export const objectionProcedure = defineProcedure({
  kind: 'objection',
  label: '异议处理',
  basis: 'Regs 26',
  workflowType: 'objectionWorkflow',
  machine: objectionMachine,
  input: ObjectionStartSchema,
  parties: objectionParties,
  startedBy: 'objectorId',
  startFact: 'filedOn',
  startFieldsInContext: { claim: 'positions.objector' },
  events: objectionEvents,
  checkStart: (input: ObjectionStart) => {
    const termStart = input.determined.since ?? input.filedOn;
    return ceilingChecks(
      ceilingCheck(input.determined, termStart, 'determined', { existing: true }),
      positionCeiling(input.claim, termStart, 'claim'),
    );
  },
});
