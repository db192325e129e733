/** The record store of an entry point (worker, API, scripts): BM_RECORDS_URL, else `npm start`'s embedded database; migrated. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../activities/config.js';
import { recordKeysOf } from './keys.js';
import { RecordStore } from './store.js';

type RecordsConfig = Pick<Config, 'recordsUrl' | 'recordsPort' | 'recordsDatabase' | 'dataDir' | 'recordKeys' | 'recordKeyId'>;

/** Where the embedded database's password is kept (scripts/start.ts). */
export const EMBEDDED_PASSWORD_FILE = 'records-password';

export function recordsUrlOf(config: RecordsConfig): string {
  if (config.recordsUrl) return config.recordsUrl;
  const file = join(config.dataDir, EMBEDDED_PASSWORD_FILE);
  if (!existsSync(file))
    throw new Error(
      `BM_RECORDS_URL is not set and ${config.dataDir} holds no embedded record database: start the system with \`npm start\`, or set BM_RECORDS_URL`,
    );
  const password = encodeURIComponent(readFileSync(file, 'utf8').trim());
  return `postgres://postgres:${password}@127.0.0.1:${config.recordsPort}/${config.recordsDatabase}`;
}

export async function openRecordStore(config: RecordsConfig, poolSize?: number): Promise<RecordStore> {
  const store = new RecordStore(recordsUrlOf(config), recordKeysOf(config), poolSize);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw new Error(`the record database: ${(e as Error).message}`, { cause: e });
  }
  return store;
}
