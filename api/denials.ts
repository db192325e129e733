/**
 * The denial log (实施条例 第三十四条, 安全审计): every refused request (401, 403, out-of-scope 404) in
 * the record database (migration 007), where a flood cannot erase an earlier refusal. A signed-in
 * caller's refusal is one row (who, what, method, URL); anonymous refusals are counted per address
 * block, method, route, status and reason in a window of a minute — one row a window, written when it
 * closes — so a flood costs a bounded number of rows. Nothing waits for the database on the request
 * path: rows are written in batches every second, and all at close.
 */
import { DENIAL_RETENTION } from '../activities/config.js';
import type pg from 'pg';
import { addressBlock } from './address-block.js';
import { inTransaction } from '../records/transaction.js';

export interface Denial {
  status: number;
  caller?: string;
  person?: string;
  what: string;
  method?: string;
  url?: string;
  /** The route's pattern (/api/procedures/:id): anonymous refusals are counted per route. */
  route?: string;
  ip?: string;
}

export interface DenialLog {
  record(d: Denial): void;
  /** Writes what is held (open windows too) and stops. */
  close(): Promise<void>;
}

/** Each field is cut to this many characters: a request cannot write a long row. */
export const DENIAL_FIELD_MAX = 200;
/** Anonymous refusals are counted in windows this long. */
export const DENIAL_WINDOW_MS = 60_000;
/** At most this many anonymous counts a window; the rest of the window's refusals share one row ("*"). */
export const DENIAL_WINDOW_KEYS = 200;
const FLUSH_MS = 1000;
const BATCH_ROWS = 500;
/** Rows held while the database does not answer; beyond, refusals are dropped and counted on stderr. */
const MAX_HELD = 50_000;
const DAY_MS = 86_400_000;

/** A row of the table: one refusal, or a window's count of anonymous ones. */
interface Row extends Denial {
  firstAt: Date;
  lastAt: Date;
  count: number;
}

const cut = (v: string | undefined) =>
  v === undefined || v.length <= DENIAL_FIELD_MAX ? v : `${v.slice(0, DENIAL_FIELD_MAX)}…[${v.length - DENIAL_FIELD_MAX} more]`;

export class RecordedDenials implements DenialLog {
  private held: Row[] = [];
  /** Anonymous counts by window start, then by block, method, route, status and reason. */
  private readonly windows = new Map<number, Map<string, Row>>();
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly purger: NodeJS.Timeout;
  private purging: Promise<unknown>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly retentionDays: number = DENIAL_RETENTION.defaultDays,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS).unref();
    // At start and daily: the retention's purge.
    this.purging = this.purge().catch(report);
    this.purger = setInterval(() => (this.purging = this.purge().catch(report)), DAY_MS).unref();
  }

  record(d: Denial): void {
    const now = new Date();
    const row: Row = {
      firstAt: now,
      lastAt: now,
      count: 1,
      status: d.status,
      what: cut(d.what)!,
      ...Object.fromEntries(
        (['caller', 'person', 'method', 'url', 'route'] as const).filter((k) => d[k] !== undefined).map((k) => [k, cut(d[k])]),
      ),
    };
    if (d.caller !== undefined) return this.hold({ ...row, ...(d.ip ? { ip: cut(d.ip) } : {}) });
    const start = now.getTime() - (now.getTime() % DENIAL_WINDOW_MS);
    const window = this.windows.get(start) ?? this.windows.set(start, new Map()).get(start)!;
    const block = d.ip === undefined ? undefined : cut(addressBlock(d.ip));
    let key = JSON.stringify([block, row.method, row.route, row.status, row.what]);
    // Past the window's distinct counts, one row counts the rest: varying the address or the reason adds no rows.
    if (!window.has(key) && window.size >= DENIAL_WINDOW_KEYS) key = '*';
    const counted = window.get(key);
    if (counted) {
      counted.count++;
      counted.lastAt = now;
    } else if (key === '*')
      window.set(key, { ...row, ip: '*', route: '*', what: `other anonymous refusals (beyond ${DENIAL_WINDOW_KEYS} kinds)` });
    else window.set(key, { ...row, ...(block ? { ip: block } : {}) });
  }

  /** Writes the held rows and the closed windows (all windows at close); a failed write is retried at the next flush. */
  private flush(all = false): Promise<void> {
    const now = Date.now();
    for (const [start, window] of this.windows)
      if (all || start + DENIAL_WINDOW_MS <= now) {
        this.windows.delete(start);
        for (const row of window.values()) this.hold(row);
      }
    this.writing = this.writing.then(() => this.write()).catch(report);
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.purger);
    await Promise.all([this.flush(true), this.purging]);
    if (this.held.length) console.error(`[api] denial log: ${this.held.length} refusal(s) could not be written to the record database`);
  }

  /** Deletes the denials older than the retention (the only DELETE the database allows); returns how many. */
  private async purge(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      await client.query(`select set_config('bm.denial_retention_days', $1, true)`, [String(this.retentionDays)]);
      const { rowCount } = await client.query(`delete from denials where last_at < now() - make_interval(days => $1)`, [
        this.retentionDays,
      ]);
      return rowCount ?? 0;
    });
  }

  private hold(row: Row): void {
    if (this.held.length < MAX_HELD) this.held.push(row);
    else if (++this.dropped % 1000 === 1)
      console.error(`[api] denial log: the record database does not answer; ${this.dropped} refusal(s) dropped`);
  }

  private async write(): Promise<void> {
    while (this.held.length) {
      const batch = this.held.slice(0, BATCH_ROWS);
      const column = <K extends keyof Row>(k: K) => batch.map((r) => r[k] ?? null);
      await this.pool.query(
        `insert into denials (first_at, last_at, count, status, caller, person, what, method, url, route, ip)
         select * from unnest($1::timestamptz[], $2::timestamptz[], $3::int[], $4::smallint[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::text[], $11::text[])`,
        [
          column('firstAt'),
          column('lastAt'),
          column('count'),
          column('status'),
          column('caller'),
          column('person'),
          column('what'),
          column('method'),
          column('url'),
          column('route'),
          column('ip'),
        ],
      );
      this.held = this.held.slice(batch.length);
    }
  }
}

const report = (e: unknown) => console.error(`[api] denial log: ${(e as Error).message}`);

/** A denial as the operator reads it (`npm run denials`). */
export interface DenialRow extends Omit<Row, 'firstAt' | 'lastAt'> {
  firstAt: string;
  lastAt: string;
}

/** The denials whose last instant lies in [since, until), oldest first. */
export async function readDenials(pool: pg.Pool, o: { since: Date; until?: Date; limit?: number }): Promise<DenialRow[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `select first_at, last_at, count, status, caller, person, what, method, url, route, ip from denials
     where last_at >= $1 and ($2::timestamptz is null or last_at < $2) order by last_at, id limit $3`,
    [o.since, o.until ?? null, o.limit ?? 10_000],
  );
  return rows.map((r) => {
    const { first_at, last_at, ...rest } = r;
    return {
      ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)) as Omit<DenialRow, 'firstAt' | 'lastAt'>),
      firstAt: (first_at as Date).toISOString(),
      lastAt: (last_at as Date).toISOString(),
    };
  });
}
