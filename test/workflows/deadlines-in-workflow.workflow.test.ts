import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarSource, loadDeps } from '../../activities/deps.js';
import { workflowBundle } from '../../worker/worker.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { withProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-gz-bureau', name: '广州市某局' };
const matter = (draftedOn: string) => ({
  organId: 'org-gz-bureau',
  matterRef: 'GZ-2025-044',
  title: '某项目参数（非涉密描述）',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '本局项目组' },
  draftedOn,
  protectiveMeasures: '按机密级采取保密措施',
});

/** The deadline activities a procedure's history records. */
const computeDeadlines = async (h: WorkflowHandle) =>
  (await h.fetchHistory()).events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'computeDeadline').length;
const determination = (v: { deadlines: ProcedureView['deadlines'] }) => {
  const { computedAt: _, ...d } = v.deadlines.find((r) => r.specId === 'determination')!;
  return d;
};
const replays = async (h: WorkflowHandle) =>
  Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await h.fetchHistory(), h.workflowId);

describe('deadlines computed in the workflow from the calendar the start recorded (issue 14; SPEC §2)', () => {
  it('an event into a state with a deadline runs no deadline activity and records the deadline a start without the calendar gets from the activity', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const withCalendar = await p.start('unclear-matter', matter('2025-09-26'), organ);
      // The same start as one prepared before the calendar was recorded: its deadlines come from the activity.
      const before = await p.start('unclear-matter', matter('2025-09-26'), organ, 'without-calendar-1', { without: 'calendar' });

      await p.sleepUntil('2025-10-09T02:00:00Z');
      const [a, b] = [await p.send(withCalendar, 'SUBMIT_REPORT', organ), await p.send(before, 'SUBMIT_REPORT', organ)];
      // Received 2025-10-09: 10 working days, counting the make-up Saturday 10-11 (Regs 25 para 2).
      expect(determination(a)).toMatchObject({ from: '2025-10-09', lastDay: '2025-10-22', provisional: false });
      expect(determination(a)).toEqual({ ...determination(b), key: determination(a).key });
      expect(await computeDeadlines(withCalendar)).toBe(0);
      expect(await computeDeadlines(before)).toBe(1);
      await replays(withCalendar);
      await replays(before);
    });
  });

  it('a period reaching a year the recorded calendar has no notice for goes to the activity: provisional while the notice is missing, computed with it once published', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-cal-')), 'calendar.json');
    const data = JSON.parse(readFileSync(new URL('../../domain/calendar/data/cn-calendar.json', import.meta.url), 'utf8'));
    writeFileSync(file, JSON.stringify(data));
    await withProcedureEnv(
      '2026-12-10T01:00:00Z',
      async (p) => {
        const [first, second] = [
          await p.start('unclear-matter', matter('2026-12-10'), organ),
          await p.start('unclear-matter', matter('2026-12-10'), organ),
        ];
        // The report's 10 working days end in 2026, which the recorded calendar covers.
        expect((await p.view(first)).deadlines[0]).toMatchObject({ lastDay: '2026-12-24', provisional: false });
        await p.sleepUntil('2026-12-21T02:00:00Z');

        // Received 2026-12-21: the 10 working days reach 2027, weekends only so far.
        const provisional = await p.send(first, 'SUBMIT_REPORT', organ);
        expect(determination(provisional)).toMatchObject({ lastDay: '2027-01-04', provisional: true, calendarVersion: data.version });
        expect(await computeDeadlines(first)).toBe(1);

        // The 2027 notice is published after both starts: New Year 1–3 January off.
        data.version = 'cn-2027@test';
        data.years.push({
          year: 2027,
          notice: '国办发明电（测试）',
          published: '2026-12-15',
          supplements: [],
          holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }],
          workdays: [],
        });
        writeFileSync(file, JSON.stringify(data));
        const published = await p.send(second, 'SUBMIT_REPORT', organ);
        expect(determination(published)).toMatchObject({ lastDay: '2027-01-05', provisional: false, calendarVersion: 'cn-2027@test' });
        expect(await computeDeadlines(second)).toBe(1);
        await replays(first);
        await replays(second);
      },
      { ...loadDeps({}), calendar: calendarSource(file) },
    );
  });
});
