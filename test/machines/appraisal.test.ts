import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { appraisalEvents, appraisalMachine, AppraisalStartSchema, type AppraisalInput } from '../../machines/appraisal.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { loadCalendar } from '../../activities/calendar-file.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import { activePaths, handledEvents } from '../../machines/procedure.js';
import { appraisalParties } from '../../domain/resolve-parties.js';
import { NotEntitledError } from '../../domain/errors.js';
import { DEFAULT_POLICY, PolicySchema, type Policy } from '../../domain/policy.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';

const actor = { id: 'x' };
const at = '2025-09-10T02:00:00.000Z';
const ev = (type: string, payload: Record<string, unknown> = {}, deadlines: Record<string, { dueAt: string }> = {}, when = at) => ({
  type,
  actor,
  at: when,
  deadlines,
  ...payload,
});
const input = (applicantId = 'org-gz-procuratorate', edition = 2, policy: Policy = DEFAULT_POLICY): AppraisalInput => {
  const s = AppraisalStartSchema.parse({ applicantId, caseRef: 'C', appliedOn: '2025-09-01', items: [{ ref: 'A1', description: 'D' }] });
  return { ...s, ...appraisalParties(reg, s), policy, edition } as AppraisalInput;
};
const run = (snapshot: AnyMachineSnapshot, ...events: Array<ReturnType<typeof ev>>) =>
  events.reduce((s, e) => transition(appraisalMachine, s, e as never)[0], snapshot);
const started = (i = input()) => initialTransition(appraisalMachine, i as never)[0];
const GUIDE = '本地策略（国家秘密鉴定工作规定）';

describe('国家秘密鉴定 machine (Regs 63)', () => {
  const running = { conclusion: { dueAt: '2025-10-09T16:00:00.000Z' } };
  const events = [
    ev('REQUEST_AMENDMENT', { missing: 'M' }),
    ev('AMENDED'),
    ev('ACCEPT'),
    ev('REJECT', { reason: 'R' }),
    ev('OBJECT', { reason: 'R' }),
    ev('ACCEPT_REJECTION'),
    ev('REVIEW_ACCEPT'),
    ev('REVIEW_UPHOLD'),
    ev('EXTEND', { reason: 'R' }, running),
    ev('START_CONSULTATION', { reason: 'R', expert: 'E' }),
    ev('EXTEND_CONSULTATION', { reason: 'R' }),
    ev('END_CONSULTATION'),
    ev('CONCLUDE', { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] }),
    ev('WITHDRAW'),
  ];

  it('reaches every state and takes every event, under the rules of edition 1 and 2', () => {
    const { states, transitions } = coverage(appraisalMachine, [input('org-gz-procuratorate', 1), input()], events);
    expect([...states].sort()).toEqual(restingLeaves(appraisalMachine));
    const taken = new Set([...transitions].map((t) => t.split(':')[0]));
    expect(
      declaredTransitions(appraisalMachine)
        .map((d) => d.split(': ')[1])
        .filter((e) => !taken.has(e)),
    ).toEqual([]);
  });

  it('routes a local applicant to its provincial authority, a central one to the national authority (Regs 63 para 1)', () => {
    for (const o of reg.data.organs.filter((o) => o.functions)) {
      expect(appraisalParties(reg, { applicantId: o.id }).parties.authority!.id, o.id).toBe(
        o.kind === 'central' ? 'auth-000000' : `auth-${o.region.slice(0, 2)}0000`,
      );
    }
  });

  it('only a 监察机关 or 司法机关 may apply; any other organ is refused, citing the article (Regs 63 para 1)', () => {
    // A 监察委员会, a procuratorate, the supreme procuratorate and a 公安 organ (judicial in the criminal-procedure sense).
    for (const id of ['org-gd-supervision', 'org-gz-procuratorate', 'org-spp', 'org-gz-psb'])
      expect(() => appraisalParties(reg, { applicantId: id }), id).not.toThrow();
    for (const id of ['org-gz-bureau', 'org-central-ministry', 'ent-gz-tech']) {
      expect(() => appraisalParties(reg, { applicantId: id }), id).toThrow(NotEntitledError);
      expect(() => appraisalParties(reg, { applicantId: id }), id).toThrow(
        /applicantId: .* may not apply .*监察机关 or 司法机关.*\(Regs 63 para 1\).*functions as none/,
      );
    }
  });

  it('an extension is allowed once, approved by the head, and only before the deadline passes (Regs 63 para 2)', () => {
    const accepted = run(started(), ev('ACCEPT'));
    expect(accepted.can(ev('EXTEND', { reason: 'R' }, running) as never)).toBe(true);
    expect(accepted.can(ev('EXTEND', { reason: 'R' }, running, '2025-10-09T16:00:01.000Z') as never)).toBe(false);
    const extended = run(accepted, ev('EXTEND', { reason: 'R' }, running));
    expect(extended.can(ev('EXTEND', { reason: 'R' }, running) as never)).toBe(false);
  });

  it('the extension is approved by the head who sends it: the event requires the head role and records that person as approver (Regs 63 para 2 经负责人批准)', () => {
    expect(appraisalEvents.EXTEND.role).toBe('head');
    expect(appraisalEvents.EXTEND.schema.safeParse({ reason: 'R' }).success).toBe(true); // no free-text approver needed
    const head = { id: 'auth-440000', name: '广东省国家保密局', person: { sub: 'p-1', name: '张某（局长）' }, roles: ['head'] };
    const extended = run(run(started(), ev('ACCEPT')), { ...ev('EXTEND', { reason: '事项复杂' }, running), actor: head });
    expect(extended.context.extensions).toEqual([{ days: 30, approver: '张某（局长）', reason: '事项复杂', basis: 'Regs 63 para 2' }]);
    // Records made before people signed in keep the name written in the event.
    const older = run(run(started(), ev('ACCEPT')), ev('EXTEND', { approver: '负责人', reason: 'R' }, running));
    expect(older.context.extensions[0]!.approver).toBe('负责人');
  });

  it('the typed approver is deprecated: still accepted for recorded histories, never shown when the sending person is known (Regs 63 para 2 经负责人批准)', () => {
    expect(appraisalEvents.EXTEND.schema.safeParse({ approver: '广东省国家保密局负责人', reason: 'R' }).success).toBe(true);
    const approver = (appraisalEvents.EXTEND.schema as unknown as { shape: { approver: { description?: string } } }).shape.approver;
    expect(approver.description).toMatch(/^已弃用（deprecated）/);
    const head = { id: 'auth-440000', name: '广东省国家保密局', person: { sub: 'p-1', name: '张某（局长）' }, roles: ['head'] };
    const extended = run(run(started(), ev('ACCEPT')), { ...ev('EXTEND', { approver: '别人', reason: 'R' }, running), actor: head });
    expect(extended.context.extensions).toEqual([{ days: 30, approver: '张某（局长）', reason: 'R', basis: 'Regs 63 para 2' }]);
  });

  it('the expert reply period comes from local policy and is shown as 本地策略 (policyKey consultationReplyDays; 鉴定工作规定)', () => {
    const s = run(started(), ev('ACCEPT'), ev('START_CONSULTATION', { reason: 'R', expert: 'E' }));
    const reply = deadlineRequests(s, DEFAULT_POLICY).find((r) => r.spec.id === 'consultation-reply');
    expect(reply).toMatchObject({
      fromPolicy: true,
      spec: { policyKey: 'consultationReplyDays' },
      period: { n: DEFAULT_POLICY.consultationReplyDays },
    });
  });

  describe('expert consultation does not count (Regs 63 para 2 专家咨询等时间不计入)', () => {
    // Accepted 2025-11-03: 30 days end on Wednesday 2025-12-03, a working day.
    const due = { conclusion: { dueAt: '2025-12-03T16:00:00.000Z' } };
    const consulting = (policy: Policy, from: string) =>
      run(
        started(input(undefined, 2, policy)),
        ev('ACCEPT', {}, {}, '2025-11-03T02:00:00.000Z'),
        ev('START_CONSULTATION', { reason: 'R', expert: 'E' }, {}, from),
      );

    it('during an open consultation an extension is in time until the deadline moved by the days suspended so far (calendar days)', () => {
      const s = consulting(DEFAULT_POLICY, '2025-11-28T02:00:00.000Z');
      expect(s.context.suspensions).toEqual([{ from: '2025-11-28', reason: '专家咨询：R', basis: 'Regs 63 para 2' }]);
      // 12-05 is past the recorded 12-03, but 7 days have stood still: the deadline as suspended is 12-10.
      expect(s.can(ev('EXTEND', { reason: 'R' }, due, '2025-12-05T02:00:00.000Z') as never)).toBe(true);
      expect(s.can(ev('EXTEND', { reason: 'R' }, due, '2025-12-20T15:59:59.000Z') as never)).toBe(true);
    });

    it('a consultation opened after the deadline passed does not revive it: the extension is refused', () => {
      const s = consulting(DEFAULT_POLICY, '2025-12-05T02:00:00.000Z');
      expect(s.can(ev('EXTEND', { reason: 'R' }, due, '2025-12-06T02:00:00.000Z') as never)).toBe(false);
    });

    it('a consultation opened after the deadline passed neither suspends nor moves it: a later conclusion is late (Regs 63 para 2 专家咨询等时间不计入鉴定办理期限: only time inside the period)', () => {
      // Accepted 2025-08-30: due 2025-09-29 24:00 Beijing. Consultation 09-30 to 10-09, conclusion 10-09.
      const passed = { conclusion: { dueAt: '2025-09-29T16:00:00.000Z' } };
      const accepted = run(started(input('org-gz-procuratorate', 3)), ev('ACCEPT', {}, {}, '2025-08-30T02:00:00.000Z'));
      const s = run(accepted, ev('START_CONSULTATION', { reason: 'R', expert: 'E' }, passed, '2025-09-30T02:00:00.000Z'));
      // The experts are consulted (with their reply period), but no clock stops.
      expect(activePaths(s)).toEqual(['appraising.consulting']);
      expect(s.context.consultations).toEqual([{ sentOn: '2025-09-30', expert: 'E', reason: 'R', extended: false, afterDeadline: true }]);
      expect(s.context.suspensions).toEqual([]);
      const conclusion = () => deadlineRequests(s, DEFAULT_POLICY).find((r) => r.spec.id === 'conclusion')!;
      expect(conclusion()).toMatchObject({ open: false, period: { from: '2025-08-30', suspensions: [] } }); // stays running: alarms go on
      const ended = run(s, ev('END_CONSULTATION', {}, passed, '2025-10-09T02:00:00.000Z'));
      expect(ended.context.suspensions).toEqual([]);
      const after = deadlineRequests(ended, DEFAULT_POLICY).find((r) => r.spec.id === 'conclusion')!;
      expect(after.inputs).toBe(conclusion().inputs); // nothing to recompute: the deadline is not moved
      const dueAt = computeDeadline(loadCalendar(), after.period).dueAt;
      expect(dueAt).toBe('2025-09-29T16:00:00.000Z');
      expect(Date.parse('2025-10-09T02:00:00.000Z')).toBeGreaterThan(Date.parse(dueAt)); // the conclusion on 10-09 is late
      expect(activePaths(run(ended, ev('CONCLUDE', { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] }, passed)))).toEqual([
        'concluded',
      ]);
      // On the last day it is inside the period: the clock stops, as before.
      const inTime = run(accepted, ev('START_CONSULTATION', { reason: 'R', expert: 'E' }, passed, '2025-09-29T15:59:59.000Z'));
      expect(inTime.context.suspensions).toEqual([{ from: '2025-09-29', reason: '专家咨询：R', basis: 'Regs 63 para 2' }]);
      expect(inTime.context.consultations[0]).not.toHaveProperty('afterDeadline');
      // Procedures of edition 2 (started before this rule) replay as they ran: the late consultation stopped the clock.
      const edition2 = run(started(input('org-gz-procuratorate', 2)), ev('ACCEPT', {}, {}, '2025-08-30T02:00:00.000Z'));
      expect(
        run(edition2, ev('START_CONSULTATION', { reason: 'R', expert: 'E' }, passed, '2025-09-30T02:00:00.000Z')).context.suspensions,
      ).toEqual([{ from: '2025-09-30', reason: '专家咨询：R', basis: 'Regs 63 para 2' }]);
    });

    it('with exact counting the consultation is recorded by its instants and the clock stands still to the instant', () => {
      const exact = PolicySchema.parse({ suspensionCounting: 'exact' });
      const s = consulting(exact, '2025-12-03T15:00:00.000Z'); // 23:00 Beijing on the last day: one hour left
      expect(s.context.suspensions[0]!.from).toBe('2025-12-03T15:00:00.000Z');
      // The hour left when the clock stopped is still left while the consultation runs.
      expect(s.can(ev('EXTEND', { reason: 'R' }, due, '2026-01-10T02:00:00.000Z') as never)).toBe(true);
      const late = consulting(exact, '2025-12-03T16:00:01.000Z'); // one second after the deadline
      expect(late.can(ev('EXTEND', { reason: 'R' }, due, '2025-12-03T16:00:02.000Z') as never)).toBe(false);
      const ended = run(s, ev('END_CONSULTATION', {}, {}, '2025-12-04T09:30:00.000Z'));
      expect(ended.context.suspensions).toEqual([
        { from: '2025-12-03T15:00:00.000Z', to: '2025-12-04T09:30:00.000Z', reason: '专家咨询：R', basis: 'Regs 63 para 2' },
      ]);
      expect(deadlineRequests(ended, exact)[0]!.period).toMatchObject({
        suspensionCounting: 'exact',
        suspensions: ended.context.suspensions,
      });
    });
  });

  it('the review has its policy period (鉴定工作规定, 本地策略), restarted from the day the amended materials are complete', () => {
    const s = started();
    expect(
      deadlineRequests(s, DEFAULT_POLICY).map((r) => ({
        id: r.spec.id,
        from: r.period.from,
        n: r.period.n,
        policy: r.fromPolicy,
        basis: r.spec.basis,
      })),
    ).toEqual([{ id: 'review', from: '2025-09-01', n: 10, policy: true, basis: GUIDE }]);
    const asked = run(s, ev('REQUEST_AMENDMENT', { missing: 'M' }));
    expect(deadlineRequests(asked, DEFAULT_POLICY)).toEqual([]);
    const amended = run(asked, ev('AMENDED', {}, {}, '2025-09-05T02:00:00.000Z'));
    expect(deadlineRequests(amended, DEFAULT_POLICY)[0]!.period).toMatchObject({ from: '2025-09-05', n: 10 });
    // Procedures started under edition 1 replay as they ran: no review period.
    expect(deadlineRequests(started(input('org-gz-procuratorate', 1)), DEFAULT_POLICY)).toEqual([]);
  });

  it('the applicant may withdraw in every state until the conclusion; the authority is told', () => {
    const accepted = run(started(), ev('ACCEPT'));
    const snapshots = {
      underReview: started(),
      awaitingAmendment: run(started(), ev('REQUEST_AMENDMENT', { missing: 'M' })),
      rejected: run(started(), ev('REJECT', { reason: 'R' })),
      rejectionReview: run(started(), ev('REJECT', { reason: 'R' }), ev('OBJECT', { reason: 'R' })),
      working: accepted,
      consulting: run(accepted, ev('START_CONSULTATION', { reason: 'R', expert: 'E' })),
    };
    for (const [name, s] of Object.entries(snapshots)) {
      expect(handledEvents(s), name).toContain('WITHDRAW');
      const [next, effects] = transition(appraisalMachine, s, ev('WITHDRAW') as never);
      expect(activePaths(next), name).toEqual(['withdrawn']);
      expect(effects.map((e) => e.params)).toContainEqual({ to: 'authority', subject: 'appraisal-withdrawn', basis: '本地策略' });
    }
    const concluded = run(accepted, ev('CONCLUDE', { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] }));
    expect(concluded.status).toBe('done');
    expect(activePaths(run(concluded, ev('WITHDRAW')))).toEqual(['concluded']); // closed: nothing to withdraw
  });

  it('cites Regs 63 only for what it contains; steps from 国家秘密鉴定工作规定 are local policy with their source', () => {
    const basis = Object.fromEntries(Object.entries(appraisalEvents).map(([k, e]) => [k, (e as { basis?: string }).basis]));
    for (const k of ['REQUEST_AMENDMENT', 'AMENDED', 'REJECT', 'OBJECT', 'ACCEPT_REJECTION', 'REVIEW_UPHOLD', 'EXTEND_CONSULTATION'])
      expect(basis[k], k).toBe(GUIDE);
    for (const k of ['ACCEPT', 'REVIEW_ACCEPT', 'EXTEND', 'START_CONSULTATION', 'END_CONSULTATION', 'CONCLUDE'])
      expect(basis[k], k).toBe('Regs 63 para 2');
    expect(basis.WITHDRAW).toBe('本地策略');
    const consulting = run(started(), ev('ACCEPT'), ev('START_CONSULTATION', { reason: 'R', expert: 'E' }));
    const specs = Object.fromEntries(deadlineRequests(consulting, DEFAULT_POLICY).map((r) => [r.spec.id, r.spec.basis]));
    expect(specs).toEqual({ conclusion: 'Regs 63 para 2', 'consultation-reply': GUIDE });
    const objected = run(started(), ev('REJECT', { reason: 'R' }), ev('OBJECT', { reason: 'R' }));
    expect(deadlineRequests(objected, DEFAULT_POLICY)[0]!.spec.basis).toBe(GUIDE);
  });

  it('events that record a fact are marked so, and date the procedure by the fact’s instant (受理日 from event.at, Beijing date)', () => {
    const facts = Object.entries(appraisalEvents)
      .filter(([, e]) => (e as { fact?: true }).fact)
      .map(([k]) => k)
      .sort();
    expect(facts).toEqual([
      'ACCEPT',
      'ACCEPT_REJECTION',
      'AMENDED',
      'CONCLUDE',
      'END_CONSULTATION',
      'OBJECT',
      'REJECT',
      'REQUEST_AMENDMENT',
      'REVIEW_ACCEPT',
      'REVIEW_UPHOLD',
      'START_CONSULTATION',
      'WITHDRAW',
    ]);
    // 17:00Z on 09-01 is 01:00 on 09-02 in Beijing.
    expect(run(started(), ev('ACCEPT', {}, {}, '2025-09-01T17:00:00.000Z')).context.acceptedOn).toBe('2025-09-02');
  });
});
