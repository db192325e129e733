/**
 * 异议处理 — objection to a classification (Regs 26). SPEC §3.2.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { interimProtection, type Interim } from '../domain/interim.js';
import type { Route } from '../domain/routing.js';
import { shanghaiDateOf } from '../domain/time.js';
import { ClassificationSchema, DateSchema, DeterminationSchema, shortText, type Classification, type Determination } from './common.js';
import { deadlinePassed, notifyEffect, stateMeta, type DeadlinePassedEvent, type DriverInput, type MachineEvents, type ProcedureContext, type ProcedureDefinition } from './procedure.js';

export const ObjectionStartSchema = z.strictObject({
  objectorId: z.string().min(1).describe('提出异议的机关、单位'),
  classifierId: z.string().min(1).describe('原定密机关、单位'),
  matterRef: shortText(50).describe('国家秘密事项编号'),
  title: shortText(100).describe('事项名称（非涉密）'),
  /** What the original classifier determined. */
  determined: ClassificationSchema,
  /** The objector's claim: not a state secret, or another level/term. */
  claim: DeterminationSchema,
  grounds: shortText().describe('异议理由（非涉密简述）'),
  filedOn: DateSchema.describe('提出异议日期'),
});
export type ObjectionStart = z.infer<typeof ObjectionStartSchema>;

const decide = z.strictObject({ determination: DeterminationSchema });
const nothing = z.strictObject({ note: shortText().optional() });

export const objectionEvents = {
  CLASSIFIER_DECIDE: { label: '原定密机关作出决定', by: ['classifier'], basis: 'Regs 26 para 1', schema: decide },
  ACCEPT: { label: '异议方接受决定', by: ['objector'], basis: 'Regs 26 para 2', schema: nothing },
  ESCALATE: { label: '报保密行政管理部门确定', by: ['objector'], basis: 'Regs 26 para 2', schema: nothing },
  AUTHORITY_DECIDE: { label: '保密行政管理部门作出决定', by: ['authority'], basis: 'Regs 26 para 2', schema: decide },
  APPEAL: { label: '对省级决定有异议，报国家保密行政管理部门确定', by: ['objector'], basis: 'Regs 26 para 2(2)', schema: nothing },
  NATIONAL_DECIDE: { label: '国家保密行政管理部门作出决定（终局）', by: ['national'], basis: 'Regs 26 para 2(2)', schema: decide },
  WITHDRAW: { label: '撤回异议', by: ['objector'], basis: 'Regs 26', schema: nothing },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof objectionEvents> | DeadlinePassedEvent;

export interface ObjectionContext extends ProcedureContext {
  matterRef: string;
  title: string;
  grounds: string;
  filedOn: string;
  route: Route;
  /** Each party's current position; the interim level is the highest of them (Regs 26 para 3). */
  positions: Record<string, Determination>;
  interim?: Interim;
  /** 未予处理: the original classifier let the policy window pass. */
  unanswered: boolean;
  final?: { determination: Determination; by: string; on: string; basis: string };
}

export type ObjectionInput = ObjectionStart & DriverInput;

const positionOf = (c: Classification): Determination => ({ outcome: 'state-secret', classification: c });


/** Unanswered, or a decision the objector disputes: either way it goes up (Regs 26 para 2). */
const escalate = { target: 'underAuthorityReview', actions: { type: 'notify', params: { to: 'authority', subject: 'objection-escalated', basis: 'Regs 26 para 2' } } } as const;
/** The original classifier decides, within the window or late (Regs 26 para 1). */
const classifierDecides = { target: 'classifierDecided', actions: [{ type: 'recordPosition', params: { by: 'classifier' } }, { type: 'notify', params: { to: 'objector', subject: 'classifier-decided', basis: 'Regs 26 para 1' } }] } as const;

export const objectionMachine = setup({
  types: { context: {} as ObjectionContext, events: {} as Events, input: {} as ObjectionInput },
  guards: {
    passed: deadlinePassed,
    decidedByProvincialAuthority: ({ context }) => context.parties.authority?.tier === 'provincial',
  },
  actions: {
    notify: notifyEffect,
    markUnanswered: assign({ unanswered: true }),
    /** A party's decision becomes its position; the interim protection is derived again. */
    recordPosition: assign(({ context, event }, params: { by: string }) => {
      const positions = 'determination' in event ? { ...context.positions, [params.by]: event.determination } : context.positions;
      return { positions, interim: interimProtection(Object.values(positions), context.filedOn) };
    }),
    /** The decision is final: it replaces the interim protection. */
    finalize: assign(({ context, event }, params: { by: string; basis: string }) => ({
      final: { determination: 'determination' in event ? event.determination : context.positions[params.by]!, by: params.by, on: shanghaiDateOf(event.at), basis: params.basis },
      interim: undefined,
    })),
  },
}).createMachine({
  id: 'objection',
  context: ({ input }) => {
    const positions = { classifier: positionOf(input.determined), objector: input.claim };
    return {
      parties: input.parties,
      region: input.region,
      edition: input.edition,
      route: input.route as Route,
      matterRef: input.matterRef,
      title: input.title,
      grounds: input.grounds,
      filedOn: input.filedOn,
      positions,
      interim: interimProtection(Object.values(positions), input.filedOn),
      unanswered: false,
    };
  },
  initial: 'awaitingClassifierDecision',
  states: {
    awaitingClassifierDecision: {
      meta: stateMeta({
        label: '原定密机关处理中',
        responsible: 'classifier',
        basis: 'Regs 26 para 1',
        deadline: { id: 'classifier-window', label: '原定密机关处理期限（本地策略）', rule: 'working-days', n: { policy: 'objectionWindowWorkingDays' }, from: 'filedOn', basis: 'Regs 26 para 1', responsible: 'classifier' },
      }),
      entry: { type: 'notify', params: { to: 'classifier', subject: 'objection-filed', basis: 'Regs 26 para 1' } },
      on: {
        CLASSIFIER_DECIDE: classifierDecides,
        DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'classifier-window' } }, target: 'unanswered', actions: ['markUnanswered', { type: 'notify', params: { to: 'objector', subject: 'unanswered', basis: 'Regs 26 para 2' } }] },
        WITHDRAW: 'withdrawn',
      },
    },
    unanswered: {
      meta: stateMeta({ label: '原定密机关未予处理', responsible: 'objector', basis: 'Regs 26 para 2' }),
      on: {
        ESCALATE: escalate,
        CLASSIFIER_DECIDE: classifierDecides,
        WITHDRAW: 'withdrawn',
      },
    },
    classifierDecided: {
      meta: stateMeta({ label: '原定密机关已决定', responsible: 'objector', basis: 'Regs 26 para 2' }),
      on: {
        ACCEPT: { target: 'decided', actions: { type: 'finalize', params: { by: 'classifier', basis: 'Regs 26 para 1' } } },
        ESCALATE: escalate,
        WITHDRAW: 'withdrawn',
      },
    },
    underAuthorityReview: {
      meta: stateMeta({ label: '保密行政管理部门确定中', responsible: 'authority', basis: 'Regs 26 para 2' }),
      on: {
        AUTHORITY_DECIDE: [
          { guard: 'decidedByProvincialAuthority', target: 'provincialDecided', actions: [{ type: 'recordPosition', params: { by: 'authority' } }, { type: 'notify', params: { to: 'objector', subject: 'authority-decided', basis: 'Regs 26 para 2(2)' } }] },
          { target: 'decided', actions: [{ type: 'finalize', params: { by: 'authority', basis: 'Regs 26 para 2(1)' } }, { type: 'notify', params: { to: 'objector', subject: 'authority-decided', basis: 'Regs 26 para 2(1)' } }] },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
    provincialDecided: {
      meta: stateMeta({ label: '省级保密行政管理部门已决定', responsible: 'objector', basis: 'Regs 26 para 2(2)' }),
      on: {
        ACCEPT: { target: 'decided', actions: { type: 'finalize', params: { by: 'authority', basis: 'Regs 26 para 2(2)' } } },
        APPEAL: { target: 'underNationalReview', actions: { type: 'notify', params: { to: 'national', subject: 'objection-appealed', basis: 'Regs 26 para 2(2)' } } },
        WITHDRAW: 'withdrawn',
      },
    },
    underNationalReview: {
      meta: stateMeta({ label: '国家保密行政管理部门确定中', responsible: 'national', basis: 'Regs 26 para 2(2)' }),
      on: {
        NATIONAL_DECIDE: { target: 'decided', actions: [{ type: 'finalize', params: { by: 'national', basis: 'Regs 26 para 2(2)' } }, { type: 'notify', params: { to: 'objector', subject: 'national-decided', basis: 'Regs 26 para 2(2)' } }] },
        WITHDRAW: 'withdrawn',
      },
    },
    decided: { type: 'final', meta: stateMeta({ label: '已作出决定' }), entry: { type: 'notify', params: { to: 'classifier', subject: 'objection-final', basis: 'Regs 26' } } },
    withdrawn: { type: 'final', meta: stateMeta({ label: '已撤回' }), entry: assign({ interim: undefined }) },
  },
});

export const objectionProcedure: ProcedureDefinition = {
  kind: 'objection',
  label: '异议处理',
  basis: 'Regs 26',
  workflowType: 'objectionWorkflow',
  machine: objectionMachine,
  input: ObjectionStartSchema,
  startedBy: 'objectorId',
  startFact: 'filedOn',
  events: objectionEvents,
};
