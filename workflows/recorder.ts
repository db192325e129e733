/**
 * The case file (SPEC §4a): what the run adds to the audit trail is appended to the record store
 * (records/store.ts), one append per activation that added entries, one at a time, retried until
 * it is written. Before the procedure closes or continues as new, everything is written, with the
 * final view. Runs started before the record store keep their histories (patch `record-store`).
 */
import { condition, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Run } from './state.js';
import { view } from './state.js';

// No maximum of attempts: an entry is never dropped; a database that is down is waited for.
const recording = proxyActivities<Pick<Activities, 'appendRecord' | 'recordedUpdates'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const recordedSeq = (run: Run) => run.s.recordedSeq ?? 0;

/** Entries not yet written, or (when the run ends) a view changed since the last append. */
const recordedUpdateSeq = (run: Run) => run.s.recordedUpdateSeq ?? 0;

/**
 * Entries not yet written; an applied Update whose hash is not (an event remembers its Update after
 * its application, which may have awaited an activity while its entry was written); or (when the run
 * ends) a view changed since the last append.
 */
const due = (run: Run) =>
  run.recorder !== undefined &&
  (run.s.audit.length > recordedSeq(run) ||
    (run.s.applied.at(-1)?.seq ?? 0) > recordedUpdateSeq(run) ||
    (run.recorder.ending && run.recorder.version !== run.s.version));

/** Starts the run's recorder: a loop beside the driver's, waking on each activation that added entries. */
export function startRecorder(run: Run): void {
  if (!patched('record-store')) return;
  run.recorder = { version: -1, writing: false, ending: false };
  void (async () => {
    for (;;) {
      await condition(() => due(run));
      await append(run);
    }
  })();
}

async function append(run: Run): Promise<void> {
  const from = recordedSeq(run);
  const entries = run.s.audit.slice(from);
  const version = run.s.version;
  const { audit: _, ...recordedView } = view(run);
  const updates = run.s.applied.filter((a) => a.seq > recordedUpdateSeq(run));
  const info = workflowInfo();
  run.recorder!.writing = true;
  let written;
  try {
    written = await recording.appendRecord({
      procedureId: run.id,
      runId: info.runId,
      startedAt: info.startTime.toISOString(),
      entries,
      updates: updates.map((a) => ({ seq: a.seq, hash: a.id })),
      view: recordedView,
    });
  } finally {
    run.recorder!.writing = false;
  }
  // A record restored from an older backup ends before what was sent: sent again from where it ends.
  run.s.recordedSeq = written.behind ? Math.min(written.headSeq, from) : from + entries.length;
  run.recorder!.version = version;
  if (updates.length) run.s.recordedUpdateSeq = Math.max(recordedUpdateSeq(run), ...updates.map((a) => a.seq));
}

/** Waits until the record holds every entry and the view as it stands (before closing or continuing as new). */
export async function recordSettled(run: Run): Promise<void> {
  if (!run.recorder) return;
  run.recorder.ending = true;
  await condition(() => !run.recorder!.writing && !due(run));
}

/**
 * In a run made by a reset (its id is not the one its start event recorded), the state that knew
 * which Updates were applied was thrown away: the record still knows. An Update the record holds is
 * refused, so a sealed Update copied out of the old run is not applied again (SPEC §5, §4a).
 */
export async function appliedInRecord(run: Run, hash: string): Promise<boolean> {
  const info = workflowInfo();
  if (!run.recorder || info.runId === info.originalExecutionRunId) return false;
  run.recorder.updates ??= recording.recordedUpdates({ procedureId: run.id }).then((hashes) => new Set(hashes));
  return (await run.recorder.updates).has(hash);
}
