import { describe, expect, it } from 'vitest';
import { maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';

const objector = { id: 'org-gz-institute' };
const classifier = { id: 'org-gz-bureau' };
const objection = (over: Record<string, unknown> = {}) => ({
  objectorId: 'org-gz-institute',
  classifierId: 'org-gz-bureau',
  matterRef: 'GZ-MJ-2025-9',
  title: '某项目资料（非涉密描述）',
  determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' },
  claim: { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' } },
  grounds: '该事项应属机密级',
  filedOn: '2025-09-01',
  ...over,
});

describe('异议处理 on the time-skipping server (Regs 26)', () => {
  it('keeps the interim level at the highest claimed while escalated from the provincial to the national authority, whose decision is final', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      let v = await p.view(h);
      // Regs 26 para 3: the highest claimed level (机密) and the longest claimed term (10 years).
      expect(v.context.interim).toEqual({ level: 'secret', term: { kind: 'years', years: 10 }, basis: 'Regs 26 para 3' });
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000' } });
      expect(v.deadlines[0]).toMatchObject({ specId: 'classifier-window', policy: true, n: 20 });

      await p.send(h, 'CLASSIFIER_DECIDE', classifier, { determination: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' } } });
      await p.send(h, 'ESCALATE', objector);
      v = await p.view(h);
      expect(v.state).toBe('underAuthorityReview');
      expect(v.context.interim).toMatchObject({ level: 'secret' });

      await p.send(h, 'AUTHORITY_DECIDE', { id: 'auth-440000' }, { determination: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 8 }, scope: '项目组' } } });
      v = await p.view(h);
      expect(v.state).toBe('provincialDecided'); // not final: appealable
      expect(v.context.interim).toMatchObject({ level: 'secret', term: { kind: 'years', years: 10 } });

      await p.send(h, 'APPEAL', objector);
      v = await p.view(h);
      expect(v.state).toBe('underNationalReview');
      expect(v.responsible?.id).toBe('auth-000000');
      expect(v.context.interim).toMatchObject({ level: 'secret' }); // still the highest claimed
      expect((await h.describe()).searchAttributes.BmResponsible).toEqual(['auth-000000']);

      const r = await p.send(h, 'NATIONAL_DECIDE', { id: 'auth-000000' }, { determination: { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' } } });
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.context.interim).toBeUndefined();
      expect(final.context.final).toMatchObject({ by: 'national', basis: 'Regs 26 para 2(2)', determination: { classification: { level: 'secret' } } });
      await maybeRecordHistory(h, 'objection-appealed');
    });
  });

  it('when the original classifier lets the 20-working-day window pass, 未予处理 holds and the objector escalates; a top-secret matter goes to the national authority', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection({ determined: { level: 'top-secret', term: { kind: 'years', years: 30 }, scope: '限定人员' }, claim: { outcome: 'not-secret' } }), objector);
      let v = await p.view(h);
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-000000' } });
      expect(v.deadlines[0]!.lastDay).toBe('2025-09-28'); // the 20th working day is the make-up Sunday
      await p.sleepUntil('2025-09-28T16:00:30Z');
      v = await p.view(h);
      expect(v.state).toBe('unanswered');
      expect(v.context.unanswered).toBe(true);
      expect(v.deadlines[0]!.status).toBe('lapsed');
      expect(v.inbox.some((i) => i.subject === 'unanswered' && i.recipients[0]!.party.id === 'org-gz-institute')).toBe(true);
      await p.send(h, 'ESCALATE', objector);
      const r = await p.send(h, 'AUTHORITY_DECIDE', { id: 'auth-000000' }, { determination: { outcome: 'not-secret' } });
      expect(r.closed).toBe(true); // a national decision is final at once
      await maybeRecordHistory(h, 'objection-unanswered');
    });
  });

  it('the objector may withdraw; the interim protection ends with it', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      const r = await p.send(h, 'WITHDRAW', objector, { note: '撤回' });
      expect(r.state).toBe('withdrawn');
      expect((await h.result()).context.interim).toBeUndefined();
    });
  });
});
