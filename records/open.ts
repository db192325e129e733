/** The record store of an entry point (worker, API, scripts): from BM_RECORDS_URL, migrated. */
import type { Config } from '../activities/config.js';
import { recordKeysOf } from './keys.js';
import { RecordStore } from './store.js';

export async function openRecordStore(
  config: Pick<Config, 'recordsUrl' | 'dataDir' | 'recordKeys' | 'recordKeyId'>,
  poolSize?: number,
): Promise<RecordStore> {
  if (!config.recordsUrl)
    throw new Error('BM_RECORDS_URL is not set: the record database is needed (`npm start` runs an embedded one and sets it)');
  const store = new RecordStore(config.recordsUrl, recordKeysOf(config), poolSize);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw new Error(`the record database: ${(e as Error).message}`, { cause: e });
  }
  return store;
}
