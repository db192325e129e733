import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { DeadlineBoard } from '../../api/board.js';
import { RecordedBoardSource } from '../../records/board-source.js';
import { sealedDataConverter } from '../../temporal/codec.js';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

let stack: Stack;
const connections: Connection[] = [];
const calendar = loadDeps({}).calendar;
beforeAll(async () => {
  stack = await startStack('board-test');
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await stack?.stop();
});

/** A client of its own connection whose visibility list calls are recorded (query by query). */
async function watchedClient() {
  const connection = await Connection.connect({ address: stack.address });
  connections.push(connection);
  const queries: string[] = [];
  /** How many executions each list call answered, in call order. */
  const rows: number[] = [];
  const service = connection.workflowService;
  const list = service.listWorkflowExecutions.bind(service);
  Object.assign(service, {
    listWorkflowExecutions: async (req: Parameters<typeof list>[0]) => {
      queries.push(req.query ?? '');
      const res = await list(req);
      rows.push(res.executions.length);
      return res;
    },
  });
  return { client: new Client({ connection, dataConverter: sealedDataConverter(stack.codec) }), queries, rows };
}

async function post(path: string, as: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as { id: string };
}

const start = async (ref: string) =>
  (await post('/api/procedures/unclear-matter', 'org-gz-bureau', unclearMatterInput({ matterRef: ref, title: '看板测试事项' }))).id;

/** Waits until visibility lists exactly `n` open procedures (what a first load reads). */
async function visibleOpen(n: number): Promise<void> {
  await expect
    .poll(async () => (await stack.client.workflow.count(`BmClosed = false AND ExecutionStatus = 'Running'`)).count, { timeout: 30_000 })
    .toBe(n);
}

const stateOn = async (board: DeadlineBoard, id: string) => (await board.open()).find((i) => i.id === id)?.state;

describe('the board follows what changed, not everything open', () => {
  it('a change after the first load reaches each replica through the incremental query; a terminated procedure leaves', async () => {
    const a = await start('BOARD-1');
    const b = await start('BOARD-2');
    await visibleOpen(2);
    const replicas = await Promise.all([watchedClient(), watchedClient()]);
    const boards = replicas.map((r) => new DeadlineBoard(r.client, calendar));
    for (const board of boards) await board.refresh();
    for (const board of boards) expect((await board.open()).map((i) => i.id).sort()).toEqual([a, b].sort());
    const before = (await stateOn(boards[0]!, a))!;
    const loads = replicas.map((r) => r.queries.length);

    await post(`/api/procedures/${a}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' });
    await stack.client.workflow.getHandle(b).terminate('test');
    for (const board of boards) {
      await expect.poll(async () => (await board.refresh(), await stateOn(board, a)), { timeout: 30_000 }).not.toBe(before);
      await expect.poll(async () => (await board.refresh(), (await board.open()).some((i) => i.id === b)), { timeout: 30_000 }).toBe(false);
    }
    // After the first load, every list call was the incremental query (no sweep page yet).
    for (const [n, r] of replicas.entries())
      expect(r.queries.slice(loads[n]).every((q) => q.includes('BmUpdatedAt >=') && q.includes('CloseTime >='))).toBe(true);
  });

  it('the list calls of a refresh stay the same as the open count grows, while a full listing grows with it', async () => {
    await visibleOpen(1);
    // Pages of 2: the first load of n open procedures takes ceil(n/2) calls (and one for the empty end, if any).
    const perRefresh = async () => {
      const { client, queries } = await watchedClient();
      const board = new DeadlineBoard(client, calendar, { pageSize: 2, sweepEvery: 1, lagMs: 0, overlapMs: 0 });
      await board.refresh();
      const load = queries.length;
      // The first refresh may also catch up with closes since the newest open procedure's change.
      await board.refresh();
      const counts: number[] = [];
      for (let k = 0; k < 3; k++) {
        const n = queries.length;
        await board.refresh();
        counts.push(queries.length - n);
      }
      return { load, counts, open: (await board.open()).length };
    };
    const small = await perRefresh();
    for (let i = 0; i < 7; i++) await start(`BOARD-GROW-${i}`);
    await visibleOpen(8);
    const large = await perRefresh();
    expect([small.open, large.open]).toEqual([1, 8]);
    expect(large.load).toBeGreaterThanOrEqual(4);
    expect(small.load).toBeLessThanOrEqual(2);
    // One incremental call and one sweep page per refresh, whatever the count.
    expect(small.counts).toEqual([2, 2, 2]);
    expect(large.counts).toEqual([2, 2, 2]);
  });

  it('the sweep drops a procedure that left visibility without a change the incremental query could see', async () => {
    const { client } = await watchedClient();
    const board = new DeadlineBoard(client, calendar, { pageSize: 3, sweepEvery: 1, overlapMs: 0 });
    await board.refresh();
    const gone = (await board.open())[0]!.id;
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: gone } });
    await expect.poll(async () => (await stack.client.workflow.count(`WorkflowId = '${gone}'`)).count, { timeout: 30_000 }).toBe(0);
    // The sweep's next pass begins after the deleted procedure's last change: not finding it drops it.
    await expect
      .poll(async () => (await board.refresh(), (await board.open()).some((i) => i.id === gone)), { timeout: 60_000 })
      .toBe(false);
  });

  it('a system gone quiet is listed for nothing; the next change is (the bounds are the clock’s, not the rows’)', async () => {
    const id = await start('BOARD-QUIET');
    const { client, rows } = await watchedClient();
    const board = new DeadlineBoard(client, calendar, { lagMs: 500, overlapMs: 1500, overlapEvery: 3, sweepEvery: 1000 });
    await expect.poll(async () => (await board.refresh(), await stateOn(board, id)), { timeout: 30_000 }).toBe('awaitingReport');
    // Past the wide lookback with no change, and one wide query since (it looks back to the one before):
    // every query, narrow and wide, answers nothing.
    await new Promise((r) => setTimeout(r, 2000));
    for (let k = 0; k < 3; k++) await board.refresh();
    const from = rows.length;
    for (let k = 0; k < 6; k++) await board.refresh();
    expect(rows.slice(from)).toEqual([0, 0, 0, 0, 0, 0]);
    await post(`/api/procedures/${id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' });
    await expect.poll(async () => (await board.refresh(), await stateOn(board, id)), { timeout: 30_000 }).not.toBe('awaitingReport');
    expect(Math.max(...rows.slice(from + 6))).toBeGreaterThan(0);
  });

  it('after a restart it serves the open procedures from the case file at once, while visibility’s open listing is held back (issue 28)', async () => {
    const id = await start('BOARD-RESTART');
    await expect.poll(async () => (await stack.records.recordedIds([id])).has(id), { timeout: 30_000 }).toBe(true);
    const { client, queries } = await watchedClient();
    // Visibility answers the open listing only once released: a slow listing at 100,000 open.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const service = client.connection.workflowService;
    const list = service.listWorkflowExecutions.bind(service);
    Object.assign(service, {
      listWorkflowExecutions: async (req: Parameters<typeof list>[0]) => {
        if (req.query?.startsWith('BmClosed = false')) await held;
        return list(req);
      },
    });
    const board = new DeadlineBoard(client, calendar, { pageSize: 2 }, new RecordedBoardSource(stack.records));
    await board.refresh();
    const served = (await board.open()).find((i) => i.id === id);
    expect(served).toMatchObject({ kind: 'unclear-matter', state: 'awaitingReport', organ: 'org-gz-bureau', recordedStatus: 'on_track' });
    expect(served!.nextDeadline).toBeDefined();
    expect(Date.parse(served!.dueSoonAt!)).toBeLessThan(Date.parse(served!.nextDeadline!));
    // As the procedure's search attributes scope it: a party's region and the jurisdiction of its own.
    expect(served!.regionScope).toEqual(expect.arrayContaining(['44', '4401']));
    // Visibility comes back: its open listing catches up behind, page by page, and the procedure stays.
    const before = queries.length;
    const open = (await stack.client.workflow.count(`BmClosed = false AND ExecutionStatus = 'Running'`)).count;
    release();
    // Its pass ends once every page of pageSize 2 is read; what it did not find open it would drop.
    await expect
      .poll(() => queries.slice(before).filter((q) => q.startsWith('BmClosed = false')).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(Math.ceil(open / 2));
    await board.refresh();
    expect((await board.open()).some((i) => i.id === id)).toBe(true);
  });
});
