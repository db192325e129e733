import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { ROOT } from '../../scripts/temporal-binaries.js';
import { testRecordsEnv } from '../support/records.js';
import { freePort } from '../support/ports.js';

let server: DevServer;
let worker: ChildProcess;
let sdkPort: number;
let appPort: number;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bm-worker-metrics-'));
  server = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: await freePort() });
  [sdkPort, appPort] = [await freePort(), await freePort()];
  // The real entry point (worker/main.ts), as `npm run worker` starts it.
  worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BM_TEMPORAL_PORT: server.address.split(':').pop(),
      TEMPORAL_TASK_QUEUE: 'worker-metrics-test',
      BM_DATA_DIR: dir,
      BM_WORKER_METRICS_PORT: String(sdkPort),
      BM_WORKER_APP_METRICS_PORT: String(appPort),
      ...(await testRecordsEnv(dir)),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: worker.stderr! }).on('line', (l) => /polling task queue/.test(l) && resolve());
    worker.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before polling`)));
  });
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await gone;
  }
  await server?.stop();
});

/** The scrape once it holds `pattern` (the SDK emits its series as the worker polls). */
async function scrapeUntil(url: string, pattern: RegExp): Promise<string> {
  let text = '';
  for (let i = 0; i < 60 && !pattern.test(text); i++) {
    if (i) await new Promise((r) => setTimeout(r, 500));
    text = await fetch(url).then(
      (r) => r.text(),
      () => '',
    );
  }
  return text;
}

describe('the worker process exposes Prometheus metrics on loopback', () => {
  it('serves the Temporal SDK runtime metrics (temporal_*) through its Prometheus exporter', async () => {
    const text = await scrapeUntil(`http://127.0.0.1:${sdkPort}/metrics`, /^temporal_\w+/m);
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).toContain('task_queue="worker-metrics-test"');
  });

  it("serves the project's own worker metrics: deliveries and alarm lateness", async () => {
    const text = await scrapeUntil(`http://127.0.0.1:${appPort}/metrics`, /bm_deliveries_total/);
    expect(text).toContain('# TYPE bm_deliveries_total counter');
    expect(text).toContain('# TYPE bm_alarm_lateness_seconds histogram');
  });
});
