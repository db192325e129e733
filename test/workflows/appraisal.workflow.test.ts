import { describe, expect, it } from 'vitest';
import { eventRejection } from '../../api/procedure-client.js';
import { firedAt, maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';

const court = { id: 'org-gz-procuratorate' }; // a municipal procuratorate in Guangdong
const authority = { id: 'auth-440000' };
const application = {
  applicantId: 'org-gz-procuratorate',
  caseRef: '穗检-2025-88',
  appliedOn: '2025-08-29',
  items: [
    { ref: 'A1', description: '文件甲（非涉密描述）' },
    { ref: 'A2', description: '文件乙（非涉密描述）' },
  ],
};

describe('国家秘密鉴定 on the time-skipping server (Regs 63)', () => {
  it('accepted 2025-09-01, with a 7-day expert suspension and one extension, is due at the end of 2025-11-07; a second extension is refused', async () => {
    await withProcedureEnv('2025-08-29T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      let v = await p.view(h);
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000' } }); // local applicant → its provincial authority
      expect(v.state).toBe('underReview');

      await p.sleepUntil('2025-09-01T02:00:00Z');
      let r = await p.send(h, 'ACCEPT', authority);
      const first = r.deadlines.find((d) => d.specId === 'conclusion')!;
      expect(first).toMatchObject({ from: '2025-09-01', nominalLastDay: '2025-10-01', lastDay: '2025-10-09', basis: 'Regs 63 para 2' });

      await p.sleepUntil('2025-09-10T02:00:00Z');
      r = await p.send(h, 'START_CONSULTATION', authority, { reason: '技术问题', expert: '某研究所专家' });
      expect(r.activeStates).toEqual(['appraising.consulting']);
      expect(r.deadlines.find((d) => d.specId === 'conclusion' && d.status !== 'superseded')!.status).toBe('suspended');
      // The consultation has its own reply deadline: 15 days (local policy).
      expect(r.deadlines.find((d) => d.specId === 'consultation-reply')).toMatchObject({ policy: false, n: 15, from: '2025-09-10', lastDay: '2025-09-25' });
      expect((await h.describe()).searchAttributes.BmDeadlineStatus).toEqual(['on_track']); // the reply clock runs

      await p.sleepUntil('2025-09-17T02:00:00Z');
      r = await p.send(h, 'END_CONSULTATION', authority);
      const resumed = r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')!;
      expect(resumed.suspensions).toEqual([{ from: '2025-09-10', to: '2025-09-17', reason: '专家咨询：技术问题', basis: 'Regs 63 para 2' }]);
      expect(resumed.lastDay).toBe('2025-10-09'); // 37 days end on 10-08, in the holiday: moved to 10-09

      await p.sleepUntil('2025-10-08T02:00:00Z');
      r = await p.send(h, 'EXTEND', authority, { approver: '广东省国家保密局负责人', reason: '鉴定事项复杂' });
      const extended = r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')!;
      expect(extended).toMatchObject({ lastDay: '2025-11-07', dueAt: '2025-11-07T16:00:00.000Z', budget: 67 });
      expect(extended.extensions).toEqual([{ days: 30, approver: '广东省国家保密局负责人', reason: '鉴定事项复杂', basis: 'Regs 63 para 2' }]);

      const again = await p.send(h, 'EXTEND', authority, { approver: '负责人', reason: '再次延长' }).then(() => undefined, eventRejection);
      expect(again).toMatchObject({ code: 'guard-refused', state: 'appraising' });

      // Every conclusion per item; an incomplete set is refused.
      const partial = await p.send(h, 'CONCLUDE', authority, { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] }).then(() => undefined, eventRejection);
      expect(partial?.code).toBe('guard-refused');
      r = await p.send(h, 'CONCLUDE', authority, { conclusions: [{ ref: 'A1', outcome: 'state-secret', level: 'secret' }, { ref: 'A2', outcome: 'not-secret' }] });
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.deadlines.find((d) => d.specId === 'conclusion' && d.status !== 'superseded')!.status).toBe('met');
      expect(final.inbox.find((i) => i.subject === 'appraisal-concluded')!.recipients[0]!.party.id).toBe('org-gz-procuratorate');
      await maybeRecordHistory(h, 'appraisal-extended');
    });
  });

  it('refuses the extension once the deadline has passed, and escalates the overdue appraisal to the national authority', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      await p.send(h, 'ACCEPT', authority);
      await p.sleepUntil('2025-10-09T16:00:30Z');
      const late = await p.send(h, 'EXTEND', authority, { approver: '负责人', reason: '逾期后申请' }).then(() => undefined, eventRejection);
      expect(late?.code).toBe('guard-refused');
      const v = await p.view(h);
      const escalation = v.inbox.find((i) => i.kind === 'escalation')!;
      expect(firedAt(escalation.at, '2025-10-09T16:00:00Z')).toBe(true);
      expect(escalation.recipients[0]!.party.id).toBe('auth-000000');
    });
  });

  it('restarts the review after amended materials; a rejection can be objected to and is re-reviewed within 10 days (local policy)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      await p.send(h, 'REQUEST_AMENDMENT', authority, { missing: '缺少送鉴材料清单' });
      await p.sleepUntil('2025-09-05T02:00:00Z');
      let r = await p.send(h, 'AMENDED', court);
      expect(r.state).toBe('underReview');
      expect((await p.view(h)).context.reviewFrom).toBe('2025-09-05');
      await p.send(h, 'REJECT', authority, { reason: '不属于鉴定范围' });
      r = await p.send(h, 'OBJECT', court, { reason: '属于鉴定范围' });
      expect(r.deadlines.find((d) => d.specId === 'rejection-review')).toMatchObject({ policy: true, n: 10, from: '2025-09-05', lastDay: '2025-09-15' });
      r = await p.send(h, 'REVIEW_ACCEPT', authority);
      expect(r.state).toBe('appraising');
      await maybeRecordHistory(h, 'appraisal-amended-rejected');
    });
  });

  it('routes a central-level applicant to the national authority (Regs 63 para 1)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', { ...application, applicantId: 'org-spp' }, { id: 'org-spp' });
      expect((await p.view(h)).context.parties).toMatchObject({ authority: { id: 'auth-000000' } });
    });
  });
});
