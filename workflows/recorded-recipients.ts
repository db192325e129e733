/**
 * An alarm's recipients from what the start recorded (issue 14, a deadline storm): a reminder goes
 * to the responsible party's contact, an escalation to its ladder's rung or to the authority a
 * statute names (domain/ladder.ts), as the notify activity would give them from the registry then.
 * How late the alarm ran is observed by the worker through a sink (not recorded, not replayed).
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { NotifyRequest } from '../activities/index.js';
import { recordedContact } from './deliveries.js';
import type { Run } from './state.js';
import type { Recipient } from '../domain/procedure-view.js';

export interface AlarmSinks extends Sinks {
  alarms: {
    /** A reminder or escalation whose recipients the workflow took from its record, its alarm's instant. */
    notified(kind: 'reminder' | 'escalation', scheduledAt: string): void;
  };
}

const { alarms } = proxySinks<AlarmSinks>();

/** One request's recipients from the record; undefined where the start recorded none for its party. */
function recipientsOf(run: Run, req: NotifyRequest): Recipient[] | undefined {
  const { contacts, ladders } = run.s.prepared;
  const esc = req.escalation;
  if (esc?.named) {
    if (esc.rung > 1) return [];
    const contact = contacts?.[esc.named.id];
    return contact && [{ party: esc.named, contact, role: 'named-authority' }];
  }
  if (esc) {
    const ladder = ladders?.[esc.responsible.id];
    return ladder && (ladder[esc.rung - 1] ?? []); // past its last rung the ladder ends
  }
  return req.to ? recordedContact(run, req.to) : [];
}

/** Every request's recipients from the record, or undefined if any needs the notify activity. */
export function recordedRecipients(run: Run, reqs: NotifyRequest[]): Recipient[][] | undefined {
  const out: Recipient[][] = [];
  for (const req of reqs) {
    const recipients = recipientsOf(run, req);
    if (!recipients) return undefined;
    out.push(recipients);
  }
  return out;
}

/** An alarm's reminder or escalation recorded with recipients from the record: the worker observes how late it ran. */
export function noteLateness(req: NotifyRequest): void {
  if (req.scheduledAt && req.kind !== 'notification') alarms.notified(req.kind, req.scheduledAt);
}
