/** A record database of its own for a test (a fresh database on the run's server, records-global.ts), migrated. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_PASSWORD_FILE } from '../../records/open.js';
import { ensureDatabase } from '../../scripts/records-server.js';
import { RecordStore } from '../../records/store.js';
import type { RecordKeys } from '../../records/keys.js';

let n = 0;

/**
 * For a real entry point (worker/main.ts) in demo mode, which refuses a BM_RECORDS_URL: a database of
 * its own reached as `npm start`'s embedded one is (its password file in `dataDir`, the port, the name).
 */
export async function testRecordsEnv(dataDir: string): Promise<Record<string, string>> {
  const url = new URL(await testRecordsUrl());
  writeFileSync(join(dataDir, EMBEDDED_PASSWORD_FILE), decodeURIComponent(url.password));
  return { BM_RECORDS_PORT: url.port, BM_RECORDS_DATABASE: url.pathname.slice(1), ...testRecordKeysEnv() };
}

export async function testRecordsUrl(): Promise<string> {
  const admin = process.env.BM_TEST_RECORDS_ADMIN_URL;
  if (!admin) throw new Error('no record database server: run the tests with vitest (globalSetup test/support/records-global.ts)');
  return ensureDatabase(admin, `t_${process.pid}_${++n}_${randomBytes(3).toString('hex')}`);
}

/** The MAC keys of a test's record: BM_RECORD_KEYS for a process that must verify the same heads. */
export const TEST_RECORD_KEY = randomBytes(32);
export const testRecordKeys = (): RecordKeys => ({ current: 'test-1', keys: new Map([['test-1', TEST_RECORD_KEY]]) });
export const testRecordKeysEnv = () => ({ BM_RECORD_KEYS: `test-1:${TEST_RECORD_KEY.toString('base64')}`, BM_RECORD_KEY_ID: 'test-1' });

export async function testRecordStore(url?: string): Promise<RecordStore> {
  const store = new RecordStore(url ?? (await testRecordsUrl()), testRecordKeys());
  await store.migrate();
  return store;
}

/**
 * The record of a procedure once it holds every entry of `audit` (the worker appends behind the
 * workflow): polled for up to `ms`, then returned as it stands for the test to compare.
 */
export async function recordOnceCaughtUp(store: RecordStore, id: string, auditLength: number, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await store.read(id);
    if ((r && r.view.audit.length >= auditLength) || Date.now() > until) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** The denial log's rows (api/denials.ts), oldest first. */
export async function recordedDenials(store: RecordStore) {
  const { rows } = await store.pool.query<{
    status: number;
    caller: string | null;
    person: string | null;
    what: string;
    method: string | null;
    url: string | null;
    route: string | null;
    ip: string | null;
    count: number;
    first_at: Date;
    last_at: Date;
  }>('select status, caller, person, what, method, url, route, ip, count, first_at, last_at from denials order by id');
  return rows;
}
