/**
 * 保密资质年度自检: the sanctions (Regs 71; Law 60) — the warnings, the proposals to suspend,
 * downgrade or revoke, the authority's decisions on them and the suspension's course. The
 * procedure's own steps (report, review, rectification) are in annual-inspection.ts.
 */
import { assertEvent } from 'xstate';
import { LICENCE_GROUND_LABELS, SANCTION_LABELS } from '../domain/labels.zh.js';
import { dayOf } from '../domain/time.js';
import { eventDate, type EventEnvelope } from './procedure.js';
import type { Events } from './annual-inspection-events.js';

/** The states a ground the authority finds can be raised in, and where a declined proposal resumes. */
export const RESUMABLE = [
  'awaitingReport',
  'reportOverdue',
  'underReview',
  'rectifying',
  'reviewingRectification',
  'sanctionProposed',
  'suspended',
  'suspensionEndReview',
] as const;
export type Resumable = (typeof RESUMABLE)[number];

/** Who decided: the sending person of the authority (the driver checks the party). */
export interface DecidedBy {
  id: string;
  name?: string;
}

/** A proposal the procedure makes to the deciding authority (建议), with the ground's article. */
export interface Proposal {
  measure: 'suspend-or-downgrade' | 'revoke';
  basis: string;
  reason: string;
  on: string;
  /** A ground found mid-procedure: where the procedure goes on if the proposal is declined. */
  resumeTo?: Resumable;
  /** lesser: a revocation proposal decided with the measures Law 60 gives for 情节严重 (暂停、降级). */
  /** withdrawn: its premise fell away (a rectification made on time, entered after the deadline). */
  decision?: { decision: 'adopted' | 'lesser' | 'no-penalty' | 'otherwise' | 'withdrawn'; on: string; by: DecidedBy; reason?: string };
}

/** A sanction applied (Regs 71; Law 60): every one stays in the outcome. */
export interface Sanction {
  measure: keyof typeof SANCTION_LABELS;
  label: string;
  basis: string;
  on: string;
  by: DecidedBy;
  until?: string;
  reason?: string;
}

/** The part of the procedure's context the sanctions keep. */
export interface SanctionContext {
  suspension?: { from: string; until: string; downgrade: boolean };
  suspendedOn?: string;
  suspensionDays: number;
  proposals: Proposal[];
  sanctions: Sanction[];
  /** Regs 71 para 3(3) (edition 6): revocations the licensing authority declined in a leak procedure (本地策略), with the leak procedure's id. */
  declinedInLeak?: Array<{ procedure: string; incidentRef: string; on: string; by: string; reason: string }>;
}

export const decidedBy = (e: EventEnvelope): DecidedBy => ({ id: e.actor.id, ...(e.actor.name ? { name: e.actor.name } : {}) });
/** The proposal awaiting the authority's decision: the latest one not decided. */
export const pending = (c: SanctionContext) => c.proposals.findLast((p) => !p.decision);

/**
 * The article of a measure: the pending proposal's ground; a lesser measure on a revocation
 * proposal rests on Law 60's grading (情节严重: 暂停涉密业务、降低资质等级).
 */
const measureBasis = (c: SanctionContext, measure: Sanction['measure'], fallback: string) => {
  const p = pending(c);
  return p?.measure === 'revoke' && measure !== 'revocation' ? `Law 60 (${p.basis})` : (p?.basis ?? fallback);
};

/** The para 2 measures deciding a proposal: suspension (with or without downgrade), or downgrade alone, notified under `basis`. */
export const suspendBusiness = (basis: string) =>
  ({
    guard: 'endsAfterToday',
    target: 'suspended',
    actions: [
      'suspend',
      'decide',
      {
        type: 'notify',
        params: ({ event }: { event: Events }) => {
          assertEvent(event, 'SUSPEND_BUSINESS');
          return { to: 'enterprise', subject: event.downgrade ? 'business-suspended-downgraded' : 'business-suspended', basis };
        },
      },
    ],
  }) as const;
export const downgrade = (basis: string) =>
  ({
    target: 'closed',
    actions: [
      { type: 'sanction', params: { measure: 'downgrade' } },
      'decide',
      { type: 'close', params: { result: 'sanctioned' } },
      { type: 'notify', params: { to: 'enterprise', subject: 'licence-downgraded', basis } },
    ],
  }) as const;
/** A revocation ground found by the authority in state `from` (Regs 71 para 3). */
export const revocationGround = (from: Resumable) =>
  ({ target: 'revocationProposed', actions: { type: 'proposeFound', params: { measure: 'revoke', resumeTo: from } } }) as const;
/** A para 2 ground found by the authority in state `from` (Regs 71 para 2(1), (3)). */
export const sanctionGround = (from: Resumable) =>
  ({ target: 'sanctionProposed', actions: { type: 'proposeFound', params: { measure: 'suspend-or-downgrade', resumeTo: from } } }) as const;
/** New 涉密业务 accepted while suspended: a proposal to revoke (Regs 71 para 3(5)). */
export const newBusinessWhileSuspended = (from: Resumable) =>
  ({
    guard: 'duringSuspension',
    target: 'revocationProposed',
    actions: {
      type: 'propose',
      params: { measure: 'revoke', basis: 'Regs 71 para 3(5)', reason: '暂停涉密业务期间承接新的涉密业务', resumeTo: from },
    },
  }) as const;
const declinedNotice = { type: 'notify', params: { to: 'enterprise', subject: 'proposal-declined', basis: '本地策略' } } as const;
/**
 * Declining a proposal (local policy, see DECLINE_PROPOSAL): the procedure goes on where the authority found the ground,
 * or, for a proposal that followed from the procedure's own steps (para 2(2), 3(6)), ends.
 */
export const decline = [
  ...RESUMABLE.map(
    (s) => ({ guard: { type: 'resumesTo', params: { state: s } }, target: s, actions: ['decide', declinedNotice] }) as const,
  ),
  { target: 'closed', actions: ['decide', { type: 'close', params: {} }, declinedNotice] },
] as const;

/** The context changes of the sanctions' actions (the machine assigns them). */
export const sanctionUpdates = {
  /** The para 2(2) proposal made when the deadline passed falls away: the rectification was reported in time. */
  withdrawLateProposal: (context: SanctionContext, event: Events) => {
    const p = pending(context);
    const decision = {
      decision: 'withdrawn' as const,
      on: eventDate(event),
      by: decidedBy(event),
      reason: '整改已在期限内完成（期满后录入）',
    };
    return { proposals: context.proposals.map((x) => (x === p ? { ...x, decision } : x)) };
  },
  /** A proposal that follows from the procedure's steps, with its article. */
  propose: (context: SanctionContext, event: Events, params: Omit<Proposal, 'on' | 'decision'>) => ({
    proposals: [...context.proposals, { ...params, on: eventDate(event) }],
  }),
  /** A proposal on a ground the authority found: the ground's article and its findings. */
  proposeFound: (context: SanctionContext, event: Events, params: Pick<Proposal, 'measure' | 'resumeTo'>) => {
    assertEvent(event, ['PROPOSE_SANCTION', 'PROPOSE_REVOCATION']);
    return {
      proposals: [
        ...context.proposals,
        { ...params, basis: event.ground, reason: `${LICENCE_GROUND_LABELS[event.ground]}：${event.findings}`, on: eventDate(event) },
      ],
    };
  },
  /** The authority decides the pending proposal: adopted by a measure, or declined with its reason. */
  decide: (context: SanctionContext, event: Events) => {
    assertEvent(event, ['SUSPEND_BUSINESS', 'DOWNGRADE', 'DECLINE_PROPOSAL', 'REVOKE']);
    const p = pending(context);
    if (!p) return {};
    const decision: NonNullable<Proposal['decision']> =
      event.type === 'DECLINE_PROPOSAL'
        ? { decision: event.disposition, on: eventDate(event), by: decidedBy(event), reason: event.reason }
        : {
            decision: p.measure === 'revoke' && event.type !== 'REVOKE' ? 'lesser' : 'adopted',
            on: eventDate(event),
            by: decidedBy(event),
          };
    return { proposals: context.proposals.map((x) => (x === p ? { ...x, decision } : x)) };
  },
  warn: (context: SanctionContext, event: Events) => {
    assertEvent(event, 'WARN');
    return {
      sanctions: [
        ...context.sanctions,
        {
          measure: event.measure,
          label: SANCTION_LABELS[event.measure],
          basis: 'Regs 71 para 1',
          on: eventDate(event),
          by: decidedBy(event),
          reason: event.reason,
        },
      ],
    };
  },
  /** Suspension (and downgrade, when decided with it) on the pending proposal's ground (Regs 71 para 2). */
  suspend: (context: SanctionContext, event: Events) => {
    assertEvent(event, 'SUSPEND_BUSINESS');
    const on = eventDate(event);
    const base = { basis: measureBasis(context, 'suspension', 'Regs 71 para 2'), on, by: decidedBy(event) };
    const sanctions: Sanction[] = [
      { measure: 'suspension', label: SANCTION_LABELS.suspension, ...base, until: event.until },
      ...(event.downgrade ? [{ measure: 'downgrade' as const, label: SANCTION_LABELS.downgrade, ...base }] : []),
    ];
    return {
      suspension: { from: on, until: event.until, downgrade: event.downgrade },
      suspendedOn: on,
      suspensionDays: dayOf(event.until) - dayOf(on),
      sanctions: [...context.sanctions, ...sanctions],
    };
  },
  /** Regs 71 para 3(3): the licence revoked in the leak procedure, with the leak as its ground. */
  revokedInLeak: (context: SanctionContext, event: Events) => {
    assertEvent(event, 'LEAK_LICENCE_DECISION');
    const revocation: Sanction = {
      measure: 'revocation',
      label: SANCTION_LABELS.revocation,
      basis: 'Regs 71 para 3(3)',
      on: eventDate(event),
      by: { id: event.actor.id, name: event.decidedBy },
      reason: `泄密事件${event.incidentRef}（${LICENCE_GROUND_LABELS['Regs 71 para 3(3)']}）：${event.text}`,
    };
    return { sanctions: [...context.sanctions, revocation] };
  },
  /** Regs 71 para 3(3): a revocation the licensing authority declined in the leak procedure (本地策略), recorded; nothing else changes. */
  declinedInLeak: (context: SanctionContext, event: Events) => {
    assertEvent(event, 'LEAK_LICENCE_DECISION');
    const declined = {
      procedure: event.actor.id,
      incidentRef: event.incidentRef,
      on: eventDate(event),
      by: event.decidedBy,
      reason: event.text,
    };
    return { declinedInLeak: [...(context.declinedInLeak ?? []), declined] };
  },
  sanction: (context: SanctionContext, event: Events, params: { measure: 'downgrade' | 'revocation' }) => ({
    sanctions: [
      ...context.sanctions,
      {
        measure: params.measure,
        label: SANCTION_LABELS[params.measure],
        basis: measureBasis(context, params.measure, params.measure === 'downgrade' ? 'Regs 71 para 2' : 'Regs 71 para 3'),
        on: eventDate(event),
        by: decidedBy(event),
      },
    ],
  }),
};

/** Regs 71 para 3(5): the business was taken from the suspension's first day to the end date the authority fixed, inclusive. */
export const duringSuspension = ({ context, event }: { context: SanctionContext; event: Events }) =>
  !!context.suspension && eventDate(event) >= context.suspension.from && eventDate(event) <= context.suspension.until;
