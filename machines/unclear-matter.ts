/**
 * 不明确事项报送 — unclear-matter reporting (Regs 25; Law 25; Regs 15(4)), with the
 * 定密权限 variant (Law 17 para 3; Regs 17 para 2). SPEC §3.1.
 */
import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import type { Route } from '../domain/routing.js';
import {
  ceilingCheck,
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
  eventDate,
  notifyEffect,
  type DeadlineSpec,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';
import { unclearMatterParties } from '../domain/resolve-parties.js';

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

/**
 * Law 20 para 2 on a determination: its term from its own start, else the proposal's, else the
 * 拟定日期 (本地策略: the day the matter's document was drafted stands for its 制发日, Regs 19 para 2).
 */
const determinationCeiling = (p: { determination: Determination }, c: Pick<UnclearMatterContext, 'proposal' | 'draftedOn'>) =>
  p.determination.outcome === 'state-secret'
    ? ceilingCheck(p.determination.classification, c.proposal.since ?? c.draftedOn, 'determination.classification')
    : { errors: [], notes: [] };

export const unclearMatterEvents = {
  SUBMIT_REPORT: {
    label: '报送有关部门确定',
    by: ['organ'],
    basis: 'Regs 25 para 1',
    schema: z.strictObject({ reportNumber: shortText(50).optional().describe('报告文号') }),
    fact: true,
  },
  // Edition 4: the authority records when it received the report (Regs 25 para 2 接到报告后): its 10 working days run from then.
  RECEIVE_REPORT: {
    label: '接到报告（登记接收日期）',
    by: ['authority'],
    basis: 'Regs 25 para 2',
    schema: z.strictObject({ note: shortText().optional() }),
    fact: true,
    max: 1,
  },
  // A binding decision (确定): signed by the authority's 负责人 from edition 5 (policy headSignOff, 本地策略).
  DETERMINE: {
    label: '作出决定',
    by: ['authority'],
    basis: 'Regs 25 para 2',
    signOff: true,
    schema: z.strictObject({ determination: DeterminationSchema }),
    fact: true,
    check: determinationCeiling,
  },
  FILE_RECORD: {
    label: '报国家保密行政管理部门备案',
    by: ['authority'],
    basis: 'Regs 25 para 2',
    schema: z.strictObject({ filingNumber: shortText(50).optional().describe('备案文号') }),
    fact: true,
  },
  REFER: {
    label: '报请上级机关、单位确定',
    by: ['organ'],
    basis: 'Law 17 para 3; Regs 17 para 2',
    schema: z.strictObject({ reportNumber: shortText(50).optional() }),
    fact: true,
  },
  SUPERIOR_DETERMINE: {
    label: '上级机关、单位（没有上级的，有定密权限的部门）确定',
    by: ['superior'],
    basis: 'Law 17 para 3; Regs 17 para 2',
    schema: z.strictObject({ determination: DeterminationSchema }),
    fact: true,
    check: determinationCeiling,
  },
  NOTIFY_HOLDERS: {
    label: '书面通知知悉范围，变更或者解除国家秘密标志',
    by: ['organ'],
    basis: 'Law 23 para 2; Law 22 para 3; Regs 21 para 1',
    schema: z.strictObject({ noticeRef: shortText(50).optional().describe('书面通知文号'), note: shortText().optional() }),
    fact: true,
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
  /** The written notice to the 知悉范围 and the change or removal of markings (Law 23 para 2; Law 22 para 3; Regs 21). */
  holdersNotifiedOn?: string;
}

export type UnclearMatterInput = UnclearMatterStart & Pick<UnclearMatterContext, 'parties' | 'region' | 'route' | 'edition'>;

/** What the determination does to the proposal the organ marked and protected (edition 2 on; edition 1 closed without this step). */
const change = (context: UnclearMatterContext) =>
  context.edition >= 2 ? classificationChange(context.proposal, context.determination!) : 'unchanged';

/** Regs 25 para 2: the determination is told to the organ, which applies it. */
const determined = (basis: string) => ({
  target: 'applying' as const,
  actions: ['recordDetermination' as const, { type: 'notify' as const, params: { to: 'organ', subject: 'determined', basis } }],
});

const filingMeta: StateMeta = {
  label: '待备案',
  responsible: 'authority',
  basis: 'Regs 25 para 2',
  deadline: {
    id: 'filing',
    label: '备案期限（“及时”，本地策略）',
    rule: 'working-days',
    n: { policy: 'filingWorkingDays' },
    from: 'decidedOn',
    basis: 'Regs 25 para 2',
    responsible: 'authority',
  },
};
const fileRecord = (target: string) => ({
  FILE_RECORD: {
    target,
    actions: ['recordFiling' as const, { type: 'notify' as const, params: { to: 'national', subject: 'filed', basis: 'Regs 25 para 2' } }],
  },
});

const markingsDeadline = (label: string, basis: string): DeadlineSpec => ({
  id: 'markings',
  label,
  rule: 'working-days',
  n: { policy: 'markingsWorkingDays' },
  from: 'decidedOn',
  basis,
  responsible: 'organ',
  sinceEdition: 2,
});
const CHANGE_BASIS = 'Law 23 para 2; Regs 21 para 1';
const changingMeta: StateMeta = {
  label: '待书面通知知悉范围、变更国家秘密标志',
  responsible: 'organ',
  basis: CHANGE_BASIS,
  deadline: markingsDeadline('书面通知知悉范围、变更国家秘密标志（“及时”，本地策略）', CHANGE_BASIS),
  eventBasis: { NOTIFY_HOLDERS: CHANGE_BASIS },
};
const removingMeta: StateMeta = {
  label: '待解除国家秘密标志（并书面通知知悉范围：本地策略）',
  responsible: 'organ',
  basis: 'Law 22 para 3',
  deadline: markingsDeadline('解除国家秘密标志（“及时”期间与书面通知知悉范围：本地策略）', 'Law 22 para 3'),
  // Law 23 para 2 covers a change only: the notice on removal is local policy.
  eventBasis: { NOTIFY_HOLDERS: 'Law 22 para 3; 本地策略' },
};
const changing = (target: string) => ({
  meta: changingMeta,
  entry: { type: 'notify' as const, params: { to: 'organ', subject: 'markings-change-due', basis: CHANGE_BASIS } },
  on: { NOTIFY_HOLDERS: { target, actions: 'recordHoldersNotified' as const } },
});
const removing = (target: string) => ({
  meta: removingMeta,
  entry: { type: 'notify' as const, params: { to: 'organ', subject: 'markings-removal-due', basis: 'Law 22 para 3' } },
  on: { NOTIFY_HOLDERS: { target, actions: 'recordHoldersNotified' as const } },
});

export const unclearMatterMachine = setup({
  types: { meta: {} as StateMeta, context: {} as UnclearMatterContext, events: {} as Events, input: {} as UnclearMatterInput },
  guards: {
    beyondOwnAuthority: ({ context }) => context.variant === 'beyond-authority',
    edition4: ({ context }) => context.edition >= 4,
    /** Regs 25 para 2: a provincial authority's determination of a reported matter is filed with the national one. */
    filingRequired: ({ context }) => context.variant === 'unclear' && context.parties.authority?.tier === 'provincial',
    filingAndMarkings: ({ context }) =>
      context.variant === 'unclear' && context.parties.authority?.tier === 'provincial' && change(context) !== 'unchanged',
    markingsRemoved: ({ context }) => change(context) === 'removed',
    markingsChanged: ({ context }) => change(context) === 'changed',
  },
  actions: {
    notify: notifyEffect,
    recordReceipt: assign({ receivedOn: ({ event }) => eventDate(event) }),
    recordReferral: assign({ referredOn: ({ event }) => eventDate(event) }),
    recordDetermination: assign(({ event }) => {
      assertEvent(event, ['DETERMINE', 'SUPERIOR_DETERMINE']);
      return { determination: event.determination, decidedOn: eventDate(event) };
    }),
    recordFiling: assign({ filedOn: ({ event }) => eventDate(event) }),
    recordHoldersNotified: assign({ holdersNotifiedOn: ({ event }) => eventDate(event) }),
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
      meta: { label: '已拟定（先行采取保密措施）', responsible: 'organ', basis: 'Regs 25 para 1' },
      always: [{ guard: 'beyondOwnAuthority', target: 'awaitingReferral' }, { target: 'awaitingReport' }],
    },
    awaitingReport: {
      meta: {
        label: '待报送',
        responsible: 'organ',
        basis: 'Regs 25 para 1',
        deadline: {
          id: 'report',
          label: '报送期限（自拟定之日起10个工作日）',
          rule: 'working-days',
          n: 10,
          from: 'draftedOn',
          basis: 'Regs 25 para 1',
          responsible: 'organ',
        },
      },
      on: {
        SUBMIT_REPORT: {
          target: 'underDetermination',
          actions: ['recordReceipt', { type: 'notify', params: { to: 'authority', subject: 'report-received', basis: 'Regs 25 para 1' } }],
        },
      },
    },
    underDetermination: {
      meta: {
        label: '待确定',
        responsible: 'authority',
        basis: 'Regs 25 para 2',
        // Until the authority records its receipt (edition 4), the report counts as received the day it was
        // submitted (本地策略: never a later end than the true one); the receipt then re-dates it.
        deadline: {
          id: 'determination',
          label: '确定期限（接到报告后10个工作日）',
          rule: 'working-days',
          n: 10,
          from: 'receivedOn',
          basis: 'Regs 25 para 2',
          responsible: 'authority',
        },
      },
      on: { RECEIVE_REPORT: { guard: 'edition4', actions: 'recordReceipt' }, DETERMINE: determined('Regs 25 para 2') },
    },
    /** What follows from the determination: the provincial filing, and telling the holders where it changes the proposal. */
    applying: {
      meta: { label: '已确定（据决定办理）' },
      always: [
        { guard: 'filingAndMarkings', target: 'filingAndMarkings' },
        { guard: 'filingRequired', target: 'awaitingFiling' },
        { guard: 'markingsRemoved', target: 'removingMarkings' },
        { guard: 'markingsChanged', target: 'changingMarkings' },
        { target: 'closed' },
      ],
    },
    awaitingFiling: { meta: filingMeta, on: fileRecord('closed') },
    changingMarkings: changing('closed'),
    removingMarkings: removing('closed'),
    /** Both at once: the authority files (Regs 25 para 2) while the organ tells the holders (Law 23 para 2; Law 22 para 3). */
    filingAndMarkings: {
      type: 'parallel',
      meta: { label: '待备案、待通知知悉范围（各有期限）', basis: 'Regs 25 para 2; Law 23 para 2; Law 22 para 3' },
      onDone: 'closed',
      states: {
        filing: {
          meta: { label: '备案' },
          initial: 'awaitingFiling',
          states: {
            awaitingFiling: { meta: filingMeta, on: fileRecord('filed') },
            filed: { type: 'final', meta: { label: '已备案' } },
          },
        },
        markings: {
          meta: { label: '书面通知知悉范围、变更或者解除国家秘密标志' },
          initial: 'pending',
          states: {
            pending: {
              meta: { label: '变更或者解除' },
              always: [{ guard: 'markingsRemoved', target: 'removingMarkings' }, { target: 'changingMarkings' }],
            },
            changingMarkings: changing('done'),
            removingMarkings: removing('done'),
            done: { type: 'final', meta: { label: '已书面通知知悉范围' } },
          },
        },
      },
    },
    awaitingReferral: {
      meta: {
        label: '待报上级确定',
        responsible: 'organ',
        basis: 'Law 17 para 3; Regs 17 para 2',
        deadline: {
          id: 'referral',
          label: '报请期限（“立即”，本地策略）',
          rule: 'working-days',
          n: { policy: 'referralWorkingDays' },
          from: 'draftedOn',
          basis: 'Law 17 para 3; Regs 17 para 2',
          responsible: 'organ',
        },
      },
      on: {
        REFER: {
          target: 'underSuperiorDetermination',
          actions: ['recordReferral', { type: 'notify', params: { to: 'superior', subject: 'referred', basis: 'Law 17 para 3' } }],
        },
      },
    },
    underSuperiorDetermination: {
      meta: { label: '待上级确定', responsible: 'superior', basis: 'Law 17 para 3; Regs 17 para 2' },
      on: { SUPERIOR_DETERMINE: determined('Law 17 para 3') },
    },
    closed: { type: 'final', meta: { label: '已办结' } },
  },
});

export const unclearMatterProcedure = defineProcedure({
  kind: 'unclear-matter',
  label: '不明确事项报送',
  basis: 'Regs 25; Law 25; Regs 15(4)',
  workflowType: 'unclearMatterWorkflow',
  machine: unclearMatterMachine,
  input: UnclearMatterStartSchema,
  parties: unclearMatterParties,
  startedBy: 'organId',
  startFact: 'draftedOn',
  events: unclearMatterEvents,
  // Law 20 para 2 on the proposal, its term from the 拟定日期 where it states no start (本地策略, as above).
  checkStart: (input: UnclearMatterStart) => ceilingCheck(input.proposal, input.draftedOn, 'proposal'),
});
