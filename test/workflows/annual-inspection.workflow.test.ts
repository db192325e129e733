import { describe, expect, it } from 'vitest';
import { sendEvent } from '../../api/procedure-client.js';
import { firedAt, maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';
import { SA } from '../../workflows/search-attributes.js';

const ent = { id: 'ent-gz-tech' };
// Granted the licence; its measures are signed by its 负责人 (edition 6, headSignOff, 本地策略).
const authority = { id: 'auth-440000', roles: ['head' as const] };
type Proposals = Array<{ measure: string; basis: string }>;

describe('保密资质年度自检 on the time-skipping server (Regs 48 para 3, Regs 71)', () => {
  it('reminds 30, 7 and 1 days before the 31 March due date (local policy)', async () => {
    await withProcedureEnv('2026-01-01T00:00:00Z', async (p) => {
      const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2025 }, ent);
      let v = await p.view(h);
      expect(v.deadlines[0]).toMatchObject({
        specId: 'annual-report',
        lastDay: '2026-03-31',
        responsible: { id: 'ent-gz-tech' },
        basis: 'Regs 48 para 3',
      });
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000' } });
      await p.sleepUntil('2026-03-31T00:00:00Z');
      v = await p.view(h);
      const reminders = v.audit.filter((a) => a.kind === 'reminder').map((a) => a.at);
      expect(reminders).toHaveLength(3);
      ['2026-03-01T16:00:00Z', '2026-03-24T16:00:00Z', '2026-03-30T16:00:00Z'].forEach((at, i) =>
        expect(firedAt(reminders[i]!, at), reminders[i]).toBe(true),
      );
      await p.send(h, 'SUBMIT_REPORT', ent);
      const r = await p.send(h, 'ACCEPT', authority);
      expect(r.closed).toBe(true);
    });
  });

  it('a report never filed: at the due date the escalation goes to the authority that granted the licence (Regs 48 para 3), which orders rectification (Regs 71 para 1)', async () => {
    await withProcedureEnv('2026-01-01T00:00:00Z', async (p) => {
      const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2025 }, ent);
      expect((await p.view(h)).deadlines[0]).toMatchObject({ specId: 'annual-report', policy: true });
      await p.sleepUntil('2026-03-31T16:00:30Z');
      const v = await p.view(h);
      expect(v.state).toBe('reportOverdue');
      expect(v.deadlines.find((d) => d.specId === 'annual-report')!.status).toBe('lapsed');
      const escalations = v.inbox.filter((e) => e.kind === 'escalation');
      expect(escalations).toHaveLength(1);
      expect(firedAt(escalations[0]!.at, '2026-03-31T16:00:00Z')).toBe(true);
      // The granting (provincial) authority, not the enterprise's county authority auth-440106.
      expect(escalations[0]!.recipients.map((r) => [r.party.id, r.role])).toEqual([['auth-440000', 'named-authority']]);
      expect(v.audit.find((a) => a.kind === 'escalation')!.summary).toContain('Regs 48 para 3');
      expect((await h.describe()).typedSearchAttributes.get(SA.responsible)).toBe('auth-440000');
      const r = await p.send(h, 'ORDER_RECTIFICATION', authority, { dueDate: '2026-04-30', items: '补报2025年度自检报告' });
      expect(r.state).toBe('rectifying');
      expect(r.deadlines.find((d) => d.specId === 'rectification')).toMatchObject({
        from: '2026-04-01',
        lastDay: '2026-04-30',
        responsible: { id: 'ent-gz-tech' },
        basis: 'Regs 71 para 1',
      });
      await maybeRecordHistory(h, 'annual-inspection-never-filed');
    });
  });

  it('an enterprise that misses its rectification deadline gets a suspension proposal (Regs 71 para 2(2)); suspension end still failing → revocation proposal (para 3(6))', async () => {
    await withProcedureEnv('2026-03-02T02:00:00Z', async (p) => {
      const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2025 }, ent);
      await p.send(h, 'SUBMIT_REPORT', ent);
      const ordered = await p.send(h, 'ORDER_RECTIFICATION', authority, { dueDate: '2026-04-15', items: '涉密载体台账不全' });
      expect(ordered.deadlines.find((d) => d.specId === 'rectification')).toMatchObject({
        from: '2026-03-02',
        lastDay: '2026-04-15',
        responsible: { id: 'ent-gz-tech' },
        basis: 'Regs 71 para 1',
      });
      await p.sleepUntil('2026-04-15T16:00:30Z');
      let v = await p.view(h);
      expect(v.state).toBe('sanctionProposed');
      expect(v.context.proposals).toEqual([
        { measure: 'suspend-or-downgrade', basis: 'Regs 71 para 2(2)', reason: '未按照保密行政管理部门要求时限完成整改', on: '2026-04-16' },
      ]);
      expect(v.deadlines.find((d) => d.specId === 'rectification')!.status).toBe('lapsed');
      expect((await h.describe()).typedSearchAttributes.get(SA.responsible)).toBe('auth-440000');

      await p.send(h, 'SUSPEND_BUSINESS', authority, { until: '2026-06-30', downgrade: false });
      await p.sleepUntil('2026-06-30T16:00:30Z');
      v = await p.view(h);
      expect(v.state).toBe('suspensionEndReview');
      // The end of a suspension is a date, not a duty: no overdue escalation for it.
      expect(v.audit.filter((a) => a.kind === 'escalation' && a.deadlineKey?.startsWith('suspension-end'))).toHaveLength(0);
      await p.send(h, 'SUSPENSION_REVIEW_FAILED', authority, { findings: '仍不符合' });
      v = await p.view(h);
      expect(v.state).toBe('revocationProposed');
      expect((v.context.proposals as Proposals).at(-1)).toMatchObject({ measure: 'revoke', basis: 'Regs 71 para 3(6)' });
      const r = await p.send(h, 'REVOKE', authority);
      expect(r.closed).toBe(true);
      await maybeRecordHistory(h, 'annual-inspection-revoked');
    });
  });

  it('new 涉密业务 during a suspension leads to a revocation proposal (Regs 71 para 3(5))', async () => {
    await withProcedureEnv('2026-03-02T02:00:00Z', async (p) => {
      const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2025 }, ent);
      await p.send(h, 'SUBMIT_REPORT', ent);
      await p.send(h, 'ORDER_RECTIFICATION', authority, { dueDate: '2026-04-15', items: '整改事项' });
      await p.send(h, 'RECTIFICATION_REPORTED', ent, { summary: '已整改' });
      await p.send(h, 'RECTIFICATION_FAILED', authority, { findings: '整改后仍不符合' });
      await p.send(h, 'SUSPEND_BUSINESS', authority, { until: '2026-06-30', downgrade: true });
      const r = await p.send(h, 'NEW_BUSINESS_DURING_SUSPENSION', authority, { findings: '承接新业务' });
      expect(r.state).toBe('revocationProposed');
      const v = await p.view(h);
      expect((v.context.proposals as Proposals).map((x) => x.basis)).toEqual(['Regs 71 para 2(2)', 'Regs 71 para 3(5)']);
      // The downgrade decided with the suspension is told and kept (Regs 71 para 2).
      expect(v.inbox.map((e) => e.subject)).toContain('business-suspended-downgraded');
      expect((v.context.sanctions as Array<{ measure: string }>).map((x) => x.measure)).toEqual(['suspension', 'downgrade']);
    });
  });

  it('a suspension the authority ends on a Saturday ends that Saturday, not moved by 民法典 203: new business on the Sunday is not during it (Regs 71 para 3(5))', async () => {
    await withProcedureEnv('2026-03-02T02:00:00Z', async (p) => {
      const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2025 }, ent);
      await p.send(h, 'SUBMIT_REPORT', ent);
      await p.send(h, 'PROPOSE_SANCTION', authority, { ground: 'Regs 71 para 2(1)', findings: '超范围承接' });
      // 2026-06-27 is a Saturday.
      const r = await p.send(h, 'SUSPEND_BUSINESS', authority, { until: '2026-06-27', downgrade: false });
      expect(r.deadlines.find((d) => d.specId === 'suspension-end')).toMatchObject({
        lastDay: '2026-06-27',
        dueAt: '2026-06-27T16:00:00.000Z',
      });
      await p.sleepUntil('2026-06-27T16:00:30Z');
      expect((await p.view(h)).state).toBe('suspensionEndReview');
      await expect(
        sendEvent(h, {
          type: 'NEW_BUSINESS_DURING_SUSPENSION',
          payload: { findings: '周日承接' },
          actor: authority,
          occurredAt: '2026-06-28T10:00:00+08:00',
        }),
      ).rejects.toThrow();
      const onSaturday = await sendEvent(h, {
        type: 'NEW_BUSINESS_DURING_SUSPENSION',
        payload: { findings: '周六承接' },
        actor: authority,
        occurredAt: '2026-06-27T10:00:00+08:00',
      });
      expect(onSaturday.state).toBe('revocationProposed');
    });
  });

  it('refuses to start for an organ without a 保密资质', async () => {
    await withProcedureEnv('2026-01-01T00:00:00Z', async (p) => {
      await expect(p.start('annual-inspection', { enterpriseId: 'org-gz-bureau', year: 2025 }, { id: 'org-gz-bureau' })).rejects.toThrow();
    });
  });
});
