/**
 * The record's chain (SPEC §4a): each audit entry's hash covers the procedure, its seq, the
 * previous entry's hash and the entry's canonical form (RFC 8785 JSON Canonicalization Scheme, by
 * the `canonicalize` package); the chain head carries a MAC under a key Temporal never sees. An
 * edited or deleted row breaks the chain; a chain rewritten without the key breaks the MAC.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The canonical form of a JSON value: the same bytes for the same value, whatever its key order. */
export function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('a JSON value is needed for the record');
  return text;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash of entry `seq` of a procedure's chain; the first entry's previous hash is ''. */
export const entryHash = (procedureId: string, seq: number, prevHash: string, entry: unknown): string =>
  sha256(`${procedureId}\n${seq}\n${prevHash}\n${canonical(entry)}`);

/** The hash of the procedure's recorded view (state, deadlines with their computation, parties, inbox). */
export const viewHash = (view: unknown): string => sha256(canonical(view));

/** What the head's MAC covers: the chain's last entry and the view recorded with it. */
export interface Head {
  procedureId: string;
  seq: number;
  hash: string;
  viewHash: string;
}

export const headMac = (key: Buffer, h: Head): string =>
  createHmac('sha256', key).update(`${h.procedureId}\n${h.seq}\n${h.hash}\n${h.viewHash}`, 'utf8').digest('hex');

export function macMatches(key: Buffer, h: Head, mac: string): boolean {
  const want = Buffer.from(headMac(key, h), 'hex');
  const got = Buffer.from(mac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
