/**
 * Regs 71 para 3(3) in both procedures (issue 26, edition 6): a licensed enterprise's leak reported
 * late goes to the authority that granted its licence; its decision is recorded in the leak
 * procedure and, through the leak procedure's activity, in the enterprise's open 年度自检. On the
 * dev server (the lookup is by Temporal visibility), through the API as the parties use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('licence-decision');
});
afterAll(async () => {
  await stack?.stop();
});

const ENTERPRISE = 'ent-gz-tech'; // its licence granted by 广东省国家保密局 (auth-440000)
const LICENSOR = 'auth-440000';

async function ok(method: string, path: string, as: string, body?: unknown) {
  const r = await callAs(stack, method, path, as, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}
const view = (id: string, as = LICENSOR) => ok('GET', `/api/procedures/${id}`, as);

/** A leak of the enterprise found 30 hours ago and reported now: late (Regs 61 para 1), so put to the licensor. */
async function lateLeak(incidentRef: string): Promise<string> {
  const discoveredAt = new Date(Date.now() - 30 * 3_600_000).toISOString();
  const { id } = await ok('POST', '/api/procedures/leak', ENTERPRISE, leakInput({ organId: ENTERPRISE, incidentRef, discoveredAt }));
  await ok('POST', `/api/procedures/${id}/events`, ENTERPRISE, { type: 'REPORT_TO_AUTHORITY', reportNumber: `${incidentRef}-报` });
  expect((await view(id)).activeStates).toContain('underway.licence.proposed');
  return id;
}
const linked = (v: any) => v.audit.filter((a: any) => a.kind === 'linked').map((a: any) => a.summary);
/** The link runs beside the decision (as a delivery does): its entries in the leak's audit trail, once it settled. */
async function linkedEntries(leak: string): Promise<string[]> {
  await expect.poll(async () => linked(await view(leak)).length, { timeout: 30_000 }).toBeGreaterThan(0);
  return linked(await view(leak));
}

describe('the licensing authority’s decision on a leak’s Regs 71 para 3(3) ground reaches the enterprise’s 年度自检', () => {
  let annual: string;

  it('no party sends the decision to the 年度自检 through the API, neither the enterprise nor the authority: nothing is recorded', async () => {
    annual = (await ok('POST', '/api/procedures/annual-inspection', ENTERPRISE, { enterpriseId: ENTERPRISE, year: 2025 })).id;
    const before = (await view(annual)).audit.length;
    const forged = {
      type: 'LEAK_LICENCE_DECISION',
      licenceDecision: 'revoked',
      text: '伪造',
      incidentRef: 'X',
      decidedBy: '广东省国家保密局',
    };
    for (const as of [ENTERPRISE, LICENSOR]) {
      const r = await callAs(stack, 'POST', `/api/procedures/${annual}/events`, as, forged);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.detail).toContain('is recorded only by the leak procedure');
      expect(r.body.detailZh).toContain('由泄密报告程序');
    }
    const v = await view(annual);
    expect(v.audit.length).toBe(before);
    expect(v.closed).toBe(false);
    // Nor is it offered to anyone as a step.
    expect(v.allowedEvents.map((e: any) => e.type)).not.toContain('LEAK_LICENCE_DECISION');
  });

  it('a decline (本地策略) is recorded in the 年度自检, which goes on where it was; the leak’s audit trail says where it went', async () => {
    const leak = await lateLeak('GZ-LEAK-1');
    const state = (await view(annual)).state;
    // Signed by the licensor's 负责人 (edition 6, headSignOff, 本地策略): a 经办人 alone is refused, nothing recorded.
    const officer = await stack.token(LICENSOR, { roles: ['secrecy-officer'] });
    const refused = await fetch(`${stack.url}/api/procedures/${leak}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'DECLINE_REVOCATION', reason: '经办人' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain('must be signed off by its 负责人');
    expect((await view(leak)).activeStates).toContain('underway.licence.proposed');
    await ok('POST', `/api/procedures/${leak}/events`, LICENSOR, {
      type: 'DECLINE_REVOCATION',
      reason: '已及时采取补救措施，危害后果轻微',
    });
    expect(await linkedEntries(leak)).toEqual(['已记入广州某科技有限公司2025年度的保密资质年度自检程序']);
    const a = await view(annual);
    expect(a.state).toBe(state);
    expect(a.closed).toBe(false);
    const entry = a.audit.findLast((x: any) => x.event?.type === 'LEAK_LICENCE_DECISION');
    expect(entry).toMatchObject({
      basis: 'Regs 71 para 3(3)',
      actor: { id: leak, name: expect.stringMatching(/^广东省国家保密局 \S+（负责人）（泄密报告）$/) },
      event: { payload: { licenceDecision: 'declined', text: '已及时采取补救措施，危害后果轻微', incidentRef: 'GZ-LEAK-1' } },
    });
    expect(a.context.declinedInLeak).toEqual([
      expect.objectContaining({ procedure: leak, incidentRef: 'GZ-LEAK-1', by: '广东省国家保密局' }),
    ]);
    // The enterprise's report, made before the decision was recorded here, is its own fact: not ordered after the leak's.
    const madeAt = new Date(Date.now() - 3_600_000).toISOString();
    await ok('POST', `/api/procedures/${annual}/events`, ENTERPRISE, {
      type: 'SUBMIT_REPORT',
      reportNumber: '科技自检〔2025〕1号',
      occurredAt: madeAt,
    });
    expect((await view(annual)).state).toBe('underReview');
  });

  it('a revocation ends the 年度自检 with the licence revoked on the leak’s ground (Regs 71 para 3(3))', async () => {
    const leak = await lateLeak('GZ-LEAK-2');
    await ok('POST', `/api/procedures/${leak}/events`, LICENSOR, { type: 'REVOKE_LICENCE', decision: '粤保吊〔2026〕1号' });
    expect(await linkedEntries(leak)).toEqual(['已记入广州某科技有限公司2025年度的保密资质年度自检程序']);
    const a = await view(annual);
    expect(a.closed).toBe(true);
    expect(a.context.outcome).toMatchObject({ result: 'revoked' });
    expect(a.context.sanctions.at(-1)).toMatchObject({
      measure: 'revocation',
      basis: 'Regs 71 para 3(3)',
      by: { id: leak, name: '广东省国家保密局' },
      reason: expect.stringContaining('泄密事件GZ-LEAK-2'),
    });
  });

  it('with no open 年度自检 the leak’s audit trail records that the decision stays in the leak procedure', async () => {
    const leak = await lateLeak('GZ-LEAK-3');
    await ok('POST', `/api/procedures/${leak}/events`, LICENSOR, { type: 'REVOKE_LICENCE', decision: '粤保吊〔2026〕2号' });
    expect(await linkedEntries(leak)).toEqual(['广州某科技有限公司没有办理中的保密资质年度自检程序：该决定只记入本程序（本地策略）']);
    const v = await view(leak);
    expect(v.context.licenceDecision).toMatchObject({ outcome: 'revoked', text: '粤保吊〔2026〕2号' });
  });
});
