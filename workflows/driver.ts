/**
 * The generic driver: runs any procedure machine durably. Events arrive as Updates and are
 * validated against the current state before anything is recorded (events.ts); deadlines
 * declared in the machine's state meta are computed by an activity (deadlines.ts) and armed as
 * durable timers (timers.ts); notifications are delivered beside (deliveries.ts); search
 * attributes follow every change (attributes.ts). Its whole state is one value (state.ts), which
 * continue-as-new carries to the next run before the history nears Temporal's limits
 * (continue-as-new.ts).
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { zodFieldErrors } from '../domain/errors.js';
import { REJECTIONS_ZH } from '../domain/rejections.zh.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { upsertAttributes } from './attributes.js';
import { continueAsNewDue, RUN_LIMITS } from './continue-as-new.js';
import type { RunLimits } from './state.js';
import { syncDeadlines, recomputeProvisional } from './deadlines.js';
import { deliverEntry, reissuePending, runEffects } from './deliveries.js';
import { addPreparedFirsts, openingState, PREPARED_EDITION } from './first-state.js';
import { handleEvent, recomputeRejection, refreshRejection, validateEvent } from './events.js';
import { actorLabel } from './event-checks.js';
import { eventUpdate, linkedEventUpdate, readyUpdate, recomputeDeadlinesUpdate, refreshRecipientsUpdate, viewQuery } from './messages.js';
import { handleLinked, validateLinked } from './linked-receive.js';
import { refreshRecipients } from './recipients-refresh.js';
import { acts, closed, invalidEvent, openRun, result, view, withLock, type Run } from './state.js';
import { alarmLoop } from './timers.js';
import { recordSettled, startRecorder } from './recorder.js';
import type { EventRejection, EventResult, ProcedureInput, StartRequest, StartSealedFor } from './types.js';
import type { Actor, ProcedureView } from '../domain/procedure-view.js';
import { PreparedSchema, type PrepareResult } from './prepared.js';
import type { ZodError } from 'zod';

export async function runProcedure(
  def: ProcedureDefinition,
  request: ProcedureInput,
  limits: RunLimits = RUN_LIMITS,
): Promise<ProcedureView> {
  const id = workflowInfo().workflowId;
  const continued = 'continued' in request ? request.continued : undefined;
  if (continued && workflowInfo().continuedFromExecutionRunId === undefined) throw notContinued();
  const start = continued ? undefined : parseStart(def, request as StartRequest);
  const starter = continued?.starter ?? (request as StartRequest).actor;

  // Queries and updates are not buffered across activations: until the parties are resolved,
  // the view says 'preparing' and events are refused as 'not-ready' (nothing recorded).
  let run: Run | undefined;
  const notReady: EventRejection = {
    code: 'not-ready',
    message: 'the procedure is being prepared; send the event again in a moment',
    messageZh: REJECTIONS_ZH.preparing,
    state: 'preparing',
    allowedEvents: [],
  };
  setHandler(viewQuery, () =>
    run
      ? view(run)
      : {
          id,
          kind: def.kind,
          label: def.label,
          basis: def.basis,
          state: 'preparing',
          stateLabel: '准备中',
          activeStates: [],
          closed: false,
          context: {},
          deadlines: [],
          allowedEvents: [],
          audit: [],
          inbox: [],
          versions: {},
        },
  );
  let readyResult: (() => EventResult) | undefined;
  setHandler(
    readyUpdate,
    async () => {
      if (run) run.updates++;
      await condition(() => readyResult !== undefined);
      return readyResult!();
    },
    {
      validator: (actor: Actor | undefined) => {
        if (actor?.id !== starter.id)
          throw invalidEvent({
            code: 'not-authorized',
            message: `ready is answered only to the party that started the procedure (${starter.id}), not to ${actor?.id ?? 'an anonymous actor'}`,
            messageZh: REJECTIONS_ZH.readyOnlyStarter(starter.name ?? starter.id),
            state: 'preparing',
            allowedEvents: [],
          });
      },
    },
  );
  setHandler(eventUpdate, (req) => (run ? handleEvent(run, req) : Promise.reject(invalidEvent(notReady))), {
    validator: (req) => {
      if (!run) throw invalidEvent(notReady);
      validateEvent(run, req);
    },
  });
  // An event another procedure records here (EventSpec.linkedFrom): from that procedure's activity only.
  setHandler(linkedEventUpdate, (req) => (run ? handleLinked(run, req) : Promise.reject(invalidEvent(notReady))), {
    validator: (req) => {
      if (!run) throw invalidEvent(notReady);
      validateLinked(run, req);
    },
  });
  setHandler(
    recomputeDeadlinesUpdate,
    (req) => {
      run!.updates++;
      return withLock(run!, async () => {
        const changed = await recomputeProvisional(run!, req.actor, req.reason);
        upsertAttributes(run!);
        return { changed };
      });
    },
    {
      validator: (req) => {
        const problem = run ? recomputeRejection(run, req) : notReady;
        if (problem) throw invalidEvent(problem);
      },
    },
  );
  setHandler(
    refreshRecipientsUpdate,
    (req) => {
      run!.updates++;
      return withLock(run!, () => refreshRecipients(run!, req.actor, req.reason));
    },
    {
      validator: (req) => {
        const problem = run ? refreshRejection(run, req) : notReady;
        if (problem) throw invalidEvent(problem);
      },
    },
  );

  let r: Run;
  // One marker at the run's start for the technical patches before it (issue 28: each marker is an upsert too).
  // `local-pass` (issue 28) implies lean-pass: one technical marker at a start, as before.
  const localPass = patched('local-pass');
  const lean = localPass || patched('lean-pass');
  const patches = { lean, localPass };
  if (continued) {
    // A new run of the same procedure: no preparation, no new deadlines; timers re-armed from the records.
    r = openRun(def, id, { ...continued, run: continued.run + 1 }, limits, patches);
    upsertAttributes(r);
    reissuePending(r);
  } else {
    // Prepared by the API (issue 14): one workflow task, no activity. Histories started before,
    // or by a worker without this patch, keep the activity.
    const given = (request as StartRequest).prepared;
    const atStart = given !== undefined && (lean || patched('prepared-at-start'));
    // Edition 4 (issue 26) implies 3, which also seals a prepared start for its id and instant (machines/procedure.ts):
    // one patch marker for all (each is an upsert of TemporalChangeVersion); earlier histories have none of it.
    // Edition 5 implies 4 (one marker each start, as before); a history recorded under edition 4 has only that one.
    // Edition 6 (issue 26, Regs 71 para 3(3) in both procedures) implies 5 the same way.
    const edition6 = patched('edition-6');
    const edition5 = edition6 || patched('edition-5');
    const edition4 = edition5 || patched('edition-4');
    const prepared3 = atStart && (edition4 || patched('edition-3'));
    if (prepared3) refuseUnsealedStart(id, (request as StartRequest).sealedFor);
    const prepared = atStart ? parsePrepared(given) : await acts.prepareProcedure({ kind: def.kind, input: start! });
    // Procedures started before an edition of the rules keep theirs; a prepared start is of edition 2 at least.
    const before3 = atStart ? PREPARED_EDITION : edition4 || patched('edition-2') ? 2 : 1;
    const edition = edition6
      ? 6
      : edition5
        ? 5
        : edition4
          ? 4
          : prepared3 || (!atStart && before3 === 2 && patched('edition-3'))
            ? 3
            : before3;
    // The same first state the API answered the start with (first-state.ts).
    const now = Date.now();
    const { effects, ...first } = openingState(def, id, { start: start!, prepared, starter, edition, now });
    r = openRun(def, id, first.s, limits, patches, first.snapshot);
    if (addPreparedFirsts(r, effects, prepared, now)) for (const entry of r.s.inbox) deliverEntry(r, entry);
    else {
      // Prepared before the preparation brought the first deadlines and recipients: through their activities.
      await syncDeadlines(r, prepared.initialDeadlines);
      const by = actorLabel(starter);
      await runEffects(r, effects, 'start', { ...(by ? { by } : {}), prepared: prepared.initialRecipients });
    }
    // Those of the attributes the API set at the start that still hold are not upserted again.
    upsertAttributes(r, atStart);
  }
  // Ready: the view, the events and the ready Update now answer from the state.
  r.startSize = workflowInfo().historySize;
  run = r;
  readyResult = () => result(r);
  startRecorder(r);

  await alarmLoop(r, () => continueAsNewDue(r));
  if (!closed(r)) {
    // A safe point: new Updates are refused as not-ready (the client sends again, to the next
    // run); those accepted finish; a failed delivery's escalation is sent. Deliveries still
    // retrying are carried as pending and sent again by the next run with the same keys.
    r.continuing = true;
    await condition(() => !r.busy && r.settling === 0 && allHandlersFinished());
    // One more workflow task first: the alarm loop's cancelled timer is then closed before the
    // continue-as-new command (the time-skipping test server refuses a continue-as-new completed
    // together with a timer's cancellation: "invalid history builder state for action").
    await sleep(1);
    await recordSettled(r);
    if (!closed(r)) return continueAsNew<(input: ProcedureInput) => Promise<ProcedureView>>({ continued: r.s });
  }
  // Deliveries still retrying finish (or fail and are recorded) before the procedure closes.
  await condition(() => r.inflight.size === 0 && allHandlersFinished());
  await recordSettled(r);
  return view(r);
}

/**
 * A carried state (continue-as-new) comes only from this procedure's previous run: one copied out of
 * a history into a new start is refused, nothing run (SPEC §5).
 */
const notContinued = () =>
  ApplicationFailure.nonRetryable(
    'a carried state is taken only from the previous run of the same procedure (continue-as-new), not from a new start',
    'NotContinued',
  );

/** How far a prepared start's instant may be from the server's start of the run (clocks, the network). */
const START_SEALED_WITHIN_MS = 10 * 60_000;

/**
 * A prepared start is sealed for its workflow id and the instant it was prepared (types.ts
 * StartSealedFor): one copied out of a history is refused under another id, and under its own
 * once that instant is past (a closed procedure started again). Nothing runs (SPEC §5).
 */
function refuseUnsealedStart(id: string, sealedFor: StartSealedFor | undefined): void {
  const startedMs = workflowInfo().runStartTime.getTime();
  const atMs = sealedFor ? Date.parse(sealedFor.at) : NaN;
  if (sealedFor?.procedureId === id && Math.abs(startedMs - atMs) <= START_SEALED_WITHIN_MS) return;
  throw ApplicationFailure.nonRetryable(
    `the start was sealed for procedure ${sealedFor?.procedureId ?? '(none)'} at ${sealedFor?.at ?? '(none)'}, not for ${id} started at ${new Date(startedMs).toISOString()}: a sealed start counts once, where and when it was sent`,
    'NotSealedForThis',
  );
}

function parsePrepared(given: unknown): PrepareResult {
  const parsed = PreparedSchema.safeParse(given);
  if (!parsed.success) throw invalidInput('prepared', parsed.error);
  return parsed.data;
}

function parseStart(def: ProcedureDefinition, request: StartRequest): Record<string, unknown> {
  const parsed = def.input.safeParse(request.input);
  if (!parsed.success) throw invalidInput('input', parsed.error);
  return parsed.data as Record<string, unknown>;
}

/** A start refused for good: each field of `what` with why. */
function invalidInput(what: 'input' | 'prepared', error: ZodError): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `invalid start ${what}: ${zodFieldErrors(error)
      .map((e) => `${e.field}: ${e.message}`)
      .join('; ')}`,
    'InvalidInput',
  );
}
