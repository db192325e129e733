/**
 * The worker's own Prometheus metrics (prom-client), beside the Temporal SDK's runtime metrics
 * (worker/metrics.ts): deliveries by channel and result, and how late an alarm's notification ran.
 * Labels are channels, results and alarm kinds only: no procedure, party or address.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export const workerRegistry = new Registry();

export const deliveries = new Counter({
  name: 'bm_deliveries_total',
  help: 'Notification deliveries by channel and result (sent, already-sent, retrying, failed)',
  labelNames: ['channel', 'result'],
  registers: [workerRegistry],
});

export const alarmLateness = new Histogram({
  name: 'bm_alarm_lateness_seconds',
  help: 'How late a reminder or escalation was notified after its scheduled instant',
  labelNames: ['kind'],
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
  registers: [workerRegistry],
});
