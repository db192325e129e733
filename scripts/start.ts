/**
 * `npm start`: the whole system on its embedded default — the Temporal dev server (SQLite
 * file in .data/, Web UI on), the worker and the HTTP API. Ctrl-C, or SIGINT or SIGTERM to the npm
 * process alone (scripts/run.mjs), stops every child and exits 0.
 * With TEMPORAL_ADDRESS set, it uses that cluster instead of starting a dev server. The record
 * database (案卷) is an embedded PostgreSQL with its data in .data/records, unless BM_RECORDS_URL names one.
 * BM_MODE=production: every secret, the registry and the cluster must be given (checked first,
 * before anything is written or started), and no demo people are offered or printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../activities/config.js';
import { loadDeps, loadOrExit, secretFromFile } from '../activities/deps.js';
import { issueToken, signingKey } from '../api/auth.js';
import { DEMO_PEOPLE, isDemonstration } from '../api/demo-people.js';
import { actorLabel } from '../workflows/event-checks.js';
import { Client, Connection } from '@temporalio/client';
import { connectionOptions, givenTemporalAddress, temporalConfig } from '../temporal/connection.js';
import { refuseUnsafeStart } from '../worker/production.js';
import { registerAnnualSchedules } from '../worker/schedules.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { ensureDatabase, startRecordsServer, type RecordsServer } from './records-server.js';
import { EMBEDDED_PASSWORD_FILE } from '../records/open.js';
import { ROOT } from './temporal-binaries.js';
import { stopOnSignals } from './stop-on-signals.js';

const settings = loadConfig('start');
refuseUnsafeStart('start');
const { production, dataDir: DATA, port: API_PORT } = settings;
mkdirSync(DATA, { recursive: true });

// Bad registry, policy or calendar data stops start-up here, with the reason.
const deps = loadOrExit('start', () => loadDeps(settings));

// The embedded record database: the children reach it by BM_RECORDS_PORT and its password file (records/open.ts);
// a BM_RECORDS_URL is a database of one's own (production only), which they read themselves.
let records: RecordsServer | undefined;
if (!settings.recordsUrl) {
  console.error('[start] starting the record database (embedded PostgreSQL) …');
  records = await startRecordsServer({
    dataDir: join(DATA, 'records'),
    port: settings.recordsPort,
    password: secretFromFile(DATA, EMBEDDED_PASSWORD_FILE),
    logFile: join(DATA, 'records.log'),
  }).catch((e: Error) => {
    console.error(`[start] cannot start the record database: ${e.message}`);
    process.exit(1);
  });
  await ensureDatabase(records.adminUrl, settings.recordsDatabase);
}

let server: DevServer | undefined;
const externalTemporal = givenTemporalAddress();
if (!externalTemporal) {
  console.error('[start] starting the Temporal dev server …');
  server = await startDevServer({
    dbFile: join(DATA, 'temporal.sqlite'),
    port: settings.devServerPort,
    uiPort: settings.devServerUiPort,
    logFile: join(DATA, 'temporal.log'),
    // The Web UI decodes payloads through the API's codec endpoint (an authority's token required).
    codecEndpoint: `http://127.0.0.1:${API_PORT}/codec`,
  });
}
// Production prebuilds the workflow bundle: the worker does not run webpack (and its memory).
const bundlePath = join(ROOT, '.cache', 'workflow-bundle.js');
console.error('[start] bundling the workflows …');
await writeWorkflowBundle(bundlePath);
// The children reach the embedded dev server by BM_TEMPORAL_PORT (a TEMPORAL_ADDRESS is a cluster of one's own: production only).
const env = {
  ...process.env,
  BM_DATA_DIR: DATA,
  BM_TEMPORAL_PORT: String(settings.devServerPort),
  PORT: String(API_PORT),
  BM_WORKFLOW_BUNDLE: bundlePath,
  BM_RECORDS_PORT: String(settings.recordsPort),
};
const temporalAddress = externalTemporal ?? server!.address;

const children: ChildProcess[] = [];
let stopping = false;
function launch(name: string, script: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (l) => console.error(`[${name}] ${l.replace(/^\[\w+\] /, '')}`));
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

/** Stops every child, then the dev server and the record database. */
const shutdown = stopOnSignals('start', async () => {
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.once('exit', () => (clearTimeout(timer), resolve()));
          c.kill('SIGTERM');
        }),
    ),
  );
  await server?.stop();
  await records?.stop();
});

launch('worker', 'worker/main.ts');
launch('api', 'api/main.ts');
await waitForHealth(`http://127.0.0.1:${API_PORT}/healthz`);
const schedules = await withClient((client) => registerAnnualSchedules(client, deps.registry, temporalConfig(env).taskQueue));

// The demonstration's people (演示): one click on the dashboard's sign-in page; one token printed for curl.
const DEMO_TOKEN_HOURS = 8;
const key = signingKey(settings);
const curlPerson = DEMO_PEOPLE.find((p) => p.party === 'org-gz-bureau')!;
const demonstration = isDemonstration(deps.registry, production);
const curlToken = demonstration ? await issueToken(key, curlPerson, { ttlSeconds: DEMO_TOKEN_HOURS * 3600 }) : '';
const credentials = !demonstration
  ? 'Production mode: no demo people. Sign in through your identity provider (BM_OIDC_ISSUER; docs/security.md); bearer tokens come from it.'
  : `Demo people (演示; absent in production mode) — sign in with one click at http://127.0.0.1:${API_PORT}/ :
${DEMO_PEOPLE.map((p) => `  ${p.party.padEnd(22)} ${actorLabel({ id: p.party, name: deps.registry.party(p.party).name, person: { sub: p.sub, name: p.name }, roles: p.roles })}`).join('\n')}
A token of ${curlPerson.name} (${curlPerson.party}) for curl, valid ${DEMO_TOKEN_HOURS} hours:
  ${curlToken}`;
console.log(`
保密法定程序编排 is running.
  API:              http://127.0.0.1:${API_PORT}   (health: /healthz)
  Record database:  ${records ? `embedded PostgreSQL on 127.0.0.1:${settings.recordsPort} (data: ${records.dataDir})` : 'BM_RECORDS_URL'}
  Temporal:         ${temporalAddress}${server ? `   (SQLite: ${join(DATA, 'temporal.sqlite')})` : ''}
${server ? `  Temporal Web UI:  ${server.uiUrl}\n` : ''}  Annual self-inspection schedules (Regs 48): ${schedules.created.length} created, ${schedules.existing.length} already registered

${credentials}

Try: curl -s -H "Authorization: Bearer <the token above>" -H 'content-type: application/json' \\
       -d '{"organId":"org-gz-bureau","matterRef":"GZ-1","title":"某事项","draftedOn":"2025-09-26","protectiveMeasures":"先行保护","proposal":{"level":"secret","term":{"kind":"years","years":10},"scope":"项目组"}}' \\
       http://127.0.0.1:${API_PORT}/api/procedures/unclear-matter
Press Ctrl-C to stop.`);

async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const config = temporalConfig(env);
  const connection = await Connection.connect(connectionOptions(config));
  try {
    return await fn(new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv(env)) }));
  } finally {
    await connection.close();
  }
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`[start] ${url} did not become healthy within 60 s`);
  await shutdown(1);
}
