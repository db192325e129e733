/**
 * Events: an Update is checked against the current state (validator and handler share the
 * checks; a refusal records nothing), then fed to the machine's pure `transition`; the driver
 * records it and brings deadlines, notifications and search attributes in line.
 */
import { currentUpdateInfo, workflowInfo } from '@temporalio/workflow';
import { transition } from 'xstate';
import { zodFieldErrors } from '../domain/errors.js';
import { activePaths, eventBasisIn, requiredRole, sendersOf, type EventEnvelope } from '../machines/procedure.js';
import { upsertAttributes } from './attributes.js';
import { appliedBefore, rememberApplied, repeatedAnswer, updateHash } from './continue-as-new.js';
import { syncDeadlines } from './deadlines.js';
import { runEffects } from './deliveries.js';
import { runLinks } from './linked-send.js';
import { procedureOf } from '../machines/index.js';
import { appliedInRecord } from './recorder.js';
import { REJECTIONS_ZH } from '../domain/rejections.zh.js';
import { FIELD_LABELS } from '../domain/form-labels.zh.js';
import { LATE_ENTRY_ZH } from '../domain/labels.zh.js';
import {
  actorLabel,
  checkOccurredAt,
  mayRecompute,
  mayRefresh,
  missingRole,
  notAFact,
  type FieldError,
  type Refusal,
} from './event-checks.js';
import {
  allowedEvents,
  closed,
  ctx,
  invalidEvent,
  live,
  nowIso,
  patchedBefore,
  record,
  result,
  senderContext,
  setSnapshot,
  stateLabel,
  stateName,
  SYSTEM,
  withLock,
  type Run,
} from './state.js';
import type { EventRejection, EventRequest, EventResult, SealedFor } from './types.js';
import type { Actor } from '../domain/procedure-view.js';

/** The event as the machine sees it: payload plus actor, instants (the fact's, the entry's) and running deadlines. */
export function machineEvent(
  run: Run,
  type: string,
  payload: Record<string, unknown>,
  actor: Actor,
  occurredAt?: string,
): EventEnvelope & { type: string } {
  const running = Object.fromEntries(run.s.deadlines.filter(live).map((r) => [r.specId, { dueAt: r.dueAt }]));
  const enteredAt = nowIso();
  return { ...payload, type, actor, at: occurredAt ?? enteredAt, enteredAt, deadlines: running };
}

/**
 * The fact instant of the last event a party sent (its occurredAt, else its entry): a later fact may not predate it.
 * One another procedure recorded (EventSpec.linkedFrom) is that procedure's fact, not a step of this one's parties.
 */
function previousFact(run: Run): { type: string; at: string; label: string } | undefined {
  const last = run.s.audit.findLast(
    (a) => a.kind === 'event' && a.actor.id !== SYSTEM.id && !run.def.events[a.event?.type ?? '']?.linkedFrom,
  );
  const type = last?.event?.type ?? '';
  return last && { type, at: last.occurredAt ?? last.at, label: run.def.events[type]?.label ?? type };
}

/** The checked `occurredAt` of a request (SPEC §2 "When it happened"), or why it is refused. */
function occurredAtOf(run: Run, req: Omit<EventRequest, 'sealedFor'>): { at?: string; error?: FieldError } {
  if (req.occurredAt === undefined) return {};
  const { def } = run;
  if (!def.events[req.type]!.fact) return { error: notAFact(req.type, def.events) };
  return checkOccurredAt(req.occurredAt, {
    now: Date.now(),
    startFact: { key: def.startFact, value: ctx(run)[def.startFact] },
    previous: previousFact(run),
  });
}

/**
 * A driver-level event, of every procedure (SPEC §3.7): another party confirms the instant of a fact
 * entered after its deadline fired (`lateEntry`), payload `{ deadlineKey }`.
 */
export const CONFIRM_ENTRY = 'CONFIRM_ENTRY';

/** Why a CONFIRM_ENTRY cannot be applied: no such entry awaiting confirmation, or the sender is the party whose step it was. */
function confirmRejection(run: Run, req: Omit<EventRequest, 'sealedFor'>): EventRejection | undefined {
  const base = { state: stateName(run), allowedEvents: allowedEvents(run).map((e) => e.type) };
  const key = (req.payload as { deadlineKey?: unknown } | undefined)?.deadlineKey;
  const r = run.s.deadlines.find((d) => d.key === key && d.lateEntry && !d.lateEntry.confirmed);
  if (!r)
    return {
      ...base,
      code: 'invalid-payload',
      message: `${CONFIRM_ENTRY}: no step ${String(key)} entered late awaiting confirmation`,
      messageZh: REJECTIONS_ZH.invalidPayload(LATE_ENTRY_ZH.event, []),
      fieldErrors: [{ field: 'deadlineKey', message: 'a deadline record whose lateEntry awaits confirmation' }],
    };
  const parties = Object.values(ctx(run).parties).flatMap((p) => (p ? [p.id] : []));
  if (!parties.includes(req.actor?.id) || req.actor.id === r.responsible.id)
    return {
      ...base,
      code: 'not-authorized',
      message: `${CONFIRM_ENTRY} of ${r.key} is for another party of the procedure than ${r.responsible.id}, whose step it was`,
      messageZh: REJECTIONS_ZH.notSender(LATE_ENTRY_ZH.event, [], req.actor && (req.actor.name ?? req.actor.id)),
    };
  return undefined;
}

/** Confirms a late entry's instant: recorded in the deadline and the audit trail, with who confirmed it. */
function confirmEntry(run: Run, req: EventRequest): EventResult {
  const r = run.s.deadlines.find((d) => d.key === (req.payload as { deadlineKey: string }).deadlineKey)!;
  const by = actorLabel(req.actor) ?? req.actor.name ?? req.actor.id;
  r.lateEntry = { ...r.lateEntry!, confirmed: true, confirmedAt: nowIso(), confirmedBy: by };
  record(run, {
    kind: 'deadline-met',
    actor: req.actor,
    by,
    summary: `${r.label}：${LATE_ENTRY_ZH.confirmed(by)}`,
    basis: r.basis,
    deadlineKey: r.key,
  });
  upsertAttributes(run);
  return result(run);
}

/** Why an event cannot be applied now, or undefined: shared by validator and handler. */
export function eventRejection(run: Run, req: Omit<EventRequest, 'sealedFor'>, validating = false): EventRejection | undefined {
  const { def } = run;
  if (req.type === CONFIRM_ENTRY) return confirmRejection(run, req);
  const allowedSpecs = allowedEvents(run);
  const allowed = allowedSpecs.map((e) => e.type);
  const base = { state: stateName(run), allowedEvents: allowed };
  const spec = def.events[req.type];
  if (!spec)
    return {
      ...base,
      code: 'unknown-event',
      message: `unknown event "${req.type}"; ${def.label} has: ${Object.keys(def.events).join(', ')}`,
      messageZh: REJECTIONS_ZH.unknownEvent(
        def.label,
        Object.values(def.events).map((e) => e.label),
      ),
    };
  // Recorded only by the procedure it comes from (linked-receive.ts), never sent by a party.
  if (spec.linkedFrom)
    return {
      ...base,
      code: 'not-authorized',
      message: `${req.type} (${spec.label}) is recorded only by the ${spec.linkedFrom} procedure's activity, not sent by a party (${spec.basis ?? def.basis})`,
      messageZh: REJECTIONS_ZH.linkedOnly(spec.label, procedureOf(spec.linkedFrom)?.label ?? spec.linkedFrom),
    };
  if (!allowed.includes(req.type)) {
    return {
      ...base,
      code: 'not-allowed-in-state',
      message: `state ${stateName(run)} (${stateLabel(run)}) does not accept ${req.type}; allowed: ${allowed.join(', ') || 'none (closed)'}`,
      messageZh: REJECTIONS_ZH.notInState(
        spec.label,
        stateLabel(run),
        allowedSpecs.map((e) => e.label),
      ),
    };
  }
  // Who may send it in this procedure's edition (EventSpec.narrowed): one the edition's reading leaves out is told the rule.
  const narrowedOut = spec.by.some((k) => ctx(run).parties[k]?.id === req.actor?.id);
  const senderParties = sendersOf(spec, senderContext(run))
    .map((k) => ctx(run).parties[k])
    .filter((p) => !!p);
  const senders = senderParties.map((p) => p.id);
  if (!senders.includes(req.actor?.id) && narrowedOut && spec.narrowed) {
    return {
      ...base,
      code: 'not-authorized',
      message: `${req.type} (${spec.label}): ${spec.narrowed.rule}; ${req.actor?.id} may not send it`,
      messageZh: REJECTIONS_ZH.narrowedSender(spec.label, spec.narrowed.ruleZh),
    };
  }
  if (!senders.includes(req.actor?.id)) {
    return {
      ...base,
      code: 'not-authorized',
      message: `${req.type} may be sent only by ${spec.by.join(' or ')} (${senders.join(', ')}), not by ${req.actor?.id ?? 'an anonymous actor'}`,
      messageZh: REJECTIONS_ZH.notSender(
        spec.label,
        senderParties.map((p) => p.name),
        req.actor && (actorLabel(req.actor) ?? req.actor.name ?? req.actor.id),
      ),
    };
  }
  // The role is checked in the validator only: it cannot change while an accepted event waits for
  // the lock, and events accepted before roles were required replay unchecked.
  const roleMissing = validating ? missingRole(req.type, spec, requiredRole(spec, senderContext(run)), req.actor) : undefined;
  if (roleMissing) return { ...base, code: 'not-authorized', ...roleMissing };
  const payload = spec.schema.safeParse(req.payload ?? {});
  const occurred = occurredAtOf(run, req);
  // A check beyond the schema (EventSpec.check) in the validator only: events accepted before it replay.
  const checked = validating && payload.success && spec.check ? spec.check(payload.data as Record<string, unknown>, ctx(run)).errors : [];
  const fieldErrors = [...(payload.success ? [] : zodFieldErrors(payload.error)), ...checked, ...(occurred.error ? [occurred.error] : [])];
  if (fieldErrors.length) {
    // The fields by their words where the forms share one (each field's own reason is in fieldErrors).
    const leaf = (field: string) => field.split('.').findLast((k) => !/^\d+$/.test(k)) ?? '';
    const fields = [...new Set(fieldErrors.flatMap((f) => FIELD_LABELS[leaf(f.field)] ?? []))];
    return {
      ...base,
      code: 'invalid-payload',
      message: `invalid ${req.type}: ${fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      messageZh: REJECTIONS_ZH.invalidPayload(spec.label, fields),
      fieldErrors,
    };
  }
  const count = run.s.eventCounts[req.type] ?? 0;
  if (spec.max !== undefined && count >= spec.max) {
    return {
      ...base,
      code: 'limit-reached',
      message: `${req.type} (${spec.label}) is recorded at most ${spec.max} times in one procedure (本地策略) and has been ${count} times; nothing was recorded (${spec.basis ?? def.basis})`,
      messageZh: REJECTIONS_ZH.limitReached(spec.label, spec.max, count, spec.basis ?? def.basis),
    };
  }
  if (!run.snapshot.can(machineEvent(run, req.type, payload.data as Record<string, unknown>, req.actor, occurred.at))) {
    return {
      ...base,
      code: 'guard-refused',
      message: `${req.type} is not possible in state ${stateName(run)} now (${spec.basis ?? def.basis})`,
      messageZh: REJECTIONS_ZH.guardRefused(spec.label, stateLabel(run), spec.basis ?? def.basis),
    };
  }
  return undefined;
}

/**
 * Feeds an event to the machine and records everything that follows from it. `occurredAt`: when
 * the fact really happened (SPEC §2); the machine and the steps it ends judge by it. `attributes`:
 * false when the caller upserts the search attributes itself once it is done (a storm pass).
 */
export async function apply(
  run: Run,
  type: string,
  payload: Record<string, unknown>,
  actor: Actor,
  label: string,
  basis: string | undefined,
  occurredAt?: string,
  attributes = true,
): Promise<void> {
  const from = activePaths(run.snapshot).join(' + ');
  const notes = run.def.events[type]?.check?.(payload, ctx(run)).notes ?? [];
  const [next, effects] = transition(run.def.machine, run.snapshot, machineEvent(run, type, payload, actor, occurredAt));
  setSnapshot(run, next);
  run.s.eventCounts[type] = (run.s.eventCounts[type] ?? 0) + 1;
  const to = activePaths(run.snapshot).join(' + ');
  const spec = run.def.events[type];
  const by = actorLabel(actor, spec && requiredRole(spec, senderContext(run))?.role);
  record(run, {
    kind: 'event',
    actor,
    ...(by ? { by } : {}),
    ...(occurredAt ? { occurredAt } : {}),
    summary: `${label}：${from === to ? from : `${from} → ${to}`}${notes.map((n) => `；${n}`).join('')}`,
    basis,
    event: { type, payload },
    from,
    to,
  });
  const factMs = occurredAt ? Date.parse(occurredAt) : Date.now();
  // The new deadlines and the notifications need each other's results in no way: their activities
  // run side by side, one workflow task fewer per event. Histories from before replay as they ran.
  // (The cause is read after syncDeadlines has begun, as it always was: it names the inbox entry.)
  if (patchedBefore(run, 'effects-beside-deadlines'))
    await Promise.all([syncDeadlines(run, {}, factMs), runEffects(run, effects, `${type}-${run.s.audit.length}`, by ? { by } : {})]);
  else {
    await syncDeadlines(run, {}, factMs);
    await runEffects(run, effects, `${type}-${run.s.audit.length}`, by ? { by } : {});
  }
  // Edition 6: an event for another procedure (a leak's licence decision to the 年度自检, Regs 71 para 3(3)).
  runLinks(run, effects, type, by);
  if (closed(run)) record(run, { kind: 'closed', actor: SYSTEM, summary: `${run.def.label}办结`, basis: run.def.basis });
  if (attributes) upsertAttributes(run);
}

/** The id of the Update being handled, hashed (continue-as-new.ts). */
const currentUpdate = () => {
  const id = currentUpdateInfo()?.id;
  return id === undefined ? undefined : updateHash(id);
};

/**
 * A request sealed for another procedure or under another Update id (types.ts SealedFor), such as
 * one copied out of a history by whoever reaches the Temporal port: refused in the validator, so
 * nothing is recorded (SPEC §5).
 */
export function sealedForRejection(run: Run, sealedFor: SealedFor | undefined): EventRejection | undefined {
  const procedureId = workflowInfo().workflowId;
  const updateId = currentUpdateInfo()?.id;
  if (sealedFor?.procedureId === procedureId && sealedFor.updateId === updateId) return undefined;
  return {
    code: 'not-authorized',
    message: `the request was sealed for procedure ${sealedFor?.procedureId ?? '(none)'} under Update id ${sealedFor?.updateId ?? '(none)'}, not for ${procedureId} under ${updateId}: a sealed request counts once, where it was sent`,
    messageZh: REJECTIONS_ZH.notSealedForThis,
    state: stateName(run),
    allowedEvents: allowedEvents(run).map((e) => e.type),
  };
}

/**
 * An Update's validator (an event's, a linked event's): sealed for this procedure and Update; one
 * applied in an earlier run is let through, to be answered, not applied; else `rejection` judges it.
 */
export function validateSealed(run: Run, sealedFor: SealedFor | undefined, rejection: () => EventRejection | undefined): void {
  const unsealed = sealedForRejection(run, sealedFor);
  if (unsealed) throw invalidEvent(unsealed);
  const hash = currentUpdate();
  if (hash && appliedBefore(run, hash)) return;
  const problem = run.continuing ? continuingRejection(run) : rejection();
  if (problem) throw invalidEvent(problem);
}

/** The event Update's validator. */
export const validateEvent = (run: Run, req: EventRequest): void =>
  validateSealed(run, req?.sealedFor, () => eventRejection(run, req, true));

/**
 * An Update applied once: a repeat of one applied in an earlier run is answered as it was, one the
 * record holds (a run made by a reset) refused; the rest applied under the lock and remembered.
 */
export async function applyOnce(run: Run, applyIt: () => Promise<EventResult>): Promise<EventResult> {
  run.updates++;
  const hash = currentUpdate();
  const earlier = hash ? appliedBefore(run, hash) : undefined;
  if (earlier) return repeatedAnswer(run, earlier);
  if (hash && (await appliedInRecord(run, hash))) throw invalidEvent(replayedRejection(run));
  return withLock(run, async () => {
    const answer = await applyIt();
    if (hash) rememberApplied(run, hash);
    return answer;
  });
}

/** The event Update's handler. */
export const handleEvent = (run: Run, req: EventRequest): Promise<EventResult> =>
  applyOnce(run, async () => {
    const problem = eventRejection(run, req);
    if (problem) throw invalidEvent(problem);
    if (req.type === CONFIRM_ENTRY) return confirmEntry(run, req);
    const spec = run.def.events[req.type]!;
    await apply(
      run,
      req.type,
      spec.schema.parse(req.payload ?? {}) as Record<string, unknown>,
      req.actor,
      spec.label,
      eventBasisIn(run.snapshot, req.type, spec),
      occurredAtOf(run, req).at,
    );
    return result(run);
  });

/** An Update the record holds as applied, sent again to a run made by a reset: nothing recorded. */
const replayedRejection = (run: Run): EventRejection => ({
  code: 'replayed',
  message: 'this Update was applied before the run was reset (the record holds it); it is not applied again',
  messageZh: REJECTIONS_ZH.replayed,
  state: stateName(run),
  allowedEvents: allowedEvents(run).map((e) => e.type),
});

/** While the run hands over to the next: the client sends again in a moment (the API's 503; sendEvent retries). */
export const continuingRejection = (run: Run): EventRejection => ({
  code: 'not-ready',
  message: 'the procedure is moving to a new run (continue-as-new); send the event again in a moment',
  messageZh: REJECTIONS_ZH.continuing,
  state: stateName(run),
  allowedEvents: allowedEvents(run).map((e) => e.type),
});

/**
 * An operator's Update, checked like an event's sender in the validator (a refusal records
 * nothing): who may send it (event-checks.ts), and the reason the audit trail records.
 */
function operatorRejection(
  run: Run,
  update: string,
  req: { reason?: unknown; sealedFor?: SealedFor } | undefined,
  notAllowed: Refusal | undefined,
  reasonRequired: { message: string; messageZh: string },
): EventRejection | undefined {
  if (run.continuing) return continuingRejection(run);
  const unsealed = sealedForRejection(run, req?.sealedFor);
  if (unsealed) return unsealed;
  const base = { state: stateName(run), allowedEvents: allowedEvents(run).map((e) => e.type) };
  if (notAllowed) return { ...base, code: 'not-authorized', ...notAllowed };
  if (typeof req?.reason !== 'string' || !req.reason.trim()) {
    const fieldErrors = [{ field: 'reason', ...reasonRequired }];
    return {
      ...base,
      code: 'invalid-payload',
      message: `invalid ${update}: reason: ${reasonRequired.message}`,
      messageZh: reasonRequired.messageZh,
      fieldErrors,
    };
  }
  return undefined;
}

type OperatorRequest = { actor?: Actor; reason?: unknown; sealedFor?: SealedFor } | undefined;

/** SPEC §2: who may recompute deadlines after a calendar update (event-checks.ts mayRecompute), and why. */
export const recomputeRejection = (run: Run, req: OperatorRequest) =>
  operatorRejection(run, 'recomputeDeadlines', req, mayRecompute(req?.actor, ctx(run).parties), {
    message: 'required: why the deadlines are recomputed (e.g. the calendar update), recorded in the audit trail',
    messageZh: REJECTIONS_ZH.recomputeReason,
  });

/** Who may refresh the recipients from the registry in force (event-checks.ts mayRefresh), and why. */
export const refreshRejection = (run: Run, req: OperatorRequest) =>
  operatorRejection(run, 'refreshRecipients', req, mayRefresh(req?.actor), {
    message: 'required: why the recipients are refreshed (e.g. the registry change), recorded in the audit trail',
    messageZh: REJECTIONS_ZH.refreshReason,
  });
