/**
 * The worker's /metrics: the Temporal SDK's runtime metrics (temporal_*) through its Prometheus
 * exporter on BM_WORKER_METRICS_PORT (default 9464), and the project's own (bm_deliveries_total,
 * bm_alarm_lateness_seconds; activities/metrics.ts) on BM_WORKER_APP_METRICS_PORT (default 9465).
 * Both bind loopback only; `off` disables one (e.g. several workers on one host).
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { serveMetrics } from '../api/metrics.js';
import type { Config } from '../activities/config.js';
import { workerRegistry } from '../activities/metrics.js';

/** Installs the SDK runtime (once per process, before any connection) with its Prometheus exporter, and serves the project's worker metrics. */
export async function installRuntimeWithMetrics(
  level: LogLevel,
  ports: Pick<Config, 'workerMetricsPort' | 'workerAppMetricsPort'>,
): Promise<void> {
  const sdkPort = ports.workerMetricsPort;
  const appPort = ports.workerAppMetricsPort;
  Runtime.install({
    logger: new DefaultLogger(level),
    ...(sdkPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } } } : {}),
  });
  // Unreferenced: the worker exits when it has shut down, whether or not someone is scraping.
  if (appPort) (await serveMetrics(workerRegistry, appPort)).unref();
}
