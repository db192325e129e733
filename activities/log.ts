import pino, { type Logger } from 'pino';
import { parseConfig } from './config.js';

// Made on first use: the entry point has validated the configuration by then (loadConfig).
let base: Logger | undefined;

/** The activities' logger: every line carries the procedure it serves. */
export const procedureLog = (procedureId: string, activity: string) =>
  (base ??= pino({ name: 'worker', level: parseConfig().logLevel })).child({ procedureId, activity });
