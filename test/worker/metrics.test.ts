import { describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { createDelivery, type DeliveryRequest } from '../../activities/delivery.js';
import { createActivities } from '../../activities/index.js';
import { DeliveryLedger } from '../../activities/ledger.js';
import { workerRegistry } from '../../activities/metrics.js';
import { parseConfig } from '../../activities/config.js';

const value = async (name: string, labels: Record<string, string>) => {
  const m = await workerRegistry.getSingleMetric(name)!.get();
  return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
};

const request = (key: string): DeliveryRequest => ({
  key,
  channel: 'webhook',
  address: 'http://127.0.0.1:1/hook',
  recipient: { id: 'org-gz-bureau', name: '广州某局', contact: '保密办' },
  message: { procedureId: 'unclear-matter-x', procedureLabel: '不明确事项', kind: 'reminder', subject: 's', at: new Date().toISOString() },
});

describe('the worker metrics', () => {
  it('counts deliveries by channel and result: already sent, and a receiver unreachable (retried)', async () => {
    const ledger = new DeliveryLedger();
    await ledger.record('k-sent');
    const delivery = createDelivery({ webhookSecret: 'x'.repeat(32), mailFrom: 'a@b', ledger });
    expect(await delivery.deliver(request('k-sent'))).toBe('already-sent');
    await expect(delivery.deliver(request('k-new'))).rejects.toThrow(/unreachable/);
    expect(await value('bm_deliveries_total', { channel: 'webhook', result: 'already-sent' })).toBe(1);
    expect(await value('bm_deliveries_total', { channel: 'webhook', result: 'retrying' })).toBe(1);
  });

  it('deliverAll attempts each delivery once and counts each by channel and result: delivered, retrying, failed', async () => {
    const counted = (result: string) => value('bm_deliveries_total', { channel: 'webhook', result }).then((v) => v ?? 0);
    const before = { already: await counted('already-sent'), retrying: await counted('retrying'), failed: await counted('failed') };
    const ledger = new DeliveryLedger();
    await ledger.record('b-sent');
    // One receiver with its own secret; another without, and no shared secret: its delivery cannot be signed.
    const delivery = createDelivery({ webhookSecrets: new Map([['org-gz-bureau', 'x'.repeat(32)]]), mailFrom: 'a@b', ledger });
    const unsigned = { ...request('b-unsigned'), recipient: { id: 'org-th-office', name: '天河区某办', contact: '保密办' } };
    expect(await delivery.deliverAll([request('b-sent'), request('b-down'), unsigned])).toEqual([
      { status: 'delivered' },
      { status: 'retrying', message: expect.stringMatching(/^webhook http:\/\/127\.0\.0\.1:1\/hook unreachable/) },
      { status: 'failed', message: expect.stringContaining('no webhook secret for org-th-office') },
    ]);
    expect(await counted('already-sent')).toBe(before.already + 1);
    expect(await counted('retrying')).toBe(before.retrying + 1);
    expect(await counted('failed')).toBe(before.failed + 1);
  });

  it('observes how late a reminder was notified when the alarm gives its scheduled instant', async () => {
    const acts = createActivities(loadDeps({}));
    const to = { id: 'org-gz-bureau', name: '广州某局', kind: 'organ' } as never;
    await acts.notify({
      idempotencyKey: 'k',
      procedureId: 'unclear-matter-x',
      kind: 'reminder',
      subject: 's',
      to,
      scheduledAt: new Date(Date.now() - 3_000).toISOString(),
    });
    await acts.notify({ idempotencyKey: 'k2', procedureId: 'unclear-matter-x', kind: 'reminder', subject: 's', to });
    const h = await workerRegistry.getSingleMetric('bm_alarm_lateness_seconds')!.get();
    const count = h.values.find(
      (v) => (v as { metricName?: string }).metricName === 'bm_alarm_lateness_seconds_count' && v.labels.kind === 'reminder',
    );
    const sum = h.values.find(
      (v) => (v as { metricName?: string }).metricName === 'bm_alarm_lateness_seconds_sum' && v.labels.kind === 'reminder',
    );
    expect(count?.value).toBe(1);
    expect(sum!.value).toBeGreaterThanOrEqual(3);
  });

  it('reads a metrics port from the environment: a port, "off", or a clear error naming the variable', () => {
    expect(parseConfig({}).workerMetricsPort).toBe(9464);
    expect(parseConfig({ BM_WORKER_METRICS_PORT: '9500' }).workerMetricsPort).toBe(9500);
    expect(parseConfig({ BM_WORKER_METRICS_PORT: 'off' }).workerMetricsPort).toBeUndefined();
    expect(() => parseConfig({ BM_WORKER_METRICS_PORT: 'x' })).toThrow(
      'BM_WORKER_METRICS_PORT: "x" is not allowed; expected a port number 1–65535 or "off"',
    );
  });
});

describe('the Grafana dashboard (deploy/grafana/baomi.json)', () => {
  it("has a panel for every one of the project's series and for the Temporal SDK's", async () => {
    const { readFileSync } = await import('node:fs');
    const { ApiMetrics } = await import('../../api/metrics.js');
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/baomi.json', import.meta.url), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    const ours = [...new ApiMetrics(async () => []).registry.getMetricsAsArray(), ...workerRegistry.getMetricsAsArray()]
      .map((m) => m.name)
      .filter((n) => n.startsWith('bm_'));
    expect(ours.length).toBe(7);
    for (const name of ours) expect(exprs, name).toContain(name);
    expect(exprs).toMatch(/temporal_workflow_task_schedule_to_start_latency_bucket/);
  });
});
