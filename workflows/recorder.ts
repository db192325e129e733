/**
 * The case file (SPEC §4a): what the run adds to the audit trail is appended to the record store
 * (records/store.ts), one append per activation that added entries, one at a time, retried until
 * it is written. Before the procedure closes or continues as new, everything is written, with the
 * final view. Runs started before the record store keep their histories (patch `record-store`).
 */
import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AppendRequest, AppendResult } from '../records/store.js';
import { queueRecord } from './activation-batch.js';
import { diffView, jsonForm, type Json } from '../domain/view-patch.js';
import type { Run } from './state.js';
import { patchedBefore, view } from './state.js';

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
  if (!patchedBefore(run, 'record-store')) return;
  // Decided at the run's start, so the marker costs the pass nothing (histories before it append alone).
  run.recorder = { version: -1, writing: false, ending: false, inPass: patchedBefore(run, 'record-in-pass') };
  void (async () => {
    for (;;) {
      await condition(() => due(run));
      await append(run);
    }
  })();
}

interface Taken {
  req: AppendRequest;
  /** The entries' first index in the audit trail, and the run's state version the request carries. */
  from: number;
  version: number;
  /** The view the request carries, in its JSON form (the base of the next patch). */
  view: Json;
}

type Sent = Taken & { result: AppendResult };

/** What the record lacks, taken as the run stands now; `uncommitted` in a pass's own task (a local activity). */
function request(run: Run, uncommitted = false): Taken {
  const { audit: _, ...recordedView } = view(run);
  const info = workflowInfo();
  const from = recordedSeq(run);
  // The view's changes since the one the record holds (issue 23: not the whole view into each history).
  const base = run.recorder!.written;
  const now = jsonForm(recordedView);
  return {
    from,
    version: run.s.version,
    view: now,
    req: {
      procedureId: run.id,
      runId: info.runId,
      startedAt: info.startTime.toISOString(),
      task: info.historyLength,
      ...(uncommitted ? { uncommitted: true as const } : {}),
      entries: run.s.audit.slice(from),
      updates: run.s.applied.filter((a) => a.seq > recordedUpdateSeq(run)).map((a) => ({ seq: a.seq, hash: a.id })),
      ...(base ? { viewPatch: { base: base.hash, ops: diffView(base.view, now) } } : { view: recordedView }),
    },
  };
}

const alone = async (taken: Taken): Promise<Sent> => ({ ...taken, result: await recording.appendRecord(taken.req) });

/** The same append by the regular activity after the pass's local one failed: its input is in the history, its rows committed. */
const committed = ({ req: { uncommitted: _, ...req }, ...taken }: Taken): Taken => ({ ...taken, req });

/** With the activation's deliveries in one activity (activation-batch.ts); alone if that failed. */
const inPass = (run: Run): Promise<Sent> =>
  new Promise((resolve) => {
    let taken: Taken;
    queueRecord(
      run,
      (uncommitted) => (taken = request(run, uncommitted)).req,
      (result) => resolve(result ? { ...taken, result } : alone(committed(taken))),
    );
  });

async function append(run: Run): Promise<void> {
  run.recorder!.writing = true;
  let sent: Sent;
  try {
    sent = await (run.recorder!.inPass ? inPass(run) : alone(request(run)));
  } finally {
    run.recorder!.writing = false;
  }
  const { req, from, version, result } = sent;
  run.recorder!.written = result.viewHash ? { view: sent.view, hash: result.viewHash } : undefined;
  // The record lacked the patch's base: nothing was written; the next append sends the view whole.
  if (result.needView) return;
  // A record restored from an older backup ends before what was sent: sent again from where it ends.
  run.s.recordedSeq = result.behind ? Math.min(result.headSeq, from) : from + req.entries.length;
  run.recorder!.version = version;
  if (req.updates.length) run.s.recordedUpdateSeq = Math.max(recordedUpdateSeq(run), ...req.updates.map((u) => u.seq));
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
