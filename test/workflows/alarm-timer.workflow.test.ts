import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker.js';
import { firedAt, withProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-th-office' };
const leak = {
  organId: 'org-th-office',
  incidentRef: 'XL-2025-09',
  summary: '涉密文件误发（非涉密简述）',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: '立即收回',
};

describe('the alarm timer (issue 14)', () => {
  it('events that leave the earliest alarm where it was keep its timer: none is cancelled or started again, and the alarm fires at its instant', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start('leak', leak, organ);
      const timers = async () => {
        const events = (await h.fetchHistory()).events!;
        return {
          started: events.flatMap((e) => e.timerStartedEventAttributes?.startToFireTimeout?.seconds?.toString() ?? []),
          cancelled: events.filter((e) => e.timerCanceledEventAttributes).length,
        };
      };
      const before = await timers();
      expect(before.started).toHaveLength(1);
      // Remedial measures change the state but no deadline (Regs 61): the two 24-hour reports stay the earliest.
      for (let i = 0; i < 3; i++) await p.send(h, 'RECORD_MEASURES', organ, { measures: `措施${i}` });
      expect(await timers()).toEqual(before);

      // The first reminder of the two reports (policy: at a share of the 24 hours) still fires on time.
      const first = (await p.view(h)).deadlines.flatMap((d) => d.reminders.map((r) => r.at)).sort()[0]!;
      await p.sleepUntil(new Date(Date.parse(first) + 30_000).toISOString());
      const reminders = (await p.view(h)).audit.filter((a) => a.kind === 'reminder');
      expect(reminders.length).toBeGreaterThan(0);
      expect(reminders.every((a) => firedAt(a.at, first))).toBe(true);
      expect((await timers()).cancelled).toBe(0);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await h.fetchHistory(), h.workflowId);
    });
  });
});
