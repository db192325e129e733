/**
 * Versioned SQL migrations (records/migrations/NNN-name.sql), applied in order at start-up under an
 * advisory lock (the API, the worker and the scripts may start together). A database migrated by
 * newer code is refused: this code would not know its tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const DIR = new URL('./migrations/', import.meta.url).pathname;
/** Any constant: the lock that serialises migrations across processes. */
const LOCK = 7_241_024;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(`${dir}${f}`, 'utf8') }));
}

export class NewerDatabaseError extends Error {}

/** Applies the missing migrations; returns the versions applied now. */
export async function migrate(pool: pg.Pool, known: Migration[] = migrations()): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK]);
    await client.query(
      'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const { rows } = await client.query<{ version: number; name: string }>('select version, name from schema_migrations order by version');
    const newest = known.at(-1)?.version ?? 0;
    const ahead = rows.filter((r) => r.version > newest);
    if (ahead.length)
      throw new NewerDatabaseError(
        `the record database is at migration ${ahead.at(-1)!.version} (${ahead.at(-1)!.name}), newer than this code's ${newest}: run the newer code, or restore a backup made with this version`,
      );
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of known.filter((k) => !done.has(k.version))) {
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw new Error(`record database migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    client.release();
  }
}
