/**
 * Each person's calendar subscription (issue 27): a secret URL a calendar client fetches without a
 * bearer token. Only the SHA-256 of the secret is kept (calendar_subscriptions, migration 009); the
 * URL is shown once, when issued. Issuing again revokes the previous one; a revoked URL is answered
 * 410 for good.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { Reader } from './inbox.js';
import { inTransaction } from './transaction.js';
import type { DeadlineRecord } from '../domain/procedure-view.js';

/** What a feed URL carries: `<id>.<secret>` (the id finds the row, the secret proves the URL). */
const TOKEN = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest();

export interface Subscription {
  createdAt: string;
  lastFetchedAt?: string;
}

export type FeedOwner = { party: string; sub: string; name: string };

export class CalendarSubscriptions {
  constructor(private readonly pool: pg.Pool) {}

  /** A new secret URL token for the person; the one they held before is revoked. */
  async issue(who: Reader & { name: string }): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    await inTransaction(this.pool, async (client) => {
      await client.query(
        'update calendar_subscriptions set revoked_at = now() where party_id = $1 and person_sub = $2 and revoked_at is null',
        [who.party, who.sub],
      );
      await client.query(
        'insert into calendar_subscriptions (id, secret_sha256, party_id, person_sub, person_name) values ($1, $2, $3, $4, $5)',
        [id, sha256(secret), who.party, who.sub, who.name],
      );
    });
    return `${id}.${secret}`;
  }

  /** Revokes the person's URL; whether there was one. */
  async revoke(who: Reader): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'update calendar_subscriptions set revoked_at = now() where party_id = $1 and person_sub = $2 and revoked_at is null',
      [who.party, who.sub],
    );
    return !!rowCount;
  }

  /** The person's current subscription (never its URL: that was shown once). */
  async current(who: Reader): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<{ created_at: Date; last_fetched_at: Date | null }>(
      'select created_at, last_fetched_at from calendar_subscriptions where party_id = $1 and person_sub = $2 and revoked_at is null',
      [who.party, who.sub],
    );
    const r = rows[0];
    return r && { createdAt: r.created_at.toISOString(), ...(r.last_fetched_at ? { lastFetchedAt: r.last_fetched_at.toISOString() } : {}) };
  }

  /**
   * Whose feed a URL token opens: 'unknown' for a malformed token, an unknown id or a wrong secret
   * (compared in constant time: the answer tells nothing of how close a guess came); 'revoked' only
   * to the holder of the right secret.
   */
  async open(token: string): Promise<FeedOwner | 'unknown' | 'revoked'> {
    const m = TOKEN.exec(token);
    if (!m) return 'unknown';
    const { rows } = await this.pool.query<{
      secret_sha256: Buffer;
      party_id: string;
      person_sub: string;
      person_name: string;
      revoked_at: Date | null;
    }>('select secret_sha256, party_id, person_sub, person_name, revoked_at from calendar_subscriptions where id = $1', [m[1]]);
    const row = rows[0];
    const given = sha256(m[2]!);
    // Compared even without a row, so an unknown id takes as long as a wrong secret.
    const same = timingSafeEqual(row?.secret_sha256 ?? sha256(''), given) && !!row;
    if (!same) return 'unknown';
    if (row.revoked_at) return 'revoked';
    await this.pool.query('update calendar_subscriptions set last_fetched_at = now() where id = $1', [m[1]]);
    return { party: row.party_id, sub: row.person_sub, name: row.person_name };
  }
}

/** An open procedure as its feed shows it: deadlines, and how often each record's deadline was recomputed. */
export interface OpenProcedure {
  id: string;
  kind: string;
  context: Record<string, unknown>;
  deadlines: DeadlineRecord[];
  /** Deadline record key → its 'deadline-recomputed' audit entries. */
  recomputed: Record<string, number>;
}

/** The open procedures a party is in, with their deadlines, as last recorded: what its feed shows. */
export async function openProceduresOf(pool: pg.Pool, party: string): Promise<OpenProcedure[]> {
  const { rows } = await pool.query<Omit<OpenProcedure, 'recomputed'>>(
    `select id, kind, view->'context' as context, view->'deadlines' as deadlines from procedures
     where closed_at is null and mac_key_id <> '' and $1 = any(party_ids) order by started_at, id`,
    [party],
  );
  const counts = await pool.query<{ procedure_id: string; key: string; n: number }>(
    `select procedure_id, entry->>'deadlineKey' as key, count(*)::int as n from record_entries
     where procedure_id = any($1) and entry->>'kind' = 'deadline-recomputed' group by 1, 2`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    ...r,
    recomputed: Object.fromEntries(counts.rows.filter((c) => c.procedure_id === r.id).map((c) => [c.key, c.n])),
  }));
}
