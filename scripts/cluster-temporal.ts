/**
 * A real Temporal cluster on this machine (issue 14): PostgreSQL 15 from Debian, the Temporal
 * server built from the Go module proxy, schemas set up with its SQL tool, and every service in
 * a process of its own (frontend, two history, two matching, worker), each with a config file
 * rendered from deploy/temporal-service.yaml.tmpl. Used by `npm run cluster` (scripts/cluster.ts)
 * and `npm run test:cluster` (test/cluster/). A local demonstration cluster: one machine, no
 * TLS, passwords fixed; production clusters are configured by their operators (docs/operations.md,
 * "Running beyond one machine").
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import { aptInstall } from '../test/support/apt.js';
import { ALL_SEARCH_ATTRIBUTES, indexedValueTypes } from '../workflows/search-attributes.js';
import { ROOT } from './temporal-binaries.js';

export const TEMPORAL_VERSION = 'v1.32.1';
const MODULE = 'go.temporal.io/server';
const PG_BIN = '/usr/lib/postgresql/15/bin';
/** Fixed when the database is set up: changing it needs a new database. */
export const NUM_HISTORY_SHARDS = 4;
/** SQL advanced visibility's columns for custom search attributes, by type. */
export const SQL_VISIBILITY_SLOTS: Record<string, number> = {
  BOOL: 3,
  KEYWORD: 10,
  KEYWORD_LIST: 3,
  DATETIME: 3,
  INT: 3,
  DOUBLE: 3,
  TEXT: 3,
};

export type ServiceKind = 'frontend' | 'history' | 'matching' | 'worker';
/** The processes, in start order: each service's name is also its log and config file name. */
export const SERVICES: ReadonlyArray<{ name: string; service: ServiceKind }> = [
  { name: 'history-1', service: 'history' },
  { name: 'history-2', service: 'history' },
  { name: 'matching-1', service: 'matching' },
  { name: 'matching-2', service: 'matching' },
  { name: 'frontend', service: 'frontend' },
  { name: 'worker', service: 'worker' },
];

export interface ClusterOptions {
  /** Postgres data, configs and logs live under it (e.g. .data/cluster). */
  dir: string;
  /** Ports: frontend gRPC = base, HTTP base+1; process i of SERVICES: base+10(i+1) gRPC, +1 membership, +2 metrics; PostgreSQL base+90. */
  basePort: number;
  /** Wipe the folder first (tests): a fresh database. */
  fresh?: boolean;
  namespace?: string;
  log?: (line: string) => void;
}

export interface ServiceProcess {
  name: string;
  service: ServiceKind;
  grpcPort: number;
  child: ChildProcess;
}

export interface Cluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  pgPort: number;
  dir: string;
  services: Map<string, ServiceProcess>;
  /** Kills one service process with SIGKILL and waits until it is gone. */
  kill(name: string): Promise<void>;
  /** Starts a service process again (after kill) and waits until it serves. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

const say = (o: ClusterOptions) => o.log ?? ((l: string) => console.error(`[cluster] ${l}`));

/** The Temporal server and SQL tool binaries, built once per version with `go install` into .cache/. */
export function ensureTemporalServer(log: (l: string) => void = (l) => console.error(`[cluster] ${l}`)): {
  server: string;
  sqlTool: string;
  schemaDir: string;
} {
  const gobin = join(ROOT, '.cache', 'temporal-server', TEMPORAL_VERSION, 'bin');
  const server = join(gobin, 'server');
  const sqlTool = join(gobin, 'sql');
  // Go's module and build caches stay in the project's ignored folder, as everything it fetches.
  const goCache = join(ROOT, '.cache', 'go');
  const env = {
    ...process.env,
    GOBIN: gobin,
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local',
    GOMODCACHE: process.env.GOMODCACHE ?? join(goCache, 'mod'),
    GOCACHE: process.env.GOCACHE ?? join(goCache, 'build'),
  };
  if (spawnSync('go', ['version']).status !== 0)
    throw new Error('the Go toolchain (go) is needed to build the Temporal server: install Go 1.26.8 or newer (the go line of its go.mod)');
  for (const [bin, pkg] of [
    [server, `${MODULE}/cmd/server`],
    [sqlTool, `${MODULE}/cmd/tools/sql`],
  ] as const) {
    if (existsSync(bin)) continue;
    log(
      `building ${pkg}@${TEMPORAL_VERSION} with go install (GOPROXY ${execFileSync('go', ['env', 'GOPROXY'], { env }).toString().trim()}); a cold build takes minutes …`,
    );
    const t0 = Date.now();
    const r = spawnSync('go', ['install', `${pkg}@${TEMPORAL_VERSION}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`go install ${pkg}@${TEMPORAL_VERSION} failed (exit ${r.status}); see the output above`);
    log(`built ${bin} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // The schema files ship in the module's source, now in the module cache.
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { env }).toString().trim();
  const schemaDir = join(modcache, `${MODULE}@${TEMPORAL_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaDir)) execFileSync('go', ['mod', 'download', `${MODULE}@${TEMPORAL_VERSION}`], { env, stdio: 'inherit' });
  return { server, sqlTool, schemaDir };
}

/** PostgreSQL 15's server binaries, installed from Debian when missing. */
function ensurePostgres(log: (l: string) => void): { uid: number; gid: number } {
  if (!existsSync(join(PG_BIN, 'postgres'))) {
    log('installing PostgreSQL 15 from Debian (apt-get install postgresql) …');
    const status = aptInstall('postgresql');
    if (!existsSync(join(PG_BIN, 'postgres'))) throw new Error(`PostgreSQL 15 is needed (apt-get install postgresql-15; exit ${status})`);
  }
  // The server refuses to run as root: it runs as Debian's `postgres` user.
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function spawnLogged(
  cmd: string,
  args: string[],
  logFile: string,
  extra: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  const out = openSync(logFile, 'a');
  return spawn(cmd, args, { stdio: ['ignore', out, out], ...extra });
}

async function waitFor(what: string, ms: number, probe: () => Promise<boolean> | boolean, died?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const dead = died?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      if (await probe()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${ms / 1000} s`);
    await delay(300);
  }
}

const exitedWith = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null ? `exited (${c.signalCode ?? c.exitCode})` : undefined;

async function stopChild(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (exitedWith(c)) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill(signal);
  const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Renders deploy/temporal-service.yaml.tmpl; every ${NAME} must be given. */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{(\w+)\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`deploy template: no value for \${${k}}`);
    return String(values[k]);
  });
}

/** Our search attributes fit SQL visibility's slots (else the server refuses them one by one). */
export function checkVisibilitySlots(keys = ALL_SEARCH_ATTRIBUTES): void {
  const used: Record<string, number> = {};
  for (const k of keys) used[k.type] = (used[k.type] ?? 0) + 1;
  for (const [type, n] of Object.entries(used)) {
    if (n > (SQL_VISIBILITY_SLOTS[type] ?? 0))
      throw new Error(`${n} search attributes of type ${type}, SQL visibility has ${SQL_VISIBILITY_SLOTS[type] ?? 0} slots`);
  }
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const log = say(o);
  const namespace = o.namespace ?? 'default';
  checkVisibilitySlots();
  const { server, sqlTool, schemaDir } = ensureTemporalServer(log);
  const pgUser = ensurePostgres(log);
  if (o.fresh) rmSync(o.dir, { recursive: true, force: true });
  const pgData = join(o.dir, 'pg');
  const configDir = join(o.dir, 'config');
  const logDir = join(o.dir, 'logs');
  for (const d of [o.dir, configDir, logDir]) mkdirSync(d, { recursive: true });
  const pgPort = o.basePort + 90;
  let postgres: ChildProcess | undefined;
  const services = new Map<string, ServiceProcess>();

  const stop = async () => {
    // Services before their database.
    await Promise.all([...services.values()].map((s) => stopChild(s.child)));
    if (postgres) await stopChild(postgres, 'SIGINT'); // "fast" shutdown
  };
  try {
    // PostgreSQL, as the postgres user, on loopback only (no Unix socket), trust for local connections.
    if (!existsSync(join(pgData, 'PG_VERSION'))) {
      mkdirSync(pgData, { recursive: true });
      chownSync(pgData, pgUser.uid, pgUser.gid);
      log(`initdb ${pgData}`);
      execFileSync(join(PG_BIN, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], {
        ...pgUser,
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: '/',
      });
    }
    postgres = spawnLogged(
      join(PG_BIN, 'postgres'),
      [
        '-D',
        pgData,
        '-p',
        String(pgPort),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
        '-c',
        'fsync=on',
      ],
      join(logDir, 'postgres.log'),
      { ...pgUser, env: { PATH: process.env.PATH } },
    );
    const psql = (sql: string) =>
      execFileSync(
        'psql',
        ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tAc', sql],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
        .toString()
        .trim();
    await waitFor(
      'PostgreSQL',
      60_000,
      () => psql('select 1') === '1',
      () => exitedWith(postgres!) && `${exitedWith(postgres!)}; see ${join(logDir, 'postgres.log')}`,
    );
    log(`PostgreSQL 15 on 127.0.0.1:${pgPort} (data ${pgData})`);
    if (psql(`select count(*) from pg_roles where rolname = 'temporal'`) === '0')
      psql(`create role temporal login createdb password 'temporal'`);
    // The record (案卷) in a database of its own beside Temporal's (scripts/cluster-system.ts reaches it).
    if (psql(`select count(*) from pg_database where datname = 'baomi_records'`) === '0') psql('create database baomi_records');

    // Schemas: created, then brought to this version's schema (a no-op when already there).
    const sql = (db: string, ...args: string[]) =>
      execFileSync(
        sqlTool,
        ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pgPort), '-u', 'temporal', '--pw', 'temporal', '--db', db, ...args],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    for (const [db, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ] as const) {
      if (psql(`select count(*) from pg_database where datname = '${db}'`) === '0') {
        sql(db, 'create-database');
        sql(db, 'setup-schema', '-v', '0.0');
      }
      sql(db, 'update-schema', '-d', join(schemaDir, schema, 'versioned'));
    }
    log('schemas set up (temporal, temporal_visibility: SQL advanced visibility)');

    // One config file per process.
    const template = readFileSync(join(ROOT, 'deploy', 'temporal-service.yaml.tmpl'), 'utf8');
    /** Ports of process i: gRPC (the frontend: basePort), membership, metrics. */
    const ports = (i: number) => ({
      grpc: SERVICES[i]!.service === 'frontend' ? o.basePort : o.basePort + 10 * (i + 1),
      membership: o.basePort + 10 * (i + 1) + 1,
      metrics: o.basePort + 10 * (i + 1) + 2,
    });
    const start = async (name: string): Promise<void> => {
      const i = SERVICES.findIndex((s) => s.name === name);
      const { service } = SERVICES[i]!;
      const own = ports(i);
      // This process's own ports for its service; the first instance's for the others.
      const of = (kind: ServiceKind) => (kind === service ? own : ports(SERVICES.findIndex((s) => s.service === kind)));
      const file = join(configDir, `${name}.yaml`);
      const values: Record<string, string | number> = {
        NUM_HISTORY_SHARDS,
        PG_PORT: pgPort,
        METRICS_PORT: own.metrics,
        FRONTEND_HTTP_PORT: o.basePort + 1,
        DYNAMIC_CONFIG: join(ROOT, 'deploy', 'dynamicconfig.yaml'),
      };
      for (const kind of ['frontend', 'history', 'matching', 'worker'] as const) {
        values[`${kind.toUpperCase()}_GRPC_PORT`] = of(kind).grpc;
        values[`${kind.toUpperCase()}_MEMBERSHIP_PORT`] = of(kind).membership;
      }
      writeFileSync(file, renderTemplate(template, values));
      const grpcPort = own.grpc;
      const child = spawnLogged(
        server,
        ['--config-file', file, '--allow-no-auth', 'start', '--service', service],
        join(logDir, `${name}.log`),
      );
      services.set(name, { name, service, grpcPort, child });
      // A service serves once its gRPC port answers the health check (the frontend: once it answers calls).
      await waitFor(
        `Temporal ${name}`,
        90_000,
        () => grpcHealthy(grpcPort, service),
        () => exitedWith(child) && `${exitedWith(child)}; see ${join(logDir, `${name}.log`)}`,
      );
    };
    for (const s of SERVICES) {
      await start(s.name);
      log(`${s.name} serving on 127.0.0.1:${services.get(s.name)!.grpcPort}`);
    }
    const address = `127.0.0.1:${o.basePort}`;
    await registerNamespace(address, namespace, log);
    return {
      address,
      namespace,
      pgPort,
      dir: o.dir,
      services,
      async kill(name) {
        const s = services.get(name);
        if (!s) throw new Error(`no service ${name}`);
        await stopChild(s.child, 'SIGKILL');
      },
      async restart(name) {
        await start(name);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** gRPC health of a service port (grpc.health.v1 through a raw client of the SDK's connection). */
async function grpcHealthy(port: number, service: ServiceKind): Promise<boolean> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 });
  try {
    if (service === 'frontend') {
      await connection.workflowService.getSystemInfo({});
      return true;
    }
    const r = await connection.healthService.check({});
    return r.status === 1; // SERVING
  } finally {
    await connection.close();
  }
}

/** The namespace and the project's search attributes (workflows/search-attributes.ts). */
async function registerNamespace(address: string, namespace: string, log: (l: string) => void): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await waitFor(`namespace ${namespace}`, 60_000, async () => {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } catch (e) {
        if ((e as { code?: number }).code !== 5) throw e; // NOT_FOUND: register it
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: proto.google.protobuf.Duration.fromObject({ seconds: 7 * 86_400 }),
        });
        return false;
      }
    });
    await waitFor('search attributes', 60_000, async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
      if (!missing.length) return true;
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: indexedValueTypes(missing) });
      return false;
    });
    log(
      `namespace ${namespace} with ${ALL_SEARCH_ATTRIBUTES.length} search attributes (${ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')})`,
    );
  } finally {
    await connection.close();
  }
}
