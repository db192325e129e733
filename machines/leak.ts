/**
 * 泄密报告 — leak reporting within 24 hours (Regs 61; Law 47), its follow-up (Regs 60), the
 * consequences of a late report (Regs 67 para 1(8), 71), and a network operator's report (Law 34;
 * Regs 39) as a variant. SPEC §3.3.
 */
import { and, assertEvent, assign, or, setup, stateIn } from 'xstate';
import { z } from 'zod';
import { LEAK_CONSEQUENCES, MEASURES_CONSEQUENCES, PERSON_REPORT_CONSEQUENCE } from '../domain/labels.zh.js';
import type { PartyRef } from '../domain/parties.js';
import { HOUR_MS, parseInstant, shanghaiDateOf } from '../domain/time.js';
import { shortText } from './common.js';
import {
  defineProcedure,
  deadlinePassed,
  linkEffect,
  notifyEffect,
  type DeadlinePassedEvent,
  type LinkParams,
  type DriverInput,
  type EventEnvelope,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from './procedure.js';
import { leakParties } from '../domain/resolve-parties.js';

const Instant = z.string().refine((s) => {
  try {
    parseInstant(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an ISO 8601 instant with its offset, e.g. 2025-09-30T21:30:00+08:00');

export const LeakStartSchema = z
  .strictObject({
    organId: z.string().min(1).describe('发现泄密的机关、单位（网络运营者）'),
    incidentRef: shortText(50).describe('事件编号'),
    summary: shortText().describe('事件概况（非涉密简述）'),
    discoveredAt: Instant.describe('发现时刻：发现人发现泄露或者可能泄露的时刻（含时区）'),
    /** Law 47: the organ knows once the person who found it reports (edition 4); absent, the organ found it itself. */
    knownAt: Instant.optional().describe('机关、单位获知时刻：接到发现人报告的时刻（含时区；本单位自行发现的不填）'),
    /** Optional (edition 4): a start before any measure is taken; RECORD_MEASURES records the first later. */
    remedialMeasures: shortText().optional().describe('已采取的补救措施：尚未采取的不填'),
    measuresTakenAt: Instant.optional().describe('补救措施首次采取的时刻：含时区；不填为机关、单位获知时刻'),
    variant: z
      .enum(['organ', 'network-operator'])
      .default('organ')
      .describe('报告主体：机关、单位（Regs 61）或网络运营者（Law 34；Regs 39）'),
    receiverId: z
      .string()
      .min(1)
      .optional()
      .describe('网络运营者选择的接报机关：登记簿中的保密行政管理部门，或公安机关、国家安全机关（Law 34；Regs 39）'),
  })
  .superRefine((s, ctx) => {
    // Law 47: the organ learns of it from the person who found it, so not before.
    for (const key of ['knownAt', 'measuresTakenAt'] as const) {
      const value = s[key];
      if (value !== undefined && Date.parse(value) < Date.parse(s.discoveredAt))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} ${value} is before discoveredAt ${s.discoveredAt}; allowed: from it on`,
        });
    }
    if (s.measuresTakenAt !== undefined && s.remedialMeasures === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['remedialMeasures'],
        message: 'measuresTakenAt says when the measures stated here were first taken: state them',
      });
    if (s.variant === 'network-operator' && !s.receiverId) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiverId'],
        message:
          'a network operator names whom it reports to: a secrecy authority, or a 公安机关 or 国家安全机关, from the registry (Law 34; Regs 39)',
      });
    }
    if (s.variant === 'organ' && s.receiverId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiverId'],
        message:
          'only a network operator chooses whom it reports to (variant "network-operator"); an organ reports to its same-level authority and its superior (Regs 61 para 1)',
      });
    }
  });
export type LeakStart = z.infer<typeof LeakStartSchema>;

const report = z.strictObject({ reportNumber: shortText(50).optional() });

export const leakEvents = {
  REPORT_TO_AUTHORITY: { label: '向同级保密行政管理部门报告', by: ['organ'], basis: 'Regs 61 para 1', schema: report, fact: true },
  REPORT_TO_SUPERIOR: { label: '向上级主管部门报告', by: ['organ'], basis: 'Regs 61 para 1', schema: report, fact: true },
  REPORT_TO_RECEIVER: {
    label: '网络运营者向保密行政管理部门或公安机关、国家安全机关报告',
    by: ['organ'],
    basis: 'Law 34; Regs 39',
    schema: report,
    fact: true,
  },
  RECORD_MEASURES: {
    label: '记录补救措施',
    by: ['organ'],
    basis: 'Regs 61 para 1; Regs 39',
    schema: z.strictObject({ measures: shortText() }),
    fact: true,
    max: 500,
  },
  RELAY: { label: '逐级报至上一级保密行政管理部门', by: ['relayHolder'], basis: 'Regs 61 para 2', schema: report, fact: true },
  REPORT_RESULT: {
    label: '书面告知同级保密行政管理部门处理结果',
    by: ['organ'],
    basis: 'Regs 60',
    schema: z.strictObject({ result: shortText() }),
    fact: true,
  },
  // Edition 4: the investigation ended with no one to hold responsible (Regs 60 调查工作结束后, 本地策略: the statute names no such record).
  CONCLUDE_NO_ACTION: {
    label: '调查处理结束，无需追究责任',
    by: ['authority'],
    basis: 'Regs 60; 本地策略',
    schema: z.strictObject({ note: shortText() }),
    fact: true,
  },
  // Edition 4, Regs 71 para 3(3): a licensed enterprise's late report or measures is put to the authority that granted its licence.
  // Edition 6: a binding decision, signed by the licensing authority's 负责人 (policy headSignOff, 本地策略).
  REVOKE_LICENCE: {
    label: '吊销保密资质',
    by: ['licensor'],
    basis: 'Regs 71 para 3(3)',
    signOff: { sinceEdition: 6 },
    schema: z.strictObject({ decision: shortText().describe('吊销决定（文号、简述）') }),
    fact: true,
  },
  DECLINE_REVOCATION: {
    label: '不予吊销保密资质（说明理由）',
    by: ['licensor'],
    // Regs 71 para 3 says 并处吊销 and names no alternative: declining is a reading (本地策略), as in 年度自检.
    basis: 'Regs 71 para 3(3); 本地策略',
    signOff: { sinceEdition: 6 },
    schema: z.strictObject({ reason: shortText().describe('不予吊销的理由') }),
    fact: true,
  },
  // The authority's own steps (Regs 60): 责令停止、行政处罚决定或处理建议、移送.
  ORDER_STOP: {
    label: '责令停止违法行为、采取有效补救措施',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ order: shortText() }),
    fact: true,
    max: 50,
  },
  DECIDE_PENALTY: {
    label: '作出行政处罚决定',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ decision: shortText() }),
    fact: true,
    max: 50,
  },
  PROPOSE_HANDLING: {
    label: '提出处理建议',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ proposal: shortText() }),
    fact: true,
    max: 50,
  },
  REFER: {
    label: '涉嫌犯罪，移送监察机关、司法机关处理',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({
      to: z.enum(['supervisory', 'judicial']).describe('监察机关 (supervisory) 或司法机关 (judicial)'),
      note: shortText(),
    }),
    fact: true,
    max: 50,
  },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof leakEvents> | DeadlinePassedEvent;
type AuthorityStep = 'ORDER_STOP' | 'DECIDE_PENALTY' | 'PROPOSE_HANDLING' | 'REFER' | 'CONCLUDE_NO_ACTION';

export interface Consequence {
  basis: string;
  consequence: string;
}

/** A report obligation missed: judged by when the report was made (event.at, the fact's instant). */
export interface LateFlag {
  obligation: string;
  deadlineId: string;
  dueAt?: string;
  /** When the report was made; absent while it still has not been. */
  reportedAt?: string;
  /** Every consequence the articles attach, each with its article. */
  consequences: Consequence[];
}

export interface LeakContext extends ProcedureContext {
  variant: LeakStart['variant'];
  incidentRef: string;
  summary: string;
  discoveredAt: string;
  /** The Beijing date of discovery: the result's policy period runs from it. */
  discoveredOn: string;
  measures: Array<{ at: string; measures: string }>;
  /** Law 47 (edition 4): when the organ knew (the person's report reached it); its 24 hours run from it. */
  knownAt?: string;
  /** Edition 4: when remedial measures were first taken; absent until then. */
  measuresTakenAt?: string;
  /** Edition 4: the day of the authority's first 处理建议; the written result's period runs from it (Regs 60). */
  handlingProposedOn?: string;
  /** Edition 4, Regs 71 para 3(3): the licensing authority's decision on the revocation put to it. */
  licenceDecision?: { outcome: 'revoked' | 'declined'; text: string; at: string };
  hasSuperior: boolean;
  licensedEnterprise: boolean;
  /** Authorities in the relay chain; 0 when the report went to no secrecy authority. */
  relayTiers: number;
  /** Index in the relay chain (parties.relay0 … national) of the authority holding the report. */
  relayIndex: number;
  firstReceivedAt?: string;
  holderReceivedAt?: string;
  /** Start of the relay clock: the first local receipt (literal reading) or this tier's receipt. */
  relayClockFrom?: string;
  perTier: boolean;
  lateFlags: LateFlag[];
  /** The authority's Regs 60 steps. */
  authoritySteps: Array<{ at: string; step: AuthorityStep; text: string; to?: 'supervisory' | 'judicial' }>;
  result?: string;
  resultAt?: string;
}

export type LeakInput = LeakStart & DriverInput;

const within24h = (id: string, label: string, responsible: string, from: string, basis: string, extra: object = {}) => ({
  id,
  label,
  rule: 'hours' as const,
  n: 24,
  from,
  basis,
  responsible,
  ...extra,
});

/**
 * A late report's consequences: Regs 67 para 1(8) for an organ or unit; for a network operator Law 59
 * (its Law 34 duty); for an enterprise holding a 保密资质, Regs 71 para 1 and para 3(3) as well.
 */
function lateConsequences(c: LeakContext): Consequence[] {
  const own = c.variant === 'network-operator' ? ['Law 59'] : ['Regs 67 para 1(8)'];
  const bases = c.licensedEnterprise ? [...own, 'Regs 71 para 1', 'Regs 71 para 3(3)'] : own;
  return bases.map((basis) => ({ basis, consequence: LEAK_CONSEQUENCES[basis]! }));
}

/**
 * Remedial measures not taken 立即 (edition 4): Regs 67 para 1(8) (未及时采取补救措施); for a network
 * operator Regs 69(1); for an enterprise holding a 保密资质, Regs 71 para 1 and para 3(3) as well.
 */
function measuresConsequences(c: Pick<LeakContext, 'variant' | 'licensedEnterprise'>): Consequence[] {
  const own = c.variant === 'network-operator' ? ['Regs 69(1)'] : ['Regs 67 para 1(8)'];
  const bases = c.licensedEnterprise ? [...own, 'Regs 71 para 1', 'Regs 71 para 3(3)'] : own;
  return bases.map((basis) => ({ basis, consequence: MEASURES_CONSEQUENCES[basis]! }));
}
const MEASURES = { deadlineId: 'remedy', obligation: '未及时采取补救措施' } as const;

/**
 * Edition 4, at the start: the person's report to the organ later than the policy period (Law 47
 * 及时), and measures first taken later than the policy period for 立即 from the organ's knowledge
 * (Regs 61 para 1), each flagged as a late report is.
 */
function startFlags(input: LeakInput, licensedEnterprise: boolean): LateFlag[] {
  const discovered = Date.parse(input.discoveredAt);
  const known = Date.parse(input.knownAt ?? input.discoveredAt);
  const flags: LateFlag[] = [];
  const personDue = discovered + input.policy.leakPersonReportHours * HOUR_MS;
  if (known > personDue)
    flags.push({
      obligation: '发现人及时报告机关、单位',
      deadlineId: 'person-report',
      dueAt: new Date(personDue).toISOString(),
      reportedAt: new Date(known).toISOString(),
      consequences: [{ ...PERSON_REPORT_CONSEQUENCE }],
    });
  const remedyDue = known + input.policy.leakRemedyHours * HOUR_MS;
  if (input.measuresTakenAt !== undefined && Date.parse(input.measuresTakenAt) > remedyDue)
    flags.push({
      ...MEASURES,
      dueAt: new Date(remedyDue).toISOString(),
      reportedAt: new Date(Date.parse(input.measuresTakenAt)).toISOString(),
      consequences: measuresConsequences({ variant: input.variant, licensedEnterprise }),
    });
  return flags;
}

const flagFor = (
  c: LeakContext,
  p: { deadlineId: string; obligation: string },
  dueAt: string | undefined,
  reportedAt?: string,
): LateFlag => ({
  obligation: p.obligation,
  deadlineId: p.deadlineId,
  ...(dueAt ? { dueAt } : {}),
  ...(reportedAt ? { reportedAt } : {}),
  consequences: lateConsequences(c),
});

/** Sets or withdraws the flag of one obligation, keeping its place. */
const withFlag = (flags: LateFlag[], deadlineId: string, flag: LateFlag | undefined): LateFlag[] =>
  flags.some((f) => f.deadlineId === deadlineId)
    ? flags.flatMap((f) => (f.deadlineId !== deadlineId ? [f] : flag ? [flag] : []))
    : flag
      ? [...flags, flag]
      : flags;

type LateParams = { deadlineId: string; obligation: string };
const operatorReport = { deadlineId: 'report-receiver', obligation: '立即报告' } as const;
const dueOf = (e: EventEnvelope, id: string) => e.deadlines[id]?.dueAt;

/**
 * Regs 61 para 2: the holder relays it one tier up within 24 hours; once the national
 * authority holds it, on to `done`.
 */
const relaying = <T extends string>(done: T) =>
  ({
    always: { guard: 'reachedNational', target: done },
    meta: {
      label: '逐级报送中',
      responsible: 'relayHolder',
      deadline: within24h('relay', '逐级报至国家保密行政管理部门（24小时）', 'relayHolder', 'relayClockFrom', 'Regs 61 para 2', {
        instanceFrom: 'relayIndex',
      }),
    },
    on: {
      RELAY: {
        target: 'relaying',
        reenter: true,
        actions: ['relayUp', { type: 'notify', params: { to: 'relayHolder', subject: 'leak-relayed', basis: 'Regs 61 para 2' } }],
      },
    },
  }) as const;

/**
 * Regs 60: the secrecy authority's own steps, each told to the organ or network operator
 * concerned, wherever the procedure is open. A network operator's case has such an authority only
 * when it reported to one (Law 34; Regs 39): a 公安机关 or 国家安全机关 acts under its own law.
 */
const authorityStep = (subject: string) =>
  ({
    guard: 'secrecyAuthorityHolds',
    actions: ['recordStep', { type: 'notify', params: { to: 'organ', subject, basis: 'Regs 60' } }],
  }) as const;
const authoritySteps = {
  ORDER_STOP: authorityStep('leak-order-stop'),
  DECIDE_PENALTY: authorityStep('leak-penalty'),
  PROPOSE_HANDLING: authorityStep('leak-handling-proposal'),
  REFER: authorityStep('leak-referred'),
} as const;

/**
 * Regs 61: the two 24-hour reports (para 1), from discovery (editions 1–3) or from the organ's
 * knowledge (edition 4, Law 47), and the relay from the first local receipt (para 2).
 */
const reportRegionsFrom = (from: 'discoveredAt' | 'knownAt') =>
  ({
    toAuthority: {
      meta: { label: '向同级保密行政管理部门报告' },
      initial: 'pending',
      states: {
        pending: {
          meta: {
            label: '待向同级保密行政管理部门报告',
            responsible: 'organ',
            deadline: within24h('report-authority', '向同级保密行政管理部门报告（24小时）', 'organ', from, 'Regs 61 para 1'),
          },
          on: {
            REPORT_TO_AUTHORITY: {
              target: 'reported',
              actions: [
                { type: 'judgeReport', params: { deadlineId: 'report-authority', obligation: '向同级保密行政管理部门报告' } },
                { type: 'notify', params: { to: 'authority', subject: 'leak-reported', basis: 'Regs 61 para 1' } },
              ],
            },
            DEADLINE_PASSED: {
              guard: { type: 'passed', params: { id: 'report-authority' } },
              actions: { type: 'flagUnreported', params: { deadlineId: 'report-authority', obligation: '向同级保密行政管理部门报告' } },
            },
          },
        },
        reported: { type: 'final', meta: { label: '已向同级保密行政管理部门报告' } },
      },
    },
    toSuperior: {
      meta: { label: '向上级主管部门报告' },
      initial: 'check',
      states: {
        check: {
          meta: { label: '查明有无上级主管部门' },
          always: [{ guard: 'hasSuperior', target: 'pending' }, { target: 'notApplicable' }],
        },
        pending: {
          meta: {
            label: '待向上级主管部门报告',
            responsible: 'organ',
            deadline: within24h('report-superior', '向上级主管部门报告（24小时）', 'organ', from, 'Regs 61 para 1'),
          },
          on: {
            REPORT_TO_SUPERIOR: {
              target: 'reported',
              actions: [
                { type: 'judgeReport', params: { deadlineId: 'report-superior', obligation: '向上级主管部门报告' } },
                { type: 'notify', params: { to: 'superior', subject: 'leak-reported', basis: 'Regs 61 para 1' } },
              ],
            },
            DEADLINE_PASSED: {
              guard: { type: 'passed', params: { id: 'report-superior' } },
              actions: { type: 'flagUnreported', params: { deadlineId: 'report-superior', obligation: '向上级主管部门报告' } },
            },
          },
        },
        reported: { type: 'final', meta: { label: '已向上级主管部门报告' } },
        notApplicable: { type: 'final', meta: { label: '无上级主管部门' } },
      },
    },
    relay: {
      meta: { label: '逐级报送' },
      initial: 'waiting',
      states: {
        waiting: {
          meta: { label: '待首次接报' },
          on: { REPORT_TO_AUTHORITY: { target: 'relaying', actions: 'receive' } },
        },
        relaying: relaying('relayed'),
        relayed: { type: 'final', meta: { label: '已报至国家保密行政管理部门' } },
      },
    },
  }) as const;
const reportRegions = reportRegionsFrom('discoveredAt');

/** Edition 4, Regs 60: the authority's handling, recorded when its investigation ends (a decision, a proposal, a transfer, or none needed). */
const concluding = (subject: string) => ({ target: 'handled' as const, ...authorityStep(subject) });
const handlingRegion = {
  meta: { label: '保密行政管理部门调查处理' },
  initial: 'investigating',
  states: {
    investigating: {
      meta: { label: '保密行政管理部门调查处理中', responsible: 'authority', basis: 'Regs 60' },
      on: {
        DECIDE_PENALTY: concluding('leak-penalty'),
        PROPOSE_HANDLING: concluding('leak-handling-proposal'),
        REFER: concluding('leak-referred'),
        CONCLUDE_NO_ACTION: concluding('leak-no-action'),
      },
    },
    handled: { type: 'final', meta: { label: '保密行政管理部门已作出处理' } },
  },
} as const;

const revokedActions = [
  'recordLicenceDecision',
  { type: 'notify', params: { to: 'organ', subject: 'licence-revoked', basis: 'Regs 71 para 3(3)' } },
] as const;

/** The licensing authority's decision, for the enterprise's open 年度自检 (its LEAK_LICENCE_DECISION). */
const licenceDecisionLink = ({ context, event }: { context: LeakContext; event: Events }): LinkParams => {
  assertEvent(event, ['REVOKE_LICENCE', 'DECLINE_REVOCATION']);
  const licensor = context.parties.licensor!;
  return {
    kind: 'annual-inspection',
    party: 'organ',
    event: 'LEAK_LICENCE_DECISION',
    payload: {
      licenceDecision: event.type === 'REVOKE_LICENCE' ? 'revoked' : 'declined',
      text: event.type === 'REVOKE_LICENCE' ? event.decision : event.reason,
      incidentRef: context.incidentRef,
      decidedBy: licensor.name,
    },
    at: event.at,
  };
};

export const leakMachine = setup({
  types: { meta: {} as StateMeta, context: {} as LeakContext, events: {} as Events, input: {} as LeakInput },
  guards: {
    hasSuperior: ({ context }) => context.hasSuperior,
    passed: deadlinePassed,
    /** The holder is the national authority (the last link of the chain). */
    reachedNational: ({ context }) => context.relayIndex >= context.relayTiers - 1,
    /** The report went to a local secrecy authority, which relays it (Regs 61 para 2). */
    relayed: ({ context }) => context.relayTiers > 0,
    networkOperator: ({ context }) => context.variant === 'network-operator',
    /** A secrecy authority holds the case (Regs 60): always for an organ; for an operator, its receiver if one. */
    secrecyAuthorityHolds: ({ context }) => context.parties.authority !== undefined,
    edition2: ({ context }) => context.edition >= 2,
    edition4: ({ context }) => context.edition >= 4,
    edition6: ({ context }) => context.edition >= 6,
    measuresTaken: ({ context }) => context.measuresTakenAt !== undefined,
    /** A late report or late measures of a licensed enterprise carry Regs 71 para 3(3) (并处吊销保密资质). */
    revocationGround: ({ context }) => context.lateFlags.some((f) => f.consequences.some((c) => c.basis === 'Regs 71 para 3(3)')),
    /** Reports and first measures are all done, so no flag can still be withdrawn (a report made in time, entered late). */
    groundSettled: and([
      stateIn('#leak.underway.toAuthority.reported'),
      or([stateIn('#leak.underway.toSuperior.reported'), stateIn('#leak.underway.toSuperior.notApplicable')]),
      stateIn('#leak.underway.remedy.taken'),
    ]),
  },
  actions: {
    notify: notifyEffect,
    link: linkEffect,
    /** The deadline passed with no report: flagged now, withdrawn if the report turns out to have been made in time. */
    flagUnreported: assign(({ context, event }, p: LateParams) => ({
      lateFlags: withFlag(context.lateFlags, p.deadlineId, flagFor(context, p, dueOf(event, p.deadlineId))),
    })),
    /** A report is late when it was made (event.at) after the deadline, whenever it is entered. */
    judgeReport: assign(({ context, event }, p: LateParams) => {
      const dueAt = dueOf(event, p.deadlineId);
      const late = dueAt !== undefined && Date.parse(event.at) > Date.parse(dueAt);
      return { lateFlags: withFlag(context.lateFlags, p.deadlineId, late ? flagFor(context, p, dueAt, event.at) : undefined) };
    }),
    recordMeasures: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_MEASURES');
      return { measures: [...context.measures, { at: event.at, measures: event.measures }] };
    }),
    /** Edition 4: the first measures, judged against 立即 (a policy period from the organ's knowledge) by when they were taken. */
    takeMeasures: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_MEASURES');
      const dueAt = dueOf(event, MEASURES.deadlineId);
      const late = dueAt !== undefined && Date.parse(event.at) > Date.parse(dueAt);
      const flag = late ? { ...MEASURES, dueAt, reportedAt: event.at, consequences: measuresConsequences(context) } : undefined;
      return {
        measures: [...context.measures, { at: event.at, measures: event.measures }],
        measuresTakenAt: event.at,
        lateFlags: withFlag(context.lateFlags, MEASURES.deadlineId, flag),
      };
    }),
    flagNoMeasures: assign(({ context, event }) => ({
      lateFlags: withFlag(context.lateFlags, MEASURES.deadlineId, {
        ...MEASURES,
        ...(dueOf(event, MEASURES.deadlineId) ? { dueAt: dueOf(event, MEASURES.deadlineId)! } : {}),
        consequences: measuresConsequences(context),
      }),
    })),
    recordProposal: assign(({ event }) => ({ handlingProposedOn: shanghaiDateOf(event.at) })),
    recordLicenceDecision: assign(({ event }) => {
      assertEvent(event, ['REVOKE_LICENCE', 'DECLINE_REVOCATION']);
      return event.type === 'REVOKE_LICENCE'
        ? { licenceDecision: { outcome: 'revoked' as const, text: event.decision, at: event.at } }
        : { licenceDecision: { outcome: 'declined' as const, text: event.reason, at: event.at } };
    }),
    /** The first local receipt starts the relay. */
    receive: assign(({ context, event }) => ({
      relayIndex: 0,
      firstReceivedAt: event.at,
      holderReceivedAt: event.at,
      relayClockFrom: event.at,
      parties: { ...context.parties, relayHolder: context.parties.relay0 },
    })),
    /** Passed one tier up: the next authority holds it. */
    relayUp: assign(({ context, event }) => {
      const relayIndex = context.relayIndex + 1;
      return {
        relayIndex,
        holderReceivedAt: event.at,
        relayClockFrom: context.perTier ? event.at : context.firstReceivedAt,
        parties: { ...context.parties, relayHolder: context.parties[`relay${relayIndex}`] as PartyRef },
      };
    }),
    recordResult: assign(({ event }) => {
      assertEvent(event, 'REPORT_RESULT');
      return { result: event.result, resultAt: event.at };
    }),
    recordStep: assign(({ context, event }) => {
      assertEvent(event, ['ORDER_STOP', 'DECIDE_PENALTY', 'PROPOSE_HANDLING', 'REFER', 'CONCLUDE_NO_ACTION']);
      const text =
        event.type === 'ORDER_STOP'
          ? event.order
          : event.type === 'DECIDE_PENALTY'
            ? event.decision
            : event.type === 'PROPOSE_HANDLING'
              ? event.proposal
              : event.note;
      const to = event.type === 'REFER' ? { to: event.to } : {};
      return { authoritySteps: [...context.authoritySteps, { at: event.at, step: event.type, text, ...to }] };
    }),
  },
}).createMachine({
  id: 'leak',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    variant: input.variant,
    incidentRef: input.incidentRef,
    summary: input.summary,
    discoveredAt: input.discoveredAt,
    discoveredOn: shanghaiDateOf(input.discoveredAt),
    // Editions 1–3 recorded the start's measures at discovery; edition 4 when they were taken (the organ's knowledge unless stated).
    ...(input.edition >= 4
      ? {
          knownAt: input.knownAt ?? input.discoveredAt,
          measures: input.remedialMeasures
            ? [{ at: input.measuresTakenAt ?? input.knownAt ?? input.discoveredAt, measures: input.remedialMeasures }]
            : [],
          ...(input.remedialMeasures ? { measuresTakenAt: input.measuresTakenAt ?? input.knownAt ?? input.discoveredAt } : {}),
        }
      : { measures: [{ at: input.discoveredAt, measures: input.remedialMeasures ?? '' }] }),
    hasSuperior: input.derived?.hasSuperior === true,
    licensedEnterprise: input.derived?.licensedEnterprise === true,
    relayTiers: Number(input.derived?.relayTiers ?? 1),
    relayIndex: -1,
    perTier: input.policy.leakRelayReading === 'per-tier',
    lateFlags: input.edition >= 4 ? startFlags(input, input.derived?.licensedEnterprise === true) : [],
    authoritySteps: [],
  }),
  initial: 'starting',
  states: {
    starting: {
      meta: { label: '登记泄密事件' },
      always: [
        { guard: 'networkOperator', target: 'operatorReporting' },
        { guard: 'edition4', target: 'underway' },
        { guard: 'edition2', target: 'open' },
        { target: 'reporting' },
      ],
    },

    // Edition 4: the 24 hours from the organ's knowledge (Law 47), the first remedial measures judged
    // (Regs 61 para 1), and the procedure closes only once the authority has recorded its handling;
    // the written result runs from its 处理建议 (Regs 60).
    underway: {
      type: 'parallel',
      meta: { label: '办理中（报告、补救、逐级报送、调查处理）', responsible: 'organ', basis: 'Regs 61; Law 47; Regs 60' },
      on: { RECORD_MEASURES: { actions: 'recordMeasures' }, ...authoritySteps },
      onDone: 'closed',
      states: {
        ...reportRegionsFrom('knownAt'),
        remedy: {
          meta: { label: '采取补救措施' },
          initial: 'check',
          states: {
            check: {
              meta: { label: '查明是否已采取补救措施' },
              always: [{ guard: 'measuresTaken', target: 'taken' }, { target: 'pending' }],
            },
            pending: {
              meta: {
                label: '待采取补救措施',
                responsible: 'organ',
                deadline: {
                  id: MEASURES.deadlineId,
                  label: '立即采取补救措施（“立即”，本地策略）',
                  rule: 'hours',
                  n: { policy: 'leakRemedyHours' },
                  from: 'knownAt',
                  basis: 'Regs 61 para 1',
                  responsible: 'organ',
                },
              },
              on: {
                RECORD_MEASURES: { target: 'taken', actions: 'takeMeasures' },
                DEADLINE_PASSED: { guard: { type: 'passed', params: { id: MEASURES.deadlineId } }, actions: 'flagNoMeasures' },
              },
            },
            taken: { type: 'final', meta: { label: '已采取补救措施' } },
          },
        },
        handling: handlingRegion,
        // Regs 71 para 3(3): once the reports and measures are settled, a ground for revocation goes to the licensing authority.
        licence: {
          meta: { label: '保密资质（《实施条例》第七十一条第三款第（三）项）' },
          initial: 'settling',
          states: {
            settling: {
              meta: { label: '待报告、补救办结后判断' },
              always: [
                { guard: and(['groundSettled', 'revocationGround']), target: 'proposed' },
                { guard: 'groundSettled', target: 'notApplicable' },
              ],
            },
            proposed: {
              meta: { label: '待颁发资质的保密行政管理部门决定是否吊销保密资质', responsible: 'licensor', basis: 'Regs 71 para 3(3)' },
              entry: { type: 'notify', params: { to: 'licensor', subject: 'leak-revocation-proposed', basis: 'Regs 71 para 3(3)' } },
              on: {
                // Edition 6: the decision is recorded in the enterprise's open 年度自检 too (Regs 71 para 3(3); workflows/linked.ts).
                REVOKE_LICENCE: [
                  { guard: 'edition6', target: 'revoked', actions: [...revokedActions, { type: 'link', params: licenceDecisionLink }] },
                  { target: 'revoked', actions: revokedActions },
                ],
                DECLINE_REVOCATION: [
                  {
                    guard: 'edition6',
                    target: 'declined',
                    actions: ['recordLicenceDecision', { type: 'link', params: licenceDecisionLink }],
                  },
                  { target: 'declined', actions: 'recordLicenceDecision' },
                ],
              },
            },
            revoked: { type: 'final', meta: { label: '已吊销保密资质' } },
            declined: { type: 'final', meta: { label: '不予吊销保密资质（本地策略）' } },
            notApplicable: { type: 'final', meta: { label: '无吊销保密资质的情形' } },
          },
        },
        result: {
          meta: { label: '书面告知处理结果' },
          initial: 'awaitingProposal',
          states: {
            // Regs 60: the organ tells the result of handling the authority proposed; a decision, a
            // transfer or "none needed" leaves it nothing to report (本地策略), though it may.
            awaitingProposal: {
              meta: { label: '待保密行政管理部门提出处理建议' },
              on: {
                PROPOSE_HANDLING: { target: 'pending', actions: 'recordProposal' },
                DECIDE_PENALTY: 'notRequired',
                REFER: 'notRequired',
                CONCLUDE_NO_ACTION: 'notRequired',
                REPORT_RESULT: {
                  target: 'reported',
                  actions: ['recordResult', { type: 'notify', params: { to: 'authority', subject: 'leak-result', basis: 'Regs 60' } }],
                },
              },
            },
            pending: {
              meta: {
                label: '待书面告知处理结果',
                responsible: 'organ',
                deadline: {
                  id: 'result',
                  label: '书面告知同级保密行政管理部门处理结果（自处理建议起，“及时”，本地策略）',
                  rule: 'months',
                  n: { policy: 'leakResultMonths' },
                  from: 'handlingProposedOn',
                  basis: 'Regs 60',
                  responsible: 'organ',
                },
              },
              on: {
                REPORT_RESULT: {
                  target: 'reported',
                  actions: ['recordResult', { type: 'notify', params: { to: 'authority', subject: 'leak-result', basis: 'Regs 60' } }],
                },
              },
            },
            reported: { type: 'final', meta: { label: '已书面告知处理结果' } },
            notRequired: { type: 'final', meta: { label: '无处理建议，无需书面告知（本地策略）' } },
          },
        },
      },
    },

    // Edition 2: every obligation runs side by side; the procedure closes when all are met (Regs 60, 61).
    open: {
      type: 'parallel',
      meta: { label: '办理中（报告、逐级报送、调查处理）', responsible: 'organ', basis: 'Regs 61; Regs 60' },
      on: { RECORD_MEASURES: { actions: 'recordMeasures' }, ...authoritySteps },
      onDone: 'closed',
      states: {
        ...reportRegions,
        // Regs 60: the written result does not wait for the relay; 及时 is a policy period.
        result: {
          meta: { label: '书面告知处理结果' },
          initial: 'pending',
          states: {
            pending: {
              meta: {
                label: '待书面告知处理结果',
                responsible: 'organ',
                deadline: {
                  id: 'result',
                  label: '书面告知同级保密行政管理部门处理结果',
                  rule: 'months',
                  n: { policy: 'leakResultMonths' },
                  from: 'discoveredOn',
                  basis: 'Regs 60',
                  responsible: 'organ',
                },
              },
              on: {
                REPORT_RESULT: {
                  target: 'reported',
                  actions: ['recordResult', { type: 'notify', params: { to: 'authority', subject: 'leak-result', basis: 'Regs 60' } }],
                },
              },
            },
            reported: { type: 'final', meta: { label: '已书面告知处理结果' } },
          },
        },
      },
    },

    // Law 34; Regs 39: a network operator reports 立即 (a policy period in hours) to the organ it
    // chooses; a secrecy authority that receives it relays it (Regs 61 para 2); then it closes.
    operatorReporting: {
      meta: {
        label: '网络运营者待立即报告',
        responsible: 'organ',
        basis: 'Law 34; Regs 39',
        deadline: {
          id: 'report-receiver',
          label: '网络运营者立即报告',
          rule: 'hours',
          n: { policy: 'networkOperatorReportHours' },
          from: 'discoveredAt',
          basis: 'Law 34; Regs 39',
          responsible: 'organ',
        },
      },
      on: {
        RECORD_MEASURES: { actions: 'recordMeasures' },
        ...authoritySteps,
        REPORT_TO_RECEIVER: [
          {
            guard: and(['relayed', 'edition4']),
            target: 'operatorFollowUp',
            actions: [
              { type: 'judgeReport', params: operatorReport },
              { type: 'notify', params: { to: 'receiver', subject: 'leak-operator-reported', basis: 'Law 34; Regs 39' } },
              'receive',
            ],
          },
          {
            guard: 'relayed',
            target: 'operatorRelay',
            actions: [
              { type: 'judgeReport', params: operatorReport },
              { type: 'notify', params: { to: 'receiver', subject: 'leak-operator-reported', basis: 'Law 34; Regs 39' } },
              'receive',
            ],
          },
          {
            target: 'closed',
            actions: [
              { type: 'judgeReport', params: operatorReport },
              { type: 'notify', params: { to: 'receiver', subject: 'leak-operator-reported', basis: 'Law 34; Regs 39' } },
            ],
          },
        ],
        DEADLINE_PASSED: {
          guard: { type: 'passed', params: { id: 'report-receiver' } },
          actions: { type: 'flagUnreported', params: operatorReport },
        },
      },
    },
    operatorRelay: {
      meta: { label: '逐级报送中', responsible: 'relayHolder', basis: 'Regs 61 para 2' },
      on: { RECORD_MEASURES: { actions: 'recordMeasures' }, ...authoritySteps },
      initial: 'relaying',
      states: { relaying: relaying('#leak.closed') },
    },

    // Edition 4: the relay and the receiving secrecy authority's handling (Regs 60), side by side; it closes when both are done.
    operatorFollowUp: {
      type: 'parallel',
      meta: { label: '逐级报送、调查处理', responsible: 'relayHolder', basis: 'Regs 61 para 2; Regs 60' },
      on: { RECORD_MEASURES: { actions: 'recordMeasures' }, ...authoritySteps },
      onDone: 'closed',
      states: {
        relay: {
          meta: { label: '逐级报送' },
          initial: 'relaying',
          states: { relaying: relaying('relayed'), relayed: { type: 'final', meta: { label: '已报至国家保密行政管理部门' } } },
        },
        handling: handlingRegion,
      },
    },

    // Edition 1 (procedures started before 2026-11-30) keeps its path: the result only after the
    // relay, with no result deadline (machines/procedure.ts CURRENT_EDITION).
    reporting: {
      type: 'parallel',
      meta: { label: '报告中（24小时）', responsible: 'organ', basis: 'Regs 61' },
      on: { RECORD_MEASURES: { actions: 'recordMeasures' } },
      onDone: 'investigating',
      states: {
        ...reportRegions,
      },
    },
    investigating: {
      meta: { label: '调查处理中', responsible: 'organ', basis: 'Regs 60' },
      on: {
        REPORT_RESULT: {
          target: 'closed',
          actions: ['recordResult', { type: 'notify', params: { to: 'authority', subject: 'leak-result', basis: 'Regs 60' } }],
        },
      },
    },
    closed: { type: 'final', meta: { label: '已办结' } },
  },
});

export const leakProcedure = defineProcedure({
  kind: 'leak',
  label: '泄密报告',
  basis: 'Regs 61; Law 47; Regs 60; Law 34; Regs 39',
  workflowType: 'leakWorkflow',
  machine: leakMachine,
  input: LeakStartSchema,
  parties: leakParties,
  startedBy: 'organId',
  startFact: 'discoveredAt',
  startFieldsInContext: { remedialMeasures: 'measures.0.measures' },
  // Edition 4's context: knownAt = input.knownAt ?? input.discoveredAt.
  startFieldFallbacks: { knownAt: 'discoveredAt' },
  // Law 34; Regs 39: only a network operator chooses its receiver and reports 立即; an organ makes the two Regs 61 reports
  // and, under edition 4, takes remedial measures 立即 where none were taken yet (Regs 61 para 1).
  variants: {
    field: 'variant',
    cases: {
      organ: { deadlines: ['report-authority', 'report-superior', MEASURES.deadlineId], guards: { networkOperator: false } },
      'network-operator': { fields: ['receiverId'], deadlines: ['report-receiver'], guards: { networkOperator: true } },
    },
  },
  events: leakEvents,
});
