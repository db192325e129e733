import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';

export interface Denial {
  status: number;
  caller?: string;
  person?: string;
  what: string;
  method?: string;
  url?: string;
  ip?: string;
}

export interface DenialLog {
  record(d: Denial): void;
}

/** Each field is cut to this many characters: a request cannot write a long line. */
export const DENIAL_FIELD_MAX = 200;
/** The log is rotated once past this size; one previous file is kept (api-denials.1.jsonl). */
export const DENIAL_LOG_MAX_BYTES = 8 * 1024 * 1024;

const cut = (v: string) => (v.length > DENIAL_FIELD_MAX ? `${v.slice(0, DENIAL_FIELD_MAX)}…[${v.length - DENIAL_FIELD_MAX} more]` : v);

/**
 * Every refused request (401, 403, out-of-scope 404) goes to an append-only JSON-lines log with
 * bounded lines and a bounded total: at most twice `maxBytes` on disk (current + one rotated).
 */
export function denialLog(dataDir: string, maxBytes = DENIAL_LOG_MAX_BYTES): DenialLog {
  mkdirSync(dataDir, { recursive: true });
  const file = `${dataDir}/api-denials.jsonl`;
  let size = (() => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  })();
  return {
    record(d) {
      const entry = Object.fromEntries(
        Object.entries({ time: new Date().toISOString(), ...d, msg: 'denied' })
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, typeof v === 'string' ? cut(v) : v]),
      );
      const line = `${JSON.stringify(entry)}\n`;
      if (size + line.length > maxBytes && size > 0) {
        renameSync(file, `${dataDir}/api-denials.1.jsonl`);
        size = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    },
  };
}
