import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries.js';
import { SA } from '../../workflows/search-attributes.js';
import { viewQuery } from '../../workflows/messages.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { compareWithTemporal } from '../../records/compare.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { recordOnceCaughtUp } from '../support/records.js';
import { verifyRecordsOn } from '../support/verify-records.js';

const TASK_QUEUE = 'records-test';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(TASK_QUEUE);
});
afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);

const startLeak = async (ref: string) => {
  const r = await call('POST', '/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: ref }));
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const send = async (id: string, as: string, type: string, payload: Record<string, unknown> = {}) => {
  const r = await call('POST', `/api/procedures/${id}/events`, as, { type, ...payload });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

const verifyRecords = (...args: string[]) => verifyRecordsOn(stack, TASK_QUEUE, ...args);

describe('the case file on the real stack (SPEC §4a)', () => {
  let closedId: string;
  let closedView: ProcedureView;

  it('a closed leak whose Temporal execution was deleted is read back whole from the record, archived, in the same scope', async () => {
    const id = await startLeak('REC-1');
    await send(id, 'org-th-office', 'REPORT_TO_AUTHORITY', { reportNumber: '天保〔2026〕1号' });
    await send(id, 'org-th-office', 'REPORT_TO_SUPERIOR');
    for (const tier of ['auth-440106', 'auth-440100', 'auth-440000']) await send(id, tier, 'RELAY');
    await send(id, 'org-th-office', 'REPORT_RESULT', { result: '已查明原因' });
    await send(id, 'auth-440106', 'CONCLUDE_NO_ACTION', { note: '调查结束，无需追究' });
    const handle = stack.client.workflow.getHandle(id);
    await handle.result();
    const before = await call('GET', `/api/procedures/${id}`, 'org-th-office');
    expect(before.body.closed).toBe(true);
    expect(before.body.archived).toBeUndefined();

    await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: id } });
    // Temporal deletes in the background (a system workflow): once the execution is gone, the API reads the record.
    let after = await call('GET', `/api/procedures/${id}`, 'org-th-office');
    for (let i = 0; i < 600 && !after.body.archived; i++) {
      await new Promise((ok) => setTimeout(ok, 200));
      after = await call('GET', `/api/procedures/${id}`, 'org-th-office');
    }
    await expect(handle.describe()).rejects.toThrow(/not found/i);
    expect(after.status).toBe(200);
    expect(after.body.archived).toBe(true);
    const { archived: _, ...rest } = after.body;
    // The same view: state, deadlines (with their computation), audit trail, context, in the same words.
    expect(rest).toEqual(before.body);
    // The national authority sees it too; an organ outside it does not, as before.
    expect((await call('GET', `/api/procedures/${id}`, 'auth-000000')).status).toBe(200);
    expect((await call('GET', `/api/procedures/${id}`, 'org-nj-bureau')).status).toBe(404);
    closedId = id;
    closedView = (await stack.records.read(id))!.view;
  });

  it('closed procedures are listed from the record, deleted from Temporal or not: filtered, paged, scoped as open ones are', async () => {
    const other = await startLeak('REC-1B');
    await send(other, 'org-th-office', 'REPORT_TO_AUTHORITY', { reportNumber: '天保〔2026〕5号' });
    await send(other, 'org-th-office', 'REPORT_TO_SUPERIOR');
    for (const tier of ['auth-440106', 'auth-440100', 'auth-440000']) await send(other, tier, 'RELAY');
    await send(other, 'org-th-office', 'REPORT_RESULT', { result: '已查明原因' });
    await send(other, 'auth-440106', 'CONCLUDE_NO_ACTION', { note: '调查结束，无需追究' });
    await stack.client.workflow.getHandle(other).result();
    const list = async (as: string, query: string) => (await call('GET', `/api/procedures?closed=true&kind=leak&${query}`, as)).body;

    const first = await list('org-th-office', 'pageSize=1');
    expect(first.items).toEqual([expect.objectContaining({ id: other, kind: 'leak', closed: true, late: false, organ: 'org-th-office' })]);
    const second = await list('org-th-office', `pageSize=1&cursor=${first.nextCursor}`);
    expect(second.items.map((i: { id: string }) => i.id)).toEqual([closedId]);
    expect(second.items[0].closedAt <= first.items[0].closedAt).toBe(true);
    // The deleted one is still listed; an organ outside both sees neither; the national authority both.
    expect((await list('org-nj-bureau', '')).items).toEqual([]);
    expect((await list('auth-000000', 'pageSize=200')).items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([closedId, other]),
    );
    expect((await list('auth-440000', 'region=4401&pageSize=200')).items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([closedId, other]),
    );
    expect((await list('org-th-office', 'late=true')).items).toEqual([]);
    expect((await list('org-th-office', 'outcome=closed&late=false')).items.length).toBe(2);
    expect((await list('org-th-office', `closedAfter=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).items).toEqual(
      [],
    );
    // A filter of closed procedures without closed=true is refused, naming it.
    const refused = await call('GET', '/api/procedures?late=true', 'org-th-office');
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('querystring.late');
  });

  it('verify-records finds nothing in a clean record, then names the procedure and seq of a row edited and of a row deleted in the database', async () => {
    const clean = await verifyRecords('--id', closedId);
    expect(clean).toMatchObject({ code: 0, findings: [] });
    expect(clean.text).toContain('1 procedure record(s) checked; no findings');

    const client = await stack.records.pool.connect();
    try {
      await client.query('alter table record_entries disable trigger record_entries_append_only');
      await client.query(`update record_entries set entry = jsonb_set(entry, '{summary}', '"改写"') where procedure_id = $1 and seq = 3`, [
        closedId,
      ]);
      const edited = await verifyRecords('--id', closedId);
      expect(edited.code).toBe(1);
      expect(edited.findings).toEqual([expect.objectContaining({ procedureId: closedId, seq: 3, kind: 'entry-changed' })]);
      expect(edited.text).toContain(`${closedId} seq 3: entry-changed`);

      const last = closedView.audit.length;
      await client.query('delete from record_entries where procedure_id = $1 and seq = 5', [closedId]);
      const deleted = await verifyRecords('--id', closedId);
      expect(deleted.code).toBe(1);
      expect(deleted.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ procedureId: closedId, seq: 3, kind: 'entry-changed' }),
          expect.objectContaining({ procedureId: closedId, seq: 5, kind: 'entry-missing' }),
        ]),
      );
      expect(last).toBeGreaterThan(5);
    } finally {
      await client.query('alter table record_entries enable trigger record_entries_append_only');
      client.release();
    }
  });

  it('a reset run, a terminated run and a workflow started outside the system are each a finding', async () => {
    // A reset to the first workflow task without the Updates: the organ's report is rewound away.
    const reset = await startLeak('REC-2');
    await send(reset, 'org-th-office', 'REPORT_TO_AUTHORITY', { reportNumber: '天保〔2026〕2号' });
    const live = await stack.client.workflow.getHandle(reset).query(viewQuery);
    await recordOnceCaughtUp(stack.records, reset, live.audit.length);
    const { cli } = ensureTemporalBinaries();
    execFileSync(cli, [
      'workflow',
      'reset',
      '--address',
      stack.address,
      '--workflow-id',
      reset,
      '--type',
      'FirstWorkflowTask',
      '--reapply-exclude',
      'Update',
      '--reason',
      'an insider rewinds',
    ]);
    // A terminate: the leak's deadlines and escalations stop.
    const terminated = await startLeak('REC-3');
    const started = await stack.client.workflow.getHandle(terminated).query(viewQuery);
    await recordOnceCaughtUp(stack.records, terminated, started.audit.length);
    await stack.client.workflow.getHandle(terminated).terminate('an insider ends it');
    // A fake: a leak-like workflow on a queue nobody polls, with our attributes.
    await stack.client.workflow.start('leakWorkflow', {
      taskQueue: 'nobody-polls',
      workflowId: 'leak-fake-0001',
      args: [{}],
      typedSearchAttributes: [
        { key: SA.kind, value: 'leak' },
        { key: SA.deadlineStatus, value: 'overdue' },
      ],
    });

    const { code, findings } = await verifyRecords('--id', reset, '--id', terminated, '--id', 'leak-fake-0001');
    expect(code).toBe(1);
    const kinds = (id: string) => findings.filter((f) => f.procedureId === id).map((f) => f.kind);
    // The reset run's first entry (its new instant) reached the record at once, which kept its own
    // and noted the divergence; the run holds entries unlike the record; the run it replaced was terminated.
    expect(kinds(reset)).toEqual(expect.arrayContaining(['diverged', 'run-rewound', 'run-ended-outside-close']));
    expect(findings.find((f) => f.procedureId === reset && f.kind === 'run-rewound')!.seq).toBeLessThanOrEqual(live.audit.length);
    expect(kinds(terminated)).toEqual(['run-ended-outside-close']);
    expect(kinds('leak-fake-0001')).toEqual(['no-record']);
    // The record itself kept what it held: the rewound entries are still there.
    expect((await stack.records.read(reset))!.view.audit.length).toBeGreaterThanOrEqual(live.audit.length);
  });

  it('a start on our own queue still waiting behind a backlog for its first task is not a finding until its own grace, and is looked at again', async () => {
    // No worker polls this queue: as a procedure waits when a storm's backlog is ahead of it.
    const queue = 'records-test-backlog';
    await stack.client.workflow.start('leakWorkflow', { taskQueue: queue, workflowId: 'leak-backlogged-0001', args: [{}] });
    const waiting = new Set<string>();
    const look = (ownQueueGraceMs?: number) =>
      compareWithTemporal(stack.client, stack.records.pool, {
        taskQueue: queue,
        graceMs: 0,
        ids: ['leak-backlogged-0001'],
        waiting,
        ...(ownQueueGraceMs !== undefined ? { ownQueueGraceMs } : {}),
        // A window that no longer holds the start: only `waiting` brings it back.
        ...(waiting.size ? { query: `StartTime > '${new Date(Date.now() + 60_000).toISOString()}'` } : {}),
      });
    expect(await look()).toEqual([]);
    expect([...waiting]).toEqual(['leak-backlogged-0001']);
    // Still waiting at the next look, from `waiting` alone; past its grace it is a finding.
    expect(await look()).toEqual([]);
    expect((await look(0)).map((f) => [f.procedureId, f.kind])).toEqual([['leak-backlogged-0001', 'no-record']]);
    expect(waiting.size).toBe(0);
    await stack.client.workflow.getHandle('leak-backlogged-0001').terminate('test over');
  });

  it('a record ahead of its run by the rows of a pass whose task Temporal has not committed (a worker lost mid-pass, issue 28) is no rewind within the grace; rows that stay, or rows no such pass wrote, are', async () => {
    const id = await startLeak('REC-6');
    const handle = stack.client.workflow.getHandle(id);
    const live = await handle.query(viewQuery);
    await recordOnceCaughtUp(stack.records, id, live.audit.length);
    const { audit, ...view } = live;
    const runId = (await handle.describe()).runId;
    // The pass's local activity wrote two entries; the task that ran it never completed.
    const pass = [1, 2].map((i) => ({ ...audit.at(-1)!, seq: audit.length + i, kind: 'reminder' as const, summary: `提醒 ${i}` }));
    const base = { procedureId: id, runId, startedAt: audit[0]!.at, updates: [], view };
    await stack.records.append({ ...base, entries: pass, task: 1000, uncommitted: true });
    const deep = (graceMs: number) =>
      compareWithTemporal(stack.client, stack.records.pool, { taskQueue: TASK_QUEUE, graceMs, ids: [id] }).then((fs) =>
        fs.map((f) => [f.kind, f.seq]),
      );
    expect(await deep(60_000)).toEqual([]);
    // Past the grace the record is still ahead: the trail was rewound.
    expect(await deep(0)).toEqual([['run-rewound', audit.length + 1]]);
    // A committed row ahead of the trail is a rewind at once.
    await stack.records.append({ ...base, entries: [{ ...pass[1]!, seq: audit.length + 3 }], task: 1001 });
    expect(await deep(60_000)).toEqual([['run-rewound', audit.length + 1]]);
    await handle.terminate('test over');
  });

  it('a record restored from an older backup is reported behind Temporal, from the first entry it lacks; nothing is rewritten', async () => {
    const id = await startLeak('REC-4');
    const handle = stack.client.workflow.getHandle(id);
    const first = await handle.query(viewQuery);
    await recordOnceCaughtUp(stack.records, id, first.audit.length);
    const backup = (await stack.records.pool.query('select * from procedures where id = $1', [id])).rows[0];
    await send(id, 'org-th-office', 'REPORT_TO_SUPERIOR');
    const later = await handle.query(viewQuery);
    await recordOnceCaughtUp(stack.records, id, later.audit.length);
    expect(later.audit.length).toBeGreaterThan(first.audit.length);

    // The backup of this procedure put back: its row as it was, the later entries gone.
    const client = await stack.records.pool.connect();
    try {
      await client.query('alter table record_entries disable trigger record_entries_append_only');
      await client.query('delete from record_entries where procedure_id = $1 and seq > $2', [id, backup.head_seq]);
      await client.query(
        'update procedures set view = $2, view_hash = $3, head_seq = $4, head_hash = $5, head_mac = $6, updated_at = $7 where id = $1',
        [id, backup.view, backup.view_hash, backup.head_seq, backup.head_hash, backup.head_mac, backup.updated_at],
      );
    } finally {
      await client.query('alter table record_entries enable trigger record_entries_append_only');
      client.release();
    }
    const { code, findings } = await verifyRecords('--id', id);
    expect(code).toBe(1);
    expect(findings).toEqual([expect.objectContaining({ procedureId: id, seq: first.audit.length + 1, kind: 'record-behind' })]);
    expect((await stack.records.read(id))!.view.audit).toEqual(first.audit);
    // At the procedure's next change its run sends again from where the record ends: whole again, in order.
    await send(id, 'org-th-office', 'RECORD_MEASURES', { measures: '已追回全部文件' });
    const now = await handle.query(viewQuery);
    expect((await recordOnceCaughtUp(stack.records, id, now.audit.length))!.view.audit).toEqual(now.audit);
    expect(await verifyRecords('--id', id)).toMatchObject({ code: 0, findings: [] });
  });
});
