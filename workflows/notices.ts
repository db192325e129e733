/**
 * The machine's notifications (SPEC §4) as they enter the state: each one's inbox entry and audit
 * entry. Pure, shared by the driver's runEffects (deliveries.ts, which then delivers them) and the
 * first state the API answers a start with (first-state.ts, issue 14).
 */
import type { PartyRef } from '../domain/parties.js';
import { ctx, record, SYSTEM, type RunView } from './run-view.js';
import type { InboxEntry, Recipient } from '../domain/procedure-view.js';

export type Effect = { type: string; params?: unknown };
export interface Notice {
  to: PartyRef;
  subject: string;
  basis: string;
}

/** The notify effects among a transition's, to the parties the procedure has. */
export function notices(run: RunView, effects: readonly Effect[]): Notice[] {
  const found: Notice[] = [];
  for (const e of effects) {
    if (e.type !== 'notify') continue;
    const params = e.params as { to: string; subject: string; basis: string };
    const to = ctx(run).parties[params.to];
    if (to) found.push({ to, subject: params.subject, basis: params.basis });
  }
  return found;
}

/** A notice's inbox entry id: the cause (the event or 'start'), the subject and the party. */
export const noticeId = (cause: string, n: Notice) => `${cause}:${n.subject}:${n.to.id}`;

/** Puts a notice in the inbox (its deliveries still to be made) and the audit trail, at `nowMs`; returns its entry. */
export function postNotice(run: RunView, n: Notice, recipients: Recipient[], cause: string, by?: string, nowMs = Date.now()): InboxEntry {
  const at = new Date(nowMs).toISOString();
  const entry: InboxEntry = {
    id: noticeId(cause, n),
    at,
    kind: 'notification',
    subject: n.subject,
    recipients,
    basis: n.basis,
    ...(by ? { by } : {}),
    deliveries: [],
  };
  run.s.inbox.push(entry);
  record(run, { at, kind: 'notification', actor: SYSTEM, summary: `通知${n.to.name}：${n.subject}`, basis: n.basis });
  return entry;
}
