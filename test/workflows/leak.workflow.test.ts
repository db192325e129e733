import { describe, expect, it } from 'vitest';
import { firedAt, maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';
import { loadDeps } from '../../activities/deps.js';
import { PolicySchema } from '../../domain/policy.js';
import { SA } from '../../workflows/search-attributes.js';
import { sendEvent } from '../../api/procedure-client.js';
import { viewInWords } from '../../machines/in-words.zh.js';
import { PROCEDURES } from '../../machines/index.js';

const organ = { id: 'org-th-office' }; // a county-level organ in Guangzhou, with a superior organ
const leak = (over: Record<string, unknown> = {}) => ({
  organId: 'org-th-office',
  incidentRef: 'XL-2025-03',
  summary: '涉密笔记本电脑遗失（非涉密简述）',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: '立即报警并封存相关账号',
  ...over,
});

describe('泄密报告 on the time-skipping server (Regs 61)', () => {
  it('a leak discovered 2025-09-30 21:30 Beijing time is overdue at 2025-10-01 21:30, in the National Day holiday; the late report is flagged with its consequence (Regs 67 para 1(8))', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak(), organ);
      let v = await p.view(h);
      expect(v.state).toBe('underway');
      // Edition 4: the start's measures taken when the organ knew; the result awaits the authority's 处理建议 (Regs 60).
      expect(v.activeStates.sort()).toEqual([
        'underway.handling.investigating',
        'underway.licence.settling',
        'underway.relay.waiting',
        'underway.remedy.taken',
        'underway.result.awaitingProposal',
        'underway.toAuthority.pending',
        'underway.toSuperior.pending',
      ]);
      // Two separate 24-hour obligations, in hours: no roll over the holiday.
      const [toAuthority, toSuperior] = ['report-authority', 'report-superior'].map((id) => v.deadlines.find((d) => d.specId === id)!);
      expect(toAuthority).toMatchObject({
        rule: 'hours',
        n: 24,
        dueAt: '2025-10-01T13:30:00.000Z',
        basis: 'Regs 61 para 1',
        responsible: { id: 'org-th-office' },
      });
      expect(toSuperior!.dueAt).toBe('2025-10-01T13:30:00.000Z');
      expect(toAuthority!.lastDay).toBeUndefined();

      // Reported to the superior in time, not to the authority.
      await p.sleepUntil('2025-10-01T02:00:00Z');
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      await p.sleepUntil('2025-10-01T13:29:00Z');
      expect((await p.view(h)).context.lateFlags).toEqual([]);
      await p.sleepUntil('2025-10-01T13:31:00Z');
      v = await p.view(h);
      const escalation = v.audit.find((a) => a.kind === 'escalation')!;
      expect(firedAt(escalation.at, '2025-10-01T13:30:00Z')).toBe(true);
      expect(v.context.lateFlags).toEqual([
        {
          obligation: '向同级保密行政管理部门报告',
          deadlineId: 'report-authority',
          dueAt: '2025-10-01T13:30:00.000Z',
          consequences: [{ basis: 'Regs 67 para 1(8)', consequence: expect.stringContaining('依法给予处分') }],
        },
      ]);
      expect(v.deadlines.find((d) => d.specId === 'report-superior')!.status).toBe('met');
      expect((await h.describe()).typedSearchAttributes.get(SA.deadlineStatus)).toBe('overdue');
      await maybeRecordHistory(h, 'leak-late');
    });
  });

  it('relays tier by tier (天河区 → 广州市 → 广东省 → 国家) within 24 hours of the first local receipt, and closes on the written result (Regs 61 para 2, Regs 60)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak(), organ);
      await p.sleepUntil('2025-09-30T15:00:00Z');
      await p.send(h, 'REPORT_TO_AUTHORITY', organ, { reportNumber: '天保〔2025〕1号' });
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      let v = await p.view(h);
      expect(v.context.parties).toMatchObject({
        relay0: { id: 'auth-440106' },
        relay1: { id: 'auth-440100' },
        relay2: { id: 'auth-440000' },
        relay3: { id: 'auth-000000' },
      });
      const relay0 = v.deadlines.find((d) => d.specId === 'relay' && d.status === 'running')!;
      expect(relay0).toMatchObject({ responsible: { id: 'auth-440106' }, basis: 'Regs 61 para 2' });
      const firstReceipt = Date.parse(relay0.from);
      expect(Date.parse(relay0.dueAt) - firstReceipt).toBe(24 * 3_600_000);

      // The county authority cannot skip a tier, and only the holder may relay.
      const wrong = await p.send(h, 'RELAY', { id: 'auth-440100' }).catch((e: Error & { cause?: Error }) => e.cause?.message ?? e.message);
      expect(wrong).toContain('may be sent only by relayHolder (auth-440106)');
      // Off the 50 % reminder counted from the receipt (15:00 and the send's few hundred ms): it fires
      // during the sleep, not during the next event (see unstuck in test/support/procedure-env.ts).
      await p.sleepUntil('2025-10-01T03:01:00Z');
      await p.send(h, 'RELAY', { id: 'auth-440106' });
      await p.sleepUntil('2025-10-01T09:00:00Z');
      await p.send(h, 'RELAY', { id: 'auth-440100' });
      v = await p.view(h);
      // End to end (literal reading): the provincial authority's clock still runs from the first receipt.
      const relay2 = v.deadlines.find((d) => d.specId === 'relay' && d.status === 'running')!;
      expect(relay2.responsible.id).toBe('auth-440000');
      expect(relay2.dueAt).toBe(relay0.dueAt);
      await p.send(h, 'RELAY', { id: 'auth-440000' });
      v = await p.view(h);
      expect(v.activeStates.sort()).toEqual([
        'underway.handling.investigating',
        'underway.licence.notApplicable',
        'underway.relay.relayed',
        'underway.remedy.taken',
        'underway.result.awaitingProposal',
        'underway.toAuthority.reported',
        'underway.toSuperior.reported',
      ]);
      expect(v.deadlines.filter((d) => d.specId === 'relay').map((d) => d.status)).toEqual(['met', 'met', 'met']);
      // Edition 4: the organ's written result follows the authority's 处理建议, and closes the procedure (Regs 60).
      await p.send(h, 'PROPOSE_HANDLING', { id: 'auth-440106' }, { proposal: '对直接责任人员给予处分' });
      const r = await p.send(h, 'REPORT_RESULT', organ, { result: '已查明原因，责任人已处理' });
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.inbox.filter((i) => i.subject === 'leak-relayed').map((i) => i.recipients[0]!.party.id)).toEqual([
        'auth-440100',
        'auth-440000',
        'auth-000000',
      ]);
      expect(final.inbox.find((i) => i.subject === 'leak-result')!.recipients[0]!.party.id).toBe('auth-440106');
      await maybeRecordHistory(h, 'leak-relayed');
    });
  });

  it('with the per-tier reading each authority has its own 24 hours (configuration switch)', async () => {
    const deps = { ...loadDeps({}), policy: PolicySchema.parse({ leakRelayReading: 'per-tier' }) };
    await withProcedureEnv(
      '2025-09-30T13:31:00Z',
      async (p) => {
        const h = await p.start('leak', leak(), organ);
        await p.send(h, 'REPORT_TO_AUTHORITY', organ);
        await p.sleepUntil('2025-10-01T03:00:00Z');
        const r = await p.send(h, 'RELAY', { id: 'auth-440106' });
        const relay1 = r.deadlines.find((d) => d.specId === 'relay' && d.status === 'running')!;
        expect(firedAt(relay1.from, '2025-10-01T03:00:00Z')).toBe(true);
        expect(Date.parse(relay1.dueAt) - Date.parse(relay1.from)).toBe(24 * 3_600_000);
      },
      deps,
    );
  });

  it("an authority's relay made late is flagged with Regs 72 and Law 61, judged by when it was made: one entered late but made in time is not (Regs 61 para 2)", async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak(), organ);
      await p.send(h, 'REPORT_TO_AUTHORITY', organ);
      // The county authority relays within its 24 hours but enters it two days later: not late.
      await p.sleepUntil('2025-10-03T02:00:00Z');
      await sendEvent(h, { type: 'RELAY', payload: {}, actor: { id: 'auth-440106' }, occurredAt: '2025-10-01T12:00:00+08:00' });
      // The county's relay is not flagged; the municipal authority, whose end-to-end deadline has passed, is (not yet taken).
      let late = viewInWords(PROCEDURES.leak, await p.view(h)).authorityLate;
      expect(late.map((f) => [f.authority.id, f.takenAt])).toEqual([['auth-440100', undefined]]);
      // The municipal authority relays two days after the end-to-end deadline.
      const r = await p.send(h, 'RELAY', { id: 'auth-440100' });
      const relay = r.deadlines.find((d) => d.specId === 'relay' && d.responsible.id === 'auth-440100')!;
      expect(relay.status).toBe('met_late');
      late = viewInWords(PROCEDURES.leak, await p.view(h)).authorityLate;
      expect(late).toMatchObject([
        {
          deadlineKey: relay.key,
          authority: { id: 'auth-440100' },
          basis: 'Regs 61 para 2',
          dueAt: relay.dueAt,
          takenAt: relay.metAt,
          policy: false,
          consequences: [
            { basis: 'Regs 72', basisText: '《实施条例》第七十二条', consequence: expect.stringContaining('依法给予处分') },
            { basis: 'Law 61', basisText: '《保密法》第六十一条' },
          ],
          reading: expect.stringContaining('本地策略'),
        },
        // The provincial authority now holds it, its deadline (the same end-to-end instant) passed: flagged as not taken.
        { authority: { id: 'auth-440000' }, dueAt: relay.dueAt },
      ]);
      expect(late[1]!.takenAt).toBeUndefined();
    });
  });

  it("the organ's 24 hours run from its knowledge, not from the person's finding; the person's late report is flagged (Law 47; Regs 61 para 1)", async () => {
    await withProcedureEnv('2025-10-01T03:00:00Z', async (p) => {
      // Found by a staff member at 21:30, told to the organ the next morning at 10:00.
      const h = await p.start('leak', leak({ knownAt: '2025-10-01T10:00:00+08:00' }), organ);
      let v = await p.view(h);
      expect(v.deadlines.find((d) => d.specId === 'report-authority')).toMatchObject({ dueAt: '2025-10-02T02:00:00.000Z' });
      expect(v.context.lateFlags).toMatchObject([{ deadlineId: 'person-report', consequences: [{ basis: 'Law 47' }] }]);
      // Reported 26 hours after the finding, 16 after the organ knew: the organ is not late.
      await p.sleepUntil('2025-10-01T15:30:00Z');
      await p.send(h, 'REPORT_TO_AUTHORITY', organ);
      v = await p.view(h);
      expect(v.deadlines.find((d) => d.specId === 'report-authority')!.status).toBe('met');
      expect((v.context.lateFlags as Array<{ deadlineId: string }>).map((f) => f.deadlineId)).toEqual(['person-report']);
    });
  });

  it('a report entered after its deadline fired, dated before it on the sender’s word, is 逾期录入、待确认 until the authority confirms the instant (SPEC §3.7)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak(), organ);
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      // 30 hours after discovery the organ enters its report, claiming it was made an hour after discovery.
      await p.sleepUntil('2025-10-01T19:30:00Z');
      await sendEvent(h, { type: 'REPORT_TO_AUTHORITY', payload: {}, actor: organ, occurredAt: '2025-09-30T22:30:00+08:00' });
      let v = await p.view(h);
      let report = v.deadlines.find((d) => d.specId === 'report-authority')!;
      expect(report).toMatchObject({ status: 'met', lateEntry: { confirmed: false } });
      expect(v.audit.some((a) => a.deadlineKey === report.key && a.summary.includes('逾期录入、待确认'))).toBe(true);
      // The organ cannot confirm its own word; the authority that received it can.
      const own = await sendEvent(h, { type: 'CONFIRM_ENTRY', payload: { deadlineKey: report.key }, actor: organ }).catch((e: Error) => e);
      expect(own).toBeInstanceOf(Error);
      await sendEvent(h, {
        type: 'CONFIRM_ENTRY',
        payload: { deadlineKey: report.key },
        actor: { id: 'auth-440106', name: '天河区国家保密局' },
      });
      v = await p.view(h);
      report = v.deadlines.find((d) => d.specId === 'report-authority')!;
      expect(report.lateEntry).toMatchObject({ confirmed: true, confirmedBy: '天河区国家保密局' });
      expect(v.audit.at(-1)).toMatchObject({ actor: { id: 'auth-440106' }, summary: expect.stringContaining('已由天河区国家保密局确认') });
      // The superior's report, entered in time, needs no confirmation.
      expect(v.deadlines.find((d) => d.specId === 'report-superior')!.lateEntry).toBeUndefined();
    });
  });

  it('a licensed enterprise reporting late is flagged under Regs 67 para 1(8) and Regs 71 para 1 and para 3(3); with no superior only one report obligation runs', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const ent = { id: 'ent-gz-tech' };
      const h = await p.start('leak', leak({ organId: 'ent-gz-tech' }), ent);
      let v = await p.view(h);
      expect(v.activeStates).toContain('underway.toSuperior.notApplicable');
      expect(v.deadlines.map((d) => d.specId)).toEqual(['report-authority']);
      await p.sleepUntil('2025-10-01T13:31:00Z');
      await p.send(h, 'REPORT_TO_AUTHORITY', ent);
      v = await p.view(h);
      expect(v.context.lateFlags).toEqual([
        expect.objectContaining({
          obligation: '向同级保密行政管理部门报告',
          consequences: [
            { basis: 'Regs 67 para 1(8)', consequence: expect.stringContaining('依法给予处分') },
            { basis: 'Regs 71 para 1', consequence: expect.stringContaining('警告或者通报批评') },
            { basis: 'Regs 71 para 3(3)', consequence: expect.stringContaining('吊销保密资质') },
          ],
        }),
      ]);
      expect(v.deadlines[0]!.status).toBe('met_late');
      // Edition 4: the revocation is put to the authority that granted the licence, which decides it here (Regs 71 para 3(3)).
      expect(v.activeStates).toContain('underway.licence.proposed');
      expect(v.inbox.find((i) => i.subject === 'leak-revocation-proposed')!.recipients[0]!.party.id).toBe('auth-440000');
      const refused = await p.send(h, 'REVOKE_LICENCE', { id: 'auth-440100' }, { decision: 'x' }).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      // Edition 6: the licensing authority's decision is signed by its 负责人 (headSignOff, 本地策略).
      await p.send(h, 'DECLINE_REVOCATION', { id: 'auth-440000', roles: ['head'] }, { reason: '已及时采取补救措施，危害后果轻微' });
      v = await p.view(h);
      expect(v.activeStates).toContain('underway.licence.declined');
      expect(v.audit.findLast((a) => a.kind === 'event')!.basis).toBe('Regs 71 para 3(3); 本地策略');
    });
  });

  it('the written result is told before the relay ends; the relay keeps its deadline and alarms, and the procedure closes when the report reaches the national authority (Regs 60; Regs 61 para 2)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak(), organ);
      await p.sleepUntil('2025-09-30T15:00:00Z');
      await p.send(h, 'REPORT_TO_AUTHORITY', organ);
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      // The authority's own Regs 60 steps; only the authority may record them.
      const refused = await p
        .send(h, 'ORDER_STOP', organ, { order: '停止' })
        .catch((e: Error & { cause?: Error }) => e.cause?.message ?? e.message);
      expect(refused).toContain('may be sent only by authority (auth-440106)');
      await p.send(h, 'ORDER_STOP', { id: 'auth-440106' }, { order: '立即停止使用涉事计算机' });
      await p.send(h, 'PROPOSE_HANDLING', { id: 'auth-440106' }, { proposal: '对直接责任人员给予处分' });
      const r = await p.send(h, 'REPORT_RESULT', organ, { result: '已查明原因' });
      expect(r.closed).toBe(false);
      expect(r.deadlines.find((d) => d.specId === 'result')!.status).toBe('met');
      let v = await p.view(h);
      expect(v.inbox.find((i) => i.subject === 'leak-result')!.recipients[0]!.party.id).toBe('auth-440106');
      expect(v.inbox.find((i) => i.subject === 'leak-order-stop')!.recipients[0]!.party.id).toBe('org-th-office');
      expect(v.allowedEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['RELAY', 'RECORD_MEASURES']));
      // Not relayed by the county authority: its overdue alarm and escalation still come.
      await p.sleepUntil('2025-10-01T15:01:00Z');
      v = await p.view(h);
      const relay = v.deadlines.find((d) => d.specId === 'relay')!;
      expect(relay.status).toBe('running');
      expect(v.audit.some((a) => a.kind === 'escalation' && a.deadlineKey === relay.key)).toBe(true);
      await p.send(h, 'RELAY', { id: 'auth-440106' });
      await p.send(h, 'RELAY', { id: 'auth-440100' });
      const last = await p.send(h, 'RELAY', { id: 'auth-440000' });
      expect(last.closed).toBe(true);
      expect((await h.result()).deadlines.filter((d) => d.specId === 'relay').map((d) => d.status)).toEqual([
        'met_late',
        'met_late',
        'met_late',
      ]);
      await maybeRecordHistory(h, 'leak-result-before-relay');
    });
  });

  it("the written result is due 3 months after the authority's 处理建议 (本地策略), not after discovery, with reminders and an overdue escalation (Regs 60)", async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const central = { id: 'org-central-ministry' };
      const h = await p.start('leak', leak({ organId: 'org-central-ministry' }), central);
      await p.send(h, 'REPORT_TO_AUTHORITY', central);
      await p.sleepUntil('2025-10-20T02:00:00Z');
      await p.send(h, 'PROPOSE_HANDLING', { id: 'auth-000000' }, { proposal: '对直接责任人员给予处分' });
      let v = await p.view(h);
      expect(v.activeStates.sort()).toEqual([
        'underway.handling.handled',
        'underway.licence.notApplicable',
        'underway.relay.relayed',
        'underway.remedy.taken',
        'underway.result.pending',
        'underway.toAuthority.reported',
        'underway.toSuperior.notApplicable',
      ]);
      const result = v.deadlines.find((d) => d.specId === 'result')!;
      expect(result).toMatchObject({
        rule: 'months',
        n: 3,
        from: '2025-10-20',
        lastDay: '2026-01-20',
        policy: true,
        basis: 'Regs 60',
        responsible: { id: 'org-central-ministry' },
      });
      await p.sleepUntil('2026-01-21T00:00:00Z');
      v = await p.view(h);
      expect(v.audit.filter((a) => a.kind === 'reminder' && a.deadlineKey === result.key).length).toBeGreaterThanOrEqual(3);
      expect(v.audit.some((a) => a.kind === 'escalation' && a.deadlineKey === result.key)).toBe(true);
      const r = await p.send(h, 'REPORT_RESULT', central, { result: '已处理' });
      expect(r.closed).toBe(true);
      expect(r.deadlines.find((d) => d.specId === 'result')!.status).toBe('met_late');
    });
  });

  it('a network operator reports 立即 (1 hour by policy) to the 公安机关 it chose, and the procedure closes on the report (Law 34; Regs 39)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const net = { id: 'ent-gz-net' };
      const h = await p.start('leak', leak({ organId: 'ent-gz-net', variant: 'network-operator', receiverId: 'org-gz-psb' }), net);
      const v = await p.view(h);
      expect(v.state).toBe('operatorReporting');
      expect(v.deadlines).toEqual([
        expect.objectContaining({
          specId: 'report-receiver',
          rule: 'hours',
          n: 1,
          dueAt: '2025-09-30T14:30:00.000Z',
          policy: true,
          basis: 'Law 34; Regs 39',
        }),
      ]);
      await p.sleepUntil('2025-09-30T14:00:00Z');
      const r = await p.send(h, 'REPORT_TO_RECEIVER', net, { reportNumber: '网报1号' });
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.inbox.find((i) => i.subject === 'leak-operator-reported')!.recipients[0]!.party.id).toBe('org-gz-psb');
      expect(final.context.lateFlags).toEqual([]);
      await maybeRecordHistory(h, 'leak-network-operator');
    });
  });

  it('a network operator reporting to a secrecy authority: that authority relays it tier by tier within 24 hours (Law 34; Regs 39; Regs 61 para 2)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const net = { id: 'ent-gz-net' };
      const h = await p.start('leak', leak({ organId: 'ent-gz-net', variant: 'network-operator', receiverId: 'auth-440000' }), net);
      await p.sleepUntil('2025-09-30T15:00:00Z');
      const r = await p.send(h, 'REPORT_TO_RECEIVER', net);
      expect(r.state).toBe('operatorFollowUp');
      expect(r.deadlines.find((d) => d.specId === 'report-receiver')!.status).toBe('met_late');
      const relay = r.deadlines.find((d) => d.specId === 'relay' && d.status === 'running')!;
      expect(relay).toMatchObject({ responsible: { id: 'auth-440000' }, basis: 'Regs 61 para 2' });
      expect((await p.view(h)).context.lateFlags).toEqual([
        expect.objectContaining({ deadlineId: 'report-receiver', consequences: [expect.objectContaining({ basis: 'Law 59' })] }),
      ]);
      // Edition 4: the relay at the national authority does not close it; the receiving authority's handling does (Regs 60).
      expect((await p.send(h, 'RELAY', { id: 'auth-440000' })).closed).toBe(false);
      await p.send(h, 'ORDER_STOP', { id: 'auth-440000' }, { order: '立即删除相关信息' });
      expect((await p.send(h, 'CONCLUDE_NO_ACTION', { id: 'auth-440000' }, { note: '已处置，无需追究责任' })).closed).toBe(true);
    });
  });
});
