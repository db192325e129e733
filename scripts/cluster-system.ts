/**
 * The project on the local Temporal cluster (scripts/cluster-temporal.ts): two workers and two
 * API processes (`npm run worker`, `npm run api` as separate processes) sharing one data folder
 * (codec key, JWT key), all against the cluster's frontend. Shared by `npm run cluster` and
 * `npm run test:cluster`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { idSecretOf } from '../api/procedure-client.js';
import { signingKey } from '../api/auth.js';
import { codecFromEnv } from '../temporal/codec.js';
import { parseConfig } from '../activities/config.js';
import { secretFromFile } from '../activities/deps.js';
import { EMBEDDED_PASSWORD_FILE } from '../records/open.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { startCluster, type Cluster, type ClusterOptions } from './cluster-temporal.js';
import { ROOT } from './temporal-binaries.js';

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** The API's URL (APIs only). */
  url?: string;
}

export interface ClusterSystem {
  cluster: Cluster;
  /** Environment of every worker and API process. */
  env: NodeJS.ProcessEnv;
  workers: AppProcess[];
  apis: AppProcess[];
  /** Kills a worker with SIGKILL and waits until it is gone. */
  killWorker(index: number): Promise<void>;
  /** Starts worker `index` again and waits until it polls. */
  restartWorker(index: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions extends ClusterOptions {
  apiPorts: [number, number];
  /** Extra environment for the workers and APIs (e.g. BM_POLICY_FILE). */
  env?: NodeJS.ProcessEnv;
  /** Called when a worker or API exits unexpectedly. */
  onUnexpectedExit?: (name: string, how: string) => void;
  /** Each output line of the workers and APIs (default: to stderr with the process name). */
  output?: (name: string, line: string) => void;
}

export async function startClusterSystem(o: SystemOptions): Promise<ClusterSystem> {
  const cluster = await startCluster(o);
  const log = o.log ?? ((l: string) => console.error(`[cluster] ${l}`));
  const dataDir = join(o.dir, 'app');
  mkdirSync(dataDir, { recursive: true });
  const bundle = join(dataDir, 'workflow-bundle.js');
  try {
    log('bundling the workflows …');
    await writeWorkflowBundle(bundle);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...o.env,
    BM_TEMPORAL_PORT: cluster.address.split(':').pop(),
    TEMPORAL_NAMESPACE: cluster.namespace,
    BM_DATA_DIR: dataDir,
    BM_WORKFLOW_BUNDLE: bundle,
    // The record database on the cluster's PostgreSQL, reached as `npm start`'s embedded one is (records/open.ts):
    // a BM_RECORDS_URL would mark a deployment of one's own, which runs in production mode.
    BM_RECORDS_PORT: String(cluster.pgPort),
  };
  // The shared secrets exist before the four processes start (none of them races to create them).
  codecFromEnv(env);
  signingKey(parseConfig(env));
  // The cluster's PostgreSQL trusts loopback connections: the password file only completes the URL (records/open.ts).
  secretFromFile(dataDir, EMBEDDED_PASSWORD_FILE);
  idSecretOf(parseConfig(env));

  let stopping = false;
  const output = o.output ?? ((name: string, l: string) => console.error(`[${name}] ${l.replace(/^\[\w+\] /, '')}`));
  /** Starts `npm run worker` / `npm run api` as a process and resolves once it says it is ready. */
  const launch = (name: string, script: string, ready: RegExp, extra: NodeJS.ProcessEnv = {}): Promise<AppProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], {
      cwd: ROOT,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let up = false;
      for (const stream of [child.stdout!, child.stderr!])
        createInterface({ input: stream }).on('line', (l) => {
          output(name, l);
          if (up || !ready.test(l)) return;
          up = true;
          resolve({ name, child });
        });
      child.once('exit', (code, signal) => {
        if (!up) return reject(new Error(`${name} exited (${signal ?? code}) before it was ready`));
        if (!stopping && signal !== 'SIGKILL') o.onUnexpectedExit?.(name, String(signal ?? code));
      });
    });
  };

  const workers: AppProcess[] = [];
  const apis: AppProcess[] = [];
  const stop = async () => {
    stopping = true;
    await Promise.all([...workers, ...apis].map(({ child }) => stopChild(child)));
    await cluster.stop();
  };
  // Several processes on one host: the loopback metrics ports are off here (one port per process otherwise).
  const startWorker = (i: number) =>
    launch(`worker-${i + 1}`, 'worker/main.ts', /polling task queue/, { BM_WORKER_METRICS_PORT: 'off', BM_WORKER_APP_METRICS_PORT: 'off' });
  try {
    for (const i of [0, 1]) workers[i] = await startWorker(i);
    for (const i of [0, 1]) {
      const port = o.apiPorts[i]!;
      apis[i] = {
        ...(await launch(`api-${i + 1}`, 'api/main.ts', /listening on/, { PORT: String(port), BM_API_METRICS_PORT: 'off' })),
        url: `http://127.0.0.1:${port}`,
      };
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    cluster,
    env,
    workers,
    apis,
    async killWorker(i) {
      await stopChild(workers[i]!.child, 'SIGKILL');
    },
    async restartWorker(i) {
      workers[i] = await startWorker(i);
    },
    stop,
  };
}

async function stopChild(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill(signal);
  const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}
