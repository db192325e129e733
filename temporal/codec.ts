/**
 * Payloads are encrypted before they leave a worker or client (SPEC §5): AES-256-GCM, each
 * payload tagged with the id of the key that sealed it, so keys can rotate while old
 * histories still decode. Search attributes stay in clear and hold no free text (the SDK never
 * passes them, nor headers, through a codec).
 *
 * A payload that arrives unsealed was not written by a holder of a key: anyone who reaches the
 * Temporal port could have sent it (a plaintext Update from the CLI naming a forged actor). It is
 * refused, never passed through: decode replaces it by a payload of REFUSED_ENCODING holding the reason,
 * which the payload converter refuses to read (temporal/converters.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader

import { parseConfig, type Config } from '../activities/config.js';
import { secretFromFile } from '../activities/deps.js';
import { REFUSED_ENCODING } from './converters.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const ENCODING = 'binary/encrypted';
/**
 * Sealed after compression: a procedure's carried state (continue-as-new) and long views would
 * otherwise near Temporal's 2 MB payload limit after some thousands of events. Whether a payload
 * is compressed is not secret; a tampered marker makes it fail to open and be refused.
 */
const ENCODING_DEFLATE = 'binary/encrypted+deflate';
const COMPRESS_FROM_BYTES = 4096;
const KEY_ID = 'encryption-key-id';
const enc = new TextEncoder();
const dec = new TextDecoder();
/** A payload that does not open: its content dropped, the reason in its place (temporal/converters.ts). */
const refused = (reason: string): Payload => ({
  metadata: { [METADATA_ENCODING_KEY]: enc.encode(REFUSED_ENCODING) },
  data: enc.encode(`refused: ${reason}`),
});

export class AesGcmCodec implements PayloadCodec {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    for (const [id, key] of keys) if (key.length !== 32) throw new Error(`codec key "${id}" must be 32 bytes (AES-256), got ${key.length}`);
    if (!keys.has(currentKeyId))
      throw new Error(`codec key id "${currentKeyId}" is not among the configured keys (${[...keys.keys()].join(', ')})`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const encoded = PayloadMessage.encode(p).finish();
      const compress = encoded.length >= COMPRESS_FROM_BYTES;
      const plain = compress ? deflateRawSync(encoded) : encoded;
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: enc.encode(compress ? ENCODING_DEFLATE : ENCODING), [KEY_ID]: enc.encode(this.currentKeyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = dec.decode(p.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array());
      if (encoding !== ENCODING && encoding !== ENCODING_DEFLATE)
        return refused('a payload not sealed by the payload codec; its content was dropped unread');
      const id = dec.decode(p.metadata?.[KEY_ID] ?? new Uint8Array()).slice(0, 40);
      const key = this.keys.get(id);
      if (!key) return refused(`a payload sealed with key "${id}", which is not configured (BM_CODEC_KEYS)`);
      const data = Buffer.from(p.data ?? []);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return PayloadMessage.decode(encoding === ENCODING_DEFLATE ? inflateRawSync(plain) : plain);
      } catch {
        return refused(`a payload sealed with key "${id}" fails authentication or does not open: wrong key material or tampered data`);
      }
    });
  }
}

/**
 * The codec from configuration: BM_CODEC_KEYS "id:base64key,…" and BM_CODEC_KEY_ID (the key that
 * seals new payloads); without them, one key generated once into the data folder.
 */
export function codecOf(config: Pick<Config, 'dataDir' | 'codecKeys' | 'codecKeyId'>): AesGcmCodec {
  if (config.codecKeys) {
    const entries = config.codecKeys.split(',');
    const keys = new Map(
      entries.map((entry, i) => {
        const [id, b64] = entry.split(':');
        // The entry is not quoted: it may be the key itself, its id forgotten.
        if (!id || !b64) throw new Error(`BM_CODEC_KEYS: entry ${i + 1} of ${entries.length} is not "id:base64key" (value withheld)`);
        return [id.trim(), Buffer.from(b64.trim(), 'base64')] as const;
      }),
    );
    return new AesGcmCodec(keys, config.codecKeyId ?? [...keys.keys()].at(-1)!);
  }
  const hex = secretFromFile(config.dataDir, 'codec-key');
  return new AesGcmCodec(new Map([['local-1', Buffer.from(hex, 'hex')]]), 'local-1');
}

/** The codec from an environment record (tests, scripts that pass a child's environment). */
export const codecFromEnv = (env: NodeJS.ProcessEnv = process.env): AesGcmCodec => codecOf(parseConfig(env));

export const FAILURE_CONVERTER_PATH = new URL('./converters.ts', import.meta.url).pathname;
export const PAYLOAD_CONVERTER_PATH = new URL('./converters.ts', import.meta.url).pathname;

/** The data converter for every client and worker: every payload sealed, failure messages included; unsealed ones refused. */
export function sealedDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], payloadConverterPath: PAYLOAD_CONVERTER_PATH, failureConverterPath: FAILURE_CONVERTER_PATH };
}
