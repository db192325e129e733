/**
 * 定密纠正 — correcting an improper determination, change or removal (Law 50; Regs 24). SPEC §3.6.
 * A secrecy authority notifies the organ to correct it (Law 50 及时通知…予以纠正); a superior organ
 * notifies or corrects directly, and an organ corrects its own (Regs 24). The organ corrects 及时
 * (a policy period), tells the holders and changes the markings (Law 23 para 2; Regs 21 para 1; Law 22
 * para 3 when not a secret), and reports the correction to the notifying party (本地策略 for its period).
 */
import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { correctionParties } from '../domain/resolve-parties.js';
import { ceilingCheck, DateSchema, DeterminationSchema, shortText, type Determination } from './common.js';
import {
  defineProcedure,
  eventDate,
  notifyEffect,
  type DriverInput,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';

export const CorrectionStartSchema = z.strictObject({
  notifierId: z.string().min(1).describe('通知纠正的保密行政管理部门、上级机关或者本机关、单位'),
  organId: z.string().min(1).describe('定密不当的机关、单位'),
  matterRef: shortText(50).describe('国家秘密事项编号'),
  title: shortText(100).describe('事项名称（非涉密）'),
  improper: z.enum(['determination', 'change', 'removal']).describe('不当的是：确定、变更或者解除'),
  finding: shortText().describe('不当之处（非涉密简述）'),
  notifiedOn: DateSchema.describe('通知纠正日期'),
  /** A finding of another procedure that led to it (an objection's decision, a leak's investigation). */
  fromProcedure: z.string().min(1).max(200).optional().describe('发现不当的程序编号（异议处理、泄密报告）'),
});
export type CorrectionStart = z.infer<typeof CorrectionStartSchema>;

const corrected = z.strictObject({ correction: DeterminationSchema });
/** Law 20 para 2 on the corrected classification, its term from its own start, else the day of the notice (本地策略). */
const correctionCeiling = (p: { correction: Determination }, c: Pick<CorrectionContext, 'notifiedOn'>) =>
  p.correction.outcome === 'state-secret'
    ? ceilingCheck(p.correction.classification, c.notifiedOn, 'correction.classification')
    : { errors: [], notes: [] };

export const correctionEvents = {
  CORRECT: { label: '予以纠正', by: ['organ'], basis: 'Law 50; Regs 24', schema: corrected, fact: true, check: correctionCeiling },
  // Regs 24: 上级机关、单位…也可以直接纠正.
  CORRECT_DIRECTLY: {
    label: '上级机关、单位直接纠正',
    by: ['notifier'],
    basis: 'Regs 24',
    schema: corrected,
    fact: true,
    check: correctionCeiling,
  },
  NOTIFY_HOLDERS: {
    label: '书面通知知悉范围，变更或者解除国家秘密标志',
    by: ['organ'],
    basis: 'Law 23 para 2; Regs 21 para 1; Law 22 para 3',
    schema: z.strictObject({ noticeRef: shortText(50).optional().describe('书面通知文号') }),
    fact: true,
  },
  REPORT_CORRECTION: {
    label: '报告纠正情况',
    by: ['organ'],
    basis: 'Law 50; Regs 24; 本地策略',
    schema: z.strictObject({ reportNumber: shortText(50).optional().describe('报告文号') }),
    fact: true,
  },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof correctionEvents>;

export interface CorrectionContext extends ProcedureContext {
  matterRef: string;
  title: string;
  improper: CorrectionStart['improper'];
  finding: string;
  notifiedOn: string;
  fromProcedure?: string;
  /** Who notified: a secrecy authority (Law 50), the superior organ or the organ itself (Regs 24). */
  notifierKind: 'authority' | 'superior' | 'self';
  correction?: Determination;
  correctedOn?: string;
  correctedBy?: 'organ' | 'notifier';
  holdersNotifiedOn?: string;
  reportedOn?: string;
}

const workingDays = (
  id: string,
  label: string,
  policy: 'correctionWorkingDays' | 'markingsWorkingDays' | 'correctionReportWorkingDays',
  from: string,
  basis: string,
) => ({
  id,
  label,
  rule: 'working-days' as const,
  n: { policy },
  from,
  basis,
  responsible: 'organ',
});

export const correctionMachine = setup({
  types: {
    meta: {} as StateMeta,
    context: {} as CorrectionContext,
    events: {} as Events,
    input: {} as CorrectionStart & DriverInput,
  },
  guards: {
    /** Regs 24: only a superior organ corrects directly; a secrecy authority notifies (Law 50). */
    superiorNotified: ({ context }) => context.notifierKind === 'superior',
  },
  actions: {
    notify: notifyEffect,
    recordCorrection: assign(({ event }) => {
      assertEvent(event, ['CORRECT', 'CORRECT_DIRECTLY']);
      return {
        correction: event.correction,
        correctedOn: eventDate(event),
        correctedBy: event.type === 'CORRECT' ? ('organ' as const) : ('notifier' as const),
      };
    }),
    recordHolders: assign({ holdersNotifiedOn: ({ event }) => eventDate(event) }),
    recordReport: assign({ reportedOn: ({ event }) => eventDate(event) }),
  },
}).createMachine({
  id: 'correction',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    matterRef: input.matterRef,
    title: input.title,
    improper: input.improper,
    finding: input.finding,
    notifiedOn: input.notifiedOn,
    ...(input.fromProcedure ? { fromProcedure: input.fromProcedure } : {}),
    notifierKind: (input.derived?.notifierKind as CorrectionContext['notifierKind'] | undefined) ?? 'authority',
  }),
  initial: 'correcting',
  states: {
    correcting: {
      meta: {
        label: '待予以纠正',
        responsible: 'organ',
        basis: 'Law 50; Regs 24',
        deadline: workingDays('correction', '予以纠正（“及时”，本地策略）', 'correctionWorkingDays', 'notifiedOn', 'Law 50; Regs 24'),
      },
      entry: { type: 'notify', params: { to: 'organ', subject: 'correction-notified', basis: 'Law 50; Regs 24' } },
      on: {
        CORRECT: { target: 'notifyingHolders', actions: 'recordCorrection' },
        CORRECT_DIRECTLY: {
          guard: 'superiorNotified',
          target: 'notifyingHolders',
          actions: ['recordCorrection', { type: 'notify', params: { to: 'organ', subject: 'correction-made', basis: 'Regs 24' } }],
        },
      },
    },
    notifyingHolders: {
      meta: {
        label: '待书面通知知悉范围、变更或者解除国家秘密标志',
        responsible: 'organ',
        basis: 'Law 23 para 2; Regs 21 para 1',
        deadline: workingDays(
          'markings',
          '书面通知知悉范围、变更或者解除国家秘密标志（“及时”，本地策略）',
          'markingsWorkingDays',
          'correctedOn',
          'Law 23 para 2; Regs 21 para 1',
        ),
      },
      on: { NOTIFY_HOLDERS: { target: 'reporting', actions: 'recordHolders' } },
    },
    reporting: {
      meta: {
        label: '待报告纠正情况',
        responsible: 'organ',
        basis: 'Law 50; Regs 24; 本地策略',
        deadline: workingDays(
          'report',
          '报告纠正情况（本地策略）',
          'correctionReportWorkingDays',
          'holdersNotifiedOn',
          'Law 50; Regs 24; 本地策略',
        ),
      },
      on: {
        REPORT_CORRECTION: {
          target: 'closed',
          actions: [
            'recordReport',
            { type: 'notify', params: { to: 'notifier', subject: 'correction-reported', basis: 'Law 50; Regs 24' } },
          ],
        },
      },
    },
    closed: { type: 'final', meta: { label: '已纠正' } },
  },
});

export const correctionProcedure = defineProcedure({
  kind: 'correction',
  label: '定密纠正',
  basis: 'Law 50; Regs 24',
  workflowType: 'correctionWorkflow',
  machine: correctionMachine,
  input: CorrectionStartSchema,
  parties: correctionParties,
  startedBy: 'notifierId',
  startFact: 'notifiedOn',
  events: correctionEvents,
});
