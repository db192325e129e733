/**
 * Sign-outs in the record database (migration 005): a session revoked by one API process is refused
 * by every other and after a restart, until its own expiry. A revocation once seen is remembered in
 * the process; the database is asked about the others (one indexed lookup a request).
 */
import type pg from 'pg';

export class Revocations {
  private readonly known = new Map<string, number>();
  constructor(private readonly pool: pg.Pool) {}

  async revoke(r: { jti: string; exp: number; sub: string; party: string }): Promise<void> {
    await this.pool.query(
      `insert into revocations (jti, expires_at, sub, party) values ($1, to_timestamp($2), $3, $4) on conflict (jti) do nothing`,
      [r.jti, r.exp, r.sub, r.party],
    );
    await this.pool.query('delete from revocations where expires_at < now()');
    this.known.set(r.jti, r.exp);
  }

  async isRevoked(jti: string): Promise<boolean> {
    if (this.known.has(jti)) return true;
    const { rows } = await this.pool.query<{ exp: number }>(
      'select extract(epoch from expires_at)::float8 as exp from revocations where jti = $1',
      [jti],
    );
    if (rows[0]) this.known.set(jti, rows[0].exp);
    return !!rows[0];
  }
}
