import { formatZodError } from '../errors.js';
import { regionAtTier, tierOfRegion, TIERS, type PartyRef, type Tier } from '../parties.js';
import { RegistrySchema, type Authority, type Contact, type Organ, type Person, type RegistryData } from './schema.js';

/** A registry whose `version` starts with `demo` is a demonstration's (demo-registry.json): production mode refuses it. */
export const isDemoRegistryVersion = (version: string): boolean => version.startsWith('demo');

/** Organs and authorities with the lookups routing and escalation need. Pure, no I/O. */
export class Registry {
  private readonly organs = new Map<string, Organ>();
  private readonly authorities = new Map<string, Authority>();
  private readonly byTierRegion = new Map<string, Authority>();
  private readonly people = new Map<string, Person>();

  constructor(readonly data: RegistryData) {
    for (const o of data.organs) this.organs.set(o.id, o);
    for (const p of data.people ?? []) this.people.set(p.sub, p);
    for (const a of data.authorities) {
      this.authorities.set(a.id, a);
      this.byTierRegion.set(`${a.tier}:${a.region}`, a);
    }
  }

  static fromJSON(raw: unknown): Registry {
    const parsed = RegistrySchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid registry: ${formatZodError(parsed.error)}`);
    return new Registry(parsed.data);
  }

  get version(): string {
    return this.data.version;
  }

  organ(id: string): Organ {
    const o = this.organs.get(id);
    if (!o) throw new RegistryLookupError(`no organ "${id}" in the registry`);
    return o;
  }

  authority(id: string): Authority {
    const a = this.authorities.get(id);
    if (!a) throw new RegistryLookupError(`no authority "${id}" in the registry`);
    return a;
  }

  party(id: string): PartyRef {
    return this.organs.has(id) ? organRef(this.organ(id)) : authorityRef(this.authority(id));
  }

  /** The person the identity provider names by this `sub`, if the registry lists them. */
  person(sub: string): Person | undefined {
    return this.people.get(sub);
  }

  contactOf(id: string): Contact {
    return this.organs.has(id) ? this.organ(id).secrecyOfficer : this.authority(id).contact;
  }

  /**
   * The regions the registry knows, by the name of each region's secrecy authority less its
   * 国家保密局 (广州市国家保密局 → 广州市); the national authority's region is 全国.
   */
  regions(): Array<{ code: string; name: string }> {
    return this.data.authorities.map((a) => ({
      code: a.region,
      name: a.tier === 'national' ? '全国' : a.name.replace(/国家保密局$|保密局$|保密行政管理部门$/, ''),
    }));
  }

  national(): Authority {
    return this.data.authorities.find((a) => a.tier === 'national')!;
  }

  /** The authority of a tier whose region contains `region`, if the registry has one. */
  authorityAt(tier: Tier, region: string): Authority | undefined {
    return this.byTierRegion.get(`${tier}:${regionAtTier(region, tier)}`);
  }

  provincialOf(region: string): Authority {
    const a = this.authorityAt('provincial', region);
    if (!a) throw new RegistryLookupError(`no provincial authority for region ${region}`);
    return a;
  }

  /**
   * 同级保密行政管理部门: the authority of the organ's tier in its region (SPEC §1); for
   * other organs and enterprises, the nearest authority above them.
   */
  sameLevelAuthority(organ: Organ): Authority {
    if (organ.kind === 'central') return this.national();
    const from: Tier = organ.kind === 'provincial' || organ.kind === 'municipal' || organ.kind === 'county' ? organ.kind : 'county';
    for (const tier of TIERS.slice(0, TIERS.indexOf(from) + 1).reverse()) {
      const a = this.authorityAt(tier, organ.region);
      if (a) return a;
    }
    return this.national();
  }

  superiorOf(organ: Organ): Organ | undefined {
    return organ.superiorId ? this.organ(organ.superiorId) : undefined;
  }

  /** The nearest authority above (county → municipal → provincial → national). */
  nextTierUp(authority: Authority): Authority | undefined {
    if (authority.tier === 'national') return undefined;
    for (const tier of TIERS.slice(0, TIERS.indexOf(authority.tier)).reverse()) {
      const a = this.authorityAt(tier, authority.region);
      if (a) return a;
    }
    return this.national();
  }
}

export class RegistryLookupError extends Error {
  override name = 'RegistryLookupError';
}

export function organRef(o: Organ): PartyRef {
  const tier: Tier = o.kind === 'central' ? 'national' : o.kind === 'other' || o.kind === 'enterprise' ? tierOfRegion(o.region) : o.kind;
  return { id: o.id, name: o.name, type: 'organ', tier, region: o.region, organKind: o.kind };
}

export function authorityRef(a: Authority): PartyRef {
  return { id: a.id, name: a.name, type: 'authority', tier: a.tier, region: a.region };
}
