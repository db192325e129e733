import type { PartyRef } from './parties.js';
import { authorityRef, organRef, type Registry } from './registry/registry.js';
import { routeUnclearMatter, type Route } from './routing.js';
import type { Level } from './parties.js';

export interface ResolvedParties {
  parties: Record<string, PartyRef>;
  /** Region of the procedure's origin, for jurisdiction scoping. */
  region: string;
  route?: Route;
}

/** 不明确事项: the organ, the authority that determines (Regs 25), the national authority, the superior (Law 17 para 3). */
export function unclearMatterParties(reg: Registry, input: { organId: string; proposal: { level: Level } }): ResolvedParties {
  const organ = reg.organ(input.organId);
  const route = routeUnclearMatter(organ.kind, input.proposal.level);
  const authority = route.tier === 'national' ? reg.national() : reg.provincialOf(organ.region);
  const superior = reg.superiorOf(organ);
  return {
    parties: {
      organ: organRef(organ),
      authority: authorityRef(authority),
      national: authorityRef(reg.national()),
      // Law 17 para 3: with no superior, the secrecy authority with the power to determine.
      superior: superior ? organRef(superior) : authorityRef(authority),
    },
    region: organ.region,
    route,
  };
}
