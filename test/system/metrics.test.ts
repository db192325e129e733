import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { freePort } from '../support/ports.js';
import { unclearMatterInput } from '../support/inputs.js';

let stack: Stack;
let metricsUrl: string;
beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack('metrics-test', { api: { metricsPort } });
});
afterAll(async () => {
  await stack?.stop();
});

async function call(path: string, as: string, body: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id: string } };
}

/** A sample's value from the exposition text, by metric name and exact labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(l);
    return m && m[1] === name && m[2]!.split(',').sort().join(',') === want.sort().join(',');
  });
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

const unclear = (organId: string) => unclearMatterInput({ organId, matterRef: 'M-1', title: '指标测试事项' });

describe('Prometheus metrics of the API', () => {
  it('counts starts and events by kind and outcome on the loopback metrics port, with no ids in any label', async () => {
    const started = await call('/api/procedures/unclear-matter', 'org-gz-bureau', unclear('org-gz-bureau'));
    expect(started.status).toBe(201);
    // Someone else's start is refused (only the organ itself may start it).
    expect((await call('/api/procedures/unclear-matter', 'org-gz-institute', unclear('org-gz-bureau'))).status).toBe(403);
    expect((await call(`/api/procedures/${started.body.id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(200);
    // The same event again is not allowed in the new state.
    expect((await call(`/api/procedures/${started.body.id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(409);

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'bm_procedure_starts_total', { kind: 'unclear-matter', outcome: 'accepted' })).toBe(1);
    expect(sample(text, 'bm_procedure_starts_total', { kind: 'unclear-matter', outcome: 'forbidden' })).toBe(1);
    expect(sample(text, 'bm_procedure_events_total', { kind: 'unclear-matter', outcome: 'accepted' })).toBe(1);
    expect(sample(text, 'bm_procedure_events_total', { kind: 'unclear-matter', outcome: 'not-allowed-in-state' })).toBe(1);
    // The board's gauges by tier, every tier present (values follow the board's refresh).
    for (const tier of ['national', 'provincial', 'municipal', 'county']) {
      for (const name of ['bm_procedures_open', 'bm_procedures_due_soon', 'bm_procedures_overdue'])
        expect(sample(text, name, { tier }), `${name} ${tier}`).toBeGreaterThanOrEqual(0);
    }
    // Metrics carry kinds, tiers and outcomes only: nothing that names a procedure or a party.
    expect(text).not.toContain(started.body.id);
    expect(text).not.toMatch(/org-gz|procedureId|region=/);
  });

  it('does not serve /metrics on the public port', async () => {
    expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
  });
});
