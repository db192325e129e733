import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { withProcedureEnv } from '../support/procedure-env.js';

const organ = { id: 'org-gz-bureau', name: '广州市某局' };
const matter = {
  organId: 'org-gz-bureau',
  matterRef: 'GZ-2025-045',
  title: '某项目参数（非涉密描述）',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '本局项目组' },
  draftedOn: '2025-09-26',
  protectiveMeasures: '按机密级采取保密措施',
};

/** The notify activities a procedure's history records. */
const notifyActivities = async (h: WorkflowHandle) =>
  (await h.fetchHistory()).events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify').length;

describe('notices to the parties go to the contacts the start recorded (issue 14; SPEC §4)', () => {
  it('an event whose state notifies a party waits for no notify activity, and its recipients are those the activity gives a start that recorded none', async () => {
    await withProcedureEnv('2025-09-26T01:00:00Z', async (p) => {
      const recorded = await p.start('unclear-matter', matter, organ);
      const before = await p.start('unclear-matter', matter, organ, 'without-contacts-1', { without: 'contacts' });

      await p.send(recorded, 'SUBMIT_REPORT', organ);
      await p.send(before, 'SUBMIT_REPORT', organ);
      const notice = async (h: WorkflowHandle) => {
        const { inbox } = await p.view(h);
        expect(inbox.length).toBeGreaterThan(0);
        return inbox.map(({ subject, recipients }) => ({ subject, recipients }));
      };
      expect(await notice(recorded)).toEqual(await notice(before));
      expect(await notifyActivities(recorded)).toBe(0);
      expect(await notifyActivities(before)).toBeGreaterThan(0);
    });
  });
});
