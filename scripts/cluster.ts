/**
 * `npm run cluster`: the project on a real Temporal cluster on this machine — PostgreSQL 15, the
 * Temporal services as separate processes (frontend, two history, two matching, worker), two
 * workers and two API processes. Data in .data/cluster (kept between runs). Ctrl-C, or SIGINT or
 * SIGTERM to the npm process alone (scripts/run.mjs), stops everything and exits 0. A local
 * demonstration cluster: for a cluster of your own or Temporal Cloud, see docs/operations.md, "Running
 * beyond one machine".
 *   BM_CLUSTER_PORT   frontend gRPC port (default 17233; the other services take the ports above it)
 *   BM_CLUSTER_API_PORT  first API port (default 3101; the second API takes the next)
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, parseConfig } from '../activities/config.js';
import { loadDeps, loadOrExit } from '../activities/deps.js';
import { issueToken, signingKey } from '../api/auth.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { registerAnnualSchedules } from '../worker/schedules.js';
import { temporalConfig } from '../temporal/connection.js';
import { startClusterSystem, type ClusterSystem } from './cluster-system.js';
import { SERVICES } from './cluster-temporal.js';
import { stopOnSignals } from './stop-on-signals.js';

const settings = loadConfig('cluster');
const deps = loadOrExit('cluster', () => loadDeps({ ...settings, dataDir: undefined }));
const { clusterPort: basePort, clusterApiPort: apiPort } = settings;
const dir = settings.clusterDir ?? join(settings.dataDir, 'cluster');

let system: ClusterSystem | undefined;
const shutdown = stopOnSignals('cluster', async () => {
  console.error('[cluster] stopping …');
  await system?.stop();
});

try {
  system = await startClusterSystem({
    dir,
    basePort,
    apiPorts: [apiPort, apiPort + 1],
    onUnexpectedExit: (name, how) => {
      console.error(`[cluster] ${name} exited (${how}); stopping everything`);
      void shutdown(1);
    },
  });
} catch (e) {
  console.error(`[cluster] ${(e as Error).message}`);
  await shutdown(1);
}
const { cluster, env, apis } = system!;

const config = temporalConfig(env);
const connection = await Connection.connect({ address: cluster.address });
const schedules = await registerAnnualSchedules(
  new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv(env)) }),
  deps.registry,
  config.taskQueue,
);
await connection.close();

// Two demo persons (refused in production mode; the cluster is a demonstration).
const key = signingKey(parseConfig(env));
const organ = await issueToken(
  key,
  { party: 'org-gz-bureau', sub: 'demo:gz-bureau:li', name: '李某（保密员）', roles: ['secrecy-officer'], demo: true },
  { ttlSeconds: 8 * 3600 },
);
const authority = await issueToken(
  key,
  { party: 'auth-440000', sub: 'demo:auth-440000:zhang', name: '张某（负责人）', roles: ['head', 'secrecy-officer'], demo: true },
  { ttlSeconds: 8 * 3600 },
);
console.log(`
保密法定程序编排 is running on a Temporal cluster (Temporal server ${cluster.services.size} processes, PostgreSQL 15).
  API 1:            ${apis[0]!.url}   (health: /healthz)
  API 2:            ${apis[1]!.url}
  Temporal:         ${cluster.address}   (namespace ${cluster.namespace}; frontend HTTP 127.0.0.1:${basePort + 1})
  Services:         ${SERVICES.map((s) => `${s.name} :${cluster.services.get(s.name)!.grpcPort}`).join(', ')}
  PostgreSQL:       127.0.0.1:${cluster.pgPort} (user temporal, data ${join(dir, 'pg')})
  Logs:             ${join(dir, 'logs')}
  Workers:          2 (task queue ${config.taskQueue})
  Annual self-inspection schedules (Regs 48): ${schedules.created.length} created, ${schedules.existing.length} already registered

Demo persons (Authorization: Bearer <token>, valid 8 hours):
  org-gz-bureau  李某（保密员） [secrecy-officer]
    ${organ}
  auth-440000    张某（负责人） [head, secrecy-officer]
    ${authority}

The Temporal CLI talks to it too: .cache/temporal-venv/bin/temporal workflow list --address ${cluster.address}
Press Ctrl-C to stop.`);
