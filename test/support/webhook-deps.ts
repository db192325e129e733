import { loadDeps, type ActivityDeps } from '../../activities/deps.js';
import { DeliveryLedger } from '../../activities/ledger.js';
import { PolicySchema } from '../../domain/policy.js';
import { Registry } from '../../domain/registry/registry.js';
import demo from '../../domain/registry/demo-registry.json' with { type: 'json' };

/** The shared signing secret of the webhook tests' receivers. */
export const WEBHOOK_SECRET = 'webhook-test-secret';

/**
 * The activities' dependencies on the demo registry, with these parties (organs by their secrecy
 * officer, authorities by their contact) also reachable by webhook at `webhook`, an in-memory
 * delivery ledger and the shared secret; `delivery` and `policy` override the rest.
 */
export function depsWithWebhook(
  webhook: string,
  parties: readonly string[],
  { delivery = {}, policy = {} }: { delivery?: Partial<ActivityDeps['delivery']>; policy?: Record<string, unknown> } = {},
): ActivityDeps {
  const registry = structuredClone(demo) as unknown as {
    organs: Array<{ id: string; secrecyOfficer: Record<string, string> }>;
    authorities: Array<{ id: string; contact: Record<string, string> }>;
  };
  for (const id of parties) {
    const contact = registry.organs.find((o) => o.id === id)?.secrecyOfficer ?? registry.authorities.find((a) => a.id === id)?.contact;
    if (!contact) throw new Error(`depsWithWebhook: no organ or authority "${id}" in the demo registry`);
    contact.webhook = webhook;
  }
  return {
    ...loadDeps({}),
    registry: Registry.fromJSON(registry),
    policy: PolicySchema.parse(policy),
    delivery: { webhookSecret: WEBHOOK_SECRET, mailFrom: 'noreply@baomi.test', ledger: new DeliveryLedger(), ...delivery },
  };
}
