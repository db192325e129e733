/**
 * What workflows tell the worker without recording it (Temporal sinks, not called on replay): how
 * late an alarm ran whose recipients the workflow took from its start's record (issue 14).
 */
import type { InjectedSinks } from '@temporalio/worker';
import { observeAlarm } from '../activities/index.js';
import type { AlarmSinks } from '../workflows/recorded-recipients.js';

export const workerSinks: InjectedSinks<AlarmSinks> = {
  alarms: {
    notified: {
      fn: (info, kind, scheduledAt) => observeAlarm(info.workflowId, kind, scheduledAt),
      callDuringReplay: false,
    },
  },
};
