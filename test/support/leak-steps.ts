/** A Tianhe office's leak driven by the worker to its close (调查结束，无需追究), every step by the organ and the relay chain. */
import { expect } from 'vitest';
import { callAs, type Stack } from './stack.js';

export async function sendEvent(stack: Stack, id: string, as: string, type: string, payload: Record<string, unknown> = {}) {
  const r = await callAs(stack, 'POST', `/api/procedures/${id}/events`, as, { type, ...payload });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Closes the leak and waits until the record holds it closed (the worker appends behind the workflow). */
export async function closeTianheLeak(stack: Stack, id: string) {
  await sendEvent(stack, id, 'org-th-office', 'REPORT_TO_AUTHORITY', { reportNumber: '天保〔2026〕9号' });
  await sendEvent(stack, id, 'org-th-office', 'REPORT_TO_SUPERIOR');
  for (const tier of ['auth-440106', 'auth-440100', 'auth-440000']) await sendEvent(stack, id, tier, 'RELAY');
  await sendEvent(stack, id, 'org-th-office', 'REPORT_RESULT', { result: '已查明原因' });
  await sendEvent(stack, id, 'auth-440106', 'CONCLUDE_NO_ACTION', { note: '调查结束，无需追究' });
  await stack.client.workflow.getHandle(id).result();
  for (let i = 0; i < 200; i++) {
    const { rows } = await stack.records.pool.query('select closed_at from procedures where id = $1', [id]);
    if (rows[0]?.closed_at) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`${id} not recorded closed`);
}
