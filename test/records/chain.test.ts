import { describe, expect, it } from 'vitest';
import { canonical, entryHash } from '../../records/chain.js';

// The chain's hashes cover each entry's RFC 8785 form: the bytes must not change with the
// `canonicalize` release (4.0.0 since issue 29, for Node 20; the records were chained under 5.1.0).
describe('the record chain’s canonical form (RFC 8785)', () => {
  it('writes the RFC’s own example as the RFC does: numbers in ECMAScript form, strings JSON-escaped, keys sorted', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonical(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Dalet',
      '1': 'One',
      '\ud83d\ude00': 'Emoji',
      '\u0080': 'Control',
      '\u00f6': 'ö',
    };
    // Read back, '1' would come first (an integer key): the text itself is what the hash covers.
    expect(canonical(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"ö","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji","\ufb33":"Dalet"}',
    );
  });

  it('refuses what JSON cannot hold the same way twice: a lone surrogate, NaN, Infinity', () => {
    expect(() => canonical({ s: '\ud800' })).toThrow(/surrogate/);
    expect(() => canonical({ n: NaN })).toThrow(/NaN/);
    expect(() => canonical({ n: Infinity })).toThrow(/Infinity/);
  });

  it('hashes an audit entry to the bytes recorded before the change of release (computed under canonicalize 5.1.0)', () => {
    const entry = {
      seq: 1,
      at: '2026-12-07T09:00:00.000Z',
      kind: 'started',
      actor: { id: 'org-1', name: '某机关', person: { sub: 'p1', name: '张某' } },
      summary: '启动：泄密报告',
      basis: 'Regs 61',
      event: { type: 'REPORT', payload: { level: 'secret', count: 3, ratio: 0.1, big: 1e21, nested: [{ b: 1, a: null }] } },
    };
    expect(entryHash('leak-1', 1, '', entry)).toBe('014be3ae094a1c86cb9869b5e4725073d8d7bb5654d23103402115499f28d957');
  });
});
