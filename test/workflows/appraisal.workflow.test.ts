import { describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { eventRejection, startRefusal } from '../../api/procedure-client.js';
import { PolicySchema } from '../../domain/policy.js';
import { firedAt, maybeRecordHistory, withProcedureEnv, type ProcedureEnv } from '../support/procedure-env.js';
import { SA } from '../../workflows/search-attributes.js';

const court = { id: 'org-gz-procuratorate' }; // a municipal procuratorate in Guangdong
const authority = { id: 'auth-440000' };
/** The authority's head (负责人) acting in person: the one who may approve an extension (Regs 63 para 2). */
const head = { id: 'auth-440000', name: '广东省国家保密局', person: { sub: 'gd-head', name: '张某（局长）' }, roles: ['head' as const] };
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
  it('accepted 2025-09-01, with a 7-day expert suspension counted in calendar days and one extension, is due at the end of 2025-11-07; a second extension is refused', async () => {
    await withProcedureEnv('2025-08-29T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      const v = await p.view(h);
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000' } }); // local applicant → its provincial authority
      expect(v.state).toBe('underReview');
      // The review has its period: 10 days from the application (鉴定工作规定, local policy).
      expect(v.deadlines).toMatchObject([
        { specId: 'review', policy: true, n: 10, from: '2025-08-29', lastDay: '2025-09-08', basis: '本地策略（国家秘密鉴定工作规定）' },
      ]);

      await p.sleepUntil('2025-09-01T02:00:00Z');
      let r = await p.send(h, 'ACCEPT', authority);
      expect(r.deadlines.find((d) => d.specId === 'review')!.status).toBe('met');
      const first = r.deadlines.find((d) => d.specId === 'conclusion')!;
      expect(first).toMatchObject({ from: '2025-09-01', nominalLastDay: '2025-10-01', lastDay: '2025-10-09', basis: 'Regs 63 para 2' });

      await p.sleepUntil('2025-09-10T02:00:00Z');
      r = await p.send(h, 'START_CONSULTATION', authority, { reason: '技术问题', expert: '某研究所专家' });
      expect(r.activeStates).toEqual(['appraising.consulting']);
      expect(r.deadlines.find((d) => d.specId === 'conclusion' && d.status !== 'superseded')!.status).toBe('suspended');
      // The reply period is local policy (consultationReplyDays): shown with its 本地策略 badge.
      expect(r.deadlines.find((d) => d.specId === 'consultation-reply')).toMatchObject({
        policy: true,
        n: 15,
        from: '2025-09-10',
        lastDay: '2025-09-25',
        basis: '本地策略（国家秘密鉴定工作规定）',
      });
      expect((await h.describe()).typedSearchAttributes.get(SA.deadlineStatus)).toBe('on_track'); // the reply clock runs

      await p.sleepUntil('2025-09-17T02:00:00Z');
      r = await p.send(h, 'END_CONSULTATION', authority);
      const resumed = r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')!;
      expect(resumed.suspensions).toEqual([
        { from: '2025-09-10', to: '2025-09-17', reason: '专家咨询：技术问题', basis: 'Regs 63 para 2' },
      ]);
      expect(resumed.lastDay).toBe('2025-10-09'); // 37 days end on 10-08, in the holiday: moved to 10-09

      await p.sleepUntil('2025-10-08T02:00:00Z');
      r = await p.send(h, 'EXTEND', head, { reason: '鉴定事项复杂' });
      const extended = r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')!;
      expect(extended).toMatchObject({ lastDay: '2025-11-07', dueAt: '2025-11-07T16:00:00.000Z', budget: 67 });
      // The approver is the head who sent it (经负责人批准), not a name typed in.
      expect(extended.extensions).toEqual([{ days: 30, approver: '张某（局长）', reason: '鉴定事项复杂', basis: 'Regs 63 para 2' }]);

      const again = await p.send(h, 'EXTEND', head, { reason: '再次延长' }).then(() => undefined, eventRejection);
      expect(again).toMatchObject({ code: 'guard-refused', state: 'appraising' });

      // Every conclusion per item; an incomplete set is refused.
      const partial = await p
        .send(h, 'CONCLUDE', head, { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] })
        .then(() => undefined, eventRejection);
      expect(partial?.code).toBe('guard-refused');
      r = await p.send(h, 'CONCLUDE', head, {
        conclusions: [
          { ref: 'A1', outcome: 'state-secret', level: 'secret' },
          { ref: 'A2', outcome: 'not-secret' },
        ],
      });
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
      const late = await p.send(h, 'EXTEND', head, { reason: '逾期后申请' }).then(() => undefined, eventRejection);
      expect(late?.code).toBe('guard-refused');
      const v = await p.view(h);
      const escalation = v.inbox.find((i) => i.kind === 'escalation')!;
      expect(firedAt(escalation.at, '2025-10-09T16:00:00Z')).toBe(true);
      expect(escalation.recipients[0]!.party.id).toBe('auth-000000');
    });
  });

  it('restarts the review period from the day amended materials are complete; a rejection can be objected to and is re-reviewed within 10 days (鉴定工作规定, local policy)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      let r = await p.send(h, 'REQUEST_AMENDMENT', authority, { missing: '缺少送鉴材料清单' });
      expect(r.deadlines).toMatchObject([{ specId: 'review', from: '2025-08-29', status: 'met' }]);
      await p.sleepUntil('2025-09-05T02:00:00Z');
      r = await p.send(h, 'AMENDED', court);
      expect(r.state).toBe('underReview');
      expect((await p.view(h)).context.reviewFrom).toBe('2025-09-05');
      expect(r.deadlines.find((d) => d.status === 'running')).toMatchObject({
        specId: 'review',
        policy: true,
        from: '2025-09-05',
        lastDay: '2025-09-15',
      });
      await p.send(h, 'REJECT', authority, { reason: '不属于鉴定范围' });
      r = await p.send(h, 'OBJECT', court, { reason: '属于鉴定范围' });
      expect(r.deadlines.find((d) => d.specId === 'rejection-review')).toMatchObject({
        policy: true,
        n: 10,
        from: '2025-09-05',
        lastDay: '2025-09-15',
      });
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

  it('an extension during an open expert consultation is in time while the deadline as suspended has not passed (Regs 63 para 2 专家咨询等时间不计入)', async () => {
    await withProcedureEnv('2025-11-03T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', { ...application, appliedOn: '2025-11-03' }, court);
      let r = await p.send(h, 'ACCEPT', authority);
      expect(r.deadlines.find((d) => d.specId === 'conclusion')).toMatchObject({ lastDay: '2025-12-03' });
      await p.sleepUntil('2025-11-28T02:00:00Z');
      await p.send(h, 'START_CONSULTATION', authority, { reason: '技术问题', expert: '某研究所专家' });
      // 12-05: past the recorded 12-03, but 7 days have stood still; no overdue alarm fired meanwhile.
      await p.sleepUntil('2025-12-05T02:00:00Z');
      expect((await p.view(h)).inbox.filter((i) => i.kind === 'escalation')).toEqual([]);
      r = await p.send(h, 'EXTEND', head, { reason: '鉴定事项复杂' });
      expect(r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'suspended')!.extensions).toHaveLength(1);
      await p.sleepUntil('2025-12-08T02:00:00Z');
      r = await p.send(h, 'END_CONSULTATION', authority);
      // 30 + 30 + 10 suspended days from 11-03.
      expect(r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')).toMatchObject({
        lastDay: '2026-01-12',
        budget: 70,
      });
    });
  });

  // The same consultation, 2025-11-10 10:00 to 2025-11-14 16:00 Beijing time, under each policy setting (SPEC §2 Suspension).
  const consultation = async (p: ProcedureEnv) => {
    const h = await p.start('appraisal', { ...application, appliedOn: '2025-11-03' }, court);
    await p.send(h, 'ACCEPT', authority);
    await p.sleepUntil('2025-11-10T02:00:00Z');
    await p.send(h, 'START_CONSULTATION', authority, { reason: '技术问题', expert: '某研究所专家' });
    await p.sleepUntil('2025-11-14T08:00:00Z');
    const r = await p.send(h, 'END_CONSULTATION', authority);
    return r.deadlines.find((d) => d.specId === 'conclusion' && d.status === 'running')!;
  };

  it('suspensionCounting calendar-days (default): the consultation counts 4 calendar days; the last day 12-07, a Sunday, moves to 12-08', async () => {
    await withProcedureEnv('2025-11-03T02:00:00Z', async (p) => {
      const resumed = await consultation(p);
      expect(resumed.suspensions).toEqual([
        { from: '2025-11-10', to: '2025-11-14', reason: '专家咨询：技术问题', basis: 'Regs 63 para 2' },
      ]);
      expect(resumed).toMatchObject({ nominalLastDay: '2025-12-07', lastDay: '2025-12-08', dueAt: '2025-12-08T16:00:00.000Z' });
    });
  });

  it('suspensionCounting exact (policy): the consultation is recorded by its instants and moves the deadline by 4 days 6 hours, to 2025-12-08 06:00 Beijing time', async () => {
    const deps = { ...loadDeps({}), policy: PolicySchema.parse({ suspensionCounting: 'exact' }) };
    await withProcedureEnv(
      '2025-11-03T02:00:00Z',
      async (p) => {
        const resumed = await consultation(p);
        expect(resumed.suspensions).toHaveLength(1);
        expect(firedAt(resumed.suspensions[0]!.from, '2025-11-10T02:00:00Z')).toBe(true);
        expect(firedAt(resumed.suspensions[0]!.to, '2025-11-14T08:00:00Z')).toBe(true);
        // 2025-12-03 24:00 + 4 d 6 h, to within the milliseconds the events took; calendar days would give 12-08 24:00.
        expect(Math.abs(Date.parse(resumed.dueAt) - Date.parse('2025-12-07T22:00:00Z'))).toBeLessThan(1000);
        expect(resumed.lastDay).toBe('2025-12-08');
      },
      deps,
    );
  });

  it('only a 监察机关 or 司法机关 may apply: another organ is refused with the article, a 监察委员会 applies to its provincial authority (Regs 63 para 1)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const refused = await p
        .start('appraisal', { ...application, applicantId: 'org-gz-bureau' }, { id: 'org-gz-bureau' })
        .then(() => undefined, startRefusal);
      expect(refused).toMatch(/applicantId: 广州市某局 \(org-gz-bureau\) may not apply .*\(Regs 63 para 1\)/);
      const h = await p.start('appraisal', { ...application, applicantId: 'org-gd-supervision' }, { id: 'org-gd-supervision' });
      expect((await p.view(h)).context.parties).toMatchObject({
        applicant: { id: 'org-gd-supervision' },
        authority: { id: 'auth-440000' },
      });
    });
  });

  it('the applicant may withdraw until the conclusion, even during a consultation; the authority is told and the procedure closes', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('appraisal', application, court);
      await p.send(h, 'ACCEPT', authority);
      await p.send(h, 'START_CONSULTATION', authority, { reason: '技术问题', expert: '某研究所专家' });
      const r = await p.send(h, 'WITHDRAW', court, { note: '案件已撤销' });
      expect(r).toMatchObject({ state: 'withdrawn', closed: true });
      const final = await h.result();
      expect(final.inbox.find((i) => i.subject === 'appraisal-withdrawn')!.recipients[0]!.party.id).toBe('auth-440000');
    });
  });
});
