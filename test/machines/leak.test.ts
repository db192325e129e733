import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { leakMachine, leakProcedure, type LeakContext } from '../../machines/leak.js';
import { leakEvents, LeakStartSchema } from '../../machines/leak-start.js';
import { leakParties } from '../../domain/resolve-parties.js';
import { DEFAULT_POLICY, PolicySchema, type Policy } from '../../domain/policy.js';
import { RegistryLookupError } from '../../domain/registry/registry.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { activePaths, CURRENT_EDITION, machineInput, requiredRole } from '../../machines/procedure.js';
import { zodFieldErrors } from '../../domain/errors.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';

const actor = { id: 'x' };
const discoveredAt = '2025-09-30T21:30:00+08:00'; // 13:30Z
const due24h = '2025-10-01T13:30:00.000Z';
const at = '2025-09-30T15:00:00.000Z';
type Deadlines = Record<string, { dueAt: string }>;
const ev = (type: string, payload: Record<string, unknown> = {}, deadlines: Deadlines = {}, when = at) => ({
  type,
  actor,
  at: when,
  deadlines,
  ...payload,
});
const reports: Deadlines = {
  'report-authority': { dueAt: due24h },
  'report-superior': { dueAt: due24h },
  'report-receiver': { dueAt: '2025-09-30T14:30:00.000Z' },
  remedy: { dueAt: '2025-09-30T14:30:00.000Z' },
};

// Edition 3's rules unless a test names another: procedures started before edition 4 keep them (edition 4 below).
const input = (organId: string, over: Record<string, unknown> = {}, policy: Policy = DEFAULT_POLICY, edition = 3) => {
  const s = LeakStartSchema.parse({ organId, incidentRef: 'I', summary: 'S', discoveredAt, remedialMeasures: 'M', ...over });
  return machineInput(s, { ...leakParties(reg, s), policy }, edition);
};
const operator = (receiverId: string, edition = 3) =>
  input('ent-gz-net', { variant: 'network-operator', receiverId }, DEFAULT_POLICY, edition);

type Snap = SnapshotFrom<typeof leakMachine>;
const start = (i: unknown) => initialTransition(leakMachine, i as never)[0] as Snap;
const send = (s: Snap, ...events: Array<ReturnType<typeof ev>>) =>
  events.reduce((acc, e) => transition(leakMachine, acc, e as never)[0] as Snap, s);
const relayAll = (s: Snap) => {
  while (s.context.relayIndex < s.context.relayTiers - 1) s = send(s, ev('RELAY'));
  return s;
};

describe('泄密报告 machine (Regs 61; Regs 60; Law 34; Regs 39)', () => {
  const events = [
    ev('REPORT_TO_AUTHORITY', {}, reports),
    ev('REPORT_TO_SUPERIOR', {}, reports),
    ev('REPORT_TO_RECEIVER', {}, reports),
    ev('RELAY'),
    ev('REPORT_RESULT', { result: 'R' }),
    ev('RECORD_MEASURES', { measures: 'M2' }),
    ev('ORDER_STOP', { order: 'O' }),
    ev('DECIDE_PENALTY', { decision: 'D' }),
    ev('PROPOSE_HANDLING', { proposal: 'P' }),
    ev('REFER', { to: 'judicial', note: 'N' }),
    ev('CONCLUDE_NO_ACTION', { note: 'N' }),
    ev('REPORT_TO_AUTHORITY', {}, reports, '2025-10-01T14:00:00.000Z'), // late
    ev('REVOKE_LICENCE', { decision: 'D' }),
    ev('DECLINE_REVOCATION', { reason: 'R' }),
    ev('DEADLINE_PASSED', { deadlineId: 'remedy' }, reports),
    ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }, reports),
    ev('DEADLINE_PASSED', { deadlineId: 'report-superior' }, reports),
    ev('DEADLINE_PASSED', { deadlineId: 'report-receiver' }, reports),
  ];

  it('reaches every state and takes every event: organs with and without a superior, a central organ, edition 1, a network operator reporting to an authority or to 公安', () => {
    const inputs = [
      input('org-nj-bureau'),
      input('org-central-ministry'),
      input('org-nj-bureau', {}, DEFAULT_POLICY, 1),
      input('org-central-ministry', {}, DEFAULT_POLICY, 1),
      operator('auth-440100'),
      operator('auth-000000'),
      operator('org-gz-psb'),
      input('org-nj-bureau', { remedialMeasures: undefined }, DEFAULT_POLICY, CURRENT_EDITION),
      input('org-central-ministry', {}, DEFAULT_POLICY, CURRENT_EDITION),
      operator('auth-440100', CURRENT_EDITION),
      input('ent-gz-tech', {}, DEFAULT_POLICY, CURRENT_EDITION),
    ];
    // Told apart by relay position, result, late flags, measures and proposal (the lists of steps and measures grow without end).
    const key = (c: LeakContext) => [
      c.relayIndex,
      c.result !== undefined,
      c.lateFlags.length,
      c.measuresTakenAt !== undefined,
      c.handlingProposedOn !== undefined,
      c.licenceDecision?.outcome,
    ];
    const { states, transitions } = coverage(leakMachine, inputs, events, key as never);
    expect([...states].sort()).toEqual(restingLeaves(leakMachine));
    const taken = new Set([...transitions].map((t) => t.split(':')[0]));
    const declared = new Set(declaredTransitions(leakMachine).map((d) => d.split(': ')[1]));
    expect([...declared].filter((e) => !taken.has(e))).toEqual([]);
  });

  it('relays tier by tier from the same-level authority up to the national authority (Regs 61 para 2)', () => {
    const chain = (organId: string) =>
      Object.entries(leakParties(reg, { organId }).parties)
        .filter(([k]) => k.startsWith('relay'))
        .map(([, p]) => p.id);
    expect(chain('org-th-office')).toEqual(['auth-440106', 'auth-440100', 'auth-440000', 'auth-000000']);
    expect(chain('org-gz-bureau')).toEqual(['auth-440100', 'auth-440000', 'auth-000000']);
    expect(chain('org-gd-dept')).toEqual(['auth-440000', 'auth-000000']);
    expect(chain('org-bj-chaoyang')).toEqual(['auth-110105', 'auth-110000', 'auth-000000']);
    expect(chain('org-central-ministry')).toEqual(['auth-000000']);
    expect(leakParties(reg, { organId: 'org-th-office' }).parties.superior!.id).toBe('org-gz-bureau');
    expect(leakParties(reg, { organId: 'org-bj-chaoyang' }).parties.superior).toBeUndefined();
  });

  it('the per-tier reading restarts the relay clock at each tier; the relay ends at the national authority (Regs 61 para 2)', () => {
    const s0 = send(
      start(input('org-gd-dept', {}, PolicySchema.parse({ leakRelayReading: 'per-tier' }))),
      ev('REPORT_TO_AUTHORITY', {}, reports),
    );
    expect(s0.context.relayClockFrom).toBe(at);
    const s1 = send(s0, ev('RELAY', {}, {}, '2025-10-01T00:00:00.000Z'));
    expect(s1.context.relayClockFrom).toBe('2025-10-01T00:00:00.000Z');
    expect(s1.context.relayIndex).toBe(1);
    expect(activePaths(s1)).toContain('open.relay.relayed');
  });

  describe('late reports (Regs 61 para 1; Regs 67 para 1(8); Regs 71)', () => {
    it('a licensed enterprise that reports late is flagged under Regs 67 para 1(8) and Regs 71 para 1 and para 3(3), each consequence with its article', () => {
      const s = send(start(input('ent-gz-tech')), ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }, reports));
      expect(s.context.lateFlags).toEqual([
        {
          obligation: '向同级保密行政管理部门报告',
          deadlineId: 'report-authority',
          dueAt: due24h,
          consequences: [
            { basis: 'Regs 67 para 1(8)', consequence: expect.stringContaining('依法给予处分') },
            { basis: 'Regs 71 para 1', consequence: expect.stringContaining('责令限期整改，给予警告或者通报批评') },
            { basis: 'Regs 71 para 3(3)', consequence: expect.stringContaining('吊销保密资质') },
          ],
        },
      ]);
    });

    it('an organ without a 保密资质 that reports late is flagged under Regs 67 para 1(8) alone', () => {
      const s = send(start(input('org-th-office')), ev('REPORT_TO_SUPERIOR', {}, reports, '2025-10-01T14:00:00.000Z'));
      expect(s.context.lateFlags).toEqual([
        {
          obligation: '向上级主管部门报告',
          deadlineId: 'report-superior',
          dueAt: due24h,
          reportedAt: '2025-10-01T14:00:00.000Z',
          consequences: [{ basis: 'Regs 67 para 1(8)', consequence: expect.any(String) }],
        },
      ]);
    });

    it('lateness is judged by when the report was made (event.at), not by when the deadline alarm fired: a report made in time and entered later withdraws the flag (Regs 61 para 1)', () => {
      const passed = send(
        start(input('ent-gz-tech')),
        ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }, reports, '2025-10-01T13:30:00.000Z'),
      );
      expect(passed.context.lateFlags).toHaveLength(1);
      // Reported by telephone at 21:00 Beijing time on 1 October, entered the next morning: at = occurredAt.
      const inTime = send(passed, ev('REPORT_TO_AUTHORITY', {}, reports, '2025-10-01T13:00:00.000Z'));
      expect(inTime.context.lateFlags).toEqual([]);
      const late = send(passed, ev('REPORT_TO_AUTHORITY', {}, reports, '2025-10-01T13:30:01.000Z'));
      expect(late.context.lateFlags).toEqual([
        expect.objectContaining({ deadlineId: 'report-authority', reportedAt: '2025-10-01T13:30:01.000Z' }),
      ]);
    });

    it('edition 1 flags late reports the same way (context only; its path is unchanged)', () => {
      const s = send(
        start(input('ent-gz-tech', {}, DEFAULT_POLICY, 1)),
        ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }, reports),
      );
      expect(s.value).toMatchObject({ reporting: {} });
      expect(s.context.lateFlags[0]!.consequences.map((c) => c.basis)).toEqual([
        'Regs 67 para 1(8)',
        'Regs 71 para 1',
        'Regs 71 para 3(3)',
      ]);
    });
  });

  describe('follow-up and closure (Regs 60)', () => {
    it('the written result does not wait for the relay to reach the national authority; the relay keeps its deadline and the procedure closes only once it arrives (Regs 60; Regs 61 para 2)', () => {
      let s = send(start(input('org-th-office')), ev('REPORT_TO_AUTHORITY', {}, reports), ev('REPORT_TO_SUPERIOR', {}, reports));
      s = send(s, ev('REPORT_RESULT', { result: '已查明' }));
      expect(s.status).toBe('active');
      expect(s.context.result).toBe('已查明');
      expect(activePaths(s)).toEqual(expect.arrayContaining(['open.result.reported', 'open.relay.relaying']));
      expect(deadlineRequests(s, DEFAULT_POLICY).map((r) => r.spec.id)).toEqual(['relay']);
      s = relayAll(s);
      expect(s.value).toBe('closed');
    });

    it('closes when every obligation is met: both reports, the relay at the national authority and the written result (Regs 60, 61)', () => {
      let s = relayAll(send(start(input('org-th-office')), ev('REPORT_TO_AUTHORITY', {}, reports)));
      expect(s.value).toMatchObject({ open: {} });
      s = send(s, ev('REPORT_RESULT', { result: 'R' }));
      // The report to the superior is still owed: nothing is dropped.
      expect(s.value).toMatchObject({ open: { toSuperior: 'pending' } });
      expect(deadlineRequests(s, DEFAULT_POLICY).map((r) => r.spec.id)).toEqual(['report-superior']);
      s = send(s, ev('REPORT_TO_SUPERIOR', {}, reports));
      expect(s.value).toBe('closed');
    });

    it('remedial measures can be recorded after the reporting phase, until closure (Regs 61 para 1)', () => {
      let s = relayAll(send(start(input('org-central-ministry')), ev('REPORT_TO_AUTHORITY', {}, reports)));
      s = send(s, ev('RECORD_MEASURES', { measures: '追回载体' }, {}, '2025-10-20T02:00:00.000Z'));
      expect(s.context.measures).toEqual([
        { at: discoveredAt, measures: 'M' },
        { at: '2025-10-20T02:00:00.000Z', measures: '追回载体' },
      ]);
      s = send(s, ev('REPORT_RESULT', { result: 'R' }));
      expect(s.value).toBe('closed');
      expect(s.can(ev('RECORD_MEASURES', { measures: 'late' }) as never)).toBe(false);
    });

    it('the authority records its own steps: 责令停止, 行政处罚决定, 处理建议, 移送监察机关、司法机关 (Regs 60)', () => {
      for (const type of ['ORDER_STOP', 'DECIDE_PENALTY', 'PROPOSE_HANDLING', 'REFER'] as const) {
        expect(leakEvents[type]).toMatchObject({ by: ['authority'], basis: 'Regs 60', fact: true });
      }
      const s = send(
        start(input('org-th-office')),
        ev('ORDER_STOP', { order: '停止使用涉事计算机' }),
        ev('DECIDE_PENALTY', { decision: '警告' }),
        ev('PROPOSE_HANDLING', { proposal: '给予责任人处分' }),
        ev('REFER', { to: 'supervisory', note: '涉嫌职务犯罪' }),
      );
      expect(s.context.authoritySteps.map((x) => [x.step, x.text, x.to])).toEqual([
        ['ORDER_STOP', '停止使用涉事计算机', undefined],
        ['DECIDE_PENALTY', '警告', undefined],
        ['PROPOSE_HANDLING', '给予责任人处分', undefined],
        ['REFER', '涉嫌职务犯罪', 'supervisory'],
      ]);
    });

    it('every Regs 60 step is told to the organ concerned, the referral to 监察机关、司法机关 as well as 责令停止, 处罚决定 and 处理建议 (Regs 60)', () => {
      const notices = (type: string, payload: Record<string, unknown>) =>
        transition(leakMachine, start(input('org-th-office')), ev(type, payload) as never)[1]
          .filter((a) => a.type === 'notify')
          .map((a) => a.params);
      expect(notices('REFER', { to: 'judicial', note: '涉嫌故意泄露国家秘密罪' })).toEqual([
        { to: 'organ', subject: 'leak-referred', basis: 'Regs 60' },
      ]);
      expect(notices('ORDER_STOP', { order: 'O' })).toEqual([{ to: 'organ', subject: 'leak-order-stop', basis: 'Regs 60' }]);
      expect(notices('DECIDE_PENALTY', { decision: 'D' })).toEqual([{ to: 'organ', subject: 'leak-penalty', basis: 'Regs 60' }]);
      expect(notices('PROPOSE_HANDLING', { proposal: 'P' })).toEqual([
        { to: 'organ', subject: 'leak-handling-proposal', basis: 'Regs 60' },
      ]);
    });

    it('the written result has a policy deadline: 3 months from the day of discovery by default (本地策略, Regs 60 及时)', () => {
      const s = start(input('org-th-office'));
      const result = deadlineRequests(s, DEFAULT_POLICY).find((r) => r.spec.id === 'result')!;
      expect(result).toMatchObject({
        fromPolicy: true,
        spec: { basis: 'Regs 60', responsible: 'organ' },
        period: { rule: 'months', n: 3, from: '2025-09-30' },
      });
      expect(deadlineRequests(s, PolicySchema.parse({ leakResultMonths: 2 })).find((r) => r.spec.id === 'result')!.period.n).toBe(2);
    });

    it('edition 1 keeps its recorded path: the result only after the relay, and no result deadline', () => {
      let s = send(start(input('org-central-ministry', {}, DEFAULT_POLICY, 1)), ev('REPORT_TO_AUTHORITY', {}, reports));
      expect(s.value).toBe('investigating');
      expect(deadlineRequests(s, DEFAULT_POLICY)).toEqual([]);
      s = send(
        start(input('org-th-office', {}, DEFAULT_POLICY, 1)),
        ev('REPORT_TO_AUTHORITY', {}, reports),
        ev('REPORT_TO_SUPERIOR', {}, reports),
      );
      expect(s.can(ev('REPORT_RESULT', { result: 'R' }) as never)).toBe(false);
    });
  });

  describe('network operator (Law 34; Regs 39)', () => {
    it('reports 立即 (a policy period in hours) to the secrecy authority it chose, which relays it tier by tier (Law 34; Regs 39; Regs 61 para 2)', () => {
      const i = operator('auth-440100');
      expect(i.parties).toMatchObject({
        organ: { id: 'ent-gz-net' },
        receiver: { id: 'auth-440100' },
        relay0: { id: 'auth-440100' },
        relay1: { id: 'auth-440000' },
        relay2: { id: 'auth-000000' },
      });
      let s = start(i);
      expect(activePaths(s)).toEqual(['operatorReporting']);
      const report = deadlineRequests(s, PolicySchema.parse({ networkOperatorReportHours: 2 }))[0]!;
      expect(report).toMatchObject({
        fromPolicy: true,
        spec: { id: 'report-receiver', basis: 'Law 34; Regs 39' },
        period: { rule: 'hours', n: 2, from: discoveredAt },
      });
      expect(deadlineRequests(s, DEFAULT_POLICY)[0]!.period.n).toBe(1);
      s = send(s, ev('REPORT_TO_RECEIVER', {}, reports, '2025-09-30T14:00:00.000Z'));
      expect(s.value).toEqual({ operatorRelay: 'relaying' });
      expect(s.context.parties.relayHolder!.id).toBe('auth-440100');
      expect(s.context.lateFlags).toEqual([]);
      // RECORD_MEASURES stays possible while the relay runs (Regs 39 补救措施).
      expect(s.can(ev('RECORD_MEASURES', { measures: '删除信息' }) as never)).toBe(true);
      s = relayAll(s);
      expect(s.value).toBe('closed');
    });

    it('a report to 公安机关 or 国家安全机关 is not relayed: the procedure closes on the report (Law 34; Regs 39)', () => {
      const i = operator('org-gz-psb');
      expect(Object.keys(i.parties).filter((k) => k.startsWith('relay'))).toEqual([]);
      expect(i.parties.receiver!.id).toBe('org-gz-psb');
      const s = send(start(i), ev('REPORT_TO_RECEIVER', {}, reports));
      expect(s.value).toBe('closed');
      expect(operator('org-gd-ssd').parties.receiver!.id).toBe('org-gd-ssd');
    });

    it("the secrecy authority that received an operator's report records its Regs 60 steps before and after the report, while the relay runs; after a report to 公安机关 there is no such authority (Regs 60; Law 34; Regs 39)", () => {
      const i = operator('auth-440100');
      expect(i.parties.authority!.id).toBe('auth-440100');
      const steps = [
        ev('ORDER_STOP', { order: '立即停止传输该信息' }),
        ev('DECIDE_PENALTY', { decision: '警告' }),
        ev('PROPOSE_HANDLING', { proposal: '约谈主要负责人' }),
        ev('REFER', { to: 'judicial', note: '涉嫌犯罪' }),
      ];
      let s = send(start(i), steps[0]!);
      expect(s.value).toBe('operatorReporting');
      s = send(s, ev('REPORT_TO_RECEIVER', {}, reports), ...steps.slice(1));
      expect(s.value).toEqual({ operatorRelay: 'relaying' });
      expect(s.context.authoritySteps.map((x) => x.step)).toEqual(['ORDER_STOP', 'DECIDE_PENALTY', 'PROPOSE_HANDLING', 'REFER']);
      const [, effects] = transition(leakMachine, s, steps[3] as never);
      expect(effects.filter((a) => a.type === 'notify').map((a) => a.params)).toEqual([
        { to: 'organ', subject: 'leak-referred', basis: 'Regs 60' },
      ]);
      // A 公安机关 receiver is no secrecy authority: no party may take the Regs 60 steps.
      const psb = operator('org-gz-psb');
      expect(psb.parties.authority).toBeUndefined();
      for (const step of steps) expect(start(psb).can(step as never)).toBe(false);
    });

    it('a late report by a network operator is flagged under Law 59 (its Law 34 duty)', () => {
      const s = send(start(operator('org-gz-psb')), ev('REPORT_TO_RECEIVER', {}, reports, '2025-09-30T15:00:00.000Z'));
      expect(s.context.lateFlags).toEqual([
        expect.objectContaining({
          obligation: '立即报告',
          deadlineId: 'report-receiver',
          consequences: [{ basis: 'Law 59', consequence: expect.stringContaining('第三十四条') }],
        }),
      ]);
    });

    it('the operator names its receiver; only the operator does; the receiver is a secrecy authority, 公安机关 or 国家安全机关 of the registry (Law 34; Regs 39)', () => {
      const base = { organId: 'ent-gz-net', incidentRef: 'I', summary: 'S', discoveredAt, remedialMeasures: 'M' };
      const missing = LeakStartSchema.safeParse({ ...base, variant: 'network-operator' });
      expect(missing.success).toBe(false);
      expect(zodFieldErrors(missing.error!)).toEqual([
        expect.objectContaining({ field: 'receiverId', message: expect.stringContaining('Law 34; Regs 39') }),
      ]);
      const organ = LeakStartSchema.safeParse({ ...base, receiverId: 'auth-440100' });
      expect(zodFieldErrors(organ.error!)).toEqual([
        expect.objectContaining({ field: 'receiverId', message: expect.stringContaining('Regs 61 para 1') }),
      ]);
      expect(() => leakParties(reg, { organId: 'ent-gz-net', variant: 'network-operator', receiverId: 'org-gz-bureau' })).toThrow(
        RegistryLookupError,
      );
      expect(() => leakParties(reg, { organId: 'ent-gz-net', variant: 'network-operator', receiverId: 'nobody' })).toThrow(
        /receiverId: "nobody" is neither a secrecy authority nor a 公安机关 or 国家安全机关/,
      );
      // Old start inputs (no variant) still parse, as an organ's report.
      expect(LeakStartSchema.parse(base).variant).toBe('organ');
    });
  });

  it("every leak event records a fact (reported, relayed, measures taken, result reported, the authority's acts) and is marked fact (SPEC §2)", () => {
    expect(
      Object.entries(leakProcedure.events)
        .filter(([, e]) => !e.fact)
        .map(([k]) => k),
    ).toEqual([]);
  });
});

describe('泄密报告, edition 4: the person and the organ (Law 47), remedial measures judged, closing after the authority’s handling (Regs 60, 61)', () => {
  const e4 = (organId: string, over: Record<string, unknown> = {}) => input(organId, over, DEFAULT_POLICY, 4);
  const knownAt = '2025-10-01T10:00:00+08:00'; // 12.5 hours after the person found it
  const requestOf = (s: Snap, id: string) => deadlineRequests(s, DEFAULT_POLICY).find((r) => r.spec.id === id);

  it("runs the organ's 24 hours from its knowledge, and flags the person's report later than the policy period (Law 47 及时, 本地策略)", () => {
    const s = start(e4('org-th-office', { knownAt }));
    expect(requestOf(s, 'report-authority')!.period).toMatchObject({ rule: 'hours', n: 24, from: knownAt });
    expect(requestOf(s, 'report-superior')!.period).toMatchObject({ from: knownAt });
    // The person's delay (12.5 h against 4 h) is flagged; the organ is not, for reporting 20 h after it knew.
    expect(s.context.lateFlags).toEqual([
      {
        obligation: '发现人及时报告机关、单位',
        deadlineId: 'person-report',
        dueAt: '2025-09-30T17:30:00.000Z',
        reportedAt: '2025-10-01T02:00:00.000Z',
        consequences: [{ basis: 'Law 47', consequence: expect.stringContaining('本地策略') }],
      },
    ]);
    const known24h = { 'report-authority': { dueAt: '2025-10-02T02:00:00.000Z' } };
    const reported = send(s, ev('REPORT_TO_AUTHORITY', {}, known24h, '2025-10-01T22:00:00.000Z'));
    expect(reported.context.lateFlags.map((f) => f.deadlineId)).toEqual(['person-report']);
    // Found and known at once (the organ found it itself): no person's flag, the 24 hours from discovery.
    const own = start(e4('org-th-office'));
    expect(own.context.lateFlags).toEqual([]);
    expect(requestOf(own, 'report-authority')!.period).toMatchObject({ from: discoveredAt });
  });

  it('refuses a knowledge or measures instant before the discovery', () => {
    const r = LeakStartSchema.safeParse({
      organId: 'o',
      incidentRef: 'I',
      summary: 'S',
      discoveredAt,
      knownAt: '2025-09-30T21:00:00+08:00',
    });
    expect(r.success).toBe(false);
    expect(zodFieldErrors(r.error!)).toMatchObject([{ field: 'knownAt' }]);
  });

  it('starts with no measures taken; the first ones, recorded later than 立即 (policy hours from the knowledge), are flagged 未及时采取补救措施 with their articles', () => {
    const s = start(e4('ent-gz-tech', { remedialMeasures: undefined }));
    expect(s.context.measures).toEqual([]);
    expect(activePaths(s)).toContain('underway.remedy.pending');
    expect(requestOf(s, 'remedy')).toMatchObject({ fromPolicy: true, period: { rule: 'hours', n: 1, from: discoveredAt } });
    const late = send(s, ev('RECORD_MEASURES', { measures: '封存设备' }, reports, '2025-09-30T16:30:00.000Z'));
    expect(late.context.measuresTakenAt).toBe('2025-09-30T16:30:00.000Z');
    expect(activePaths(late)).toContain('underway.remedy.taken');
    expect(late.context.lateFlags).toEqual([
      {
        obligation: '未及时采取补救措施',
        deadlineId: 'remedy',
        dueAt: reports.remedy!.dueAt,
        reportedAt: '2025-09-30T16:30:00.000Z',
        consequences: [
          { basis: 'Regs 67 para 1(8)', consequence: expect.stringContaining('未及时采取补救措施') },
          { basis: 'Regs 71 para 1', consequence: expect.any(String) },
          { basis: 'Regs 71 para 3(3)', consequence: expect.stringContaining('未立即采取补救措施：并处吊销保密资质') },
        ],
      },
    ]);
    // None taken when the period passes: flagged then, and kept once they are taken late.
    const none = send(s, ev('DEADLINE_PASSED', { deadlineId: 'remedy' }, reports));
    expect(none.context.lateFlags.map((f) => [f.deadlineId, f.reportedAt])).toEqual([['remedy', undefined]]);
  });

  it('judges the measures the start states by when they were first taken: in time, none; later, flagged', () => {
    expect(start(e4('org-th-office', { measuresTakenAt: '2025-09-30T22:00:00+08:00' })).context.lateFlags).toEqual([]);
    const late = start(e4('org-th-office', { measuresTakenAt: '2025-10-01T09:00:00+08:00' }));
    expect(late.context.lateFlags).toMatchObject([{ deadlineId: 'remedy', reportedAt: '2025-10-01T01:00:00.000Z' }]);
    expect(activePaths(late)).toContain('underway.remedy.taken');
  });

  const allDone = (s: Snap) => relayAll(send(s, ev('REPORT_TO_AUTHORITY', {}, reports), ev('REPORT_TO_SUPERIOR', {}, reports)));

  it('does not close on the reports, the relay and a written result until the authority records its handling; a step after them is still recorded (Regs 60)', () => {
    const s = send(allDone(start(e4('org-th-office'))), ev('REPORT_RESULT', { result: 'R' }));
    expect(s.status).toBe('active');
    expect(activePaths(s)).toContain('underway.handling.investigating');
    expect(s.can(ev('PROPOSE_HANDLING', { proposal: 'P' }) as never)).toBe(true);
    const closed = send(s, ev('PROPOSE_HANDLING', { proposal: '对责任人给予处分' }));
    expect(closed.status).toBe('done');
    expect(closed.context.authoritySteps.map((a) => a.step)).toEqual(['PROPOSE_HANDLING']);
  });

  it("runs the written result from the authority's 处理建议, not from discovery; a decision or 'none needed' leaves none due (本地策略)", () => {
    const s = allDone(start(e4('org-th-office')));
    expect(requestOf(s, 'result')).toBeUndefined();
    const proposed = send(s, ev('PROPOSE_HANDLING', { proposal: 'P' }, {}, '2025-11-10T02:00:00.000Z'));
    expect(requestOf(proposed, 'result')).toMatchObject({ fromPolicy: true, period: { rule: 'months', n: 3, from: '2025-11-10' } });
    expect(proposed.status).toBe('active');
    expect(send(proposed, ev('REPORT_RESULT', { result: 'R' })).status).toBe('done');
    expect(send(s, ev('CONCLUDE_NO_ACTION', { note: '无需追究责任' })).status).toBe('done');
  });

  it("a network operator's case stays open after the relay reaches the national authority until the receiving authority's handling, whose steps it still takes (Regs 60)", () => {
    let s = send(start(operator('auth-440100', 4)), ev('REPORT_TO_RECEIVER', {}, reports));
    s = relayAll(s);
    expect(activePaths(s)).toEqual(['operatorFollowUp.relay.relayed', 'operatorFollowUp.handling.investigating']);
    expect(s.can(ev('ORDER_STOP', { order: 'O' }) as never)).toBe(true);
    s = send(s, ev('ORDER_STOP', { order: 'O' }), ev('DECIDE_PENALTY', { decision: 'D' }));
    expect(s.status).toBe('done');
    expect(s.context.authoritySteps.map((a) => a.step)).toEqual(['ORDER_STOP', 'DECIDE_PENALTY']);
  });
});

describe('泄密报告, edition 4: a revocation that can be reached (Regs 71 para 3(3))', () => {
  const late = { 'report-authority': { dueAt: due24h } };
  const settle = (s: Snap, when: string) => send(s, ev('REPORT_TO_AUTHORITY', {}, late, when));

  it('a licensed enterprise that reported late is put to the authority that granted its licence, which revokes, or declines with a reason (本地策略); both are recorded', () => {
    const i = input('ent-gz-tech', {}, DEFAULT_POLICY, 4);
    expect(i.parties.licensor).toMatchObject({ id: 'auth-440000', type: 'authority' });
    let s = start(i);
    expect(activePaths(s)).toContain('underway.licence.settling');
    s = settle(s, '2025-10-01T14:00:00.000Z');
    expect(activePaths(s)).toContain('underway.licence.proposed');
    const [revoked, effects] = transition(leakMachine, s, ev('REVOKE_LICENCE', { decision: '保吊字〔2025〕1号' }) as never);
    expect(activePaths(revoked)).toContain('underway.licence.revoked');
    expect((revoked as Snap).context.licenceDecision).toMatchObject({ outcome: 'revoked', text: '保吊字〔2025〕1号' });
    expect(effects.filter((a) => a.type === 'notify').map((a) => a.params)).toEqual([
      { to: 'organ', subject: 'licence-revoked', basis: 'Regs 71 para 3(3)' },
    ]);
    const declined = send(s, ev('DECLINE_REVOCATION', { reason: '情节轻微' }));
    expect(declined.context.licenceDecision).toMatchObject({ outcome: 'declined', text: '情节轻微' });
    // It closes only once the licensing authority has decided, besides the other duties.
    const rest = (x: Snap) => relayAll(send(x, ev('CONCLUDE_NO_ACTION', { note: 'N' })));
    expect(rest(s).status).toBe('active');
    expect(rest(declined).status).toBe('done');
  });

  it('is not proposed while a flag may still be withdrawn, nor when the report was made in time', () => {
    const s = start(input('ent-gz-tech', {}, DEFAULT_POLICY, 4));
    const flagged = send(s, ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }, late));
    expect(activePaths(flagged)).toContain('underway.licence.settling');
    // Entered late, made in time: the flag is withdrawn and there is nothing to propose.
    const inTime = send(flagged, ev('REPORT_TO_AUTHORITY', {}, late, '2025-10-01T10:00:00.000Z'));
    expect(activePaths(inTime)).toContain('underway.licence.notApplicable');
    expect(activePaths(start(input('org-th-office', {}, DEFAULT_POLICY, 4)))).toContain('underway.licence.settling');
  });
});

describe('泄密报告, edition 6: the licensing authority’s decision reaches the enterprise’s 年度自检 (Regs 71 para 3(3))', () => {
  const late = { 'report-authority': { dueAt: due24h } };
  const proposed = (edition: number) =>
    send(start(input('ent-gz-tech', {}, DEFAULT_POLICY, edition)), ev('REPORT_TO_AUTHORITY', {}, late, '2025-10-01T14:00:00.000Z'));
  const links = (effects: Array<{ type: string; params?: unknown }>) => effects.filter((a) => a.type === 'link').map((a) => a.params);

  it('a revocation or a decline is sent on, with the decision, the incident and the authority by name, to the 年度自检 of the organ', () => {
    const s = proposed(6);
    expect(activePaths(s)).toContain('underway.licence.proposed');
    const [, revoked] = transition(
      leakMachine,
      s,
      ev('REVOKE_LICENCE', { decision: '保吊字〔2025〕1号' }, {}, '2025-10-03T02:00:00.000Z') as never,
    );
    expect(links(revoked)).toEqual([
      {
        kind: 'annual-inspection',
        party: 'organ',
        event: 'LEAK_LICENCE_DECISION',
        payload: { licenceDecision: 'revoked', text: '保吊字〔2025〕1号', incidentRef: 'I', decidedBy: '广东省国家保密局' },
        at: '2025-10-03T02:00:00.000Z',
      },
    ]);
    const [declined, declinedEffects] = transition(leakMachine, s, ev('DECLINE_REVOCATION', { reason: '情节轻微' }) as never);
    expect(activePaths(declined)).toContain('underway.licence.declined');
    expect(links(declinedEffects)).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ licenceDecision: 'declined', text: '情节轻微' }) }),
    ]);
  });

  it('edition 5 and earlier decide in the leak procedure only (their histories replay as they ran)', () => {
    const [, effects] = transition(leakMachine, proposed(5), ev('REVOKE_LICENCE', { decision: 'D' }) as never);
    expect(links(effects)).toEqual([]);
  });

  it('the decision is the licensing authority’s binding decision: its 负责人 signs it from edition 6 (headSignOff, 本地策略)', () => {
    for (const type of ['REVOKE_LICENCE', 'DECLINE_REVOCATION']) {
      const spec = leakEvents[type as keyof typeof leakEvents];
      expect(requiredRole(spec, { edition: 5, policy: { headSignOff: true } })).toBeUndefined();
      expect(requiredRole(spec, { edition: 6, policy: { headSignOff: true } })).toMatchObject({ role: 'head', signOff: true });
      expect(requiredRole(spec, { edition: 6, policy: { headSignOff: false } })).toBeUndefined();
    }
  });
});
