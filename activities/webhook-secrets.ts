import { readFileSync } from 'node:fs';
import type { Registry } from '../domain/registry/registry.js';
import { isProduction } from '../temporal/connection.js';

/** Shortest signing secret accepted (characters): 32 random hex digits are 128 bits. */
export const MIN_WEBHOOK_SECRET = 32;

/** A secret by reference: "env:VARIABLE" or "file:/path"; missing, unreadable or short secrets stop the start-up. */
export function resolveSecretRef(ref: string, env: NodeJS.ProcessEnv, where: string): string {
  let value: string | undefined;
  if (ref.startsWith('env:')) {
    value = env[ref.slice(4)];
    if (value === undefined) throw new Error(`${where}: environment variable ${ref.slice(4)} (${ref}) is not set`);
  } else {
    try {
      value = readFileSync(ref.slice(5), 'utf8');
    } catch (e) {
      throw new Error(
        `${where}: cannot read the secret file ${ref.slice(5)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { cause: e },
      );
    }
  }
  const secret = value.trim();
  if (secret.length < MIN_WEBHOOK_SECRET)
    throw new Error(`${where}: the secret in ${ref} has ${secret.length} characters; at least ${MIN_WEBHOOK_SECRET} are required`);
  return secret;
}

/**
 * Each webhook receiver's own secret, by party id, from its registry contact's webhookSecretRef,
 * resolved once at start-up. In production every contact with a webhook must have one: the
 * shared secret would let one receiver sign messages to another.
 */
export function webhookSecretsOf(registry: Registry, env: NodeJS.ProcessEnv): Map<string, string> {
  const contacts = [
    ...registry.data.authorities.map((a, i) => ({ id: a.id, contact: a.contact, path: `authorities[${i}].contact` })),
    ...registry.data.organs.map((o, i) => ({ id: o.id, contact: o.secrecyOfficer, path: `organs[${i}].secrecyOfficer` })),
  ];
  const secrets = new Map<string, string>();
  for (const { id, contact, path } of contacts) {
    if (!contact.webhook) continue;
    const where = `registry ${path}.webhookSecretRef (${id})`;
    if (!contact.webhookSecretRef) {
      if (isProduction(env))
        throw new Error(
          `${where}: a webhook receiver needs its own secret in production (BM_MODE=production): set "env:VARIABLE" or "file:/path"; the shared BM_WEBHOOK_SECRET is not used`,
        );
      continue;
    }
    secrets.set(id, resolveSecretRef(contact.webhookSecretRef, env, where));
  }
  return secrets;
}
