import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type ActivityFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarSource, loadDeps } from '../../activities/deps.js';
import { recomputeDeadlinesUpdate } from '../../workflows/messages.js';
import { sendEvent, sendOperatorUpdate } from '../../api/procedure-client.js';
import { firedAt, maybeRecordHistory, withProcedureEnv } from '../support/procedure-env.js';
import { SA } from '../../workflows/search-attributes.js';

const WF = 'unclear-matter';
const organ = { id: 'org-gz-bureau', name: '广州市某局' };
// The authorities' 负责人: a determination is signed by the head (edition 5, policy headSignOff, 本地策略).
const provincial = { id: 'auth-440000', roles: ['head' as const] };
const national = { id: 'auth-000000', roles: ['head' as const] };

const matter = (over: Record<string, unknown> = {}) => ({
  organId: 'org-gz-bureau',
  matterRef: 'GZ-2025-017',
  title: '某项目技术参数（非涉密描述）',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '本局项目组' },
  draftedOn: '2025-09-26',
  protectiveMeasures: '按机密级采取保密措施',
  ...over,
});

const at = (iso: string) => new Date(iso).toISOString();
const expectFired = (actual: string[], expected: string[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(firedAt(a, expected[i]!), `${a} should be at ${expected[i]}`).toBe(true));
};

describe('不明确事项报送 on the time-skipping server (Regs 25)', () => {
  it('a report drafted on 2025-09-26 is due 2025-10-16 24:00 Beijing time; reminders and the overdue escalation fire at their instants', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start(WF, matter(), organ);
      let v = await p.view(h);
      expect(v.state).toBe('awaitingReport');
      expect(v.deadlines[0]).toMatchObject({
        specId: 'report',
        lastDay: '2025-10-16',
        dueAt: at('2025-10-16T16:00:00Z'),
        basis: 'Regs 25 para 1',
        provisional: false,
      });
      expect(v.context.parties).toMatchObject({ authority: { id: 'auth-440000', tier: 'provincial' } });

      // 50%: the end of the 5th working day (2025-10-10 24:00 Beijing time); not a moment before.
      await p.sleepUntil('2025-10-10T15:59:00Z');
      expect((await p.view(h)).audit.filter((a) => a.kind === 'reminder')).toHaveLength(0);
      await p.sleepUntil('2025-10-17T16:00:30Z');
      v = await p.view(h);
      const reminders = v.audit.filter((a) => a.kind === 'reminder').map((a) => a.at);
      expectFired(reminders, ['2025-10-10T16:00:00Z', '2025-10-14T16:00:00Z', '2025-10-16T16:00:00Z', '2025-10-17T16:00:00Z']);
      const escalations = v.inbox.filter((i) => i.kind === 'escalation');
      expectFired(
        escalations.map((e) => e.at),
        ['2025-10-16T16:00:00Z', '2025-10-17T16:00:00Z'],
      );
      // SPEC §1 ladder: the organ's secrecy officer first, then its superior organ and same-level authority.
      expect(escalations[0]!.recipients.map((r) => [r.party.id, r.role])).toEqual([['org-gz-bureau', 'secrecy-officer']]);
      expect(escalations[1]!.recipients.map((r) => [r.party.id, r.role])).toEqual([
        ['org-gd-dept', 'superior-organ'],
        ['auth-440100', 'same-level-authority'],
      ]);
      expect(v.audit.filter((a) => a.kind === 'escalation').every((a) => a.basis === 'Regs 25 para 1')).toBe(true);
      // The reminders never moved the deadline.
      expect(v.deadlines[0]!.dueAt).toBe(at('2025-10-16T16:00:00Z'));
      const sa = (await h.describe()).typedSearchAttributes;
      expect(sa.get(SA.deadlineStatus)).toBe('overdue');
      expect(sa.get(SA.state)).toBe('awaitingReport');
      expect(sa.get(SA.responsible)).toBe('org-gz-bureau');
      await maybeRecordHistory(h, 'unclear-matter-overdue');
    });
  });

  it('a report submitted in time stops its reminders; the authority decides within 10 working days of receipt and files while the organ tells the holders (Law 23 para 2), and the procedure closes', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start(WF, matter(), organ);
      await p.sleepUntil('2025-10-09T02:00:00Z');
      const r = await p.send(h, 'SUBMIT_REPORT', organ, { reportNumber: '穗某〔2025〕12号' });
      expect(r.state).toBe('underDetermination');
      // Receipt on 2025-10-09: 10 working days, counting the make-up Saturday 10-11, end 2025-10-22.
      const det = r.deadlines.find((d) => d.specId === 'determination')!;
      expect(det).toMatchObject({
        from: '2025-10-09',
        lastDay: '2025-10-22',
        dueAt: at('2025-10-22T16:00:00Z'),
        basis: 'Regs 25 para 2',
        responsible: { id: 'auth-440000' },
      });
      expect(r.deadlines.find((d) => d.specId === 'report')!.status).toBe('met');
      // Edition 4: the authority records its receipt (the same day here): the period stays as it was.
      await p.send(h, 'RECEIVE_REPORT', provincial);

      await p.sleepUntil('2025-10-20T00:00:00Z');
      let v = await p.view(h);
      expect(v.audit.filter((a) => a.kind === 'reminder' && a.deadlineKey?.startsWith('report'))).toHaveLength(0);
      expectFired(
        v.audit.filter((a) => a.kind === 'reminder' && a.deadlineKey?.startsWith('determination')).map((a) => a.at),
        ['2025-10-15T16:00:00Z'],
      );

      const decided = await p.send(h, 'DETERMINE', provincial, {
        determination: {
          outcome: 'state-secret',
          classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' },
        },
      });
      expect(decided.state).toBe('filingAndMarkings');
      const filing = decided.deadlines.find((d) => d.specId === 'filing')!;
      expect(filing).toMatchObject({ policy: true, n: 5, from: '2025-10-20', lastDay: '2025-10-27' });
      // The determination lowered the proposal: the organ notifies the 知悉范围 and changes the markings (local policy period).
      expect(decided.deadlines.find((d) => d.specId === 'markings')).toMatchObject({
        policy: true,
        n: 5,
        from: '2025-10-20',
        responsible: { id: 'org-gz-bureau' },
        basis: 'Law 23 para 2; Regs 21 para 1',
      });
      expect((await p.send(h, 'NOTIFY_HOLDERS', organ, { noticeRef: '穗某〔2025〕13号' })).state).toBe('filingAndMarkings');
      v = await p.view(h);
      expect(v.inbox.find((i) => i.subject === 'determined')!.recipients[0]!.party.id).toBe('org-gz-bureau');
      expect(v.context.determination).toMatchObject({ outcome: 'state-secret', classification: { level: 'confidential' } });

      const filed = await p.send(h, 'FILE_RECORD', provincial, { filingNumber: '粤保备〔2025〕3号' });
      expect(filed.closed).toBe(true);
      const final = await h.result();
      expect(final.inbox.find((i) => i.subject === 'filed')!.recipients[0]!.party.id).toBe('auth-000000');
      expect(final.audit.at(-1)!.kind).toBe('closed');
      expect(final.deadlines.map((d) => d.status)).toEqual(['met', 'met', 'met', 'met']);
      expect((await h.describe()).typedSearchAttributes.get(SA.closed)).toBe(true);
      await maybeRecordHistory(h, 'unclear-matter-provincial');
    });
  });

  it('the authority’s 10 working days run from its receipt of the report, recorded as a fact, not from the submission (Regs 25 para 2 接到报告后)', async () => {
    await withProcedureEnv('2025-10-09T02:00:00Z', async (p) => {
      const h = await p.start(WF, matter(), organ);
      let r = await p.send(h, 'SUBMIT_REPORT', organ);
      expect(r.deadlines.find((d) => d.specId === 'determination')).toMatchObject({ from: '2025-10-09', lastDay: '2025-10-22' });
      await p.sleepUntil('2025-10-14T02:00:00Z');
      await sendEvent(h, { type: 'RECEIVE_REPORT', payload: {}, actor: provincial, occurredAt: '2025-10-13T09:00:00+08:00' });
      const v = await p.view(h);
      // Received Monday 2025-10-13: 10 working days end Monday 2025-10-27.
      expect(v.deadlines.find((d) => d.specId === 'determination' && d.status === 'running')).toMatchObject({
        from: '2025-10-13',
        lastDay: '2025-10-27',
        basis: 'Regs 25 para 2',
      });
      expect(v.audit.findLast((a) => a.kind === 'event')).toMatchObject({ occurredAt: '2025-10-13T01:00:00.000Z' });
      r = await p.send(h, 'DETERMINE', provincial, { determination: { outcome: 'state-secret', classification: matter().proposal } });
      expect(r.deadlines.find((d) => d.specId === 'determination' && d.status === 'met')).toBeDefined();
    });
  });

  it('a top-secret matter goes to the national authority, whose decision needs no filing; "not a secret" has the organ remove the markings (Law 22 para 3)', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start(
        WF,
        matter({ proposal: { level: 'top-secret', term: { kind: 'years', years: 30 }, scope: '限定人员' } }),
        organ,
      );
      await p.send(h, 'SUBMIT_REPORT', organ);
      await expect(p.send(h, 'DETERMINE', provincial, { determination: { outcome: 'not-secret' } })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const d = await p.send(h, 'DETERMINE', national, { determination: { outcome: 'not-secret', note: '不属于国家秘密' } });
      expect(d.state).toBe('removingMarkings');
      expect(d.deadlines.map((x) => x.specId)).not.toContain('filing');
      const r = await p.send(h, 'NOTIFY_HOLDERS', organ);
      expect(r.closed).toBe(true);
      const final = await h.result();
      expect(final.context.route).toMatchObject({ tier: 'national', basis: 'Regs 25 para 1' });
      await maybeRecordHistory(h, 'unclear-matter-national');
    });
  });

  it('a matter within a superior organ’s 定密权限 is referred at once (1 working day, local policy) and the superior determines (Law 17 para 3)', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const office = { id: 'org-th-office' };
      const h = await p.start(WF, matter({ organId: 'org-th-office', variant: 'beyond-authority' }), office);
      let v = await p.view(h);
      expect(v.state).toBe('awaitingReferral');
      expect(v.deadlines[0]).toMatchObject({
        specId: 'referral',
        policy: true,
        n: 1,
        lastDay: '2025-09-28',
        basis: 'Law 17 para 3; Regs 17 para 2',
      });
      expect(v.context.route).toMatchObject({ tier: 'superior', basis: 'Law 17 para 3; Regs 17 para 2' }); // its own route, not Regs 25's
      await p.send(h, 'REFER', office);
      v = await p.view(h);
      expect(v.state).toBe('underSuperiorDetermination');
      expect(v.responsible?.id).toBe('org-gz-bureau');
      const d = await p.send(
        h,
        'SUPERIOR_DETERMINE',
        { id: 'org-gz-bureau' },
        {
          determination: {
            outcome: 'state-secret',
            classification: {
              level: 'secret',
              term: { kind: 'condition', condition: '项目验收后解密', latest: '2040-12-31' },
              scope: '项目组',
            },
          },
        },
      );
      expect(d.state).toBe('changingMarkings'); // the term changed
      const r = await p.send(h, 'NOTIFY_HOLDERS', office);
      expect(r.closed).toBe(true);
      await maybeRecordHistory(h, 'unclear-matter-referral');
    });
  });

  it('an invalid event is rejected with a clear message and leaves the history unchanged; a 确定 by a 经办人 alone is refused, the 负责人 signs it (edition 5, 本地策略)', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start(WF, matter(), organ);
      await p.view(h);
      const before = (await h.fetchHistory()).events!.length;
      const auditBefore = (await p.view(h)).audit.length;
      const reject = async (type: string, actor: { id: string }, payload: Record<string, unknown>) => {
        const err = await p.send(h, type, actor, payload).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        return {
          message: cause.message,
          details: cause.details?.[0] as { code: string; allowedEvents: string[]; fieldErrors?: Array<{ field: string }> },
        };
      };
      const wrongState = await reject('DETERMINE', provincial, { determination: { outcome: 'not-secret' } });
      expect(wrongState.details.code).toBe('not-allowed-in-state');
      expect(wrongState.message).toContain('state awaitingReport (待报送) does not accept DETERMINE; allowed: SUBMIT_REPORT');
      const wrongActor = await reject('SUBMIT_REPORT', provincial, {});
      expect(wrongActor.details.code).toBe('not-authorized');
      expect(wrongActor.message).toContain('may be sent only by organ (org-gz-bureau)');
      const badPayload = await reject('SUBMIT_REPORT', organ, { reportNumber: 'x', content: '秘密内容' });
      expect(badPayload.details.code).toBe('invalid-payload');
      expect(badPayload.message).toMatch(/content/);
      const unknown = await reject('DESTROY', organ, {});
      expect(unknown.details.code).toBe('unknown-event');
      await p.send(h, 'SUBMIT_REPORT', organ);
      const law20 = await reject('DETERMINE', provincial, {
        determination: {
          outcome: 'state-secret',
          classification: { level: 'confidential', term: { kind: 'years', years: 15 }, scope: '项目组' },
        },
      });
      expect(law20.details.fieldErrors?.[0]?.field).toBe('determination.classification.term');
      expect(law20.message).toContain('除另有规定外 (Law 20 para 2), a confidential term is at most 10 years from its start');
      // An end date is held to the ceiling too, counted from the term's start (Regs 19 para 2): here the 拟定日期.
      const until = { level: 'confidential', term: { kind: 'until', date: '2090-12-31' }, scope: '项目组' };
      const law20Until = await reject('DETERMINE', provincial, { determination: { outcome: 'state-secret', classification: until } });
      expect(law20Until.details.fieldErrors?.[0]?.field).toBe('determination.classification.term');
      expect(law20Until.message).toContain('(2025-09-26: until 2035-09-26)');
      // A binding decision (确定) sent by the authority's 经办人 alone is refused: its 负责人 signs it (edition 5, headSignOff, 本地策略).
      const officer = {
        id: 'auth-440000',
        name: '广东省国家保密局',
        person: { sub: 'gd-huang', name: '黄某' },
        roles: ['secrecy-officer' as const],
      };
      const alone = await reject('DETERMINE', officer, { determination: { outcome: 'not-secret' } });
      expect(alone.details.code).toBe('not-authorized');
      expect(alone.message).toContain(
        'DETERMINE (作出决定) is a binding decision of the authority: it must be signed off by its 负责人 (head)',
      );
      expect(alone.message).toContain('黄某 holds 保密员');
      let v = await p.view(h);
      // Only the one valid event reached the history and the audit trail.
      expect(v.audit.filter((a) => a.kind === 'event')).toHaveLength(1);
      expect(v.audit.length).toBeGreaterThan(auditBefore);
      const events = (await h.fetchHistory()).events!;
      const updates = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'event');
      expect(updates).toHaveLength(1);
      expect(events.length).toBeGreaterThan(before);
      // 除另有规定外: with the other provision stated, the longer term is recorded and the audit entry names it.
      const head = { ...officer, person: { sub: 'gd-zhang', name: '张某' }, roles: ['head' as const] };
      await p.send(h, 'DETERMINE', head, {
        determination: { outcome: 'state-secret', classification: { ...until, otherProvision: '某专门保密规定第五条' } },
      });
      v = await p.view(h);
      // The audit entry names who signed it.
      expect(v.audit.findLast((a) => a.kind === 'event')!.by).toBe('广东省国家保密局 张某（负责人）');
      expect(v.audit.findLast((a) => a.kind === 'event')!.summary).toContain(
        '保密期限超过秘密级10年的上限（自 2025-09-26 起算至 2035-09-26，《保密法》第二十条第二款），依另有规定：某专门保密规定第五条',
      );
    });
  });

  it('refuses to start for an organ the registry does not know, saying which', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const err = await p.start(WF, matter({ organId: 'org-nowhere' }), { id: 'org-nowhere' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const causes: string[] = [];
      for (let c: Error | undefined = (err as WorkflowFailedError).cause; c; c = (c as ActivityFailure).cause) causes.push(c.message);
      expect(causes).toContain('no organ "org-nowhere" in the registry');
    });
  });
});

/** The 2027 notice is published (a test calendar): New Year 1–3 January off. */
function publish2027(calendar: { version: string; years: unknown[] }, file: string): void {
  calendar.version = 'cn-2027@test';
  calendar.years.push({
    year: 2027,
    notice: '国办发明电（测试）',
    published: '2026-11-20',
    supplements: [],
    holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }],
    workdays: [],
  });
  writeFileSync(file, JSON.stringify(calendar));
}

describe('provisional deadlines and calendar updates (SPEC §2)', () => {
  it('a deadline reaching a year with no notice is provisional, and is recomputed by an explicit, audited event when the calendar covers it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-cal-')), 'calendar.json');
    const calendar = JSON.parse(readFileSync(new URL('../../domain/calendar/data/cn-calendar.json', import.meta.url), 'utf8'));
    writeFileSync(file, JSON.stringify(calendar));
    await withProcedureEnv(
      '2026-12-25T01:00:00Z',
      async (p) => {
        const h = await p.start(WF, matter({ draftedOn: '2026-12-25' }), organ);
        let v = await p.view(h);
        expect(v.deadlines[0]).toMatchObject({ lastDay: '2027-01-08', provisional: true });
        expect((await h.describe()).typedSearchAttributes.get(SA.provisional)).toBe(true);
        // The 2027 notice is published: New Year 1–3 January off.
        publish2027(calendar, file);
        expect((await p.view(h)).deadlines[0]!.lastDay).toBe('2027-01-08'); // nothing changes by itself
        const r = await sendOperatorUpdate(h, recomputeDeadlinesUpdate, {
          actor: { id: 'operator', roles: ['admin'] },
          reason: '2027年通知已公布',
        });
        expect(r.changed).toBe(1);
        v = await p.view(h);
        expect(v.deadlines[0]).toMatchObject({ lastDay: '2027-01-11', provisional: false, calendarVersion: 'cn-2027@test' });
        const entry = v.audit.find((a) => a.kind === 'deadline-recomputed')!;
        expect(entry.actor.id).toBe('operator');
        expect(entry.summary).toContain('2027年通知已公布');
        expect((await h.describe()).typedSearchAttributes.get(SA.provisional)).toBe(false);
      },
      { ...loadDeps({}), calendar: calendarSource(file) },
    );
  });

  it('a recomputation keeps the end of a suspension the authority fixed on a Saturday: not moved by 民法典 203 (Regs 71 para 2; SPEC §3.5)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-cal-')), 'calendar.json');
    const calendar = JSON.parse(readFileSync(new URL('../../domain/calendar/data/cn-calendar.json', import.meta.url), 'utf8'));
    writeFileSync(file, JSON.stringify(calendar));
    // A suspension is the authority's binding decision: signed by its 负责人 (edition 6, headSignOff, 本地策略).
    const authority = { id: 'auth-440000', roles: ['head' as const] };
    await withProcedureEnv(
      '2026-12-01T02:00:00Z',
      async (p) => {
        const h = await p.start('annual-inspection', { enterpriseId: 'ent-gz-tech', year: 2026 }, { id: 'ent-gz-tech' });
        await p.send(h, 'SUBMIT_REPORT', { id: 'ent-gz-tech' });
        await p.send(h, 'PROPOSE_SANCTION', authority, { ground: 'Regs 71 para 2(1)', findings: '超范围承接' });
        // 2027-01-09 is a Saturday, in a year with no notice yet (provisional).
        await p.send(h, 'SUSPEND_BUSINESS', authority, { until: '2027-01-09', downgrade: false });
        const end = async () => (await p.view(h)).deadlines.find((d) => d.specId === 'suspension-end' && d.status === 'running')!;
        const fixed = { lastDay: '2027-01-09', dueAt: '2027-01-09T16:00:00.000Z', fixedEnd: true };
        expect(await end()).toMatchObject({ ...fixed, provisional: true });
        const recompute = () =>
          sendOperatorUpdate(h, recomputeDeadlinesUpdate, { actor: { id: 'operator', roles: ['admin'] }, reason: '2027年通知已公布' });
        // Nothing to recompute while the calendar is the same: the fixed end does not move to Monday 01-11.
        expect(await recompute()).toEqual({ changed: 0 });
        expect(await end()).toMatchObject({ ...fixed, provisional: true });
        // The 2027 notice is published: the deadline is no longer provisional, and still ends on the date fixed.
        publish2027(calendar, file);
        expect(await recompute()).toEqual({ changed: 1 });
        expect(await end()).toMatchObject({ ...fixed, provisional: false, calendarVersion: 'cn-2027@test' });
      },
      { ...loadDeps({}), calendar: calendarSource(file) },
    );
  });
});
