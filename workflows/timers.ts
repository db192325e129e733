/**
 * The alarms of the deadline records as durable timers (SPEC §4; the schedule is alarms.ts):
 * the loop sleeps until the earliest alarm or until something changes, and fires it under the
 * lock. Timers are derived from the records only, so a new run re-arms them from the carried state.
 */
import { condition } from '@temporalio/workflow';
import { activeDeadlines, DEADLINE_PASSED } from '../machines/procedure.js';
import { markAlarm, nextAlarm, type Alarm } from './alarms.js';
import { upsertAttributes } from './attributes.js';
import { post } from './deliveries.js';
import { apply, machineEvent } from './events.js';
import { acts, closed, ctx, nowIso, record, SYSTEM, withLock, type Run } from './state.js';
import type { DeadlineRecord } from './types.js';

/** The machine may react to a deadline passing (e.g. 未予处理, a sanction proposal). */
async function tellMachine(run: Run, r: DeadlineRecord): Promise<void> {
  if (!run.snapshot.can(machineEvent(run, DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM))) return;
  run.s.lapsing = r.key;
  try {
    await apply(run, DEADLINE_PASSED, { deadlineId: r.specId }, SYSTEM, `${r.label}届满`, r.basis);
  } finally {
    run.s.lapsing = undefined;
  }
}

async function fire(run: Run, r: DeadlineRecord, alarm: Alarm): Promise<void> {
  const { id } = run;
  const { policy } = run.s.prepared;
  markAlarm(r, alarm);
  if (alarm.kind === 'due-soon') return;
  if (!r.obligation && alarm.kind !== 'reminder') return tellMachine(run, r);
  const at = nowIso();
  const alarmKey = alarm.kind === 'reminder' ? `reminder${alarm.key}` : alarm.kind === 'due' ? 'due' : `overdue-${alarm.count}`;
  const subject =
    alarm.kind === 'reminder'
      ? `${r.label}：${alarm.key.endsWith('%') ? `已过期间的${alarm.key}` : `距届满${alarm.key.slice(1, -1)}日`}，${r.lastDay ?? r.dueAt}届满`
      : alarm.kind === 'due'
        ? `${r.label}：已届满，现已超期`
        : `${r.label}：已超期${alarm.count * policy.overdueRepeatHours}小时`;
  // The alarm's own instant: the notify activity measures how late it fires (bm_alarm_lateness_seconds).
  const scheduledAt = new Date(alarm.at).toISOString();
  const reminded = await acts.notify({
    idempotencyKey: `${id}:${r.key}:${alarmKey}`,
    procedureId: id,
    kind: 'reminder',
    subject,
    to: r.responsible,
    basis: r.basis,
    scheduledAt,
  });
  post(run, {
    id: `${r.key}:${alarmKey}`,
    at,
    kind: 'reminder',
    subject,
    recipients: reminded,
    basis: r.basis,
    deadlineKey: r.key,
    deliveries: [],
  });
  record(run, {
    kind: 'reminder',
    at,
    actor: SYSTEM,
    summary: `提醒${r.responsible.name}：${subject}`,
    basis: r.basis,
    deadlineKey: r.key,
  });
  if (alarm.kind === 'reminder') return;
  // SPEC §4: an escalation along the ladder when the deadline passes, one rung further each period.
  const rung = ++r.escalationRung;
  // A step for which the statute names the authority escalates to it (DeadlineSpec.escalateTo).
  const namedKey = activeDeadlines(run.snapshot).find((a) => a.spec.id === r.specId)?.spec.escalateTo;
  const named = namedKey ? ctx(run).parties[namedKey] : undefined;
  const escalated = await acts.notify({
    idempotencyKey: `${id}:${r.key}:escalation-${rung}`,
    procedureId: id,
    kind: 'escalation',
    subject: `${r.label}：${r.responsible.name}超期未办，逐级督办（第${rung}级）`,
    escalation: { responsible: r.responsible, rung, ...(named ? { named } : {}) },
    basis: r.basis,
    scheduledAt,
  });
  if (escalated.length) {
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
  if (alarm.kind === 'due') await tellMachine(run, r);
}

/**
 * The timer loop: sleeps until the earliest alarm or until something changes; returns once the
 * procedure is closed or `stop` holds (continue-as-new is due).
 */
export async function alarmLoop(run: Run, stop: () => boolean): Promise<void> {
  const { overdueRepeatHours } = run.s.prepared.policy;
  const woken = (seen: number) => () => run.s.version !== seen || closed(run) || stop();
  while (!closed(run) && !stop()) {
    const seen = run.s.version;
    const pending = run.s.deadlines
      .map((r) => ({ r, alarm: nextAlarm(r, overdueRepeatHours, Date.now()) }))
      .filter((x): x is { r: DeadlineRecord; alarm: Alarm } => x.alarm !== undefined)
      .sort((a, b) => a.alarm.at - b.alarm.at)[0];
    if (!pending) {
      await condition(woken(seen));
      continue;
    }
    const wait = pending.alarm.at - Date.now();
    if (wait > 0 && (await condition(woken(seen), wait))) continue;
    await withLock(run, async () => {
      // Re-read: the step may have been met while waiting for the lock.
      if (nextAlarm(pending.r, overdueRepeatHours, Date.now())?.at !== pending.alarm.at) return;
      await fire(run, pending.r, pending.alarm);
      upsertAttributes(run);
    });
  }
}
