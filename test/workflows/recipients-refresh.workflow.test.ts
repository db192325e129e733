import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { loadDeps } from '../../activities/deps.js';
import demo from '../../domain/registry/demo-registry.json' with { type: 'json' };
import { Registry } from '../../domain/registry/registry.js';
import { refreshRecipientsUpdate } from '../../workflows/messages.js';
import { sendOperatorUpdate } from '../../api/procedure-client.js';
import type { EventRejection } from '../../workflows/types.js';
import type { Actor } from '../../domain/procedure-view.js';
import { withProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-th-office' };
const leak = {
  organId: organ.id,
  incidentRef: 'XL-2025-09',
  summary: '涉密文件遗失（非涉密简述）',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: '封存',
};
const admin: Actor = { id: 'operator', roles: ['admin'] };

// The registry after a change: the organ has a new secrecy officer.
const changed = structuredClone(demo) as typeof demo & { organs: Array<{ id: string; secrecyOfficer: { name: string; email?: string } }> };
changed.version = 'demo-2026-12';
changed.organs.find((o) => o.id === organ.id)!.secrecyOfficer = { name: '天河区某办保密办（新）', email: 'new-officer@th-office.example' };

/** The refusal a rejected Update carries (the driver's validator: nothing recorded). */
async function refusal(h: WorkflowHandle, actor: Actor, reason: string): Promise<EventRejection> {
  const err = await sendOperatorUpdate(h, refreshRecipientsUpdate, { actor, reason }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as { cause: { details: [EventRejection] } }).cause.details[0];
}

describe("an operator refreshes an open procedure's recipients after a registry change", () => {
  it('only an admin with a reason may; the change is audited once; later alarms go to the new contact, a procedure not refreshed keeps the recorded one', async () => {
    const deps = loadDeps({});
    await withProcedureEnv(
      '2025-09-30T13:31:00Z',
      async (p) => {
        const refreshed = await p.start('leak', leak, organ, 'refresh-yes');
        const kept = await p.start('leak', leak, organ, 'refresh-no');
        deps.registry = Registry.fromJSON(changed); // the workers restarted with the new registry
        const auditBefore = (await p.view(refreshed)).audit.length;

        // A party of the procedure may not, nor an admin without a reason: nothing is recorded.
        expect(await refusal(refreshed, organ, '联系人变更')).toMatchObject({
          code: 'not-authorized',
          messageZh: expect.stringContaining('系统管理员'),
        });
        expect(await refusal(refreshed, admin, ' ')).toMatchObject({
          code: 'invalid-payload',
          fieldErrors: [expect.objectContaining({ field: 'reason' })],
        });
        expect((await p.view(refreshed)).audit).toHaveLength(auditBefore);

        const refresh = () => sendOperatorUpdate(refreshed, refreshRecipientsUpdate, { actor: admin, reason: '天河区某办保密员变更' });
        expect(await refresh()).toEqual({ changed: true, registryVersion: 'demo-2026-12' });
        expect(await refresh()).toEqual({ changed: false, registryVersion: 'demo-2026-12' }); // nothing left to change
        const v = await p.view(refreshed);
        expect(v.versions.registry).toBe('demo-2026-12');
        expect(v.audit.slice(auditBefore)).toEqual([
          expect.objectContaining({
            kind: 'recipients-refreshed',
            actor: admin,
            summary: expect.stringMatching(/demo-2026-12.*demo-2026-11.*天河区某办保密员变更/),
          }),
        ]);

        // The deadline: the refreshed procedure's reminder and escalation go to the new officer.
        await p.sleepUntil('2025-10-01T13:31:00Z');
        const atDue = async (h: WorkflowHandle) =>
          (await p.view(h)).inbox.filter((e) => /:(due|escalation-1)$/.test(e.id)).flatMap((e) => e.recipients.map((r) => r.contact.name));
        expect(await atDue(refreshed)).toEqual(Array(4).fill('天河区某办保密办（新）'));
        expect(await atDue(kept)).toEqual(Array(4).fill('天河区某办保密办'));
        expect((await p.view(kept)).versions.registry).toBe('demo-2026-11');
      },
      deps,
    );
  });
});
