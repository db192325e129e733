/**
 * The alarms of the deadline records as durable timers (SPEC §4; the schedule is alarms.ts):
 * the loop sleeps until the earliest alarm or until something changes, and fires it under the
 * lock. Timers are derived from the records only, so a new run re-arms them from the carried state.
 */
import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { NotifyRequest } from '../activities/index.js';
import { activeDeadlines, DEADLINE_PASSED } from '../machines/procedure.js';
import { markAlarm, nextAlarm, type Alarm } from './alarms.js';
import { upsertAttributes } from './attributes.js';
import { post } from './deliveries.js';
import { noteLateness, recordedRecipients } from './recorded-recipients.js';
import { apply, machineEvent } from './events.js';
import { acts, closed, ctx, nowIso, patchedBefore, record, SYSTEM, withLock, type Run } from './state.js';
import type { DeadlineRecord, Recipient } from '../domain/procedure-view.js';

/**
 * The machine may react to a deadline passing (e.g. 未予处理, a sanction proposal). In a storm pass
 * the search attributes are upserted once, after every alarm of the pass (`attributes` false).
 */
async function tellMachine(run: Run, r: DeadlineRecord, attributes = true): Promise<void> {
  if (!run.snapshot.can(machineEvent(run, DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM))) return;
  run.s.lapsing = r.key;
  try {
    await apply(run, DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM, `${r.label}届满`, r.basis, undefined, attributes);
  } finally {
    run.s.lapsing = undefined;
  }
}

/** What an alarm asks of the notify activity: derived from the records and the snapshot, changing nothing. */
interface Plan {
  /** The reminder's inbox entry. */
  entryId: string;
  subject: string;
  reminder: NotifyRequest;
  /** The deadline's own and overdue alarms escalate one rung further (SPEC §4). */
  escalation?: NotifyRequest & { escalation: { rung: number } };
}

/** An alarm's reminder, then its escalation if it has one. */
const requestsOf = (p: Plan): NotifyRequest[] => [p.reminder, ...(p.escalation ? [p.escalation] : [])];

function plan(run: Run, r: DeadlineRecord, alarm: Alarm): Plan {
  const { id } = run;
  const { policy } = run.s.prepared;
  const alarmKey = alarm.kind === 'reminder' ? `reminder${alarm.key}` : alarm.kind === 'overdue' ? `overdue-${alarm.count}` : 'due';
  const subject =
    alarm.kind === 'reminder'
      ? `${r.label}：${alarm.key.endsWith('%') ? `已过期间的${alarm.key}` : `距届满${alarm.key.slice(1, -1)}日`}，${r.lastDay ?? r.dueAt}届满`
      : alarm.kind === 'overdue'
        ? `${r.label}：已超期${alarm.count * policy.overdueRepeatHours}小时`
        : `${r.label}：已届满，现已超期`;
  // The alarm's own instant: the notify activity measures how late it fires (bm_alarm_lateness_seconds).
  const scheduledAt = new Date(alarm.at).toISOString();
  const reminder: NotifyRequest = {
    idempotencyKey: `${id}:${r.key}:${alarmKey}`,
    procedureId: id,
    kind: 'reminder',
    subject,
    to: r.responsible,
    basis: r.basis,
    scheduledAt,
  };
  if (alarm.kind === 'reminder') return { entryId: `${r.key}:${alarmKey}`, subject, reminder };
  const rung = r.escalationRung + 1;
  // A step for which the statute names the authority escalates to it (DeadlineSpec.escalateTo).
  const namedKey = activeDeadlines(run.snapshot).find((a) => a.spec.id === r.specId)?.spec.escalateTo;
  const named = namedKey ? ctx(run).parties[namedKey] : undefined;
  const escalation = {
    idempotencyKey: `${id}:${r.key}:escalation-${rung}`,
    procedureId: id,
    kind: 'escalation' as const,
    subject: `${r.label}：${r.responsible.name}超期未办，逐级督办（第${rung}级）`,
    escalation: { responsible: r.responsible, rung, ...(named ? { named } : {}) },
    basis: r.basis,
    scheduledAt,
  };
  return { entryId: `${r.key}:${alarmKey}`, subject, reminder, escalation };
}

/** The inbox entry and audit entry of a reminder sent. */
function noteReminder(run: Run, r: DeadlineRecord, p: Plan, recipients: Recipient[], at: string): void {
  post(run, { id: p.entryId, at, kind: 'reminder', subject: p.subject, recipients, basis: r.basis, deadlineKey: r.key, deliveries: [] });
  record(run, {
    kind: 'reminder',
    at,
    actor: SYSTEM,
    summary: `提醒${r.responsible.name}：${p.subject}`,
    basis: r.basis,
    deadlineKey: r.key,
  });
}

/** The escalation's rung taken and, when the ladder has anyone to tell, its inbox and audit entries. */
function noteEscalation(run: Run, r: DeadlineRecord, p: Plan, escalated: Recipient[], at: string): void {
  const { rung, named } = p.escalation!.escalation;
  r.escalationRung = rung;
  if (!escalated.length) return;
  const names = escalated.map((t) => t.party.name + (t.role === 'secrecy-officer' ? '保密工作机构' : '')).join('、');
  post(run, {
    id: `${r.key}:escalation-${rung}`,
    at,
    kind: 'escalation',
    subject: `${r.label}：超期督办（第${rung}级）`,
    recipients: escalated,
    basis: r.basis,
    deadlineKey: r.key,
    deliveries: [],
  });
  record(run, {
    kind: 'escalation',
    at,
    actor: SYSTEM,
    summary: `${r.label}超期，督办至${names}（第${rung}级，${named ? r.basis : '本地策略'}）`,
    basis: r.basis,
    deadlineKey: r.key,
  });
}

/** An alarm that sends nothing: due-soon is a silent mark; a step without obligation only tells the machine. */
const silent = (r: DeadlineRecord, alarm: Alarm) => alarm.kind === 'due-soon' || (!r.obligation && alarm.kind !== 'reminder');
/** The deadline's own alarm is told to the machine, after its notifications if it has any. */
const told = (alarm: Alarm) => alarm.kind === 'due';

/** One alarm, its activities one after the other: the way the recorded histories ran. */
async function fire(run: Run, r: DeadlineRecord, alarm: Alarm): Promise<void> {
  markAlarm(r, alarm);
  if (silent(r, alarm)) return told(alarm) ? tellMachine(run, r) : undefined;
  const at = nowIso();
  const p = plan(run, r, alarm);
  noteReminder(run, r, p, await acts.notify(p.reminder), at);
  if (!p.escalation) return;
  noteEscalation(run, r, p, await acts.notify(p.escalation), at);
  if (told(alarm)) await tellMachine(run, r);
}

type Due = { r: DeadlineRecord; alarm: Alarm };

/**
 * The alarms due at the earliest instant that has come, one per record, in record order: the order
 * `fire` took them one at a time.
 */
function dueNow(run: Run): Due[] {
  const { overdueRepeatHours } = run.s.prepared.policy;
  const due = run.s.deadlines
    .map((r) => ({ r, alarm: nextAlarm(r, overdueRepeatHours, Date.now()) }))
    .filter((x): x is Due => x.alarm !== undefined && x.alarm.at <= Date.now());
  const instant = Math.min(...due.map((d) => d.alarm.at));
  return due.filter((d) => d.alarm.at === instant);
}

const sameAlarm = (a: Alarm | undefined, b: Alarm) => a !== undefined && a.kind === b.kind && a.at === b.at;

/**
 * Every alarm due now in one pass (a deadline storm): the recipients of all their reminders and
 * escalations come from the start's record (patched `recipients-recorded`), else from one notify
 * activity; then each alarm is recorded and told to the machine
 * in the order `fire` would have taken. An alarm whose step an earlier reaction ended, or whose
 * escalation it changed, is left to the next pass. Returns how many alarms it fired.
 */
async function fireTogether(run: Run, due: Due[]): Promise<number> {
  const { overdueRepeatHours } = run.s.prepared.policy;
  const plans = due.map((d) => ({ ...d, p: silent(d.r, d.alarm) ? undefined : plan(run, d.r, d.alarm) }));
  const requests = plans.flatMap(({ p }) => (p ? requestsOf(p) : []));
  // The recipients the start recorded (issue 14); a start without them asks the notify activity.
  const recorded = requests.length && patchedBefore(run, 'recipients-recorded') ? recordedRecipients(run, requests) : undefined;
  const recipients = requests.length ? (recorded ?? (await acts.notifyAll(requests))) : [];
  let next = 0;
  let fired = 0;
  for (const { r, alarm, p } of plans) {
    if (!sameAlarm(nextAlarm(r, overdueRepeatHours, Date.now()), alarm)) break;
    if (p && JSON.stringify(plan(run, r, alarm)) !== JSON.stringify(p)) break;
    fired++;
    markAlarm(r, alarm);
    if (p) {
      const at = nowIso();
      noteReminder(run, r, p, recipients[next++]!, at);
      if (p.escalation) noteEscalation(run, r, p, recipients[next++]!, at);
      if (recorded) requestsOf(p).forEach(noteLateness);
    }
    if (told(alarm)) await tellMachine(run, r, false);
  }
  return fired;
}

/** A durable timer for the earliest alarm, kept while that alarm stays the earliest. */
interface Armed {
  at: number;
  fired: boolean;
  scope: CancellationScope;
}

function arm(at: number): Armed {
  const armed: Armed = { at, fired: false, scope: new CancellationScope() };
  armed.scope
    .run(() => sleep(at - Date.now()))
    .then(
      () => (armed.fired = true),
      (e: unknown) => {
        if (!isCancellation(e)) throw e;
      },
    );
  return armed;
}

/**
 * The timer loop: sleeps until the earliest alarm or until something changes; returns once the
 * procedure is closed or `stop` holds (continue-as-new is due). A change that leaves the earliest
 * alarm where it was keeps its timer (issue 14): one cancel and one new timer fewer per event, and
 * no cancel racing a timer that fires (the time-skipping test server then refuses the workflow
 * task: "invalid history builder state for action"). Procedures started before keep re-arming, as
 * their histories ran: those whose start recorded no calendar (workflows/prepared.ts), the same
 * version of the code, so no patch marker (a marker and an upsert in every start's task) tells it.
 */
export async function alarmLoop(run: Run, stop: () => boolean): Promise<void> {
  const { overdueRepeatHours } = run.s.prepared.policy;
  const woken = (seen: number) => () => run.s.version !== seen || closed(run) || stop();
  const keep = run.s.prepared.calendar !== undefined;
  let armed: Armed | undefined;
  while (!closed(run) && !stop()) {
    const seen = run.s.version;
    const pending = run.s.deadlines
      .map((r) => ({ r, alarm: nextAlarm(r, overdueRepeatHours, Date.now()) }))
      .filter((x): x is { r: DeadlineRecord; alarm: Alarm } => x.alarm !== undefined)
      .sort((a, b) => a.alarm.at - b.alarm.at)[0];
    if (armed && armed.at !== pending?.alarm.at) {
      armed.scope.cancel();
      armed = undefined;
    }
    if (!pending) {
      await condition(woken(seen));
      continue;
    }
    const wait = pending.alarm.at - Date.now();
    if (keep && wait > 0) {
      const timer = (armed ??= arm(pending.alarm.at));
      await condition(() => timer.fired || woken(seen)());
      if (!timer.fired) continue;
    } else if (wait > 0 && (await condition(woken(seen), wait))) continue;
    // Fired, or due already: a timer still armed for this instant is left to fire (cancelling a due timer races its firing).
    armed = undefined;
    await withLock(run, async () => {
      run.passed = true;
      // A storm of alarms at one instant: one workflow task and one upsert (issue 14), and one
      // notify activity for a start that recorded no recipients.
      if (patchedBefore(run, 'storm-one-pass')) {
        let fired = 0;
        for (let due = dueNow(run); due.length; due = dueNow(run)) {
          const n = await fireTogether(run, due);
          if (!n) break;
          fired += n;
        }
        if (fired) upsertAttributes(run);
        return;
      }
      // Re-read: the step may have been met while waiting for the lock.
      if (nextAlarm(pending.r, overdueRepeatHours, Date.now())?.at !== pending.alarm.at) return;
      await fire(run, pending.r, pending.alarm);
      upsertAttributes(run);
    });
  }
  armed?.scope.cancel();
}
