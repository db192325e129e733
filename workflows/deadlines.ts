/**
 * The deadline records (SPEC §2): brought in line with the deadlines the active states declare,
 * computed with the calendar the start recorded where it covers the period, else through the
 * deadline activity (the calendar in force; a calendar or policy update never breaks replay),
 * recomputed only by an explicit event.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { computeDeadline, type ComputeOptions } from '../domain/deadline/compute.js';
import type { Deadline, PeriodRequest } from '../domain/deadline/types.js';
import { moves, periodOf, recomputable } from '../domain/deadline/recompute.js';
import { computeOptions, deadlineRequests, MachineDefinitionError, type DeadlineRequest } from '../machines/deadline-requests.js';
import { activeDeadlines } from '../machines/procedure.js';
import { skipPastReminders } from './alarms.js';
import { calendarOf } from './calendars.js';
import { newDeadlineRecord, recordDeadlineSet } from './deadline-record.js';
import { LATE_ENTRY_ZH } from '../domain/labels.zh.js';
import { acts, ctx, live, nowIso, patchedBefore, record, SYSTEM, type Run } from './state.js';
import type { Actor } from '../domain/procedure-view.js';

/** The deadline engine, through its activity unless the deadline is already computed (the preparation's, the start's calendar's). */
async function compute(run: Run, period: PeriodRequest, options: ComputeOptions, precomputed?: Deadline) {
  const computed = precomputed ?? (await acts.computeDeadline({ period, options }));
  run.s.calendarVersion = computed.calendarVersion;
  return computed;
}

/**
 * The deadline from the calendar the start recorded (workflows/prepared.ts), in the workflow: no
 * activity round trip (issue 14). Only where that calendar covers the whole period: a period
 * reaching a year it has no notice for (provisional, SPEC §2) goes to the activity, whose calendar
 * may have the notice by now. So the result is the activity's unless the calendar was changed
 * since the start for days of a year the snapshot covers (a corrected notice, or the next year's
 * notice placing a holiday or a make-up working day at the end of that year): such a change reaches
 * a procedure's new deadlines only through the activity, i.e. in procedures started after it.
 * A request the engine refuses also goes to the activity, which refuses it as it always did.
 */
function fromStartCalendar(run: Run, period: PeriodRequest, options: ComputeOptions): Deadline | undefined {
  const { calendar } = run.s.prepared;
  if (!calendar) return undefined;
  let computed: Deadline;
  try {
    computed = computeDeadline(calendarOf(calendar), period, options);
  } catch {
    return undefined;
  }
  return !computed.provisional && patchedBefore(run, 'deadlines-in-workflow') ? computed : undefined;
}

/** The active states' deadline requests; a machine whose meta does not fit its context fails the procedure. */
function requests(run: Run): DeadlineRequest[] {
  try {
    return deadlineRequests(run.snapshot, run.s.prepared.policy);
  } catch (e) {
    if (e instanceof MachineDefinitionError) throw ApplicationFailure.nonRetryable(e.message, 'MachineDefinition');
    throw e;
  }
}

/** Brings the deadline records in line with the deadlines the active states declare; a step ended by a fact is judged by the fact's instant. */
export async function syncDeadlines(run: Run, precomputed: Record<string, Deadline> = {}, factMs = Date.now()): Promise<void> {
  const { deadlines } = run.s;
  const c = ctx(run);
  const active = requests(run);
  for (const r of deadlines) {
    if (live(r) && !active.some((a) => a.slot === r.slot && a.spec.id === r.specId)) {
      if (r.key === run.s.lapsing) {
        r.status = 'lapsed';
        record(run, { kind: 'deadline-met', actor: SYSTEM, summary: `${r.label}：期满未办`, basis: r.basis, deadlineKey: r.key });
        continue;
      }
      r.metAt = new Date(factMs).toISOString();
      r.status = factMs <= Date.parse(r.dueAt) ? 'met' : 'met_late';
      // Edition 4: in time by the sender's word, entered after the deadline fired: to be confirmed (SPEC §3.7).
      if (r.status === 'met' && r.dueFired && run.s.edition >= 4) r.lateEntry = { enteredAt: nowIso(), confirmed: false };
      record(run, {
        kind: 'deadline-met',
        actor: SYSTEM,
        summary: `${r.label}：${r.lateEntry ? LATE_ENTRY_ZH.pending : r.status === 'met' ? '按期完成' : '逾期完成'}`,
        basis: r.basis,
        deadlineKey: r.key,
      });
    }
  }
  for (const req of active) {
    const { spec, slot, open, inputs, period, options } = req;
    const current = deadlines.find((r) => r.slot === slot && r.specId === spec.id && live(r));
    if (current && current.inputs === inputs) {
      current.status = open ? 'suspended' : 'running';
      continue;
    }
    const computed = await compute(run, period, options, precomputed[inputs] ?? fromStartCalendar(run, period, options));
    const responsible = c.parties[spec.responsible];
    if (!responsible) throw ApplicationFailure.nonRetryable(`deadline ${spec.id}: no party "${spec.responsible}"`, 'MachineDefinition');
    const fresh = newDeadlineRecord(run, req, computed, responsible);
    if (current) {
      current.status = 'superseded';
      // A recomputation keeps the reminders already sent for this step.
      fresh.remindersDone = [...current.remindersDone];
      record(run, {
        kind: 'deadline-recomputed',
        actor: SYSTEM,
        summary: `${spec.label}：${current.dueAt} → ${computed.dueAt}`,
        basis: spec.basis,
        deadlineKey: fresh.key,
      });
    } else recordDeadlineSet(run, req, fresh);
    skipPastReminders(fresh, Date.now());
    deadlines.push(fresh);
  }
}

/** SPEC §2: provisional deadlines are recomputed only by this explicit, audited event. Returns how many changed. */
export async function recomputeProvisional(run: Run, actor: Actor, reason: string): Promise<number> {
  const { policy } = run.s.prepared;
  let changed = 0;
  for (const r of recomputable(run.s.deadlines)) {
    const spec = activeDeadlines(run.snapshot).find((a) => a.spec.id === r.specId)?.spec;
    const computed = await compute(run, periodOf(r, policy.suspensionCounting), computeOptions(policy, spec));
    const before = r.dueAt;
    const changes = moves(r, computed);
    Object.assign(r, { ...computed, computedAt: nowIso() });
    if (changes) {
      changed++;
      r.dueFired = r.dueFired && Date.parse(r.dueAt) <= Date.now();
      skipPastReminders(r, Date.now());
      record(run, {
        kind: 'deadline-recomputed',
        actor,
        summary: `${r.label}：${before} → ${r.dueAt}（日历 ${computed.calendarVersion}${r.provisional ? '，仍为暂定' : ''}；${reason}）`,
        basis: r.basis,
        deadlineKey: r.key,
      });
    }
  }
  return changed;
}
