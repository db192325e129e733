/**
 * 不明确事项报送 — unclear-matter reporting (Regs 25; Law 25; Regs 15(4)), with the
 * 定密权限 variant (Law 17 para 3; Regs 17 para 2). SPEC §3.1.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { Route } from '../domain/routing.js';
import { shanghaiDateOf } from '../domain/time.js';
import { ClassificationSchema, DateSchema, DeterminationSchema, shortText, type Classification, type Determination } from './common.js';
import { notifyEffect, stateMeta, type MachineEvents, type ProcedureContext, type ProcedureDefinition } from './procedure.js';

export const UnclearMatterStartSchema = z.strictObject({
  organId: z.string().min(1).describe('报送机关、单位 (registry id)'),
  matterRef: shortText(50).describe('事项编号'),
  title: shortText(100).describe('事项名称（非涉密）'),
  /** 'beyond-authority': within a superior's 定密权限 (Law 17 para 3). */
  variant: z.enum(['unclear', 'beyond-authority']).default('unclear'),
  /** 拟定的密级、保密期限、知悉范围 (Regs 25 para 1). */
  proposal: ClassificationSchema,
  draftedOn: DateSchema.describe('拟定日期'),
  protectiveMeasures: shortText().describe('已采取的保密措施'),
});
export type UnclearMatterStart = z.infer<typeof UnclearMatterStartSchema>;

export const unclearMatterEvents = {
  SUBMIT_REPORT: {
    label: '报送有关部门确定',
    by: ['organ'],
    basis: 'Regs 25 para 1',
    fact: true,
    schema: z.strictObject({ reportNumber: shortText(50).optional().describe('报告文号') }),
  },
  DETERMINE: {
    label: '作出决定',
    by: ['authority'],
    basis: 'Regs 25 para 2',
    schema: z.strictObject({ determination: DeterminationSchema }),
  },
  FILE_RECORD: {
    label: '报国家保密行政管理部门备案',
    by: ['authority'],
    basis: 'Regs 25 para 2',
    schema: z.strictObject({ filingNumber: shortText(50).optional().describe('备案文号') }),
  },
  REFER: {
    label: '报请上级机关、单位确定',
    by: ['organ'],
    basis: 'Law 17 para 3; Regs 17 para 2',
    schema: z.strictObject({ reportNumber: shortText(50).optional() }),
  },
  SUPERIOR_DETERMINE: {
    label: '上级机关、单位确定',
    by: ['superior'],
    basis: 'Law 17 para 3',
    schema: z.strictObject({ determination: DeterminationSchema }),
  },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof unclearMatterEvents>;

export interface UnclearMatterContext extends ProcedureContext {
  matterRef: string;
  title: string;
  variant: 'unclear' | 'beyond-authority';
  proposal: Classification;
  protectiveMeasures: string;
  draftedOn: string;
  route: Route;
  receivedOn?: string;
  referredOn?: string;
  decidedOn?: string;
  filedOn?: string;
  determination?: Determination;
}

export type UnclearMatterInput = UnclearMatterStart & Pick<UnclearMatterContext, 'parties' | 'region' | 'route' | 'edition'>;


export const unclearMatterMachine = setup({
  types: { context: {} as UnclearMatterContext, events: {} as Events, input: {} as UnclearMatterInput },
  guards: {
    beyondOwnAuthority: ({ context }) => context.variant === 'beyond-authority',
    decidedByProvincialAuthority: ({ context }) => context.parties.authority?.tier === 'provincial',
  },
  actions: {
    notify: notifyEffect,
    recordReceipt: assign({ receivedOn: ({ event }) => shanghaiDateOf(event.at) }),
    recordReferral: assign({ referredOn: ({ event }) => shanghaiDateOf(event.at) }),
    recordDetermination: assign(({ event }) => ('determination' in event ? { determination: event.determination, decidedOn: shanghaiDateOf(event.at) } : {})),
    recordFiling: assign({ filedOn: ({ event }) => shanghaiDateOf(event.at) }),
  },
}).createMachine({
  id: 'unclear-matter',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    route: input.route,
    matterRef: input.matterRef,
    title: input.title,
    variant: input.variant,
    proposal: input.proposal,
    protectiveMeasures: input.protectiveMeasures,
    draftedOn: input.draftedOn,
  }),
  initial: 'drafted',
  states: {
    drafted: {
      meta: stateMeta({ label: '已拟定（先行采取保密措施）', responsible: 'organ', basis: 'Regs 25 para 1' }),
      always: [{ guard: 'beyondOwnAuthority', target: 'awaitingReferral' }, { target: 'awaitingReport' }],
    },
    awaitingReport: {
      meta: stateMeta({
        label: '待报送',
        responsible: 'organ',
        basis: 'Regs 25 para 1',
        deadline: { id: 'report', label: '报送期限（自拟定之日起10个工作日）', rule: 'working-days', n: 10, from: 'draftedOn', basis: 'Regs 25 para 1', responsible: 'organ' },
      }),
      on: {
        SUBMIT_REPORT: {
          target: 'underDetermination',
          actions: ['recordReceipt', { type: 'notify', params: { to: 'authority', subject: 'report-received', basis: 'Regs 25 para 1' } }],
        },
      },
    },
    underDetermination: {
      meta: stateMeta({
        label: '待确定',
        responsible: 'authority',
        basis: 'Regs 25 para 2',
        deadline: { id: 'determination', label: '确定期限（接到报告后10个工作日）', rule: 'working-days', n: 10, from: 'receivedOn', basis: 'Regs 25 para 2', responsible: 'authority' },
      }),
      on: {
        DETERMINE: [
          {
            guard: 'decidedByProvincialAuthority',
            target: 'awaitingFiling',
            actions: ['recordDetermination', { type: 'notify', params: { to: 'organ', subject: 'determined', basis: 'Regs 25 para 2' } }],
          },
          { target: 'closed', actions: ['recordDetermination', { type: 'notify', params: { to: 'organ', subject: 'determined', basis: 'Regs 25 para 2' } }] },
        ],
      },
    },
    awaitingFiling: {
      meta: stateMeta({
        label: '待备案',
        responsible: 'authority',
        basis: 'Regs 25 para 2',
        deadline: { id: 'filing', label: '备案期限（“及时”）', rule: 'working-days', n: { policy: 'filingWorkingDays' }, from: 'decidedOn', basis: 'Regs 25 para 2', responsible: 'authority' },
      }),
      on: {
        FILE_RECORD: { target: 'closed', actions: ['recordFiling', { type: 'notify', params: { to: 'national', subject: 'filed', basis: 'Regs 25 para 2' } }] },
      },
    },
    awaitingReferral: {
      meta: stateMeta({
        label: '待报上级确定',
        responsible: 'organ',
        basis: 'Law 17 para 3',
        deadline: { id: 'referral', label: '报请期限（“立即”）', rule: 'working-days', n: { policy: 'referralWorkingDays' }, from: 'draftedOn', basis: 'Law 17 para 3; Regs 17 para 2', responsible: 'organ' },
      }),
      on: {
        REFER: { target: 'underSuperiorDetermination', actions: ['recordReferral', { type: 'notify', params: { to: 'superior', subject: 'referred', basis: 'Law 17 para 3' } }] },
      },
    },
    underSuperiorDetermination: {
      meta: stateMeta({ label: '待上级确定', responsible: 'superior', basis: 'Law 17 para 3' }),
      on: {
        SUPERIOR_DETERMINE: { target: 'closed', actions: ['recordDetermination', { type: 'notify', params: { to: 'organ', subject: 'determined', basis: 'Law 17 para 3' } }] },
      },
    },
    closed: { type: 'final', meta: stateMeta({ label: '已办结' }) },
  },
});

export const unclearMatterProcedure: ProcedureDefinition = {
  kind: 'unclear-matter',
  label: '不明确事项报送',
  basis: 'Regs 25; Law 25; Regs 15(4)',
  workflowType: 'unclearMatterWorkflow',
  machine: unclearMatterMachine,
  input: UnclearMatterStartSchema,
  startedBy: 'organId',
  startFact: 'draftedOn',
  events: unclearMatterEvents,
};
