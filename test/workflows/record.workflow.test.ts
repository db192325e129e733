import { describe, expect, it } from 'vitest';
import { withProcedureEnv } from '../support/procedure-env.js';
import { recordOnceCaughtUp } from '../support/records.js';
import { verifyChains } from '../../records/verify.js';
import { entryHash } from '../../records/chain.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { RecordStore, type AppendRequest } from '../../records/store.js';
import { applyViewPatch, jsonForm } from '../../domain/view-patch.js';

const organ = { id: 'org-th-office' };
const leak = {
  organId: 'org-th-office',
  incidentRef: 'XL-2025-07',
  summary: '涉密文件误发（非涉密简述）',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: '立即收回并封存',
};

describe('the case file (SPEC §4a): every audit entry appended to PostgreSQL, hash-chained', () => {
  it('a leak run to its close is in the record whole: the same trail in order, the final state and deadlines, a chain that verifies', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak, organ);
      await p.sleepUntil('2025-09-30T15:00:00Z');
      await p.send(h, 'REPORT_TO_AUTHORITY', organ, { reportNumber: '天保〔2025〕7号' });
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      for (const tier of ['auth-440106', 'auth-440100', 'auth-440000']) await p.send(h, 'RELAY', { id: tier });
      await p.send(h, 'PROPOSE_HANDLING', { id: 'auth-440106' }, { proposal: '对直接责任人员给予处分' });
      await p.send(h, 'REPORT_RESULT', organ, { result: '已查明原因' });
      const final = await h.result();
      expect(final.closed).toBe(true);

      // The workflow closes only once the record holds everything: no polling needed.
      const recorded = (await p.records.read(h.workflowId))!;
      expect(recorded.view.audit).toEqual(final.audit);
      expect(recorded.view.audit.map((a) => a.seq)).toEqual(final.audit.map((_, i) => i + 1));
      const { audit: _, ...rest } = final;
      expect({ ...recorded.view, audit: undefined }).toEqual({ ...rest, audit: undefined });
      expect(recorded.runs).toEqual([(await h.describe()).runId]);
      const row = await p.records.pool.query('select kind, closed_at, any_late, party_ids, region_scope from procedures where id = $1', [
        h.workflowId,
      ]);
      expect(row.rows[0]).toMatchObject({ kind: 'leak', any_late: false });
      expect(row.rows[0].closed_at).toBeInstanceOf(Date);
      expect(row.rows[0].party_ids).toEqual(expect.arrayContaining(['org-th-office', 'auth-440106', 'auth-000000']));
      expect(row.rows[0].region_scope).toEqual(expect.arrayContaining(['44', '4401', '440106']));
      // Every event a party sent is held with the Update that made it (the machine's own, e.g. a deadline passing, with none).
      const updates = await p.records.pool.query('select count(*)::int as n from record_updates where procedure_id = $1', [h.workflowId]);
      expect(updates.rows[0].n).toBe(final.audit.filter((a) => a.kind === 'event' && a.actor.id !== 'system').length);
      expect(await verifyChains(p.records.pool, p.records.keys)).toEqual([]);
      // The first append carried the view whole; each later one only its changes (issue 23), and the record's view is the run's.
      const appends = ((await h.fetchHistory()).events ?? []).flatMap((e) => {
        const a = e.activityTaskScheduledEventAttributes;
        if (a?.activityType?.name !== 'recordAndDeliver' && a?.activityType?.name !== 'appendRecord') return [];
        const input = defaultPayloadConverter.fromPayload<{ record?: AppendRequest } & AppendRequest>(a.input!.payloads![0]!);
        return [input.record ?? input];
      });
      expect(appends.length).toBeGreaterThan(2);
      expect(appends.map((r) => (r.view ? 'view' : r.viewPatch ? 'patch' : 'none'))).toEqual([
        'view',
        ...appends.slice(1).map(() => 'patch'),
      ]);
      // Each view rebuilt from the first by its patches: the record's final view; the patches less than half their views' size.
      let rebuilt = jsonForm(appends[0]!.view);
      let [patched, whole] = [0, 0];
      for (const r of appends.slice(1)) {
        rebuilt = applyViewPatch(rebuilt, r.viewPatch!.ops);
        [patched, whole] = [patched + JSON.stringify(r.viewPatch).length, whole + JSON.stringify(rebuilt).length];
      }
      expect({ ...(rebuilt as object), audit: undefined }).toEqual(jsonForm({ ...recorded.view, audit: undefined }));
      expect(patched).toBeLessThan(whole / 2);
    });
  });

  it('an append sent again changes nothing; an entry unlike the recorded one under the same seq is kept beside the record, which stays as it was, and the procedure is marked 异常', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak, organ);
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      const live = await p.view(h);
      const before = (await recordOnceCaughtUp(p.records, h.workflowId, live.audit.length))!;
      expect(before.view.audit).toEqual(live.audit);
      const { audit, ...view } = live;
      const runId = (await h.describe()).runId;
      const again = { procedureId: h.workflowId, runId, startedAt: audit[0]!.at, entries: audit, updates: [], view };

      // A retry of the same append: nothing written twice.
      expect(await p.records.append(again)).toEqual({ headSeq: audit.length, diverged: 0, viewHash: expect.any(String) });

      // A patch of a view the record does not hold (another run wrote since, a restore): nothing written, the view asked for whole.
      const patch = { base: 'not-the-recorded-view', ops: [{ op: 'set' as const, path: ['state'], value: 'forged' }] };
      const { view: _, ...bare } = again;
      expect(await p.records.append({ ...bare, viewPatch: patch })).toEqual({ headSeq: audit.length, diverged: 0, needView: true });
      expect((await p.records.read(h.workflowId))!.view.state).toBe(live.state);
      expect((await p.records.read(h.workflowId))!.view.audit).toEqual(live.audit);

      // A run that was reset writes its own entry under a recorded seq.
      const last = audit.at(-1)!;
      const rewritten = { ...again, runId: 'reset-run', entries: [{ ...last, summary: `${last.summary}（改写）` }] };
      expect(await p.records.append(rewritten)).toEqual({ headSeq: audit.length, diverged: 1 });
      const after = (await p.records.read(h.workflowId))!;
      expect(after.view.audit).toEqual(live.audit);
      expect(after.anomaly).toContain('reset-run');
      expect(after.runs).toEqual([runId, 'reset-run']);
      const kept = await p.records.pool.query('select run_id, seq from record_divergences where procedure_id = $1', [h.workflowId]);
      expect(kept.rows).toEqual([{ run_id: 'reset-run', seq: last.seq }]);
      expect((await verifyChains(p.records.pool, p.records.keys)).map((f) => f.kind)).toEqual(['diverged']);
    });
  });

  it('a pass written by its own task that Temporal never committed (a worker lost mid-pass) is written again by the retried task of the same run; an earlier task, another run or a committed row are not replaced (issue 28)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const [a, b] = [await p.start('leak', leak, organ), await p.start('leak', { ...leak, incidentRef: 'XL-2025-08' }, organ)];
      const setup = async (h: typeof a) => {
        const live = await p.view(h);
        await recordOnceCaughtUp(p.records, h.workflowId, live.audit.length);
        const { audit, ...view } = live;
        const base = { procedureId: h.workflowId, runId: (await h.describe()).runId, startedAt: audit[0]!.at, updates: [], view };
        const head = audit.length;
        // The pass as the task's local activity wrote it: two entries at the instant of that attempt.
        const pass = (at: string, n = 2) =>
          [...Array(n).keys()].map((i) => ({ ...audit.at(-1)!, seq: head + 1 + i, at, kind: 'reminder' as const, summary: `提醒 ${i}` }));
        return { audit, base, head, pass };
      };

      const { audit, base, head, pass } = await setup(a);
      expect(await p.records.append({ ...base, entries: pass('2025-09-30T14:00:00.000Z'), task: 40, uncommitted: true })).toMatchObject({
        headSeq: head + 2,
        diverged: 0,
      });
      // The retried task (the same run, a longer history) records the pass at its own instant, with one entry fewer.
      const retried = pass('2025-09-30T14:00:12.000Z', 1);
      expect(await p.records.append({ ...base, entries: retried, task: 43, uncommitted: true })).toMatchObject({
        headSeq: head + 1,
        diverged: 0,
      });
      const after = (await p.records.read(a.workflowId))!;
      expect(after.view.audit).toEqual([...audit, ...retried]);
      expect(after.anomaly).toBeUndefined();
      expect(await verifyChains(p.records.pool, p.records.keys)).toEqual([]);
      // A committed row (a regular activity's, its input in the history) is never replaced: the run wrote it unlike the record.
      const committed = { ...retried[0]!, seq: head + 2, summary: '已提交' };
      expect(await p.records.append({ ...base, entries: [committed], task: 45 })).toMatchObject({ headSeq: head + 2, diverged: 0 });
      await expect(
        p.records.pool.query('delete from record_entries where procedure_id = $1 and seq = $2', [a.workflowId, head + 2]),
      ).rejects.toThrow(/append-only/);
      expect(await p.records.append({ ...base, entries: [{ ...committed, summary: '改写' }], task: 50, uncommitted: true })).toEqual({
        headSeq: head + 2,
        diverged: 1,
      });

      // An earlier task cannot replace what a later one wrote, nor another run (a reset) what this one did.
      const other = await setup(b);
      await p.records.append({ ...other.base, entries: other.pass('2025-09-30T14:00:00.000Z'), task: 40, uncommitted: true });
      const earlier = { ...other.base, entries: other.pass('2025-09-30T13:59:00.000Z'), task: 39, uncommitted: true as const };
      expect(await p.records.append({ ...earlier, runId: 'reset-run', task: 60 })).toEqual({ headSeq: other.head + 2, diverged: 2 });
      expect(await p.records.append(earlier)).toEqual({ headSeq: other.head + 2, diverged: 2 });
      expect((await p.records.read(b.workflowId))!.view.audit.slice(-2)).toEqual(other.pass('2025-09-30T14:00:00.000Z'));
    });
  });

  it('an append that follows the head this process wrote goes in one statement; a head moved by another writer is never written over, the locked path answers (issue 23)', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak, organ);
      await p.send(h, 'REPORT_TO_SUPERIOR', organ);
      const live = await p.view(h);
      await recordOnceCaughtUp(p.records, h.workflowId, live.audit.length);
      const { audit, ...view } = live;
      const base = { procedureId: h.workflowId, runId: (await h.describe()).runId, startedAt: audit[0]!.at, updates: [] };
      const entry = (seq: number) => ({ ...audit.at(-1)!, seq, kind: 'reminder' as const, summary: `提醒 ${seq}` });
      const label = (viewHash: string, value: string) => ({ base: viewHash, ops: [{ op: 'set' as const, path: ['stateLabel'], value }] });
      // Two writers as two worker processes would be, each with its own pool; this one's calls counted.
      const [mine, other] = [new RecordStore(p.records.url, p.records.keys), new RecordStore(p.records.url, p.records.keys)];
      // Statements on the pool, and connections taken (the pool takes one for each statement too): a transaction is the difference.
      const calls = { query: 0, connect: 0 };
      const counted = () => ({ statements: calls.query, transactions: calls.connect - calls.query });
      const [query, connect] = [mine.pool.query.bind(mine.pool), mine.pool.connect.bind(mine.pool)];
      mine.pool.query = ((...a: Parameters<typeof query>) => (calls.query++, query(...a))) as typeof query;
      mine.pool.connect = ((...a: Parameters<typeof connect>) => (calls.connect++, connect(...a))) as typeof connect;
      try {
        // Its first append knows no head: the locked transaction (a connection of its own).
        const first = await mine.append({ ...base, entries: [entry(audit.length + 1)], view });
        expect(first).toMatchObject({ headSeq: audit.length + 1, diverged: 0 });
        expect(counted()).toEqual({ statements: 0, transactions: 1 });
        // The next follows the head it wrote: one statement.
        const next = await mine.append({ ...base, entries: [entry(audit.length + 2)], viewPatch: label(first.viewHash!, '下一步') });
        expect(next).toMatchObject({ headSeq: audit.length + 2, diverged: 0 });
        expect(counted()).toEqual({ statements: 1, transactions: 1 });

        // The other writer changes the view: this one's head is stale, its statement writes nothing,
        // the locked path finds the patch's base gone and asks for the view whole.
        expect(await other.append({ ...base, entries: [], viewPatch: label(next.viewHash!, '另一进程') })).toMatchObject({ diverged: 0 });
        const stale = await mine.append({ ...base, entries: [entry(audit.length + 3)], viewPatch: label(next.viewHash!, '过时') });
        expect(stale).toEqual({ headSeq: audit.length + 2, diverged: 0, needView: true });
        expect(counted()).toEqual({ statements: 2, transactions: 2 });
        const after = (await p.records.read(h.workflowId))!;
        expect(after.view.stateLabel).toBe('另一进程');
        expect(after.view.audit).toHaveLength(audit.length + 2);
        expect(await verifyChains(p.records.pool, p.records.keys)).toEqual([]);
      } finally {
        await Promise.all([mine.close(), other.close()]);
      }
    });
  });

  it('the database itself refuses to change or delete a recorded entry; a chain rewritten around an edit fails its MAC', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak, organ);
      const live = await p.view(h);
      await recordOnceCaughtUp(p.records, h.workflowId, live.audit.length);
      const id = h.workflowId;
      await expect(
        p.records.pool.query(`update record_entries set entry = '{}' where procedure_id = $1 and seq = 1`, [id]),
      ).rejects.toThrow(/append-only/);
      await expect(p.records.pool.query('delete from record_entries where procedure_id = $1', [id])).rejects.toThrow(/append-only/);
      await expect(p.records.pool.query('delete from procedures where id = $1', [id])).rejects.toThrow(/append-only/);

      // An owner who drops the guard and rewrites entry 1 with every hash after it and the head, without the key:
      const client = await p.records.pool.connect();
      try {
        await client.query('alter table record_entries disable trigger record_entries_append_only');
        const { rows } = await client.query<{ seq: number; entry: Record<string, unknown> }>(
          'select seq, entry from record_entries where procedure_id = $1 order by seq',
          [id],
        );
        let prev = '';
        for (const r of rows) {
          const entry = r.seq === 1 ? { ...r.entry, summary: '伪造' } : r.entry;
          const hash = entryHash(id, r.seq, prev, entry);
          await client.query('update record_entries set entry = $3, prev_hash = $4, hash = $5 where procedure_id = $1 and seq = $2', [
            id,
            r.seq,
            JSON.stringify(entry),
            prev,
            hash,
          ]);
          prev = hash;
        }
        await client.query('update procedures set head_hash = $2 where id = $1', [id, prev]);
      } finally {
        client.release();
      }
      const findings = await verifyChains(p.records.pool, p.records.keys);
      expect(findings.map((f) => [f.procedureId, f.kind])).toEqual([[id, 'head-mac-invalid']]);
    });
  });
});
