/**
 * The embedded Temporal: the CLI's dev server with SQLite persistence, the Web UI, and our
 * search attributes registered (also on an existing database, where the flags are ignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES, devServerSearchAttributeArgs, indexedValueTypes } from '../workflows/search-attributes.js';
import { ensureTemporalBinaries } from './temporal-binaries.js';

/** 64 MiB of events cache (Temporal's default is 512 KiB a shard). */
export const EVENTS_CACHE_BYTES = 64 * 1024 * 1024;

export interface DevServerOptions {
  dbFile: string;
  port: number;
  uiPort: number;
  namespace?: string;
  logFile?: string;
  /** Remote codec endpoint for the Web UI (issue 7). */
  codecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const { cli } = ensureTemporalBinaries();
  mkdirSync(dirname(o.dbFile), { recursive: true });
  const out = o.logFile ? openSync(o.logFile, 'a') : 'ignore';
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    o.dbFile,
    // Write-ahead log, each commit still synced (SQLite's FULL): readers (the board's visibility
    // queries) no longer block the writer, and a deadline storm's raw timers end 1.5× sooner (issue 14).
    '--sqlite-pragma',
    'journal_mode=WAL',
    // The events cache is per shard, 512 KiB by default, and the dev server has one shard: a deadline
    // storm's procedures then read their events back from SQLite at each pass (issue 28).
    '--dynamic-config-value',
    `history.eventsCacheMaxSizeBytes=${EVENTS_CACHE_BYTES}`,
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--namespace',
    o.namespace ?? 'default',
    '--log-level',
    'warn',
    ...(o.codecEndpoint ? ['--ui-codec-endpoint', o.codecEndpoint] : []),
    ...devServerSearchAttributeArgs(),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', out, out] });
  const address = `127.0.0.1:${o.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: DevServer = {
    address,
    uiUrl: `http://127.0.0.1:${o.uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await registerSearchAttributes(address, o.namespace ?? 'default', exited);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** Waits for the server, then adds any of our search attributes it lacks. */
async function registerSearchAttributes(address: string, namespace: string, exited: Promise<number | null>): Promise<void> {
  let early: number | null | undefined;
  void exited.then((c) => (early = c));
  const deadline = Date.now() + 60_000;
  let connection: Connection | undefined;
  while (!connection) {
    if (early !== undefined) throw new Error(`the Temporal dev server exited with code ${early} (is port ${address} in use?)`);
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
    } catch {
      connection = undefined;
      if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer on ${address} within 60 s`);
      await delay(200);
    }
  }
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
    if (missing.length) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: indexedValueTypes(missing) });
  } finally {
    await connection.close();
  }
}
