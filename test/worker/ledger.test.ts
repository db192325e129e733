import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../activities/ledger.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'bm-ledger-')), 'sub', 'deliveries.log');

describe('the delivery ledger (SPEC §4: a delivery confirmed sent is never sent again; issue 28: one fsync for many)', () => {
  it('keeps every key across a restart, each once on disk; the keys of one pass are written together', async () => {
    const path = file();
    const ledger = new DeliveryLedger(path);
    // A pass's deliveries confirm at once: one write for the four.
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => ledger.record(k)));
    expect(ledger.writes).toBe(1);
    // Keys recorded while a write is under way go together in the next one.
    const first = ledger.record('e');
    const during = Promise.all(['f', 'g'].map((k) => ledger.record(k)));
    await Promise.all([first, during]);
    expect(ledger.writes).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('a\nb\nc\nd\ne\nf\ng\n');
    const again = new DeliveryLedger(path);
    expect(['a', 'g', 'h'].map((k) => again.has(k))).toEqual([true, true, false]);
  });

  it('answers has() at once for a key being written, and resolves record() only once the key is on disk', async () => {
    const path = file();
    const ledger = new DeliveryLedger(path);
    const written = ledger.record('k1');
    expect(ledger.has('k1')).toBe(true);
    await written;
    expect(readFileSync(path, 'utf8')).toBe('k1\n');
  });

  it('fails record() when the file cannot be written, so the delivery is not taken as confirmed on disk', async () => {
    // Its folder would be under a plain file: no folder can be made there.
    const blocker = join(mkdtempSync(join(tmpdir(), 'bm-ledger-')), 'a-file');
    writeFileSync(blocker, '');
    const ledger = new DeliveryLedger(join(blocker, 'deliveries.log'));
    await expect(ledger.record('k')).rejects.toThrow();
    // A later key is still tried (the failed write does not block the queue).
    await expect(ledger.record('k2')).rejects.toThrow();
  });
});
