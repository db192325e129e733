import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { workerRegistry } from '../../activities/metrics.js';
import { historyActivities } from '../../temporal/history-activities.js';
import { withProcedureEnv, type ProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-th-office' }; // a county-level organ with a superior organ: two 24-hour reports
const DUE = '2025-10-01T13:30:00.000Z';
const leak = {
  organId: organ.id,
  incidentRef: 'XL-2025-07',
  summary: '涉密文件遗失（非涉密简述）',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: '封存',
};

/** How many reminders and escalations the worker has observed the lateness of (bm_alarm_lateness_seconds). */
const observed = async () =>
  (await workerRegistry.getSingleMetric('bm_alarm_lateness_seconds')!.get()).values
    .filter((v) => (v as { metricName?: string }).metricName === 'bm_alarm_lateness_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);

/** Checks one procedure's storm: what each instant recorded and in which order; returns its inbox and the activities it scheduled. */
async function checkStorm(p: ProcedureEnv, h: WorkflowHandle, startEvents: number) {
  const v = await p.view(h);
  const keys = ['report-authority', 'report-superior'].map((id) => v.deadlines.find((d) => d.specId === id)!);
  expect(keys.map((d) => d.dueAt)).toEqual([DUE, DUE]);
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
  const alarms = v.inbox.filter((e) => e.kind !== 'notification');
  expect(alarms.map((e) => e.id)).toEqual([
    ...['50%', '80%'].flatMap((point) => keys.map((d) => `${d.key}:reminder${point}`)),
    ...keys.flatMap((d) => [`${d.key}:due`, `${d.key}:escalation-1`]),
  ]);
  expect(v.deadlines.filter((d) => d.dueFired).map((d) => [d.key, d.escalationRung])).toEqual(keys.map((d) => [d.key, 1]));

  const since = (await h.fetchHistory()).events!.slice(startEvents);
  const scheduled = historyActivities(since).map((a) => a.type);
  // An instant writes only the search attributes that changed, once, and no patch marker's
  // TemporalChangeVersion (patch lean-pass, taken at the start): the 50% reminder changes none, the
  // 80% mark and the deadline the status (due soon, overdue) with the watermark.
  const upserts = since.flatMap((e) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    return fields ? [Object.keys(fields).sort()] : [];
  });
  expect(upserts).toEqual([
    ['BmDeadlineStatus', 'BmUpdatedAt'],
    ['BmDeadlineStatus', 'BmUpdatedAt'],
  ]);
  // The case file holds what each instant recorded (SPEC §4a): appended with the pass's deliveries, in one activity.
  expect(scheduled).toContain('recordAndDeliver');
  expect(scheduled).not.toContain('appendRecord');
  return {
    recipients: alarms.map((e) => [e.id, e.recipients]),
    notify: scheduled.filter((t) => t !== 'deliver' && t !== 'recordAndDeliver'),
  };
}

describe('alarms falling due at one instant (issue 14, a deadline storm)', () => {
  it('records each reminder, escalation and machine reaction of two deadlines due together once, deadline by deadline: from the recipients the start recorded without an activity, else from one notify activity per instant, the same recipients', async () => {
    await withProcedureEnv('2025-09-30T13:31:00Z', async (p) => {
      const recorded = await p.start('leak', leak, organ, 'storm-recorded');
      const asked = await p.start('leak', leak, organ, 'storm-asked', { without: 'ladders' });
      const startEvents = await Promise.all([recorded, asked].map(async (h) => (await h.fetchHistory()).events!.length));
      const before = await observed();

      await p.sleepUntil('2025-10-01T13:31:00Z');
      const withLadders = await checkStorm(p, recorded, startEvents[0]!);
      const withoutLadders = await checkStorm(p, asked, startEvents[1]!);
      // The start that recorded its ladders needed no activity at 50%, at 80% or at the deadline; the
      // one without took its reminders at 50% and 80% from its recorded contacts, and asked one notify
      // activity for the four alarms due at the deadline (not four); both sent to the same recipients.
      expect(withLadders.notify).toEqual([]);
      expect(withoutLadders.notify).toEqual(['notifyAll']);
      expect(withLadders.recipients).toEqual(withoutLadders.recipients);
      // Reminders to the organ itself, the escalations (rung 1) to its secrecy officer (domain/ladder.ts).
      const roles = withLadders.recipients.map(([id, r]) => [
        String(id).split(':').pop(),
        (r as Array<{ role: string }>).map((x) => x.role),
      ]);
      expect(roles).toEqual([
        ...['reminder50%', 'reminder50%', 'reminder80%', 'reminder80%'].map((k) => [k, ['responsible']]),
        ...[0, 1].flatMap(() => [
          ['due', ['responsible']],
          ['escalation-1', ['secrecy-officer']],
        ]),
      ]);
      // Each of the 8 reminders and escalations of each procedure had its lateness observed: through
      // the worker's sink where the workflow took its recipients from the record, else in the activity.
      expect((await observed()) - before).toBe(16);
    });
  });
});
