/**
 * 泄密报告 — leak reporting within 24 hours (Regs 61; Law 47), its follow-up (Regs 60), the
 * consequences of a late report (Regs 67 para 1(8), 71), and a network operator's report (Law 34;
 * Regs 39) as a variant. SPEC §3.3. Its start and events: leak-start.ts; the late reports'
 * flags: leak-late-flags.ts; the report and handling regions the editions share: leak-regions.ts.
 */
import { and, assertEvent, assign, or, setup, stateIn } from 'xstate';
import type { PartyRef } from '../domain/parties.js';
import { shanghaiDateOf } from '../domain/time.js';
import {
  defineProcedure,
  deadlinePassed,
  linkEffect,
  notifyEffect,
  type DeadlinePassedEvent,
  type LinkParams,
  type MachineEvents,
  type ProcedureContext,
  type StateMeta,
} from './procedure.js';
import { leakParties } from '../domain/resolve-parties.js';
import { leakEvents, LeakStartSchema, type LeakInput, type LeakStart } from './leak-start.js';
import {
  dueOf,
  flagFor,
  MEASURES,
  measuresConsequences,
  operatorReport,
  startFlags,
  withFlag,
  type LateFlag,
  type LateParams,
} from './leak-late-flags.js';
import { authoritySteps, handlingRegion, relaying, reportRegions, reportRegionsFrom } from './leak-regions.js';

type Events = MachineEvents<typeof leakEvents> | DeadlinePassedEvent;
type AuthorityStep = 'ORDER_STOP' | 'DECIDE_PENALTY' | 'PROPOSE_HANDLING' | 'REFER' | 'CONCLUDE_NO_ACTION';

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
