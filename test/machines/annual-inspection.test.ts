import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { annualInspectionMachine, type AnnualInspectionContext } from '../../machines/annual-inspection.js';
import { annualInspectionEvents, REVOCATION_GROUNDS } from '../../machines/annual-inspection-events.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { requiredRole, type EventSpec } from '../../machines/procedure.js';
import { annualInspectionParties } from '../../domain/resolve-parties.js';
import { escalationTargets } from '../../domain/ladder.js';
import { authorityRef, organRef } from '../../domain/registry/registry.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';
import { loadCalendar } from '../../activities/calendar-file.js';
import { computeDeadline } from '../../domain/deadline/compute.js';

const actor = { id: 'auth-440000', name: '广东省保密局' };
const at = '2025-09-10T02:00:00.000Z';
const ev = (type: string, payload: Record<string, unknown> = {}, when = at) => ({ type, actor, at: when, deadlines: {}, ...payload });
const input = (edition = 2, year = 2025) => ({
  enterpriseId: 'ent-gz-tech',
  year,
  ...annualInspectionParties(reg, { enterpriseId: 'ent-gz-tech', year }, DEFAULT_POLICY),
  policy: DEFAULT_POLICY,
  edition,
});
const ctx = (s: AnyMachineSnapshot) => s.context as AnnualInspectionContext;

/** Runs the events from the start, each of which must be taken. */
const runFrom = (events: Array<Record<string, unknown>>, year: number) => run(events, 2, year);
function run(events: Array<Record<string, unknown>>, edition = 2, year = 2025): AnyMachineSnapshot {
  let s: AnyMachineSnapshot = initialTransition(annualInspectionMachine, input(edition, year) as never)[0];
  for (const e of events) {
    expect(s.can(e as never), `${String(s.value)} takes ${String(e.type)}`).toBe(true);
    s = transition(annualInspectionMachine, s, e as never)[0];
  }
  return s;
}
const toSanctionProposed = [
  ev('SUBMIT_REPORT'),
  ev('ORDER_RECTIFICATION', { dueDate: '2025-10-31', items: 'I' }),
  ev('RECTIFICATION_REPORTED', { summary: 'S' }),
  ev('RECTIFICATION_FAILED', { findings: 'F' }),
];

describe('保密资质年度自检 machine (Regs 48 para 3, Regs 71, Law 60)', () => {
  const events = [
    ev('SUBMIT_REPORT'),
    ev('ACCEPT'),
    ev('ORDER_RECTIFICATION', { dueDate: '2025-10-31', items: 'I' }),
    ev('RECTIFICATION_REPORTED', { summary: 'S' }),
    ev('RECTIFICATION_ACCEPTED'),
    ev('RECTIFICATION_FAILED', { findings: 'F' }),
    ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false }),
    ev('DOWNGRADE'),
    ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' }),
    ev('SUSPENSION_REVIEW_PASSED'),
    ev('SUSPENSION_REVIEW_FAILED', { findings: 'F' }),
    ev('REVOKE'),
    ev('WARN', { measure: 'warning', reason: 'R' }),
    ev('PROPOSE_SANCTION', { ground: 'Regs 71 para 2(3)', findings: 'F' }),
    ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(4)', findings: 'F' }),
    ev('DECLINE_PROPOSAL', { disposition: 'no-penalty', reason: 'R' }),
    ev('DEADLINE_PASSED', { deadlineId: 'annual-report' }),
    ev('DEADLINE_PASSED', { deadlineId: 'rectification' }),
    ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }),
    ev('LEAK_LICENCE_DECISION', { licenceDecision: 'declined', text: 'T', incidentRef: 'I', decidedBy: 'D' }),
    ev('LEAK_LICENCE_DECISION', { licenceDecision: 'revoked', text: 'T', incidentRef: 'I', decidedBy: 'D' }),
  ];

  it('reaches every state and takes every event', () => {
    // Told apart by the pending proposal's resume point: a declined proposal goes back where it was raised.
    const key = (c: AnnualInspectionContext) =>
      c.proposals
        .filter((p) => !p.decision)
        .map((p) => p.resumeTo ?? '-')
        .join();
    const { states, transitions } = coverage(annualInspectionMachine, [input(1), input(2)], events, key as never);
    expect([...states].sort()).toEqual(restingLeaves(annualInspectionMachine));
    const taken = new Set([...transitions].map((t) => t.split(':')[0]));
    expect(
      declaredTransitions(annualInspectionMachine)
        .map((d) => d.split(': ')[1])
        .filter((e) => !taken.has(e)),
    ).toEqual([]);
    for (const from of [
      'awaitingReport',
      'reportOverdue',
      'underReview',
      'rectifying',
      'reviewingRectification',
      'sanctionProposed',
      'suspended',
      'suspensionEndReview',
    ]) {
      expect(transitions, from).toContain(`DECLINE_PROPOSAL: revocationProposed -> ${from}`);
    }
  });

  it('the report is due on 31 March of the following year (local policy), from the authority that granted the licence (Regs 48 para 3)', () => {
    expect(input().derived).toMatchObject({ reportFrom: '2025-12-31', reportDays: 90, dueDate: '2026-03-31' });
    expect(input().parties.authority!.id).toBe('auth-440000');
    const [first] = deadlineRequests(initialTransition(annualInspectionMachine, input() as never)[0], DEFAULT_POLICY);
    // The due date is 本地策略, shown as such; the duty is Regs 48 para 3's.
    expect(first).toMatchObject({
      fromPolicy: true,
      spec: { id: 'annual-report', basis: 'Regs 48 para 3', policyKey: 'annualReportDue', remindersDaysBefore: 'annualReminderDaysBefore' },
    });
  });

  it('guard endsAfterToday: a rectification deadline in the past is refused', () => {
    const s = run([ev('SUBMIT_REPORT')]);
    expect(s.can(ev('ORDER_RECTIFICATION', { dueDate: '2025-09-01', items: 'I' }) as never)).toBe(false);
    expect(s.can(ev('ORDER_RECTIFICATION', { dueDate: '2025-09-30', items: 'I' }) as never)).toBe(true);
  });

  it('every event records a fact and cites only Regs 48 para 3, Regs 71 or Law 60, or is local policy', () => {
    for (const [type, spec] of Object.entries(annualInspectionEvents)) {
      expect(spec.fact, type).toBe(true);
      if ('basis' in spec)
        expect(spec.basis, type).toMatch(
          /^(本地策略|(Regs 48 para 3|Regs 71 para [123](\(\d\))?|Law 60)(; (Regs 71 para [123]|Law 60))*)$/,
        );
    }
    // Regs 48 para 3 says where the report goes, not how it is reviewed.
    expect('basis' in annualInspectionEvents.ACCEPT).toBe(false);
  });

  describe('a report never filed (Regs 48 para 3; SPEC §3.5 step 2)', () => {
    const overdue = [ev('DEADLINE_PASSED', { deadlineId: 'annual-report' }, '2026-03-31T16:00:00.000Z')];

    it('when the due date passes with no report, the granting authority may order rectification (Regs 71 para 1)', () => {
      let s = run(overdue);
      expect(s.value).toBe('reportOverdue');
      s = run([...overdue, ev('ORDER_RECTIFICATION', { dueDate: '2026-04-30', items: '报送年度自检报告' }, '2026-04-02T02:00:00.000Z')]);
      expect(s.value).toBe('rectifying');
      expect(ctx(s).rectification).toMatchObject({ orderedOn: '2026-04-02', dueDate: '2026-04-30' });
    });

    it('or propose suspension or downgrade on a para 2 ground it names (Regs 71 para 2(1), (3))', () => {
      const s = run([
        ...overdue,
        ev('PROPOSE_SANCTION', { ground: 'Regs 71 para 2(3)', findings: '拒不报送，存在重大泄密隐患' }, '2026-04-02T02:00:00.000Z'),
      ]);
      expect(s.value).toBe('sanctionProposed');
      expect(ctx(s).proposals).toEqual([
        {
          measure: 'suspend-or-downgrade',
          basis: 'Regs 71 para 2(3)',
          reason: '其他违反保密法律法规及国家保密规定，存在重大泄密隐患：拒不报送，存在重大泄密隐患',
          on: '2026-04-02',
          resumeTo: 'reportOverdue',
        },
      ]);
    });

    it('a report filed late is still reviewed, and marked late by its date', () => {
      const s = run([
        ev(
          'DEADLINE_PASSED',
          { deadlineId: 'annual-report', deadlines: { 'annual-report': { dueAt: '2026-03-31T16:00:00.000Z' } } },
          '2026-03-31T16:00:00.000Z',
        ),
        ev('SUBMIT_REPORT', {}, '2026-04-03T02:00:00.000Z'),
      ]);
      expect(s.value).toBe('underReview');
      expect(ctx(s)).toMatchObject({ submittedOn: '2026-04-03', submittedLate: true });
      expect(ctx(run([ev('SUBMIT_REPORT', {}, '2026-03-31T15:00:00.000Z')]))).toMatchObject({
        submittedOn: '2026-03-31',
        submittedLate: false,
      });
    });

    it('a report due on a Sunday is on time on the Monday: lateness is judged by the deadline as moved by 民法典 203, not the raw policy date (Regs 48 para 3; 民法典 203)', () => {
      // 2024-03-31 is a Sunday: the engine's deadline for the 2023 report ends 2024-04-01 24:00.
      const { reportDays, reportFrom, dueDate } = input(2, 2023).derived as { reportDays: number; reportFrom: string; dueDate: string };
      expect(dueDate).toBe('2024-03-31');
      const { dueAt, lastDay } = computeDeadline(loadCalendar(), { rule: 'calendar-days', n: reportDays, from: reportFrom });
      expect(lastDay).toBe('2024-04-01');
      const run = (events: Array<Record<string, unknown>>) => runFrom(events, 2023);
      const deadlines = { 'annual-report': { dueAt } };
      const monday = '2024-04-01T02:00:00.000Z';
      expect(ctx(run([ev('SUBMIT_REPORT', { deadlines }, monday)]))).toMatchObject({ submittedOn: '2024-04-01', submittedLate: false });
      // Entered after the deadline passed, the Monday report (occurredAt) is still on time by the recorded deadline.
      const entered = run([ev('DEADLINE_PASSED', { deadlineId: 'annual-report', deadlines }, dueAt), ev('SUBMIT_REPORT', {}, monday)]);
      expect(ctx(entered)).toMatchObject({ reportDueAt: dueAt, submittedLate: false });
      expect(
        ctx(
          run([
            ev('DEADLINE_PASSED', { deadlineId: 'annual-report', deadlines }, dueAt),
            ev('SUBMIT_REPORT', {}, '2024-04-02T02:00:00.000Z'),
          ]),
        ).submittedLate,
      ).toBe(true);
    });

    it('a procedure of edition 1 keeps waiting for the report, as it ran (replay)', () => {
      const s = initialTransition(annualInspectionMachine, input(1) as never)[0];
      expect(s.can(overdue[0] as never)).toBe(false);
    });

    it('the overdue report escalates first to the authority that granted the licence, not the county one (Regs 48 para 3)', () => {
      const enterprise = organRef(reg.organ('ent-gz-tech'));
      const granting = authorityRef(reg.authority('auth-440000'));
      expect(escalationTargets(reg, enterprise, 1, granting).map((t) => [t.party.id, t.role])).toEqual([
        ['auth-440000', 'named-authority'],
      ]);
      expect(escalationTargets(reg, enterprise, 2, granting)).toEqual([]);
      // Without a named authority the ladder (local policy) would reach the county authority.
      expect(escalationTargets(reg, enterprise, 2).map((t) => t.party.id)).toContain('auth-440106');
      expect(annualInspectionMachine.root.states.awaitingReport!.meta?.deadline).toMatchObject({
        id: 'annual-report',
        escalateTo: 'authority',
      });
    });
  });

  describe('sanctions applied stay in the outcome (Regs 71 para 2; Law 60)', () => {
    it('a suspension decided with a downgrade, then a passed review: the headline names both sanctions, not 符合规定 (Regs 71 para 2; Law 60)', () => {
      const s = run([
        ...toSanctionProposed,
        ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: true }, '2025-09-20T02:00:00.000Z'),
        ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }),
        ev('SUSPENSION_REVIEW_PASSED', {}, '2026-01-05T02:00:00.000Z'),
      ]);
      expect(s.status).toBe('done');
      const by = { id: 'auth-440000', name: '广东省保密局' };
      expect(ctx(s).outcome).toEqual({
        result: 'sanctioned',
        label: '暂停期满审查合格（已暂停涉密业务、降低资质等级）',
        on: '2026-01-05',
        sanctions: [
          { measure: 'suspension', label: '暂停涉密业务', basis: 'Regs 71 para 2(2)', on: '2025-09-20', by, until: '2025-12-31' },
          { measure: 'downgrade', label: '降低资质等级', basis: 'Regs 71 para 2(2)', on: '2025-09-20', by },
        ],
      });
      expect(ctx(s).proposals[0]!.decision).toEqual({ decision: 'adopted', on: '2025-09-20', by });
    });

    it('a passed review at the end of a suspension cites the para 2 suspension it ends, not para 3(6), which is the ground for revocation when the enterprise is still non-compliant (Regs 71 para 2, 3(6))', () => {
      expect(annualInspectionEvents.SUSPENSION_REVIEW_PASSED.basis).toBe('Regs 71 para 2');
      expect(annualInspectionEvents.SUSPENSION_REVIEW_FAILED.basis).toBe('Regs 71 para 3(6)');
      expect(annualInspectionEvents.SUSPEND_BUSINESS.basis).toMatch(/^Regs 71 para 2\b/);
    });

    it('a revocation after a suspension with downgrade: the headline names the earlier sanctions too (Regs 71 para 2, 3; Law 60)', () => {
      const s = run([
        ...toSanctionProposed,
        ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: true }),
        ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }),
        ev('SUSPENSION_REVIEW_FAILED', { findings: 'F' }),
        ev('REVOKE'),
      ]);
      expect(ctx(s).outcome).toMatchObject({ result: 'revoked', label: '吊销保密资质（此前已暂停涉密业务、降低资质等级）' });
    });

    it('the deciding authority chooses among the para 2 measures: a downgrade alone ends the procedure as sanctioned (Regs 71 para 2)', () => {
      const s = run([...toSanctionProposed, ev('DOWNGRADE')]);
      expect(ctx(s).outcome).toMatchObject({
        result: 'sanctioned',
        label: '已作出处罚：降低资质等级',
        sanctions: [{ measure: 'downgrade', basis: 'Regs 71 para 2(2)' }],
      });
    });

    it('a warning or a notice of criticism is recorded and the procedure goes on (Regs 71 para 1; Law 60)', () => {
      let s = run([ev('SUBMIT_REPORT'), ev('WARN', { measure: 'criticism', reason: '台账不全' })]);
      expect(s.value).toBe('underReview');
      expect(ctx(s).sanctions).toEqual([
        {
          measure: 'criticism',
          label: '通报批评',
          basis: 'Regs 71 para 1',
          on: '2025-09-10',
          by: { id: 'auth-440000', name: '广东省保密局' },
          reason: '台账不全',
        },
      ]);
      s = transition(annualInspectionMachine, s, ev('ACCEPT') as never)[0];
      expect(ctx(s).outcome).toMatchObject({
        result: 'sanctioned',
        label: '自检报告审查通过（已通报批评）',
        sanctions: [{ measure: 'criticism' }],
      });
      const [, effects] = transition(
        annualInspectionMachine,
        run([ev('SUBMIT_REPORT')]),
        ev('WARN', { measure: 'warning', reason: 'R' }) as never,
      );
      expect(effects.filter((e) => e.type === 'notify').map((e) => e.params)).toEqual([
        { to: 'enterprise', subject: 'warning-given', basis: 'Regs 71 para 1' },
      ]);
    });
  });

  describe('when the rectification really happened (Regs 71 para 1, 2(2); issue 11 item 7)', () => {
    const deadlines = { rectification: { dueAt: '2025-10-31T16:00:00.000Z' } };
    const passed = [
      ev('SUBMIT_REPORT'),
      ev('ORDER_RECTIFICATION', { dueDate: '2025-10-31', items: 'I' }),
      ev('DEADLINE_PASSED', { deadlineId: 'rectification', deadlines }, '2025-10-31T16:00:00.000Z'),
    ];

    it('a rectification made on time but entered after the deadline passed is recorded: the para 2(2) proposal falls away and the review follows (Regs 71 para 1, 2(2))', () => {
      let s = run(passed);
      expect(s.value).toBe('sanctionProposed');
      s = run([...passed, ev('RECTIFICATION_REPORTED', { summary: 'S' }, '2025-10-31T09:00:00.000Z')]);
      expect(s.value).toBe('reviewingRectification');
      expect(ctx(s).rectification).toMatchObject({ reportedOn: '2025-10-31' });
      expect(ctx(s).proposals).toMatchObject([{ basis: 'Regs 71 para 2(2)', decision: { decision: 'withdrawn' } }]);
      expect(
        ctx(transition(annualInspectionMachine, s, ev('RECTIFICATION_ACCEPTED', {}, '2025-11-03T02:00:00.000Z') as never)[0]).outcome,
      ).toMatchObject({ result: 'compliant', label: '整改合格' });
    });

    it('one made after the deadline stays refused: the proposal stands (Regs 71 para 2(2))', () => {
      expect(run(passed).can(ev('RECTIFICATION_REPORTED', { summary: 'S' }, '2025-11-01T02:00:00.000Z') as never)).toBe(false);
    });
  });

  describe('the end of a suspension is the date the authority fixed (Regs 71 para 2, 3(5))', () => {
    // 2025-12-27 is a Saturday.
    const suspended = [
      ...toSanctionProposed,
      ev('SUSPEND_BUSINESS', { until: '2025-12-27', downgrade: false }, '2025-09-20T02:00:00.000Z'),
    ];

    it('the suspension-end deadline is not moved by 民法典 203: a Saturday end stays Saturday (Regs 71 para 2; 民法典 203)', () => {
      const [req] = deadlineRequests(run(suspended), DEFAULT_POLICY);
      expect(req).toMatchObject({ spec: { id: 'suspension-end' }, period: { n: 98, from: '2025-09-20', fixedEnd: true } });
      expect(computeDeadline(loadCalendar(), req!.period)).toMatchObject({ lastDay: '2025-12-27', dueAt: '2025-12-27T16:00:00.000Z' });
      // A duty's deadline still moves: the rectification period's last day is a period's.
      const [rect] = deadlineRequests(
        run([ev('SUBMIT_REPORT'), ev('ORDER_RECTIFICATION', { dueDate: '2025-12-27', items: 'I' })]),
        DEFAULT_POLICY,
      );
      expect(rect!.period).not.toHaveProperty('fixedEnd');
    });

    it('new 涉密业务 taken the Sunday after a Saturday end is not during the suspension (Regs 71 para 3(5))', () => {
      const ended = run([...suspended, ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }, '2025-12-27T16:00:00.000Z')]);
      expect(ended.value).toBe('suspensionEndReview');
      expect(ended.can(ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' }, '2025-12-28T02:00:00.000Z') as never)).toBe(false);
      // Taken on the Saturday, entered on the Monday (occurredAt): during the suspension.
      expect(ended.can(ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' }, '2025-12-27T02:00:00.000Z') as never)).toBe(true);
    });
  });

  describe('a proposal is a proposal (Regs 71 para 2, 3; Law 60)', () => {
    it('a sanction proposal after a failed rectification may be declined — 不予处罚 with a reason — and the procedure ends so', () => {
      const s = run([...toSanctionProposed, ev('DECLINE_PROPOSAL', { disposition: 'no-penalty', reason: '情节轻微，已整改' })]);
      expect(s.status).toBe('done');
      expect(ctx(s).outcome).toMatchObject({ result: 'no-penalty', label: '不予处罚', sanctions: [] });
      expect(ctx(s).proposals[0]!.decision).toMatchObject({ decision: 'no-penalty', reason: '情节轻微，已整改' });
    });

    it('a revocation proposal for new business during a suspension may be declined (另作处理): the suspension goes on, its sanction kept', () => {
      const suspended = [...toSanctionProposed, ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false })];
      let s = run([...suspended, ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' })]);
      expect(s.value).toBe('revocationProposed');
      s = run([
        ...suspended,
        ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' }),
        ev('DECLINE_PROPOSAL', { disposition: 'otherwise', reason: '系履行既有合同' }),
      ]);
      expect(s.value).toBe('suspended');
      expect(ctx(s).sanctions.map((x) => x.measure)).toEqual(['suspension']);
      expect(ctx(s).proposals.map((p) => [p.basis, p.decision?.decision])).toEqual([
        ['Regs 71 para 2(2)', 'adopted'],
        ['Regs 71 para 3(5)', 'otherwise'],
      ]);
    });

    it('a revocation proposal at the end of a suspension, declined, ends with the suspension in the outcome (Regs 71 para 3(6))', () => {
      const s = run([
        ...toSanctionProposed,
        ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false }),
        ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }),
        ev('SUSPENSION_REVIEW_FAILED', { findings: 'F' }),
        ev('DECLINE_PROPOSAL', { disposition: 'otherwise', reason: 'R' }),
      ]);
      expect(ctx(s).outcome).toMatchObject({
        result: 'otherwise',
        label: '另作处理（已暂停涉密业务）',
        sanctions: [{ measure: 'suspension' }],
      });
    });

    it('a revocation proposal may be decided with the lesser measure Law 60 gives for 情节严重 (暂停涉密业务、降低资质等级) (Law 60)', () => {
      let s = run([ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(1)', findings: 'F' })]);
      s = transition(annualInspectionMachine, s, ev('DOWNGRADE') as never)[0];
      expect(ctx(s).outcome).toMatchObject({
        result: 'sanctioned',
        label: '已作出处罚：降低资质等级',
        sanctions: [{ measure: 'downgrade', basis: 'Law 60 (Regs 71 para 3(1))' }],
      });
      expect(ctx(s).proposals[0]!.decision).toMatchObject({ decision: 'lesser' });
      const [suspended, effects] = transition(
        annualInspectionMachine,
        run([ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(4)', findings: 'F' })]),
        ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false }) as never,
      );
      expect(suspended.value).toBe('suspended');
      expect(ctx(suspended).sanctions).toMatchObject([{ measure: 'suspension', basis: 'Law 60 (Regs 71 para 3(4))', until: '2025-12-31' }]);
      expect(effects.filter((e) => e.type === 'notify').map((e) => e.params)).toEqual([
        { to: 'enterprise', subject: 'business-suspended', basis: 'Law 60' },
      ]);
      // Revoked, the measure rests on the ground's article.
      const revoked = transition(
        annualInspectionMachine,
        run([ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(1)', findings: 'F' })]),
        ev('REVOKE') as never,
      )[0];
      expect(ctx(revoked).sanctions).toMatchObject([{ measure: 'revocation', basis: 'Regs 71 para 3(1)' }]);
    });

    it('declining a proposal is a local-policy reading, not Law 60 (Law 60; Regs 71 para 2, 3: 并处)', () => {
      expect(annualInspectionEvents.DECLINE_PROPOSAL.basis).toBe('本地策略');
      const [, effects] = transition(
        annualInspectionMachine,
        run(toSanctionProposed),
        ev('DECLINE_PROPOSAL', { disposition: 'no-penalty', reason: 'R' }) as never,
      );
      expect(effects.filter((e) => e.type === 'notify').map((e) => e.params)).toEqual([
        { to: 'enterprise', subject: 'proposal-declined', basis: '本地策略' },
      ]);
    });
  });

  describe('the other para 3 grounds lead to a revocation proposal directly (Regs 71 para 3(1)(2)(4)(7)(8))', () => {
    it.each(REVOCATION_GROUNDS)('%s: proposed with its article; revoked, the outcome names it', (ground) => {
      let s = run([ev('SUBMIT_REPORT'), ev('PROPOSE_REVOCATION', { ground, findings: '检查发现' })]);
      expect(s.value).toBe('revocationProposed');
      expect(ctx(s).proposals).toMatchObject([{ measure: 'revoke', basis: ground, resumeTo: 'underReview' }]);
      s = transition(annualInspectionMachine, s, ev('REVOKE') as never)[0];
      expect(ctx(s).outcome).toMatchObject({
        result: 'revoked',
        label: '吊销保密资质',
        sanctions: [{ measure: 'revocation', basis: ground }],
      });
    });

    it('declined, the self-inspection goes on where the ground was found', () => {
      const s = run([
        ev('SUBMIT_REPORT'),
        ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(4)', findings: 'F' }),
        ev('DECLINE_PROPOSAL', { disposition: 'no-penalty', reason: '未查实' }),
        ev('ACCEPT'),
      ]);
      expect(ctx(s).outcome).toMatchObject({ result: 'compliant', label: '自检报告审查通过', sanctions: [] });
    });

    it('refuses the grounds that come from elsewhere (para 3(3) from the leak procedure; (5), (6) from the suspension)', () => {
      for (const ground of ['Regs 71 para 3(3)', 'Regs 71 para 3(5)', 'Regs 71 para 3(6)', '3(4)']) {
        expect(annualInspectionEvents.PROPOSE_REVOCATION.schema.safeParse({ ground, findings: 'F' }).success, ground).toBe(false);
      }
    });
  });
});

describe('edition 6: the licensing authority’s decision in a leak procedure is recorded here (Regs 71 para 3(3))', () => {
  const leakActor = { id: 'leak-1', name: '广东省国家保密局 张某（负责人）（泄密报告）' };
  const fromLeak = (licenceDecision: 'revoked' | 'declined', text: string, when = '2025-09-20T02:00:00.000Z') => ({
    type: 'LEAK_LICENCE_DECISION',
    actor: leakActor,
    at: when,
    deadlines: {},
    licenceDecision,
    text,
    incidentRef: 'GZ-LEAK-7',
    decidedBy: '广东省国家保密局',
  });
  const step = (s: AnyMachineSnapshot, e: Record<string, unknown>) => transition(annualInspectionMachine, s, e as never);

  it('a revocation ends the self-inspection with the licence revoked, the leak as its ground, from any state not final', () => {
    const states = {
      awaitingReport: [],
      underReview: [ev('SUBMIT_REPORT')],
      rectifying: [ev('SUBMIT_REPORT'), ev('ORDER_RECTIFICATION', { dueDate: '2025-10-31', items: 'I' })],
      sanctionProposed: toSanctionProposed,
      suspended: [...toSanctionProposed, ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false })],
      revocationProposed: [ev('PROPOSE_REVOCATION', { ground: 'Regs 71 para 3(4)', findings: 'F' })],
    };
    for (const [state, events] of Object.entries(states)) {
      const s = run(events, 6);
      expect(s.value, state).toBe(state);
      expect(s.can(fromLeak('revoked', '保吊字〔2025〕1号') as never)).toBe(true);
      const [revoked, effects] = step(s, fromLeak('revoked', '保吊字〔2025〕1号'));
      expect(revoked.value, state).toBe('closed');
      expect(revoked.status).toBe('done');
      expect(ctx(revoked).outcome).toMatchObject({ result: 'revoked', on: '2025-09-20' });
      expect(ctx(revoked).sanctions.at(-1)).toEqual({
        measure: 'revocation',
        label: '吊销保密资质',
        basis: 'Regs 71 para 3(3)',
        on: '2025-09-20',
        by: { id: 'leak-1', name: '广东省国家保密局' },
        reason: '泄密事件GZ-LEAK-7（发现国家秘密已经泄露或者可能泄露，未立即采取补救措施或者未按照规定时限报告）：保吊字〔2025〕1号',
      });
      expect(effects.filter((a) => a.type === 'notify').map((a) => a.params)).toEqual([
        { to: 'enterprise', subject: 'licence-revoked', basis: 'Regs 71 para 3(3)' },
      ]);
    }
  });

  it('a decline is recorded and the self-inspection goes on where it was; the states it was in still take their events', () => {
    const s = run([ev('SUBMIT_REPORT')], 6);
    const [declined] = step(s, fromLeak('declined', '已及时采取补救措施，危害后果轻微'));
    expect(declined.value).toBe('underReview');
    expect(ctx(declined).declinedInLeak).toEqual([
      {
        procedure: 'leak-1',
        incidentRef: 'GZ-LEAK-7',
        on: '2025-09-20',
        by: '广东省国家保密局',
        reason: '已及时采取补救措施，危害后果轻微',
      },
    ]);
    expect(ctx(declined).sanctions).toEqual([]);
    expect(declined.can(ev('ACCEPT') as never)).toBe(true);
  });

  it('no party sends it (it comes from the leak procedure), and 3(3) stays no ground the authority may raise here', () => {
    const spec = annualInspectionEvents.LEAK_LICENCE_DECISION;
    expect(spec.by).toEqual([]);
    expect(spec.linkedFrom).toBe('leak');
    expect(annualInspectionEvents.PROPOSE_REVOCATION.schema.safeParse({ ground: 'Regs 71 para 3(3)', findings: 'F' }).success).toBe(false);
  });

  it('the measures and the decisions on proposals are signed by the authority’s 负责人 from edition 6 (headSignOff, 本地策略); proposals and reviews are not', () => {
    for (const type of ['WARN', 'SUSPEND_BUSINESS', 'DOWNGRADE', 'DECLINE_PROPOSAL', 'REVOKE'] as const) {
      expect(requiredRole(annualInspectionEvents[type], { edition: 5, policy: { headSignOff: true } }), type).toBeUndefined();
      expect(requiredRole(annualInspectionEvents[type], { edition: 6, policy: { headSignOff: true } }), type).toMatchObject({
        role: 'head',
      });
    }
    for (const type of ['PROPOSE_REVOCATION', 'ACCEPT', 'ORDER_RECTIFICATION'] as const) {
      const spec: EventSpec = annualInspectionEvents[type];
      expect(requiredRole(spec, { edition: 6, policy: { headSignOff: true } }), type).toBeUndefined();
    }
  });
});
