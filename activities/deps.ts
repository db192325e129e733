import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadCalendar } from './calendar-file.js';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { PolicySchema, type Policy } from '../domain/policy.js';
import { Registry } from '../domain/registry/registry.js';
import { formatZodError } from '../domain/errors.js';
import demoRegistry from '../domain/registry/demo-registry.json' with { type: 'json' };
import type { DeliveryConfig } from './delivery.js';
import { webhookSecretsOf } from './webhook-secrets.js';
import type { Config } from './config.js';
import { DeliveryLedger } from './ledger.js';

/** What the activities read: registry, policy, calendar (re-read when its file changes), delivery channels. */
export interface ActivityDeps {
  registry: Registry;
  policy: Policy;
  calendar: () => WorkCalendar;
  delivery: DeliveryConfig;
}

/** What loadDeps reads of the configuration; without dataDir (tests), the ledger is in memory and the shared secret random. */
export type DepsConfig = Partial<
  Pick<Config, 'production' | 'dataDir' | 'registryFile' | 'policyFile' | 'calendarFile' | 'webhookSecret' | 'smtpUrl' | 'mailFrom'>
>;

/**
 * Loads and validates everything at start-up; bad data stops the worker with a clear message.
 * `env` only resolves the registry's "env:VARIABLE" webhook secret references.
 */
export function loadDeps(config: DepsConfig, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  const registry = loadRegistry(config.registryFile);
  const policy = loadPolicy(config.policyFile);
  const { dataDir } = config;
  return {
    registry,
    policy,
    calendar: calendarSource(config.calendarFile),
    delivery: {
      // Each receiver's own secret (registry webhookSecretRef); the shared one only outside production.
      webhookSecrets: webhookSecretsOf(registry, { ...env, BM_MODE: config.production ? 'production' : 'demo' }),
      ...(config.production
        ? {}
        : {
            webhookSecret: config.webhookSecret ?? (dataDir ? secretFromFile(dataDir, 'webhook-secret') : randomBytes(32).toString('hex')),
          }),
      ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
      mailFrom: config.mailFrom ?? '保密法定程序编排 <noreply@baomi-procedures.local>',
      ledger: new DeliveryLedger(dataDir ? `${dataDir}/deliveries.log` : undefined),
    },
  };
}

/**
 * A secret kept in the data folder, generated on first use (demo mode only: production takes its
 * secrets from the environment). Atomic: the secret is written whole to a temporary file and
 * linked into place, which fails if the name exists; so processes starting at once all end up
 * with the one secret that was linked first, and nobody reads a half-written file.
 */
export function secretFromFile(dataDir: string, name: string): string {
  const file = `${dataDir}/${name}`;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export function loadRegistry(file?: string): Registry {
  return Registry.fromJSON(file ? readJson(file, 'registry') : demoRegistry);
}

export function loadPolicy(file?: string): Policy {
  const parsed = PolicySchema.safeParse(file ? readJson(file, 'policy') : {});
  if (!parsed.success) throw new Error(`invalid policy${file ? ` in ${file}` : ''}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** The calendar in force, reloaded when its file changes: a notice update needs no restart. */
export function calendarSource(file?: string): () => WorkCalendar {
  let cached = loadCalendar(file);
  let mtime = file ? statSync(file).mtimeMs : 0;
  return () => {
    if (file) {
      const m = statSync(file).mtimeMs;
      if (m !== mtime) {
        cached = loadCalendar(file);
        mtime = m;
      }
    }
    return cached;
  };
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${what} file ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** For entry points: load, or stop the process with the reason (bad data stops start-up). */
export function loadOrExit<T>(who: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    console.error(`[${who}] cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}
