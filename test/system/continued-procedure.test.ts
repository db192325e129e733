/**
 * A procedure that continued-as-new is one procedure to the API (issue 12): its view carries the
 * whole audit trail across runs, the list and the board show it once, and its events are still
 * accepted. The stack runs the test bundle that continues after 150 Updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConcurrent } from '../../bench/stats.js';
import { startStack, type Stack } from '../support/stack.js';
import { TEST_RUN_LIMITS } from '../support/uncapped-workflows.js';
import { leakInput } from '../support/inputs.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('continued', { workflowsPath: new URL('../support/uncapped-workflows.ts', import.meta.url).pathname });
});
afterAll(async () => {
  await stack?.stop();
});

async function call(method: 'GET' | 'POST', path: string, as: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await stack.token(as)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('a procedure across its runs (issue 12)', () => {
  it('after continue-as-new the view has every run’s audit entries in order, the list and the board show it once, and events are accepted', async () => {
    const started = await call('POST', '/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: 'RUNS-1' }));
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const handle = stack.client.workflow.getHandle(id);
    const firstRun = (await handle.describe()).runId;
    const n = TEST_RUN_LIMITS.maxUpdates + 20;
    await runConcurrent(n, 5, async (i) => {
      const r = await call('POST', `/api/procedures/${id}/events`, 'org-th-office', { type: 'RECORD_MEASURES', measures: `措施${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    });
    await expect.poll(async () => (await handle.describe()).runId, { timeout: 20_000 }).not.toBe(firstRun);

    const order = await call('POST', `/api/procedures/${id}/events`, 'auth-440106', { type: 'ORDER_STOP', order: '责令停止违法行为' });
    expect(order.status, JSON.stringify(order.body)).toBe(200);

    const view = await call('GET', `/api/procedures/${id}`, 'auth-440106');
    expect(view.status).toBe(200);
    const audit = view.body.audit as Array<{ seq: number; event?: { type: string; payload: { measures?: string } } }>;
    expect(audit.map((a) => a.seq)).toEqual(audit.map((_, k) => k + 1));
    expect(new Set(audit.flatMap((a) => (a.event?.type === 'RECORD_MEASURES' ? [a.event.payload.measures] : [])))).toEqual(
      new Set(Array.from({ length: n }, (_, i) => `措施${i}`)),
    );
    expect(audit.findLast((a) => a.event)?.event?.type).toBe('ORDER_STOP');

    const listed = await call('GET', '/api/procedures?kind=leak', 'auth-440106');
    expect((listed.body.items as Array<{ id: string }>).filter((i) => i.id === id)).toHaveLength(1);
    await expect
      .poll(
        async () => {
          const board = await call('GET', '/api/dashboard/board?kind=leak&pageSize=100', 'auth-440106');
          return (board.body.items as Array<{ id: string; state: string }>).filter((i) => i.id === id).length;
        },
        { timeout: 20_000 },
      )
      .toBe(1);
  });
});
