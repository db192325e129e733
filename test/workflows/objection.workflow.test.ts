import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';
import { SA } from '../../workflows/search-attributes.js';

const objector = { id: 'org-gz-institute' };
const classifier = { id: 'org-gz-bureau' };
// The authorities' 负责人: their decisions are signed by the head (edition 5, policy headSignOff, 本地策略).
const provincial = { id: 'auth-440000', roles: ['head' as const] };
const national = { id: 'auth-000000', roles: ['head' as const] };
const objection = (over: Record<string, unknown> = {}) => ({
  objectorId: 'org-gz-institute',
  classifierId: 'org-gz-bureau',
  matterRef: 'GZ-MJ-2025-9',
  title: '某项目资料（非涉密描述）',
  determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组', since: '2024-03-01' },
  claim: { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' } },
  grounds: '该事项应属机密级',
  filedOn: '2025-09-01',
  ...over,
});
const decision = (level: string, years: number) => ({
  determination: { outcome: 'state-secret', classification: { level, term: { kind: 'years', years }, scope: '项目组' } },
});
const refusal = (e: unknown) => ((e as WorkflowUpdateFailedError).cause as { details?: Array<{ code: string }> }).details?.[0]?.code;

describe('异议处理 on the time-skipping server (Regs 26)', () => {
  it('protects at the highest claimed level and longest term while a decision is pending, applies each decision until it is taken further, and the final decision that changes the classification is told to the holders', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      let v = await p.view(h);
      // Regs 26 para 3: the highest claimed level (机密); the longest claimed term (policy), its 10 years from the determined start (Regs 19 para 2).
      expect(v.context.interim).toEqual({
        level: 'secret',
        term: { kind: 'years', years: 10 },
        since: '2024-03-01',
        endsOn: '2034-03-01',
        basis: 'Regs 26 para 3',
      });
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000' } });
      expect(v.deadlines[0]).toMatchObject({ specId: 'classifier-window', policy: true, n: 20 });

      await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('confidential', 5));
      v = await p.view(h);
      // The decision applies until it is taken further (在…作出决定前 only).
      expect(v.context.interim).toBeUndefined();
      expect(v.context.inForce).toMatchObject({ by: 'classifier', on: '2025-09-01' });
      expect(v.deadlines.at(-1)).toMatchObject({
        specId: 'objector-choice',
        policy: true,
        n: 10,
        responsible: { id: 'org-gz-institute' },
        basis: 'Regs 26 para 2',
      });

      await p.send(h, 'ESCALATE', objector);
      v = await p.view(h);
      expect(v.state).toBe('underAuthorityReview');
      expect(v.context.interim).toMatchObject({ level: 'secret' });
      expect(v.context.route).toMatchObject({ tier: 'provincial', basis: 'Regs 26 para 2(2)' });
      expect(v.deadlines.at(-1)).toMatchObject({ specId: 'authority-review', policy: true, n: 20, responsible: { id: 'auth-440000' } });

      await p.send(h, 'AUTHORITY_DECIDE', provincial, decision('confidential', 8));
      v = await p.view(h);
      expect(v.state).toBe('provincialDecided'); // not final: it may be taken to the national authority
      expect(v.context.interim).toBeUndefined();
      expect(v.context.inForce).toMatchObject({
        by: 'authority',
        determination: { classification: { level: 'confidential', term: { years: 8 } } },
      });
      expect(v.deadlines.at(-1)).toMatchObject({
        specId: 'appeal-choice',
        policy: true,
        responsible: { id: 'org-gz-institute' },
        basis: 'Regs 26 para 2(2)',
      });

      await p.send(h, 'APPEAL', objector);
      v = await p.view(h);
      expect(v.state).toBe('underNationalReview');
      expect(v.responsible?.id).toBe('auth-000000');
      expect(v.context.interim).toMatchObject({ level: 'secret' }); // pending again: the highest claimed
      expect(v.deadlines.at(-1)).toMatchObject({ specId: 'national-review', responsible: { id: 'auth-000000' } });
      expect((await h.describe()).typedSearchAttributes.get(SA.responsible)).toBe('auth-000000');

      // The national authority raises it to 机密: the original classifier tells the holders and changes the markings.
      let r = await p.send(h, 'NATIONAL_DECIDE', national, decision('secret', 10));
      expect(r.state).toBe('changingMarkings');
      expect(r.deadlines.at(-1)).toMatchObject({
        specId: 'markings',
        policy: true,
        n: 5,
        responsible: { id: 'org-gz-bureau' },
        basis: 'Law 23 para 2; Regs 21 para 1',
      });
      v = await p.view(h);
      expect(v.inbox.filter((i) => i.recipients[0]?.party.id === 'org-gz-bureau').map((i) => i.subject)).toEqual(
        expect.arrayContaining(['objection-final', 'markings-change-due']),
      );
      r = await p.send(h, 'NOTIFY_HOLDERS', classifier, { noticeRef: '穗保〔2025〕9号' });
      expect(r.closed).toBe(true);
      const final = await h.result();
      // A change: the written notice of Law 23 para 2 and the markings of Regs 21 para 1.
      expect(final.audit.find((a) => a.event?.type === 'NOTIFY_HOLDERS')!.basis).toBe('Law 23 para 2; Regs 21 para 1');
      expect(final.context.interim).toBeUndefined();
      expect(final.context.final).toMatchObject({
        by: 'national',
        basis: 'Regs 26 para 2(2)',
        determination: { classification: { level: 'secret' } },
      });
      await maybeRecordHistory(h, 'objection-appealed');
    });
  });

  it('when the original classifier lets the 20-working-day window pass, 未予处理 holds and the objector escalates; a top-secret matter goes to the national authority, whose "not a secret" removes the markings', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start(
        'objection',
        objection({
          determined: { level: 'top-secret', term: { kind: 'years', years: 30 }, scope: '限定人员' },
          claim: { outcome: 'not-secret' },
        }),
        objector,
      );
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
      let r = await p.send(h, 'AUTHORITY_DECIDE', national, { determination: { outcome: 'not-secret' } });
      expect(r.state).toBe('removingMarkings'); // Law 22 para 3: 解除国家秘密标志
      r = await p.send(h, 'NOTIFY_HOLDERS', classifier);
      expect(r.closed).toBe(true);
      // A removal: Law 22 para 3, the notice local policy; not Law 23 para 2, which covers changes only.
      const audit = (await h.result()).audit;
      expect(audit.find((a) => a.event?.type === 'NOTIFY_HOLDERS')!.basis).toBe('Law 22 para 3; 本地策略');
      await maybeRecordHistory(h, 'objection-unanswered');
    });
  });

  it('an escalation after the classifier raised the level goes to the national authority, which is notified and must decide (Regs 26 para 2)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start(
        'objection',
        objection({
          determined: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
          claim: { outcome: 'not-secret' },
        }),
        objector,
      );
      expect(((await p.view(h)).context.parties as Record<string, { id: string }>).authority!.id).toBe('auth-440000'); // the route of the determined level
      await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('top-secret', 10));
      await p.send(h, 'ESCALATE', objector);
      const v = await p.view(h);
      expect(v.context.route).toMatchObject({
        tier: 'national',
        basis: 'Regs 26 para 2(1)',
        reason: expect.stringContaining('变更为绝密级'),
      });
      expect(v.responsible?.id).toBe('auth-000000');
      expect(v.inbox.find((i) => i.subject === 'objection-escalated')!.recipients[0]!.party.id).toBe('auth-000000');
      expect(v.deadlines.at(-1)).toMatchObject({ specId: 'authority-review', responsible: { id: 'auth-000000' } });
      expect(refusal(await p.send(h, 'AUTHORITY_DECIDE', provincial, decision('secret', 10)).catch((e: unknown) => e))).toBe(
        'not-authorized',
      );
      const r = await p.send(h, 'AUTHORITY_DECIDE', national, decision('top-secret', 10));
      expect(r.state).toBe('changingMarkings'); // a national decision ends it; it changed the level
      await maybeRecordHistory(h, 'objection-rerouted');
    });
  });

  it('a top-secret matter lowered to secret by a non-central classifier goes to the provincial authority; the objector, not the original classifier, may take its decision to the national authority (Regs 26 para 2(2))', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start(
        'objection',
        objection({
          determined: { level: 'top-secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
          claim: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' } },
        }),
        objector,
      );
      expect(((await p.view(h)).context.parties as Record<string, { id: string }>).authority!.id).toBe('auth-000000');
      await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('secret', 10));
      await p.send(h, 'ESCALATE', objector);
      let v = await p.view(h);
      expect(v.context.route).toMatchObject({ tier: 'provincial', basis: 'Regs 26 para 2(2)' });
      expect(v.inbox.find((i) => i.subject === 'objection-escalated')!.recipients[0]!.party.id).toBe('auth-440000');
      await p.send(h, 'AUTHORITY_DECIDE', provincial, decision('confidential', 5));
      // Edition 4: para 2's subject is the objecting organ; the classifier's appeal is refused as not its to send
      // (EventSpec.narrowed: the same senders the page offers), naming the rule, nothing recorded.
      expect(refusal(await p.send(h, 'APPEAL', classifier).catch((e: unknown) => e))).toBe('not-authorized');
      expect((await p.view(h)).allowedEvents.find((e) => e.type === 'APPEAL')?.by).toEqual(['objector']);
      await p.send(h, 'APPEAL', objector);
      v = await p.view(h);
      expect(v.state).toBe('underNationalReview');
      expect(v.context.appealedBy).toBe('objector');
      expect(v.inbox.find((i) => i.subject === 'objection-appealed')!.recipients[0]!.party.id).toBe('auth-000000');
    });
  });

  it('the authority’s review has a policy deadline with reminders, and its overdue step escalates one tier up (Regs 26 para 2; SPEC §4)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('confidential', 5));
      await p.send(h, 'ESCALATE', objector);
      const due = (await p.view(h)).deadlines.find((d) => d.specId === 'authority-review')!;
      expect(due).toMatchObject({ lastDay: '2025-09-28', status: 'running' }); // 20 working days from 2025-09-01 (local policy)
      await p.sleepUntil('2025-09-28T16:00:30Z');
      const v = await p.view(h);
      expect(v.state).toBe('underAuthorityReview'); // the deadline moves nothing by itself
      const key = v.deadlines.find((d) => d.specId === 'authority-review')!.key;
      expect(v.audit.filter((a) => a.kind === 'reminder' && a.deadlineKey === key).length).toBeGreaterThanOrEqual(3); // 50%, 80%, due
      const escalation = v.inbox.find((i) => i.kind === 'escalation' && i.deadlineKey === key)!;
      expect(escalation.recipients.map((r) => [r.party.id, r.role])).toEqual([['auth-000000', 'higher-authority']]);
    });
  });

  it('the objector’s acceptance makes the provincial decision final at once: no one else appeals (Regs 26 para 2(2))', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('confidential', 5));
      await p.send(h, 'ESCALATE', objector);
      await p.send(h, 'AUTHORITY_DECIDE', provincial, decision('confidential', 5));
      const window = (await p.view(h)).deadlines.find((d) => d.specId === 'appeal-choice')!;
      expect(window.status).toBe('running');
      const r = await p.send(h, 'ACCEPT', objector);
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.state).toBe('decided');
      expect(final.context.final).toMatchObject({ by: 'authority', basis: 'Regs 26 para 2(2)' });
    });
  });

  it('an objector who never chooses lets the classifier’s changed decision stand: the holders are told, the period counted from that decision (Regs 26 para 1; Law 23 para 2)', async () => {
    await withProcedureEnv('2025-09-01T02:00:00Z', async (p) => {
      const h = await p.start('objection', objection(), objector);
      const r = await p.send(h, 'CLASSIFIER_DECIDE', classifier, decision('secret', 10));
      const choice = r.deadlines.find((d) => d.specId === 'objector-choice')!;
      await p.sleepUntil(new Date(Date.parse(choice.dueAt) + 30_000).toISOString());
      const v = await p.view(h);
      expect(v.state).toBe('changingMarkings');
      expect(v.context).toMatchObject({ changedOn: '2025-09-01', final: { by: 'classifier', on: '2025-09-01' } });
      expect(v.deadlines.at(-1)).toMatchObject({ specId: 'markings', from: '2025-09-01', responsible: { id: 'org-gz-bureau' } });
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
