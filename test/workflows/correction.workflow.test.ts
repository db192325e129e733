import { describe, expect, it } from 'vitest';
import { maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';

const authority = { id: 'auth-440106' };
const organ = { id: 'org-th-office' };
const correction = (over: Record<string, unknown> = {}) => ({
  notifierId: 'auth-440106',
  organId: 'org-th-office',
  matterRef: 'TH-2025-031',
  title: '某会议纪要（非涉密描述）',
  improper: 'determination',
  finding: '定为机密级不当，应为秘密级',
  notifiedOn: '2025-10-08',
  ...over,
});

describe('定密纠正 on the time-skipping server (Law 50; Regs 24)', () => {
  it('a secrecy authority notifies the organ, which corrects within the policy period, tells the holders, changes the markings and reports the correction; an overdue step escalates', async () => {
    await withProcedureEnv('2025-10-08T02:00:00Z', async (p) => {
      const h = await p.start('correction', correction(), authority);
      let v = await p.view(h);
      expect(v.state).toBe('correcting');
      // 10 working days from 2025-10-08 (本地策略), the make-up Saturday 10-11 counted: 2025-10-21.
      expect(v.deadlines[0]).toMatchObject({ specId: 'correction', policy: true, lastDay: '2025-10-21', basis: 'Law 50; Regs 24' });
      expect(v.inbox.find((i) => i.subject === 'correction-notified')!.recipients[0]!.party.id).toBe('org-th-office');
      await p.sleepUntil('2025-10-22T01:00:00Z');
      v = await p.view(h);
      expect(v.audit.some((a) => a.kind === 'escalation' && a.basis === 'Law 50; Regs 24')).toBe(true);
      await p.send(h, 'CORRECT', organ, {
        correction: {
          outcome: 'state-secret',
          classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '会议人员' },
        },
      });
      await p.send(h, 'NOTIFY_HOLDERS', organ, { noticeRef: '天办〔2025〕31号' });
      const r = await p.send(h, 'REPORT_CORRECTION', organ);
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.deadlines.map((d) => [d.specId, d.status])).toEqual([
        ['correction', 'met_late'],
        ['markings', 'met'],
        ['report', 'met'],
      ]);
      expect(final.inbox.find((i) => i.subject === 'correction-reported')!.recipients[0]!.party.id).toBe('auth-440106');
      await maybeRecordHistory(h, 'correction-corrected');
    });
  });
});
