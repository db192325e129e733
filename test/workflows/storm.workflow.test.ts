import { describe, expect, it } from 'vitest';
import { withProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-th-office' }; // a county-level organ with a superior organ: two 24-hour reports
const DUE = '2025-10-01T13:30:00.000Z';

describe('alarms falling due at one instant (issue 14, a deadline storm)', () => {
  it('records each reminder, escalation and machine reaction of two deadlines due together once, deadline by deadline, from one notify activity per instant', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const h = await p.start(
        'leak',
        {
          organId: organ.id,
          incidentRef: 'XL-2025-07',
          summary: '涉密文件遗失（非涉密简述）',
          discoveredAt: '2025-09-30T21:30:00+08:00',
          remedialMeasures: '封存',
        },
        organ,
      );
      const before = await p.view(h);
      const keys = ['report-authority', 'report-superior'].map((id) => before.deadlines.find((d) => d.specId === id)!);
      expect(keys.map((d) => d.dueAt)).toEqual([DUE, DUE]);
      const startEvents = (await h.fetchHistory()).events!.length;

      await p.sleepUntil('2025-10-01T13:31:00Z');
      const v = await p.view(h);
      const atDue = v.audit.filter((a) => Date.parse(a.at) >= Date.parse(DUE));
      // Deadline by deadline, in record order: its reminder, its escalation, then the machine's reaction (Regs 61 para 1).
      expect(atDue.map((a) => [a.kind, a.deadlineKey ?? a.event?.payload.deadlineId])).toEqual(
        keys.flatMap((d) => [
          ['reminder', d.key],
          ['escalation', d.key],
          ['event', d.specId],
        ]),
      );
      expect(atDue.filter((a) => a.kind === 'event').every((a) => a.event!.type === 'DEADLINE_PASSED')).toBe(true);
      expect(v.context.lateFlags).toEqual(keys.map((d) => expect.objectContaining({ deadlineId: d.specId, dueAt: DUE })));
      // The audit trail: seq increasing by one, at never decreasing.
      expect(v.audit.map((a) => a.seq)).toEqual(v.audit.map((_, i) => i + 1));
      for (let i = 1; i < v.audit.length; i++) expect(v.audit[i]!.at >= v.audit[i - 1]!.at).toBe(true);
      // One inbox entry per reminder and escalation, under the keys a procedure has always used: the
      // reminders at 50% and 80% of the period also fall due together.
      expect(v.inbox.filter((e) => e.kind !== 'notification').map((e) => e.id)).toEqual([
        ...['50%', '80%'].flatMap((point) => keys.map((d) => `${d.key}:reminder${point}`)),
        ...keys.flatMap((d) => [`${d.key}:due`, `${d.key}:escalation-1`]),
      ]);
      expect(v.deadlines.filter((d) => d.dueFired).map((d) => [d.key, d.escalationRung])).toEqual(keys.map((d) => [d.key, 1]));

      // Each instant's recipients came from one notify activity (at 50%, at 80%, at the deadline), not
      // eight, and each instant wrote the search attributes once.
      const since = (await h.fetchHistory()).events!.slice(startEvents);
      const scheduled = since.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(scheduled.filter((t) => t !== 'deliver')).toEqual(['notifyAll', 'notifyAll', 'notifyAll']);
      // (The SDK's own upserts of TemporalChangeVersion, at each first patched() call, aside.)
      const ours = since.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BmUpdatedAt);
      expect(ours).toHaveLength(3);
    });
  });
});
