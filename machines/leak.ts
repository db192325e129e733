/**
 * 泄密报告 — leak reporting within 24 hours (Regs 61; Law 47; Regs 60, 67(8), 71). SPEC §3.3.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { PartyRef } from '../domain/parties.js';
import { parseInstant } from '../domain/time.js';
import { shortText } from './common.js';
import { deadlinePassed, notifyEffect, stateMeta, type DeadlinePassedEvent, type DriverInput, type MachineEvents, type ProcedureContext, type ProcedureDefinition } from './procedure.js';

const Instant = z.string().refine((s) => {
  try {
    parseInstant(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an ISO 8601 instant with its offset, e.g. 2025-09-30T21:30:00+08:00');

export const LeakStartSchema = z.strictObject({
  organId: z.string().min(1).describe('发现泄密的机关、单位'),
  incidentRef: shortText(50).describe('事件编号'),
  summary: shortText().describe('事件概况（非涉密简述）'),
  discoveredAt: Instant.describe('发现时刻（含时区）'),
  remedialMeasures: shortText().describe('已采取的补救措施'),
});
export type LeakStart = z.infer<typeof LeakStartSchema>;

const report = z.strictObject({ reportNumber: shortText(50).optional() });

export const leakEvents = {
  REPORT_TO_AUTHORITY: { label: '向同级保密行政管理部门报告', by: ['organ'], basis: 'Regs 61 para 1', fact: true, schema: report },
  REPORT_TO_SUPERIOR: { label: '向上级主管部门报告', by: ['organ'], basis: 'Regs 61 para 1', schema: report },
  RECORD_MEASURES: { label: '记录补救措施', by: ['organ'], basis: 'Regs 61 para 1', schema: z.strictObject({ measures: shortText() }) },
  RELAY: { label: '逐级报至上一级保密行政管理部门', by: ['relayHolder'], basis: 'Regs 61 para 2', schema: report },
  REPORT_RESULT: { label: '书面告知调查处理结果', by: ['organ'], basis: 'Regs 60', schema: z.strictObject({ result: shortText() }) },
} satisfies ProcedureDefinition['events'];

type Events = MachineEvents<typeof leakEvents> | DeadlinePassedEvent;

export interface LateFlag {
  obligation: string;
  basis: string;
  consequence: string;
}

export interface LeakContext extends ProcedureContext {
  incidentRef: string;
  summary: string;
  discoveredAt: string;
  measures: Array<{ at: string; measures: string }>;
  hasSuperior: boolean;
  licensedEnterprise: boolean;
  relayTiers: number;
  /** Index in the relay chain (parties.relay0 … national) of the authority holding the report. */
  relayIndex: number;
  firstReceivedAt?: string;
  holderReceivedAt?: string;
  /** Start of the relay clock: the first local receipt (literal reading) or this tier's receipt. */
  relayClockFrom?: string;
  perTier: boolean;
  lateFlags: LateFlag[];
  result?: string;
}

export type LeakInput = LeakStart & DriverInput;

const within24h = (id: string, label: string, responsible: string, from: string, basis: string, extra: object = {}) => ({ id, label, rule: 'hours' as const, n: 24, from, basis, responsible, ...extra });

export const leakMachine = setup({
  types: { context: {} as LeakContext, events: {} as Events, input: {} as LeakInput },
  guards: {
    hasSuperior: ({ context }) => context.hasSuperior,
    passed: deadlinePassed,
    /** The holder is the national authority (the last link of the chain). */
    reachedNational: ({ context }) => context.relayIndex >= context.relayTiers - 1,
  },
  actions: {
    notify: notifyEffect,
    /** Regs 67(8) for organs; Regs 71 para 3(3) for an enterprise holding a 保密资质. */
    flagLate: assign(({ context }, params: { obligation: string }) => ({
      lateFlags: [
        ...context.lateFlags,
        context.licensedEnterprise
          ? { obligation: params.obligation, basis: 'Regs 71 para 3(3)', consequence: '未按照规定时限报告：并处吊销保密资质' }
          : { obligation: params.obligation, basis: 'Regs 67(8)', consequence: '发生泄密案件未按照规定报告：对直接负责的主管人员和其他直接责任人员依法给予处分' },
      ],
    })),
    recordMeasures: assign(({ context, event }) => ('measures' in event ? { measures: [...context.measures, { at: event.at, measures: event.measures }] } : {})),
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
    recordResult: assign(({ event }) => ('result' in event ? { result: event.result } : {})),
  },
}).createMachine({
  id: 'leak',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    incidentRef: input.incidentRef,
    summary: input.summary,
    discoveredAt: input.discoveredAt,
    measures: [{ at: input.discoveredAt, measures: input.remedialMeasures }],
    hasSuperior: input.derived?.hasSuperior === true,
    licensedEnterprise: input.derived?.licensedEnterprise === true,
    relayTiers: Number(input.derived?.relayTiers ?? 1),
    relayIndex: -1,
    perTier: input.policy.leakRelayReading === 'per-tier',
    lateFlags: [],
  }),
  initial: 'reporting',
  states: {
    reporting: {
      type: 'parallel',
      meta: stateMeta({ label: '报告中（24小时）', responsible: 'organ', basis: 'Regs 61' }),
      on: { RECORD_MEASURES: { actions: 'recordMeasures' } },
      onDone: 'investigating',
      states: {
        toAuthority: {
          initial: 'pending',
          states: {
            pending: {
              meta: stateMeta({ label: '待向同级保密行政管理部门报告', responsible: 'organ', deadline: within24h('report-authority', '向同级保密行政管理部门报告（24小时）', 'organ', 'discoveredAt', 'Regs 61 para 1') }),
              on: {
                REPORT_TO_AUTHORITY: { target: 'reported', actions: { type: 'notify', params: { to: 'authority', subject: 'leak-reported', basis: 'Regs 61 para 1' } } },
                DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'report-authority' } }, actions: { type: 'flagLate', params: { obligation: '向同级保密行政管理部门报告' } } },
              },
            },
            reported: { type: 'final', meta: stateMeta({ label: '已向同级保密行政管理部门报告' }) },
          },
        },
        toSuperior: {
          initial: 'check',
          states: {
            check: { always: [{ guard: 'hasSuperior', target: 'pending' }, { target: 'notApplicable' }] },
            pending: {
              meta: stateMeta({ label: '待向上级主管部门报告', responsible: 'organ', deadline: within24h('report-superior', '向上级主管部门报告（24小时）', 'organ', 'discoveredAt', 'Regs 61 para 1') }),
              on: {
                REPORT_TO_SUPERIOR: { target: 'reported', actions: { type: 'notify', params: { to: 'superior', subject: 'leak-reported', basis: 'Regs 61 para 1' } } },
                DEADLINE_PASSED: { guard: { type: 'passed', params: { id: 'report-superior' } }, actions: { type: 'flagLate', params: { obligation: '向上级主管部门报告' } } },
              },
            },
            reported: { type: 'final', meta: stateMeta({ label: '已向上级主管部门报告' }) },
            notApplicable: { type: 'final', meta: stateMeta({ label: '无上级主管部门' }) },
          },
        },
        relay: {
          initial: 'waiting',
          states: {
            waiting: {
              meta: stateMeta({ label: '待首次接报' }),
              on: { REPORT_TO_AUTHORITY: { target: 'relaying', actions: 'receive' } },
            },
            relaying: {
              always: { guard: 'reachedNational', target: 'relayed' },
              meta: stateMeta({
                label: '逐级报送中',
                responsible: 'relayHolder',
                deadline: within24h('relay', '逐级报至国家保密行政管理部门（24小时）', 'relayHolder', 'relayClockFrom', 'Regs 61 para 2', { instanceFrom: 'relayIndex' }),
              }),
              on: { RELAY: { target: 'relaying', reenter: true, actions: ['relayUp', { type: 'notify', params: { to: 'relayHolder', subject: 'leak-relayed', basis: 'Regs 61 para 2' } }] } },
            },
            relayed: { type: 'final', meta: stateMeta({ label: '已报至国家保密行政管理部门' }) },
          },
        },
      },
    },
    investigating: {
      meta: stateMeta({ label: '调查处理中', responsible: 'organ', basis: 'Regs 60' }),
      on: { REPORT_RESULT: { target: 'closed', actions: ['recordResult', { type: 'notify', params: { to: 'authority', subject: 'leak-result', basis: 'Regs 60' } }] } },
    },
    closed: { type: 'final', meta: stateMeta({ label: '已办结' }) },
  },
});

export const leakProcedure: ProcedureDefinition = {
  kind: 'leak',
  label: '泄密报告',
  basis: 'Regs 61; Law 47; Regs 60',
  workflowType: 'leakWorkflow',
  machine: leakMachine,
  input: LeakStartSchema,
  startedBy: 'organId',
  startFact: 'discoveredAt',
  events: leakEvents,
};
