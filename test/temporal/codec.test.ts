import { describe, expect, it } from 'vitest';
import { AesGcmCodec, codecFromEnv } from '../../temporal/codec.js';
import { payloadConverter } from '../../temporal/converters.js';

const key = (n: number) => Buffer.alloc(32, n);
const payload = (text: string) => ({
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode(JSON.stringify(text)),
});
const text = (p: { data?: Uint8Array | null }) => Buffer.from(p.data ?? []).toString('utf8');

describe('AES-256-GCM payload codec (SPEC §5)', () => {
  it('seals payloads so the plaintext is not in them, and opens them again', async () => {
    const codec = new AesGcmCodec(new Map([['k1', key(1)]]), 'k1');
    const [sealed] = await codec.encode([payload('机密标记-MARKER')]);
    expect(text(sealed!)).not.toContain('MARKER');
    expect(new TextDecoder().decode(sealed!.metadata!['encryption-key-id'])).toBe('k1');
    const [opened] = await codec.decode([sealed!]);
    expect(text(opened!)).toBe('"机密标记-MARKER"');
  });

  it('keeps decoding old payloads after a key rotation, and seals new ones with the new key', async () => {
    const old = new AesGcmCodec(new Map([['k1', key(1)]]), 'k1');
    const rotated = new AesGcmCodec(
      new Map([
        ['k1', key(1)],
        ['k2', key(2)],
      ]),
      'k2',
    );
    const [sealedOld] = await old.encode([payload('old')]);
    expect(text((await rotated.decode([sealedOld!]))[0]!)).toBe('"old"');
    const [sealedNew] = await rotated.encode([payload('new')]);
    expect(new TextDecoder().decode(sealedNew!.metadata!['encryption-key-id'])).toBe('k2');
  });

  it('refuses, with the reason, a payload sealed with a wrong or unknown key, tampered data, or one not sealed at all: the content is dropped, and reading it fails', async () => {
    const [sealed] = await new AesGcmCodec(new Map([['k1', key(1)]]), 'k1').encode([payload('x')]);
    const opened = async (codec: AesGcmCodec, p: typeof sealed) => {
      const [d] = await codec.decode([p!]);
      expect(text(d!)).not.toContain('"x"');
      return () => payloadConverter.fromPayload(d!);
    };
    expect(await opened(new AesGcmCodec(new Map([['k1', key(9)]]), 'k1'), sealed)).toThrow(/key "k1" fails authentication/);
    expect(await opened(new AesGcmCodec(new Map([['k2', key(2)]]), 'k2'), sealed)).toThrow(/key "k1", which is not configured/);
    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).fill(0, 20, 21) };
    expect(await opened(new AesGcmCodec(new Map([['k1', key(1)]]), 'k1'), tampered)).toThrow(/fails authentication/);
    const [plain] = await new AesGcmCodec(new Map([['k1', key(1)]]), 'k1').decode([payload('forged')]);
    expect(text(plain!)).not.toContain('forged');
    expect(() => payloadConverter.fromPayload(plain!)).toThrow(/not sealed by the payload codec/);
  });

  it('compresses a large payload before sealing it (a carried state stays far below the 2 MB payload limit), opens it again, and refuses it when its marker is tampered with', async () => {
    const codec = new AesGcmCodec(new Map([['k1', key(1)]]), 'k1');
    const audit = JSON.stringify(
      Array.from({ length: 3000 }, (_, i) => ({ seq: i + 1, kind: 'event', summary: '记录补救措施：更换密码', basis: 'Regs 61 para 1' })),
    );
    const [sealed] = await codec.encode([payload(audit)]);
    expect(new TextDecoder().decode(sealed!.metadata!.encoding)).toBe('binary/encrypted+deflate');
    expect(sealed!.data!.length).toBeLessThan(audit.length / 10);
    expect(JSON.parse(text((await codec.decode([sealed!]))[0]!))).toBe(audit);
    const [small] = await codec.encode([payload('x')]);
    expect(new TextDecoder().decode(small!.metadata!.encoding)).toBe('binary/encrypted');
    const unmarked = { ...sealed!, metadata: { ...sealed!.metadata, encoding: new TextEncoder().encode('binary/encrypted') } };
    const [d] = await codec.decode([unmarked]);
    expect(() => payloadConverter.fromPayload(d!)).toThrow(/does not open/);
  });

  it('reads its keys from configuration and refuses a short key or a missing current id', () => {
    const env = { BM_CODEC_KEYS: `a:${key(1).toString('base64')},b:${key(2).toString('base64')}`, BM_CODEC_KEY_ID: 'a' };
    expect(() => codecFromEnv(env)).not.toThrow();
    expect(() => codecFromEnv({ BM_CODEC_KEYS: `a:${Buffer.alloc(16).toString('base64')}` })).toThrow(/32 bytes/);
    expect(() => codecFromEnv({ ...env, BM_CODEC_KEY_ID: 'z' })).toThrow(/"z" is not among/);
  });
});
