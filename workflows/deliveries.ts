/**
 * Notifications and their delivery (SPEC §4): the machine's notify effects go to the inbox and,
 * per recipient channel, to the delivery activity, concurrently and without holding up the
 * procedure. A channel still failing after its retries is recorded and escalated once. The
 * deliveries of one workflow activation go out together in one `deliverAll` activity (a deadline
 * storm's pass: issue 14); one that may succeed later is retried alone through `deliver`.
 */
import { sleep } from '@temporalio/workflow';
import { queueDelivery } from './activation-batch.js';
import type { DeliveryRequest } from '../activities/delivery.js';
import { acts, DELIVERY_RETRY_MS, nowIso, patchedBefore, record, SYSTEM, type Run } from './state.js';
import { notices, noticeId, postNotice, type Effect } from './notices.js';
import { upsertAttributes } from './attributes.js';
import { noticeKey } from './prepared.js';
import type { PartyRef } from '../domain/parties.js';
import type { Delivery, InboxEntry, Recipient } from '../domain/procedure-view.js';

/**
 * The machine's notifications: `by` names who acted so that they go out (“广东省国家保密局
 * 张某（负责人）”), in the inbox and in every message; their recipients those prepared with the
 * start (`prepared`), else the party's contact the start recorded, else from the notification activity.
 */
export async function runEffects(
  run: Run,
  list: readonly Effect[],
  cause: string,
  { by, prepared }: { by?: string; prepared?: Record<string, Recipient[]> } = {},
): Promise<void> {
  for (const n of notices(run, list)) {
    const recipients =
      prepared?.[noticeKey(n.subject, n.to)] ??
      recordedContact(run, n.to) ??
      (await acts.notify({
        idempotencyKey: `${run.id}:${noticeId(cause, n)}`,
        procedureId: run.id,
        kind: 'notification',
        subject: n.subject,
        to: n.to,
        basis: n.basis,
      }));
    deliverEntry(run, postNotice(run, n, recipients, cause, by));
  }
}

/** A notice's recipient from the contacts the start recorded (as the notify activity would give it: activities/prepare.ts noticeRecipients). */
export function recordedContact(run: Run, to: PartyRef): Recipient[] | undefined {
  const contact = run.s.prepared.contacts?.[to.id];
  return contact && [{ party: to, contact, role: 'responsible' }];
}

/** A delivery's failure in the receiver's words: `deliver`'s activity failure carries them as its cause, a batched one as its message. */
const failureText = (err: unknown) =>
  err instanceof Error && err.cause instanceof Error
    ? err.cause.message
    : err instanceof Error && err.name === 'Error'
      ? err.message
      : String(err);

/** The escalation of a channel that is down is itself not escalated when it fails (its id ends in ':down'). */
const escalatesFailures = (entry: InboxEntry) => !entry.id.endsWith(':down');

/** Puts an entry in the inbox and delivers it (webhook, e-mail). */
export function post(run: Run, entry: InboxEntry): void {
  run.s.inbox.push(entry);
  deliverEntry(run, entry);
}

/** Delivers an inbox entry on each recipient's channels. */
export function deliverEntry(run: Run, entry: InboxEntry): void {
  for (const r of entry.recipients) {
    for (const channel of run.s.prepared.channels ?? []) {
      // histories from before channels existed have none
      const address = channel === 'webhook' ? r.contact.webhook : r.contact.email;
      if (!address) continue;
      const d: Delivery = { channel, to: r.party.id, status: 'pending' };
      entry.deliveries.push(d);
      deliver(run, entry, r, d, address);
    }
  }
}

/**
 * After continue-as-new: the deliveries the last run left pending are sent again with the same
 * idempotency keys; the delivery ledger and the receivers deduplicate by key (SPEC §4).
 */
export function reissuePending(run: Run): void {
  for (const entry of run.s.inbox) {
    for (const d of entry.deliveries) {
      if (d.status !== 'pending') continue;
      const r = entry.recipients.find((x) => x.party.id === d.to);
      const address = d.channel === 'webhook' ? r?.contact.webhook : r?.contact.email;
      if (r && address) deliver(run, entry, r, d, address);
    }
  }
}

function deliver(run: Run, entry: InboxEntry, r: Recipient, d: Delivery, address: string): void {
  const { id } = run;
  const channel = d.channel;
  const req: DeliveryRequest = {
    key: `${id}:${entry.id}:${channel}:${r.party.id}`,
    channel,
    address,
    recipient: { id: r.party.id, name: r.party.name, contact: r.contact.name },
    message: {
      procedureId: id,
      procedureLabel: run.def.label,
      kind: entry.kind,
      subject: entry.subject,
      ...(entry.basis ? { basis: entry.basis } : {}),
      ...(entry.by ? { by: entry.by } : {}),
      at: entry.at,
    },
  };
  // Procedures recorded before keep one activity per delivery.
  const p: Promise<void> = (patchedBefore(run, 'deliveries-batched') ? queue(run, req) : run.delivery.deliver(req))
    .then(
      () => {
        d.status = 'delivered';
        d.at = nowIso();
      },
      async (err: unknown) => {
        run.settling++;
        try {
          d.status = 'failed';
          d.at = nowIso();
          d.error = failureText(err);
          run.s.deliveryFailures++;
          record(run, {
            kind: 'delivery-failed',
            actor: SYSTEM,
            summary: `${channel === 'webhook' ? 'Webhook' : '电子邮件'}无法送达${r.party.name}：${d.error}`,
            basis: 'SPEC §4',
          });
          if (escalatesFailures(entry)) {
            const targets = await acts.notify({
              idempotencyKey: `${id}:${entry.id}:${channel}:down`,
              procedureId: id,
              kind: 'escalation',
              subject: 'channel-down',
              escalation: { responsible: r.party, rung: 1 },
            });
            if (targets.length)
              post(run, {
                id: `${entry.id}:${channel}:${r.party.id}:down`,
                at: nowIso(),
                kind: 'escalation',
                subject: `通知渠道故障：${entry.subject}未能送达${r.party.name}`,
                recipients: targets,
                basis: entry.basis,
                deliveries: [],
              });
          }
          upsertAttributes(run);
        } finally {
          run.settling--;
        }
      },
    )
    .finally(() => {
      run.inflight.delete(p);
      run.s.version++;
    });
  run.inflight.add(p);
}

/**
 * A delivery queued for the activation's one `deliverAll` (issue 14, a deadline storm): the first
 * queued schedules it once the code of the activation has come to its waits (a storm pass awaits
 * the machine between its records), so every delivery queued by then goes with it. Settles as
 * `deliver` would: a failure carries the receiver's answer.
 */
function queue(run: Run, req: DeliveryRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    queueDelivery(run, {
      req,
      settle: (outcome) => {
        // The activity itself failed (a worker lost mid-call): each delivery as if never batched, under the same key.
        if (!outcome) return resolve(run.delivery.deliver(req));
        if (outcome.status === 'delivered') return resolve(undefined);
        const failed = () => reject(new Error(outcome.message));
        if (outcome.status === 'failed' || !run.redelivery) return failed();
        // Worth retrying: the rest of the policy's attempts through `deliver`, after its first backoff.
        const again = run.redelivery;
        resolve(sleep(DELIVERY_RETRY_MS).then(() => again.deliver(req)));
      },
    });
  });
}
