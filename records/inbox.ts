/**
 * The 收件箱 (issue 27): the messages deliveries address to a party — notifications, reminders,
 * escalations — read from the record (SPEC §4a), so they outlive Temporal's retention. A party sees
 * only the entries naming it among their recipients, whatever else it may see; read/unread is kept
 * per person acting for the party (inbox_reads, migration 009).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { InboxEntry } from '../domain/procedure-view.js';

/** An inbox entry's id in a message id: 16 hex digits of its SHA-256 (entry ids can be long; a URL path segment should not). */
const entryDigest = (entryId: string) => createHash('sha256').update(entryId).digest('hex').slice(0, 16);
/** The same in SQL, of the entry `e`. */
const ENTRY_DIGEST = `left(encode(sha256(convert_to(e.value->>'id', 'UTF8')), 'hex'), 16)`;

/** A message's id: its procedure and its inbox entry (unique in the procedure, kept across runs), stable for good. */
export const messageId = (procedureId: string, entryId: string): string => `${procedureId}.${entryDigest(entryId)}`;

/** The procedure and entry digest a message id names; undefined for anything else. */
export function parseMessageId(id: string): { procedureId: string; digest: string } | undefined {
  const m = /^(.+)\.([0-9a-f]{16})$/.exec(id);
  return m ? { procedureId: m[1]!, digest: m[2]! } : undefined;
}

/** The reader: a person acting for a party. */
export interface Reader {
  party: string;
  sub: string;
}

export interface InboxMessage {
  procedureId: string;
  kind: string;
  context: Record<string, unknown>;
  entry: InboxEntry;
  readAt?: string;
}

/** Procedures holding a message for $1 (the GIN index of migration 009), and each entry naming it. */
const ADDRESSED = `
  from procedures p cross join lateral jsonb_array_elements(p.view->'inbox') e
  left join inbox_reads r on r.party_id = $1 and r.person_sub = $2 and r.procedure_id = p.id and r.entry_id = e.value->>'id'
  where p.mac_key_id <> ''
    and jsonb_path_query_array(p.view, '$.inbox[*].recipients[*].party.id') @> jsonb_build_array($1::text)
    and exists (select 1 from jsonb_array_elements(e.value->'recipients') x where x->'party'->>'id' = $1)`;

/** The cursor: the last message's instant, procedure and entry. */
const encodeCursor = (m: InboxMessage) => Buffer.from(JSON.stringify([m.entry.at, m.procedureId, m.entry.id])).toString('base64url');
function decodeCursor(cursor: string): [string, string, string] {
  const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) throw new RangeError('not a cursor of this list');
  return v as [string, string, string];
}

/** The reader's party's messages, newest first (keyset paging); `unread`: only those the person has not read. */
export async function listInbox(
  pool: pg.Pool,
  who: Reader,
  page: { size: number; cursor?: string; unread?: boolean },
): Promise<{ items: InboxMessage[]; nextCursor?: string }> {
  const args: unknown[] = [who.party, who.sub];
  const where: string[] = [];
  if (page.unread) where.push('r.read_at is null');
  if (page.cursor) {
    const [at, pid, eid] = decodeCursor(page.cursor);
    args.push(at, pid, eid);
    where.push(`(e.value->>'at', p.id, e.value->>'id') < ($3, $4, $5)`);
  }
  args.push(page.size + 1);
  const { rows } = await pool.query<{
    id: string;
    kind: string;
    context: Record<string, unknown>;
    entry: InboxEntry;
    read_at: Date | null;
  }>(
    `select p.id, p.kind, p.view->'context' as context, e.value as entry, r.read_at ${ADDRESSED}
     ${where.map((w) => `and ${w}`).join(' ')}
     order by e.value->>'at' desc, p.id desc, e.value->>'id' desc limit $${args.length}`,
    args,
  );
  const items = rows.map((r) => ({
    procedureId: r.id,
    kind: r.kind,
    context: r.context,
    entry: r.entry,
    ...(r.read_at ? { readAt: r.read_at.toISOString() } : {}),
  }));
  return {
    items: items.slice(0, page.size),
    ...(items.length > page.size ? { nextCursor: encodeCursor(items[page.size - 1]!) } : {}),
  };
}

/** How many of the party's messages the person has not read. */
export async function unreadCount(pool: pg.Pool, who: Reader): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`select count(*) as n ${ADDRESSED} and r.read_at is null`, [who.party, who.sub]);
  return Number(rows[0]!.n);
}

/**
 * Marks a message read for the person; the instant it was first read. Undefined when the message
 * is not addressed to the reader's party (or does not exist): nobody marks another party's mail.
 */
export async function markRead(pool: pg.Pool, who: Reader, procedureId: string, digest: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ read_at: Date }>(
    `with addressed as (
       select e.value->>'id' as entry_id from procedures p cross join lateral jsonb_array_elements(p.view->'inbox') e
       where p.id = $3 and p.mac_key_id <> '' and ${ENTRY_DIGEST} = $4
         and exists (select 1 from jsonb_array_elements(e.value->'recipients') x where x->'party'->>'id' = $1)
       limit 1),
     added as (
       insert into inbox_reads (party_id, person_sub, procedure_id, entry_id)
       select $1, $2, $3, entry_id from addressed
       on conflict do nothing returning read_at)
     select read_at from added
     union all
     select r.read_at from inbox_reads r join addressed a on r.entry_id = a.entry_id
     where r.party_id = $1 and r.person_sub = $2 and r.procedure_id = $3`,
    [who.party, who.sub, procedureId, digest],
  );
  return rows[0]?.read_at.toISOString();
}
