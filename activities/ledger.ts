import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Which deliveries are confirmed sent, by idempotency key (SPEC §4): a retried activity skips
 * them. A crash between sending and recording can still resend once, under the same key, so
 * receivers deduplicate by it (webhook `Idempotency-Key`, e-mail `Message-ID`).
 */
export class DeliveryLedger {
  private readonly sent = new Set<string>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line) this.sent.add(line);
  }

  has(key: string): boolean {
    return this.sent.has(key);
  }

  record(key: string): void {
    this.sent.add(key);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a');
    try {
      appendFileSync(fd, `${key}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
