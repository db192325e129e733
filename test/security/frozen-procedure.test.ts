/**
 * The frozen-procedure attack against the real stack (issue 12): one organ floods a leak
 * procedure with a repeatable event to use up Temporal's Updates for good. The per-procedure cap
 * (EventSpec.max) refuses it first with 429, records nothing, and the procedure goes on: the
 * authority's steps and the organ's other events are still accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakProcedure } from '../../machines/leak.js';
import { runConcurrent } from '../../bench/stats.js';
import { startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('security-flood');
});
afterAll(async () => {
  await stack?.stop();
});

async function post(path: string, as: string, body: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('an organ cannot freeze a procedure by repeating an event (issue 12)', () => {
  it('RECORD_MEASURES past its cap gets 429 naming the cap and the article, records nothing; the authority’s and the organ’s other events are still accepted', async () => {
    const cap = leakProcedure.events.RECORD_MEASURES!.max!;
    const started = await post('/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: 'FLOOD-1' }));
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const events = `/api/procedures/${id}/events`;
    const flood = await runConcurrent(cap, 10, async (i) => {
      const r = await post(events, 'org-th-office', { type: 'RECORD_MEASURES', measures: `措施${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    });
    expect(flood.latencies).toHaveLength(cap);

    const handle = stack.client.workflow.getHandle(id);
    // Updates the history accepted (deliveries of earlier notices may still add their own events meanwhile).
    const accepted = async () =>
      (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    const acceptedBefore = await accepted();
    const viewBefore = await (
      await fetch(`${stack.url}/api/procedures/${id}`, { headers: { authorization: `Bearer ${await stack.token('org-th-office')}` } })
    ).json();
    const refused = await post(events, 'org-th-office', { type: 'RECORD_MEASURES', measures: '再一次' });
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain(`at most ${cap} times`);
    expect(refused.body.detail).toContain('Regs 61 para 1');
    expect(await accepted()).toBe(acceptedBefore);
    const viewAfter = await (
      await fetch(`${stack.url}/api/procedures/${id}`, { headers: { authorization: `Bearer ${await stack.token('org-th-office')}` } })
    ).json();
    expect(viewAfter.audit).toEqual(viewBefore.audit);

    // The procedure is not frozen: the authority acts, and the organ still reports.
    const order = await post(events, 'auth-440106', { type: 'ORDER_STOP', order: '责令停止违法行为' });
    expect(order.status, JSON.stringify(order.body)).toBe(200);
    const report = await post(events, 'org-th-office', { type: 'REPORT_TO_AUTHORITY' });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const audit = (
      await (
        await fetch(`${stack.url}/api/procedures/${id}`, { headers: { authorization: `Bearer ${await stack.token('auth-440106')}` } })
      ).json()
    ).audit as Array<{ event?: { type: string } }>;
    expect(audit.filter((a) => a.event?.type === 'RECORD_MEASURES')).toHaveLength(cap);
    expect(audit.filter((a) => a.event?.type === 'ORDER_STOP')).toHaveLength(1);
  });
});
