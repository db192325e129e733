/**
 * The generic driver: runs any procedure machine durably. Events arrive as Updates and are
 * validated against the current state before anything is recorded; deadlines declared in
 * the machine's state meta are computed by an activity and armed as durable timers.
 */
import { ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { ComputeOptions } from '../domain/deadline/compute.js';
import type { Deadline, PeriodRequest } from '../domain/deadline/types.js';
import { zodFieldErrors } from '../domain/errors.js';
import { jurisdictionPrefix, regionPrefixes, type PartyRef } from '../domain/parties.js';
import type { Activities, PrepareResult } from '../activities/index.js';
import { computeOptions, deadlineRequests, MachineDefinitionError, type DeadlineRequest } from '../machines/deadline-requests.js';
import { activeDeadlines, activePaths, DEADLINE_PASSED, handledEvents, machineInput, stateMetaOf, stateValueOf, type ProcedureDefinition } from '../machines/procedure.js';
import { markAlarm, nextAlarm, skipPastReminders, type Alarm } from './alarms.js';
import { actorLabel, checkOccurredAt, mayRecompute, missingRole, notAFact, type FieldError } from './event-checks.js';
import { eventUpdate, readyUpdate, recomputeDeadlinesUpdate, viewQuery } from './messages.js';
import { SA } from './search-attributes.js';
import type { Actor, AuditEntry, DeadlineRecord, Delivery, EventRejection, EventRequest, EventResult, InboxEntry, ProcedureView, StartRequest } from './types.js';

// Regular activities: local ones would save a task round trip each, but the time-skipping test
// server fails them together with updates ("invalid history builder state for action").
const acts = proxyActivities<Activities>({
  // They take milliseconds: a worker lost mid-activity is noticed, and the activity retried, after 10 s.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const SYSTEM: Actor = { id: 'system', name: '系统' };
type Effect = { type: string; params?: unknown };

const invalidEvent = (problem: EventRejection) => ApplicationFailure.create({ type: 'InvalidEvent', message: problem.message, details: [problem], nonRetryable: true });

export async function runProcedure(def: ProcedureDefinition, request: StartRequest): Promise<ProcedureView> {
  const parsed = def.input.safeParse(request.input);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid start input: ${zodFieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`).join('; ')}`, 'InvalidInput');
  }
  const start = parsed.data as Record<string, unknown>;
  const id = workflowInfo().workflowId;

  // Queries and updates are not buffered across activations: until the parties are resolved,
  // the view says 'preparing' and events are refused as 'not-ready' (nothing recorded).
  let view = (): ProcedureView => ({ id, kind: def.kind, label: def.label, basis: def.basis, state: 'preparing', stateLabel: '准备中', activeStates: [], closed: false, context: {}, deadlines: [], allowedEvents: [], audit: [], inbox: [], versions: {} });
  let rejection = (_req: EventRequest, _validating?: boolean): EventRejection | undefined => ({ code: 'not-ready', message: 'the procedure is being prepared; send the event again in a moment', state: 'preparing', allowedEvents: [] });
  let applyEvent = async (req: EventRequest): Promise<EventResult> => {
    throw invalidEvent(rejection(req)!);
  };
  setHandler(viewQuery, () => view());
  let readyResult: (() => EventResult) | undefined;
  const starterOnly = (actor: Actor | undefined): EventRejection | undefined =>
    actor?.id === request.actor.id ? undefined : { code: 'not-authorized', message: `ready is answered only to the party that started the procedure (${request.actor.id}), not to ${actor?.id ?? 'an anonymous actor'}`, state: 'preparing', allowedEvents: [] };
  setHandler(
    readyUpdate,
    async () => {
      await condition(() => readyResult !== undefined);
      return readyResult!();
    },
    {
      validator: (actor) => {
        const problem = starterOnly(actor);
        if (problem) throw invalidEvent(problem);
      },
    },
  );
  setHandler(eventUpdate, (req) => applyEvent(req), {
    validator: (req) => {
      const problem = rejection(req, true);
      if (problem) throw invalidEvent(problem);
    },
  });

  const prepared: PrepareResult = await acts.prepareProcedure({ kind: def.kind, input: start });
  const policy = prepared.policy;
  // Each channel retries with backoff (SPEC §4); after the last attempt it is reported and escalated.
  const delivery = proxyActivities<Activities>({
    // A webhook call times out after 10 s (activities/delivery.ts); a worker lost mid-call is noticed after 15 s.
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: policy.deliveryAttempts },
  });
  const inflight = new Set<Promise<void>>();
  let deliveryFailures = 0;
  const audit: AuditEntry[] = [];
  const inbox: InboxEntry[] = [];
  const deadlines: DeadlineRecord[] = [];
  let calendarVersion: string | undefined;
  let version = 0; // bumped on every change; wakes the timer loop
  let busy = false;
  /** The deadline whose passing is being told to the machine: if its step ends now, it lapsed. */
  let lapsing: string | undefined;

  const nowIso = () => new Date(Date.now()).toISOString();
  const record = (e: Omit<AuditEntry, 'seq' | 'at'> & { at?: string }) => audit.push({ seq: audit.length + 1, at: e.at ?? nowIso(), ...e });

  // Procedures started before an edition of the rules keep theirs (machines/procedure.ts).
  const edition = patched('edition-2') ? 2 : 1;
  let [snapshot, initialEffects]: [AnyMachineSnapshot, Effect[]] = initialTransition(def.machine, machineInput(start, prepared, edition));
  const ctx = () => snapshot.context as Record<string, unknown> & { parties: Record<string, PartyRef | undefined> };
  const stateName = () => stateValueOf(snapshot);
  const stateLabel = () => stateMetaOf(snapshot)?.label ?? stateName();
  const closed = () => snapshot.status === 'done';
  const live = (r: DeadlineRecord) => r.status === 'running' || r.status === 'suspended';

  const allowedEvents = () =>
    closed() ? [] : handledEvents(snapshot).map((type) => ({ type, label: def.events[type]?.label ?? type, by: [...(def.events[type]?.by ?? [])] }));

  function responsibleParty(): PartyRef | undefined {
    const key = stateMetaOf(snapshot)?.responsible;
    return key ? ctx().parties[key] : undefined;
  }

  const readyView = (): ProcedureView => ({
    id,
    kind: def.kind,
    label: def.label,
    basis: def.basis,
    state: stateName(),
    stateLabel: stateLabel(),
    activeStates: activePaths(snapshot),
    closed: closed(),
    context: snapshot.context as Record<string, unknown>,
    responsible: responsibleParty(),
    deadlines,
    allowedEvents: allowedEvents(),
    audit,
    inbox,
    policy,
    versions: { registry: prepared.registryVersion, ...(calendarVersion ? { calendar: calendarVersion } : {}) },
  });
  const result = (): EventResult => ({ state: stateName(), stateLabel: stateLabel(), activeStates: activePaths(snapshot), closed: closed(), deadlines, allowedEvents: allowedEvents() });

  /** The event as the machine sees it: payload plus actor, instants (the fact's, the entry's) and running deadlines. */
  function machineEvent(type: string, payload: Record<string, unknown>, actor: Actor, occurredAt?: string) {
    const running = Object.fromEntries(deadlines.filter(live).map((r) => [r.specId, { dueAt: r.dueAt }]));
    const enteredAt = nowIso();
    return { ...payload, type, actor, at: occurredAt ?? enteredAt, enteredAt, deadlines: running } as never;
  }

  /** The fact instant of the last event a party sent (its occurredAt, else its entry): a later fact may not predate it. */
  function previousFact(): { type: string; at: string } | undefined {
    const last = audit.findLast((a) => a.kind === 'event' && a.actor.id !== SYSTEM.id);
    return last && { type: last.event!.type, at: last.occurredAt ?? last.at };
  }

  /** The checked `occurredAt` of a request (SPEC §2 "When it happened"), or why it is refused. */
  function occurredAtOf(req: EventRequest): { at?: string; error?: FieldError } {
    if (req.occurredAt === undefined) return {};
    if (!def.events[req.type]!.fact) return { error: notAFact(req.type, def.events) };
    return checkOccurredAt(req.occurredAt, { now: Date.now(), startFact: { key: def.startFact, value: ctx()[def.startFact] }, previous: previousFact() });
  }

  /** Why an event cannot be applied now, or undefined: shared by validator and handler. */
  const readyRejection = (req: EventRequest, validating = false): EventRejection | undefined => {
    const allowed = allowedEvents().map((e) => e.type);
    const base = { state: stateName(), allowedEvents: allowed };
    const spec = def.events[req.type];
    if (!spec) return { ...base, code: 'unknown-event', message: `unknown event "${req.type}"; ${def.label} has: ${Object.keys(def.events).join(', ')}` };
    if (!allowed.includes(req.type)) {
      return { ...base, code: 'not-allowed-in-state', message: `state ${stateName()} (${stateLabel()}) does not accept ${req.type}; allowed: ${allowed.join(', ') || 'none (closed)'}` };
    }
    const senders = spec.by.map((k) => ctx().parties[k]?.id).filter((x): x is string => !!x);
    if (!senders.includes(req.actor?.id)) {
      return { ...base, code: 'not-authorized', message: `${req.type} may be sent only by ${spec.by.join(' or ')} (${senders.join(', ')}), not by ${req.actor?.id ?? 'an anonymous actor'}` };
    }
    // The role is checked in the validator only: it cannot change while an accepted event waits for
    // the lock, and events accepted before roles were required replay unchecked.
    const roleMissing = validating ? missingRole(req.type, spec, req.actor) : undefined;
    if (roleMissing) return { ...base, code: 'not-authorized', message: roleMissing };
    const payload = spec.schema.safeParse(req.payload ?? {});
    const occurred = occurredAtOf(req);
    const fieldErrors = [...(payload.success ? [] : zodFieldErrors(payload.error)), ...(occurred.error ? [occurred.error] : [])];
    if (fieldErrors.length) {
      return { ...base, code: 'invalid-payload', message: `invalid ${req.type}: ${fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fieldErrors };
    }
    if (!snapshot.can(machineEvent(req.type, payload.data as Record<string, unknown>, req.actor, occurred.at))) {
      return { ...base, code: 'guard-refused', message: `${req.type} is not possible in state ${stateName()} now (${spec.basis ?? def.basis})` };
    }
    return undefined;
  };

  async function withLock<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
      version++;
    }
  }

  /**
   * Feeds an event to the machine and records everything that follows from it. `occurredAt`: when
   * the fact really happened (SPEC §2); the machine and the steps it ends judge by it.
   */
  async function apply(type: string, payload: Record<string, unknown>, actor: Actor, label: string, basis: string | undefined, occurredAt?: string): Promise<void> {
    const from = activePaths(snapshot).join(' + ');
    const [next, effects] = transition(def.machine, snapshot, machineEvent(type, payload, actor, occurredAt));
    snapshot = next;
    const to = activePaths(snapshot).join(' + ');
    const by = actorLabel(actor, def.events[type]?.role);
    record({ kind: 'event', actor, ...(by ? { by } : {}), ...(occurredAt ? { occurredAt } : {}), summary: `${label}：${from === to ? from : `${from} → ${to}`}`, basis, event: { type, payload }, from, to });
    const factMs = occurredAt ? Date.parse(occurredAt) : Date.now();
    // The new deadlines and the notifications need each other's results in no way: their activities
    // run side by side, one workflow task fewer per event. Histories from before replay as they ran.
    if (patched('effects-beside-deadlines')) await Promise.all([syncDeadlines({}, factMs), runEffects(effects, `${type}-${audit.length}`)]);
    else {
      await syncDeadlines({}, factMs);
      await runEffects(effects, `${type}-${audit.length}`);
    }
    if (closed()) record({ kind: 'closed', actor: SYSTEM, summary: `${def.label}办结`, basis: def.basis });
    upsertAttributes();
  }

  /** Carries out the machine's notify effects through the notification activity. */
  async function runEffects(list: readonly Effect[], cause: string): Promise<void> {
    for (const action of list) {
      if (action.type !== 'notify') continue;
      const params = action.params as { to: string; subject: string; basis: string };
      const to = ctx().parties[params.to];
      if (!to) continue;
      const entryId = `${cause}:${params.subject}:${to.id}`;
      const recipients = await acts.notify({ idempotencyKey: `${id}:${entryId}`, procedureId: id, kind: 'notification', subject: params.subject, to, basis: params.basis });
      post({ id: entryId, at: nowIso(), kind: 'notification', subject: params.subject, recipients, basis: params.basis, deliveries: [] });
      record({ kind: 'notification', actor: SYSTEM, summary: `通知${to.name}：${params.subject}`, basis: params.basis });
    }
  }

  /**
   * Puts an entry in the inbox and delivers it on each recipient's channels (webhook, e-mail),
   * concurrently and without holding up the procedure. A channel still failing after the
   * retries is recorded and escalated one rung up the ladder, once.
   */
  function post(entry: InboxEntry, escalateFailures = true): void {
    inbox.push(entry);
    for (const r of entry.recipients) {
      for (const channel of prepared.channels ?? []) { // histories from before channels existed have none
        const address = channel === 'webhook' ? r.contact.webhook : r.contact.email;
        if (!address) continue;
        const d: Delivery = { channel, to: r.party.id, status: 'pending' };
        entry.deliveries.push(d);
        const p: Promise<void> = delivery
          .deliver({
            key: `${id}:${entry.id}:${channel}:${r.party.id}`,
            channel,
            address,
            recipient: { id: r.party.id, name: r.party.name, contact: r.contact.name },
            message: { procedureId: id, procedureLabel: def.label, kind: entry.kind, subject: entry.subject, ...(entry.basis ? { basis: entry.basis } : {}), at: entry.at },
          })
          .then(
            () => {
              d.status = 'delivered';
              d.at = nowIso();
            },
            async (err: unknown) => {
              d.status = 'failed';
              d.at = nowIso();
              d.error = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err);
              deliveryFailures++;
              record({ kind: 'delivery-failed', actor: SYSTEM, summary: `${channel === 'webhook' ? 'Webhook' : '电子邮件'}无法送达${r.party.name}：${d.error}`, basis: 'SPEC §4' });
              if (escalateFailures) {
                const targets = await acts.notify({ idempotencyKey: `${id}:${entry.id}:${channel}:down`, procedureId: id, kind: 'escalation', subject: 'channel-down', escalation: { responsible: r.party, rung: 1 } });
                if (targets.length) post({ id: `${entry.id}:${channel}:${r.party.id}:down`, at: nowIso(), kind: 'escalation', subject: `通知渠道故障：${entry.subject}未能送达${r.party.name}`, recipients: targets, basis: entry.basis, deliveries: [] }, false);
              }
              upsertAttributes();
            },
          )
          .finally(() => {
            inflight.delete(p);
            version++;
          });
        inflight.add(p);
      }
    }
  }

  /** The deadline engine, through its activity; the first state's deadlines came with the preparation. */
  async function compute(period: PeriodRequest, options: ComputeOptions, precomputed?: Deadline) {
    const computed = precomputed ?? (await acts.computeDeadline({ period, options }));
    calendarVersion = computed.calendarVersion;
    return computed;
  }

  /** Brings the deadline records in line with the deadlines the active states declare; a step ended by a fact is judged by the fact's instant. */
  async function syncDeadlines(precomputed: Record<string, Deadline> = {}, factMs = Date.now()): Promise<void> {
    const c = ctx();
    const active = requests();
    for (const r of deadlines) {
      if (live(r) && !active.some((a) => a.slot === r.slot && a.spec.id === r.specId)) {
        if (r.key === lapsing) {
          r.status = 'lapsed';
          record({ kind: 'deadline-met', actor: SYSTEM, summary: `${r.label}：期满未办`, basis: r.basis, deadlineKey: r.key });
          continue;
        }
        r.metAt = new Date(factMs).toISOString();
        r.status = factMs <= Date.parse(r.dueAt) ? 'met' : 'met_late';
        record({ kind: 'deadline-met', actor: SYSTEM, summary: `${r.label}：${r.status === 'met' ? '按期完成' : '逾期完成'}`, basis: r.basis, deadlineKey: r.key });
      }
    }
    for (const { spec, slot, fromPolicy, open, inputs, period, options } of active) {
      const current = deadlines.find((r) => r.slot === slot && r.specId === spec.id && live(r));
      if (current && current.inputs === inputs) {
        current.status = open ? 'suspended' : 'running';
        continue;
      }
      const computed = await compute(period, options, precomputed[inputs]);
      const responsible = c.parties[spec.responsible];
      if (!responsible) throw ApplicationFailure.nonRetryable(`deadline ${spec.id}: no party "${spec.responsible}"`, 'MachineDefinition');
      const fresh: DeadlineRecord = {
        ...computed,
        key: `${spec.id}#${deadlines.length + 1}`,
        specId: spec.id,
        slot,
        label: spec.label,
        state: stateName(),
        responsible,
        policy: fromPolicy,
        obligation: spec.obligation !== false,
        status: open ? 'suspended' : 'running',
        computedAt: nowIso(),
        inputs,
        remindersDone: [],
        dueSoonDone: false,
        dueFired: false,
        overdueCount: 0,
        escalationRung: 0,
      };
      if (current) {
        current.status = 'superseded';
        // A recomputation keeps the reminders already sent for this step.
        fresh.remindersDone = [...current.remindersDone];
        record({ kind: 'deadline-recomputed', actor: SYSTEM, summary: `${spec.label}：${current.dueAt} → ${computed.dueAt}`, basis: spec.basis, deadlineKey: fresh.key });
      } else {
        record({ kind: 'deadline-set', actor: SYSTEM, summary: `${spec.label}：${computed.lastDay ?? computed.dueAt} 届满${computed.provisional ? '（暂定）' : ''}`, basis: spec.basis, deadlineKey: fresh.key });
      }
      skipPastReminders(fresh, Date.now());
      deadlines.push(fresh);
    }
  }

  /** The active states' deadline requests; a machine whose meta does not fit its context fails the procedure. */
  function requests(): DeadlineRequest[] {
    try {
      return deadlineRequests(snapshot, policy);
    } catch (e) {
      if (e instanceof MachineDefinitionError) throw ApplicationFailure.nonRetryable(e.message, 'MachineDefinition');
      throw e;
    }
  }

  function deadlineStatus(): string {
    const running = deadlines.filter((r) => r.status === 'running');
    if (running.some((r) => r.dueFired)) return 'overdue';
    if (running.some((r) => r.dueSoonDone)) return 'due_soon';
    if (running.length) return 'on_track';
    if (deadlines.some((r) => r.status === 'suspended')) return 'suspended';
    return deadlines.filter((r) => r.status === 'met' || r.status === 'met_late').at(-1)?.status ?? 'none';
  }

  /** Who is (or, once closed, was last) responsible: closed procedures count under that tier. */
  let lastResponsible: PartyRef | undefined;
  function upsertAttributes(): void {
    const c = ctx();
    const responsible = (lastResponsible = responsibleParty() ?? lastResponsible);
    const parties = Object.values(c.parties).filter((p): p is PartyRef => !!p);
    const nextRecord = deadlines.filter((r) => r.status === 'running').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
    const next = nextRecord ? Date.parse(nextRecord.dueAt) : undefined;
    const pairs = [
      { key: SA.kind, value: def.kind },
      { key: SA.state, value: stateName() },
      { key: SA.responsible, value: responsible?.id ?? 'none' },
      { key: SA.tier, value: responsible?.tier ?? 'none' },
      { key: SA.region, value: c.region as string },
      { key: SA.regionScope, value: [...new Set(parties.flatMap((p) => regionPrefixes(p.region)).concat(jurisdictionPrefix(c.region as string) || 'national'))] },
      { key: SA.parties, value: [...new Set(parties.map((p) => p.id))] },
      { key: SA.organ, value: parties[0]?.id ?? 'none' },
      { key: SA.nextDeadline, value: next === undefined ? null : new Date(next) },
      { key: SA.deadlineStatus, value: deadlineStatus() },
      { key: SA.deadlineRule, value: nextRecord?.rule ?? 'none' },
      { key: SA.provisional, value: deadlines.some((r) => r.status === 'running' && r.provisional) },
      { key: SA.closed, value: closed() },
      { key: SA.deliveryFailed, value: deliveryFailures > 0 },
    ] as SearchAttributeUpdatePair[];
    upsertSearchAttributes(pairs);
  }

  async function fire(r: DeadlineRecord, alarm: Alarm): Promise<void> {
    markAlarm(r, alarm);
    if (alarm.kind === 'due-soon') return;
    if (!r.obligation && alarm.kind !== 'reminder') return tellMachine(r);
    const at = nowIso();
    const alarmKey = alarm.kind === 'reminder' ? `reminder${alarm.key}` : alarm.kind === 'due' ? 'due' : `overdue-${alarm.count}`;
    const subject =
      alarm.kind === 'reminder'
        ? `${r.label}：${alarm.key.endsWith('%') ? `已过期间的${alarm.key}` : `距届满${alarm.key.slice(1, -1)}日`}，${r.lastDay ?? r.dueAt}届满`
        : alarm.kind === 'due'
          ? `${r.label}：已届满，现已超期`
          : `${r.label}：已超期${alarm.count * policy.overdueRepeatHours}小时`;
    const reminded = await acts.notify({ idempotencyKey: `${id}:${r.key}:${alarmKey}`, procedureId: id, kind: 'reminder', subject, to: r.responsible, basis: r.basis });
    post({ id: `${r.key}:${alarmKey}`, at, kind: 'reminder', subject, recipients: reminded, basis: r.basis, deadlineKey: r.key, deliveries: [] });
    record({ kind: 'reminder', at, actor: SYSTEM, summary: `提醒${r.responsible.name}：${subject}`, basis: r.basis, deadlineKey: r.key });
    if (alarm.kind === 'reminder') return;
    // SPEC §4: an escalation along the ladder when the deadline passes, one rung further each period.
    const rung = ++r.escalationRung;
    // A step for which the statute names the authority escalates to it (DeadlineSpec.escalateTo).
    const namedKey = activeDeadlines(snapshot).find((a) => a.spec.id === r.specId)?.spec.escalateTo;
    const named = namedKey ? ctx().parties[namedKey] : undefined;
    const escalated = await acts.notify({
      idempotencyKey: `${id}:${r.key}:escalation-${rung}`,
      procedureId: id,
      kind: 'escalation',
      subject: `${r.label}：${r.responsible.name}超期未办，逐级督办（第${rung}级）`,
      escalation: { responsible: r.responsible, rung, ...(named ? { named } : {}) },
      basis: r.basis,
    });
    if (escalated.length) {
      const names = escalated.map((t) => t.party.name + (t.role === 'secrecy-officer' ? '保密工作机构' : '')).join('、');
      post({ id: `${r.key}:escalation-${rung}`, at, kind: 'escalation', subject: `${r.label}：超期督办（第${rung}级）`, recipients: escalated, basis: r.basis, deadlineKey: r.key, deliveries: [] });
      record({ kind: 'escalation', at, actor: SYSTEM, summary: `${r.label}超期，督办至${names}（第${rung}级，${named ? r.basis : '本地策略'}）`, basis: r.basis, deadlineKey: r.key });
    }
    if (alarm.kind === 'due') await tellMachine(r);
  }

  /** The machine may react to a deadline passing (e.g. 未予处理, a sanction proposal). */
  async function tellMachine(r: DeadlineRecord): Promise<void> {
    if (!snapshot.can(machineEvent(DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM))) return;
    lapsing = r.key;
    try {
      await apply(DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM, `${r.label}届满`, r.basis);
    } finally {
      lapsing = undefined;
    }
  }

  applyEvent = (req) =>
    withLock(async () => {
      const problem = readyRejection(req);
      if (problem) throw invalidEvent(problem);
      const spec = def.events[req.type]!;
      await apply(req.type, spec.schema.parse(req.payload ?? {}) as Record<string, unknown>, req.actor, spec.label, spec.basis, occurredAtOf(req).at);
      return result();
    });

  // Checked like an event's sender (event-checks.ts mayRecompute), in the validator: a refusal records nothing.
  const recomputeRejection = (req: { actor?: Actor; reason?: unknown } | undefined): EventRejection | undefined => {
    const base = { state: stateName(), allowedEvents: allowedEvents().map((e) => e.type) };
    const notAllowed = mayRecompute(req?.actor, ctx().parties);
    if (notAllowed) return { ...base, code: 'not-authorized', message: notAllowed };
    if (typeof req?.reason !== 'string' || !req.reason.trim()) {
      const fieldErrors = [{ field: 'reason', message: 'required: why the deadlines are recomputed (e.g. the calendar update), recorded in the audit trail' }];
      return { ...base, code: 'invalid-payload', message: `invalid recomputeDeadlines: reason: ${fieldErrors[0]!.message}`, fieldErrors };
    }
    return undefined;
  };
  setHandler(
    recomputeDeadlinesUpdate,
    (req) =>
    withLock(async () => {
      // SPEC §2: provisional deadlines are recomputed only by this explicit, audited event.
      let changed = 0;
      for (const r of deadlines.filter((d) => d.status === 'running' && d.provisional)) {
        const spec = activeDeadlines(snapshot).find((a) => a.spec.id === r.specId)?.spec;
        const computed = await compute({ rule: r.rule, n: r.n, from: r.from, extensions: r.extensions, suspensions: r.suspensions, basis: r.basis, suspensionCounting: policy.suspensionCounting }, computeOptions(policy, spec));
        const before = r.dueAt;
        const wasProvisional = r.provisional;
        Object.assign(r, { ...computed, computedAt: nowIso() });
        if (before !== r.dueAt || wasProvisional !== r.provisional) {
          changed++;
          r.dueFired = r.dueFired && Date.parse(r.dueAt) <= Date.now();
          skipPastReminders(r, Date.now());
          record({ kind: 'deadline-recomputed', actor: req.actor, summary: `${r.label}：${before} → ${r.dueAt}（日历 ${computed.calendarVersion}${r.provisional ? '，仍为暂定' : ''}；${req.reason}）`, basis: r.basis, deadlineKey: r.key });
        }
      }
      upsertAttributes();
      return { changed };
    }),
    {
      validator: (req) => {
        const problem = recomputeRejection(req);
        if (problem) throw invalidEvent(problem);
      },
    },
  );

  const by = actorLabel(request.actor);
  record({ kind: 'started', actor: request.actor, ...(by ? { by } : {}), summary: `${def.label}启动：${stateLabel()}`, basis: def.basis, to: stateName() });
  await syncDeadlines(prepared.initialDeadlines);
  await runEffects(initialEffects, 'start');
  upsertAttributes();
  view = readyView;
  rejection = readyRejection;
  readyResult = result;

  // The timer loop: sleep until the earliest alarm or until something changes.
  while (!closed()) {
    const seen = version;
    const pending = deadlines
      .map((r) => ({ r, alarm: nextAlarm(r, policy.overdueRepeatHours, Date.now()) }))
      .filter((x): x is { r: DeadlineRecord; alarm: Alarm } => x.alarm !== undefined)
      .sort((a, b) => a.alarm.at - b.alarm.at)[0];
    if (!pending) {
      await condition(() => version !== seen || closed());
      continue;
    }
    const wait = pending.alarm.at - Date.now();
    if (wait > 0 && (await condition(() => version !== seen || closed(), wait))) continue;
    await withLock(async () => {
      // Re-read: the step may have been met while waiting for the lock.
      if (nextAlarm(pending.r, policy.overdueRepeatHours, Date.now())?.at !== pending.alarm.at) return;
      await fire(pending.r, pending.alarm);
      upsertAttributes();
    });
  }
  // Deliveries still retrying finish (or fail and are recorded) before the procedure closes.
  await condition(() => inflight.size === 0 && allHandlersFinished());
  return view();
}
