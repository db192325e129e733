/**
 * The continuous check of the case file (records/watch.ts) in the worker process, outside
 * Temporal's reach (a Schedule could be paused by whoever holds its port): every cycle, by one
 * worker at a time (an advisory lock), within a minute of a reset, a terminate or a fake start.
 * Each new finding's alarm goes to the national authority's contact and the operators
 * (BM_ALARM_EMAIL), on its channels as escalations go, once per key (the delivery ledger).
 */
import type { Client } from '@temporalio/client';
import { createDelivery, type DeliveryConfig, type DeliveryRequest } from '../activities/delivery.js';
import { FINDING_LABELS } from '../domain/record-findings.js';
import type { Registry } from '../domain/registry/registry.js';
import type { RecordStore } from '../records/store.js';
import { markAlarmed, unalarmed, watchOnce, type StoredFinding } from '../records/watch.js';

/** Any constant: one worker checks at a time. */
const LOCK = 7_241_025;

export interface RecordWatchOptions {
  client: Client;
  store: RecordStore;
  registry: Registry;
  delivery: DeliveryConfig;
  taskQueue: string;
  /** The operators' addresses (BM_ALARM_EMAIL). */
  alarmEmails: string[];
  everyMs: number;
  /** A start younger than this may not have written its first entries yet (default 30 s: a fake is flagged within a minute). */
  graceMs?: number;
  log: (line: string) => void;
}

export function startRecordWatch(o: RecordWatchOptions): { stop(): Promise<void>; cycle(): Promise<void> } {
  const send = createDelivery(o.delivery).deliver;
  // At start, what happened while no worker watched (a day back; the queries are by instant).
  let since = new Date(Date.now() - 24 * 3_600_000);
  let running: Promise<void> = Promise.resolve();
  /** Starts on our queue still waiting behind a backlog for their first entries (records/compare.ts). */
  const waiting = new Set<string>();

  async function cycle(): Promise<void> {
    const client = await o.store.pool.connect();
    try {
      if (!(await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOCK])).rows[0]!.ok) return;
      try {
        const started = new Date();
        const fresh = await watchOnce(o.client, o.store.pool, {
          taskQueue: o.taskQueue,
          since: new Date(since.getTime() - o.everyMs - (o.graceMs ?? 30_000)),
          graceMs: o.graceMs ?? 30_000,
          waiting,
        });
        since = started;
        for (const f of fresh) o.log(`案卷核查 ${f.procedureId}${f.seq ? ` seq ${f.seq}` : ''}: ${f.kind}: ${f.detail}`);
        for (const f of await unalarmed(o.store.pool)) if (await alarm(f)) await markAlarmed(o.store.pool, f.id);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [LOCK]);
      }
    } catch (e) {
      o.log(`案卷核查未完成，下一轮重试: ${(e as Error).message}`);
    } finally {
      client.release();
    }
  }

  /** Every channel of every recipient; true once all went out (a failed one is tried again next cycle, under the same key). */
  async function alarm(f: StoredFinding): Promise<boolean> {
    const national = o.registry.national();
    const contact = o.registry.contactOf(national.id);
    const to: Array<Pick<DeliveryRequest, 'channel' | 'address' | 'recipient'>> = [
      ...(contact.webhook
        ? [
            {
              channel: 'webhook' as const,
              address: contact.webhook,
              recipient: { id: national.id, name: national.name, contact: contact.name },
            },
          ]
        : []),
      ...(contact.email && o.delivery.smtpUrl
        ? [
            {
              channel: 'email' as const,
              address: contact.email,
              recipient: { id: national.id, name: national.name, contact: contact.name },
            },
          ]
        : []),
      ...(o.delivery.smtpUrl ? o.alarmEmails : []).map((address) => ({
        channel: 'email' as const,
        address,
        recipient: { id: 'operators', name: '系统运维', contact: address },
      })),
    ];
    const results = await Promise.allSettled(
      to.map((t) =>
        send({
          key: `record-finding:${f.id}:${t.channel}:${t.recipient.id}:${t.address}`,
          ...t,
          message: {
            procedureId: f.procedureId,
            procedureLabel: '案卷核查',
            kind: 'escalation',
            subject: `案卷异常：${FINDING_LABELS[f.kind]}${f.seq ? `（第${f.seq}条记录起）` : ''}`,
            at: f.foundAt,
          },
        }),
      ),
    );
    for (const r of results) if (r.status === 'rejected') o.log(`案卷核查告警未送达，下一轮重试: ${(r.reason as Error).message}`);
    return results.every((r) => r.status === 'fulfilled');
  }

  const timer = setInterval(() => {
    running = running.then(cycle);
  }, o.everyMs);
  return {
    cycle: () => (running = running.then(cycle)),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
