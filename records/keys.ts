/**
 * The keys of the record's head MACs (records/chain.ts): held by the worker and the checks, never
 * by Temporal. BM_RECORD_KEYS "id:base64key,…" and BM_RECORD_KEY_ID (the key new heads are signed
 * with; the others still verify older heads: rotation); without them (demo), one key generated
 * once into the data folder. Errors name the setting and the fault, never a key.
 */
import { secretFromFile } from '../activities/deps.js';

export interface RecordKeys {
  /** The key new heads are signed with. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface RecordKeysConfig {
  dataDir: string;
  recordKeys?: string;
  recordKeyId?: string;
}

export function recordKeysOf(config: RecordKeysConfig): RecordKeys {
  if (!config.recordKeys) {
    return { current: 'local-1', keys: new Map([['local-1', Buffer.from(secretFromFile(config.dataDir, 'record-key'), 'hex')]]) };
  }
  const keys = new Map<string, Buffer>();
  config.recordKeys.split(',').forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, Math.max(at, 0)).trim();
    const key = Buffer.from(entry.slice(at + 1).trim(), 'base64');
    if (at < 1 || !id) throw new Error(`BM_RECORD_KEYS: entry ${i + 1} has no "id:" before its key (expected "id:base64key,…")`);
    if (key.length < 32)
      throw new Error(`BM_RECORD_KEYS: the key of "${id}" is shorter than 32 bytes (expected 32 random bytes in base64)`);
    keys.set(id, key);
  });
  const current = config.recordKeyId ?? [...keys.keys()].at(-1)!;
  if (!keys.has(current)) throw new Error(`BM_RECORD_KEY_ID: "${current}" is not among the ids of BM_RECORD_KEYS`);
  return { current, keys };
}
