import { mkdirSync } from 'node:fs';
import pino, { type Logger } from 'pino';

/** Every refused request (401, 403, out-of-scope 404) goes to an append-only JSON-lines log. */
export function denialLog(dataDir: string): Logger {
  mkdirSync(dataDir, { recursive: true });
  return pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: `${dataDir}/api-denials.jsonl`, sync: true, append: true }));
}
