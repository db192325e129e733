import { readFileSync, statSync } from 'node:fs';
import { loadCalendar } from '../domain/calendar/load.js';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { PolicySchema, type Policy } from '../domain/policy.js';
import { Registry } from '../domain/registry/registry.js';
import { formatZodError } from '../domain/errors.js';
import demoRegistry from '../domain/registry/demo-registry.json' with { type: 'json' };

/** What the activities read: the registry, the policy, and the calendar (re-read when its file changes). */
export interface ActivityDeps {
  registry: Registry;
  policy: Policy;
  calendar: () => WorkCalendar;
}

/** Loads and validates everything at start-up; bad data stops the worker with a clear message. */
export function loadDeps(env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  const registry = loadRegistry(env.BM_REGISTRY_FILE);
  const policy = loadPolicy(env.BM_POLICY_FILE);
  return { registry, policy, calendar: calendarSource(env.BM_CALENDAR_FILE) };
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
    throw new Error(`cannot read ${what} file ${file}: ${(e as Error).message}`);
  }
}
