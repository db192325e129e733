import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { loadDeps } from '../../activities/deps.js';
import { describe, expect, it } from 'vitest';
import { eventRejection, sendEvent, sendOperatorUpdate, startProcedure, waitReady } from '../../api/procedure-client.js';
import { readyUpdate, recomputeDeadlinesUpdate, viewQuery } from '../../workflows/messages.js';
import type { Actor, ProcedureView } from '../../domain/procedure-view.js';
import { preparedLikeApi, TASK_QUEUE, withProcedureEnv } from '../support/procedure-env.js';
import { serverNow, timeSkippingEnv } from '../support/temporal.js';
import { withTestBundle } from '../support/test-bundle.js';

const gzBureau = { id: 'org-gz-bureau', name: '广州市某局' };
const thOffice = { id: 'org-th-office', name: '天河区某办公室' };
const matter = {
  organId: 'org-gz-bureau',
  matterRef: 'GZ-2025-031',
  title: '某项目参数（非涉密描述）',
  draftedOn: '2025-09-26',
  protectiveMeasures: '按机密级采取保密措施',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '本局项目组' },
};
const leak = {
  organId: 'org-th-office',
  incidentRef: 'XL-2025-07',
  summary: '涉密U盘遗失（非涉密简述）',
  discoveredAt: '2025-09-30T10:00:00+08:00',
  remedialMeasures: '封存相关设备',
};

const refusal = (e: unknown) => {
  const r = eventRejection(e);
  if (!r) throw e;
  return r;
};
/** What a refused Update must leave unchanged: the audit trail, the state, the accepted updates in the history. */
async function footprint(h: WorkflowHandle) {
  const v: ProcedureView = await h.query(viewQuery);
  const events = (await h.fetchHistory()).events!;
  return {
    audit: v.audit.length,
    state: v.activeStates,
    accepted: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
  };
}

/** The procedure's attributes as plain values, by name (Datetime as ISO text; the SDK's patch record left out). */
const attributes = (sa: TypedSearchAttributes) =>
  Object.fromEntries(
    sa
      .getAll()
      .filter((p) => p.key.name.startsWith('Bm'))
      .map((p) => [p.key.name, p.value instanceof Date ? p.value.toISOString() : p.value]),
  );

describe('a start prepared by the API (issue 14)', () => {
  it('is ready in its first workflow task with no preparation activity and its search attributes set by the start; a start without preparation (as a Schedule starts one) reaches the same state, deadlines and attributes through the activity', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start('unclear-matter', matter, gzBureau);
      const events = (await h.fetchHistory()).events!;
      // A plain start (no update waits for it); its first workflow task already sets the deadline's timer.
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
      const timer = events.findIndex((e) => e.timerStartedEventAttributes);
      expect(events.slice(0, timer).filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
      // No preparation activity: the one activity is the case file's append of the start's entries (SPEC §4a), in the activation's batch.
      expect(events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toEqual(['recordAndDeliver']);
      // The upserts are the SDK's records of the patches (TemporalChangeVersion: local-pass, which holds
      // every technical patch before it, and edition-6), none of the procedure's attributes.
      const upserted = events.flatMap((e) =>
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
      );
      expect(upserted).toEqual(['TemporalChangeVersion', 'TemporalChangeVersion']);

      const plain = (
        await startProcedure(p.env.client, {
          kind: 'unclear-matter',
          taskQueue: TASK_QUEUE,
          workflowId: 'unprepared-1',
          input: matter,
          actor: gzBureau,
        })
      ).handle;
      const plainEvents = (await plain.fetchHistory()).events!;
      expect(plainEvents.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareProcedure')).toBe(true);
      const [a, b] = [await p.view(h), await p.view(plain)];
      const kept = (v: ProcedureView) => ({
        state: v.state,
        context: v.context,
        policy: v.policy,
        deadlines: v.deadlines.map(({ computedAt: _, ...d }) => d),
      });
      expect(kept(a)).toEqual(kept(b));
      // The same attributes; the board's watermark is the API's instant for one, the workflow's for the other.
      const { BmUpdatedAt: preparedAt, ...prepared } = attributes((await h.describe()).typedSearchAttributes);
      const { BmUpdatedAt: plainAt, ...plainAttributes } = attributes((await plain.describe()).typedSearchAttributes);
      expect(prepared).toMatchObject({ BmState: 'awaitingReport', BmResponsible: 'org-gz-bureau', BmDeadlineStatus: 'on_track' });
      expect(prepared).toEqual(plainAttributes);
      expect([preparedAt, plainAt].every((at) => typeof at === 'string' && Date.parse(at) > 0)).toBe(true);
    });
  });

  it('a malformed preparation fails the start for good, naming the field, before anything runs', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const { prepared: good, sealedFor } = preparedLikeApi(loadDeps({}), 'unclear-matter', matter, {
        id: 'forged-1',
        starter: gzBureau,
        now: await serverNow(p.env),
      }).prepared!;
      const h = await p.env.client.workflow.start('unclearMatterWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: 'forged-1',
        args: [
          {
            input: matter,
            actor: gzBureau,
            prepared: { ...good, parties: { ...good.parties, organ: { id: 'org-gz-bureau' } } },
            sealedFor,
          },
        ],
      });
      const err = await h.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toMatchObject({
        type: 'InvalidInput',
        message: expect.stringMatching(/^invalid start prepared: parties\.organ\.name: /),
      });
      const events = (await h.fetchHistory()).events!;
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes)).toEqual([]);
    });
  });
});

describe('a start copied out of a history (SPEC §5)', () => {
  it('is refused under another id, under its own id once its instant is past, and as a carried state in a new start: the workflow fails before anything runs', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const copied = preparedLikeApi(loadDeps({}), 'unclear-matter', matter, {
        id: 'sealed-a',
        starter: gzBureau,
        now: await serverNow(p.env),
      }).prepared!;
      const start = (workflowId: string, request: Record<string, unknown>) =>
        p.env.client.workflow.start('unclearMatterWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [request] });
      // Control: sealed for its id and its instant, the same start runs (first: a failed start lets the server skip time).
      const ok = await start('sealed-d', {
        input: matter,
        actor: gzBureau,
        prepared: copied.prepared,
        sealedFor: { ...copied.sealedFor, procedureId: 'sealed-d' },
      });
      expect((await waitReady(ok)).state).toBe('awaitingReport');
      const stale = { ...copied.sealedFor, at: new Date(Date.parse(copied.sealedFor.at) - 11 * 60_000).toISOString() };
      for (const [workflowId, request, type, text] of [
        [
          'sealed-b',
          { input: matter, actor: gzBureau, prepared: copied.prepared, sealedFor: copied.sealedFor },
          'NotSealedForThis',
          /sealed for procedure sealed-a/,
        ],
        [
          'sealed-a',
          { input: matter, actor: gzBureau, prepared: copied.prepared, sealedFor: stale },
          'NotSealedForThis',
          /not for sealed-a started at/,
        ],
        ['sealed-c', { continued: { starter: gzBureau } }, 'NotContinued', /only from the previous run/],
      ] as const) {
        const h = await start(workflowId, request);
        const err = await h.result().catch((e: unknown) => e);
        expect(err, workflowId).toBeInstanceOf(WorkflowFailedError);
        expect((err as WorkflowFailedError).cause).toMatchObject({ type, message: expect.stringMatching(text) });
        const events = (await h.fetchHistory()).events!;
        expect(events.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes)).toEqual([]);
        const upserted = events.flatMap((e) =>
          Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
        );
        expect(upserted.filter((k) => k !== 'TemporalChangeVersion')).toEqual([]);
      }
    });
  });
});

describe('when it happened: occurredAt on fact events (SPEC §2; issue 11 item 7)', () => {
  it('a report delivered on the last day (Regs 25 para 1) and entered the next morning is met, and the 10 working days to decide run from its receipt (Regs 25 para 2)', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start('unclear-matter', matter, gzBureau);
      expect((await p.view(h)).deadlines[0]).toMatchObject({ specId: 'report', lastDay: '2025-10-16' });
      // Handed in on 16 October 17:00 Beijing time, entered on 17 October 09:00: after the deadline passed.
      await p.sleepUntil('2025-10-17T01:00:00Z');
      expect((await p.view(h)).audit.some((a) => a.kind === 'escalation')).toBe(true);
      await sendEvent(h, { type: 'SUBMIT_REPORT', payload: {}, actor: gzBureau, occurredAt: '2025-10-16T17:00:00+08:00' });
      const v = await p.view(h);
      expect(v.deadlines.find((d) => d.specId === 'report')).toMatchObject({ status: 'met', metAt: '2025-10-16T09:00:00.000Z' });
      expect(v.context.receivedOn).toBe('2025-10-16');
      expect(v.deadlines.find((d) => d.specId === 'determination')).toMatchObject({
        from: '2025-10-16',
        lastDay: '2025-10-30',
        status: 'running',
      });
      const entry = v.audit.find((a) => a.kind === 'event')!;
      expect(entry.occurredAt).toBe('2025-10-16T09:00:00.000Z');
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse('2025-10-17T01:00:00Z'));
      expect(v.audit.find((a) => a.kind === 'deadline-met')!.summary).toContain('按期完成');
    });
  });

  it('a leak reported by telephone within 24 hours and entered the next morning is met by its instant (Regs 61 para 1; Regs 67 para 1(8)); the relay runs from that receipt (Regs 61 para 2)', async () => {
    await withProcedureEnv('2025-09-30T02:01:00Z', async (p) => {
      const h = await p.start('leak', leak, thOffice);
      // Telephoned on 30 September 20:00 Beijing time, entered on 1 October 11:00, after the 24 hours ended at 10:00.
      await p.sleepUntil('2025-10-01T03:00:00Z');
      expect((await p.view(h)).deadlines.find((d) => d.specId === 'report-authority')!.dueFired).toBe(true);
      await sendEvent(h, {
        type: 'REPORT_TO_AUTHORITY',
        payload: { reportNumber: '电话报告' },
        actor: thOffice,
        occurredAt: '2025-09-30T20:00:00+08:00',
      });
      const v = await p.view(h);
      expect(v.deadlines.find((d) => d.specId === 'report-authority')).toMatchObject({ status: 'met', metAt: '2025-09-30T12:00:00.000Z' });
      expect(v.context.firstReceivedAt).toBe('2025-09-30T12:00:00.000Z');
      expect(v.deadlines.find((d) => d.specId === 'relay' && d.status === 'running')).toMatchObject({
        from: '2025-09-30T12:00:00.000Z',
        dueAt: '2025-10-01T12:00:00.000Z',
      });
      const entry = v.audit.find((a) => a.kind === 'event' && a.event?.type === 'REPORT_TO_AUTHORITY')!;
      expect(entry).toMatchObject({ occurredAt: '2025-09-30T12:00:00.000Z' });
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse('2025-10-01T03:00:00Z'));
    });
  });

  it('refuses an occurredAt in the future, before the previous event or before the discovery: nothing is recorded', async () => {
    await withProcedureEnv('2025-09-30T02:01:00Z', async (p) => {
      const h = await p.start('leak', leak, thOffice);
      await p.sleepUntil('2025-09-30T04:00:00Z');
      await p.send(h, 'REPORT_TO_SUPERIOR', thOffice); // entered at 12:00 Beijing time: the previous fact
      const before = await footprint(h);
      const attempt = (type: string, occurredAt: unknown) =>
        sendEvent(h, { type, payload: {}, actor: thOffice, occurredAt: occurredAt as string }).then(() => undefined, refusal);
      const cases: Array<[string, unknown, RegExp]> = [
        ['REPORT_TO_AUTHORITY', '2025-09-30T23:00:00+08:00', /in the future; allowed: an instant up to now/],
        ['REPORT_TO_AUTHORITY', '2025-09-30T11:30:00+08:00', /before the previous event \(REPORT_TO_SUPERIOR, 2025-09-30T04:00:\d\d/],
        [
          'REPORT_TO_AUTHORITY',
          '2025-09-30T09:00:00+08:00',
          /before the procedure's start fact \(discoveredAt 2025-09-30T10:00:00\+08:00\)/,
        ],
        ['REPORT_TO_AUTHORITY', '2025-09-30 11:30', /an ISO 8601 instant with its offset/],
      ];
      for (const [type, occurredAt, why] of cases) {
        const r = await attempt(type, occurredAt);
        expect(r, `${type} ${String(occurredAt)}`).toMatchObject({
          code: 'invalid-payload',
          fieldErrors: [{ field: 'occurredAt', message: expect.stringMatching(why) }],
        });
      }
      expect(await footprint(h)).toEqual(before);
    });
  });
});

describe('who may send an Update (issue 11 item 16; issue 12)', () => {
  it('recomputeDeadlines from an organ is refused and records nothing; an authority of the procedure may send it', async () => {
    await withProcedureEnv('2026-12-25T01:00:00Z', async (p) => {
      const h = await p.start('unclear-matter', { ...matter, draftedOn: '2026-12-25' }, gzBureau);
      const before = await footprint(h);
      const recompute = (actor: Actor, reason = '2027年通知已公布') => sendOperatorUpdate(h, recomputeDeadlinesUpdate, { actor, reason });
      const organ = refusal(await recompute(gzBureau).catch((e: unknown) => e));
      expect(organ).toMatchObject({
        code: 'not-authorized',
        message: expect.stringContaining(
          'recomputeDeadlines may be sent only by an authority of this procedure (auth-440000, auth-000000) or by a 系统管理员 (admin), not by org-gz-bureau',
        ),
      });
      expect(refusal(await recompute({ id: 'auth-320000' }).catch((e: unknown) => e)).code).toBe('not-authorized');
      expect(refusal(await recompute({ id: 'auth-440000' }, ' ').catch((e: unknown) => e))).toMatchObject({
        code: 'invalid-payload',
        fieldErrors: [{ field: 'reason' }],
      });
      expect(await footprint(h)).toEqual(before);
      expect(await recompute({ id: 'auth-440000' })).toEqual({ changed: 0 });
    });
  });

  it('the ready Update answers only the party that started the procedure', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const h = await p.start('unclear-matter', matter, gzBureau);
      expect((await h.executeUpdate(readyUpdate, { args: [gzBureau] })).state).toBe('awaitingReport');
      const err = await h.executeUpdate(readyUpdate, { args: [{ id: 'auth-440000' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(refusal(err)).toMatchObject({
        code: 'not-authorized',
        message: expect.stringContaining('only to the party that started the procedure (org-gz-bureau)'),
      });
    });
  });

  it('an event that requires the head (负责人) is refused from a sender without the role, naming the role and the article, and recorded with the person and the party when the head sends it; an event that records no fact refuses occurredAt', async () => {
    const env = await timeSkippingEnv('2025-09-30T02:01:00Z');
    try {
      await withTestBundle(env, new URL('../support/flagged-workflows.ts', import.meta.url).pathname, 'flagged', async () => {
        const { handle: h } = await startProcedure(env.client, {
          kind: 'leak',
          taskQueue: 'flagged',
          workflowId: 'flagged-leak-1',
          input: leak,
          actor: thOffice,
        });
        const before = await footprint(h);
        const send = (actor: Actor) => sendEvent(h, { type: 'RECORD_MEASURES', payload: { measures: '更换密码' }, actor });
        const officer = refusal(
          await send({ ...thOffice, person: { sub: 'u-li', name: '李某' }, roles: ['secrecy-officer'] }).catch((e: unknown) => e),
        );
        expect(officer).toMatchObject({
          code: 'not-authorized',
          message:
            'RECORD_MEASURES (记录补救措施) may be sent only by the 负责人 (head) of the sending party (Regs 61 para 1; Regs 39); 李某 holds 保密员',
        });
        expect(refusal(await send(thOffice).catch((e: unknown) => e)).message).toMatch(/负责人.*the request names no person/);
        const head = { ...thOffice, person: { sub: 'u-zhang', name: '张某' }, roles: ['head' as const] };
        const noFact = refusal(
          await sendEvent(h, {
            type: 'RECORD_MEASURES',
            payload: { measures: '更换密码' },
            actor: head,
            occurredAt: '2025-09-30T10:30:00+08:00',
          }).catch((e: unknown) => e),
        );
        expect(noFact).toMatchObject({
          code: 'invalid-payload',
          fieldErrors: [
            {
              field: 'occurredAt',
              message: expect.stringMatching(/RECORD_MEASURES records no fact, so it takes no occurredAt; allowed on: REPORT_TO_AUTHORITY/),
            },
          ],
        });
        expect(await footprint(h)).toEqual(before);
        await send({ ...thOffice, person: { sub: 'u-zhang', name: '张某' }, roles: ['head'] });
        const entry = (await h.query(viewQuery)).audit.find((a) => a.kind === 'event')!;
        expect(entry.by).toBe('天河区某办公室 张某（负责人）');
        expect(entry.actor.person?.name).toBe('张某');
      });
    } finally {
      await env.teardown();
    }
  });
});
