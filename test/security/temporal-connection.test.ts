import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, temporalConfig } from '../../temporal/connection.js';

const prod = { BM_MODE: 'production' };
const REFUSAL =
  /refusing a connection to Temporal at temporal\.example:7233 .*TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH \(or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY\).*TEMPORAL_API_KEY/;

describe('connections to Temporal in production are authenticated (mTLS or an API key)', () => {
  it('refuses to start with a plaintext connection to another host, naming what to set', () => {
    expect(() => temporalConfig({ ...prod, TEMPORAL_ADDRESS: 'temporal.example:7233' })).toThrow(REFUSAL);
    expect(() => temporalConfig({ ...prod, TEMPORAL_ADDRESS: '10.0.0.5:7233' })).toThrow(/TEMPORAL_API_KEY/);
  });

  it('refuses server-only TLS (TEMPORAL_TLS=true, a CA): encrypted, but anyone may connect', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    expect(() => temporalConfig({ ...prod, TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_TLS: 'true' })).toThrow(REFUSAL);
    expect(() => temporalConfig({ ...prod, TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_TLS_CA: join(dir, 'ca.pem') })).toThrow(
      REFUSAL,
    );
  });

  it('accepts mTLS or an API key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-tls-'));
    writeFileSync(join(dir, 'client.pem'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY');
    const mtls = temporalConfig({
      ...prod,
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_TLS_CERT: join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY: join(dir, 'client.key'),
    });
    expect(mtls.tls).toMatchObject({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
    const cloud = temporalConfig({ ...prod, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' });
    expect(cloud).toMatchObject({ tls: true, apiKey: 'k' });
  });

  it('allows plaintext on the host itself, and anywhere outside production (the demo)', () => {
    for (const address of ['127.0.0.1:7233', 'localhost:7233', '[::1]:7233', '127.0.0.2:7233']) {
      expect(isLoopback(address), address).toBe(true);
      expect(() => temporalConfig({ ...prod, TEMPORAL_ADDRESS: address })).not.toThrow();
    }
    expect(() => temporalConfig(prod)).not.toThrow(); // the default address is loopback
    for (const address of ['127.example.com:7233', '128.0.0.1:7233', '[::2]:7233', 'localhost.evil:7233'])
      expect(isLoopback(address), address).toBe(false);
    expect(() => temporalConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233' })).not.toThrow();
  });
});
