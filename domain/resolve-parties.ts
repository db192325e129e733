import { NotEntitledError } from './errors.js';
import type { PartyRef } from './parties.js';
import { authorityRef, organRef, RegistryLookupError, type Registry } from './registry/registry.js';
import type { Authority, Organ } from './registry/schema.js';
import { routeAppraisal, routeObjection, routeReferral, routeUnclearMatter, type Route } from './routing.js';
import { jurisdictionPrefix, type Level } from './parties.js';
import type { Policy } from './policy.js';
import { dateOf, dayOf } from './time.js';
import { noStandingToStart } from './standing.js';

/** The starting party must have standing for the procedure (domain/standing.ts): else a NotEntitledError, the API's 403. */
function requireStanding(reg: Registry, kind: string, partyId: string): void {
  const no = noStandingToStart(reg, kind, partyId);
  if (no) throw new NotEntitledError(no.message);
}

export interface ResolvedParties {
  parties: Record<string, PartyRef>;
  /** Region of the procedure's origin, for jurisdiction scoping. */
  region: string;
  route?: Route;
  /** Values computed from the registry or policy at start (e.g. a due date). */
  derived?: Record<string, unknown>;
}

/**
 * 不明确事项: the organ, the authority that determines (Regs 25), the national authority, the
 * superior (Law 17 para 3). The beyond-authority variant shows its own route (Law 17 para 3).
 */
export function unclearMatterParties(
  reg: Registry,
  input: { organId: string; proposal: { level: Level }; variant?: 'unclear' | 'beyond-authority' },
): ResolvedParties {
  requireStanding(reg, 'unclear-matter', input.organId);
  const organ = reg.organ(input.organId);
  const regs25 = routeUnclearMatter(organ.kind, input.proposal.level);
  const authority = regs25.tier === 'national' ? reg.national() : reg.provincialOf(organ.region);
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
    route: input.variant === 'beyond-authority' ? routeReferral(!!superior, regs25) : regs25,
  };
}

/**
 * 异议: the objector, the original classifier, the national authority and (for a classifier
 * that is not central) the provincial authority of its province: the machine picks between
 * them when the objection is escalated, by the matter as it then stands (Regs 26 para 2).
 * `authority` starts as the route of the originally determined level.
 */
export function objectionParties(
  reg: Registry,
  input: { objectorId: string; classifierId: string; determined: { level: Level } },
): ResolvedParties {
  requireStanding(reg, 'objection', input.objectorId);
  const objector = reg.organ(input.objectorId);
  const classifier = reg.organ(input.classifierId);
  const route = routeObjection(classifier.kind, input.determined.level);
  const national = authorityRef(reg.national());
  const provincial = classifier.kind === 'central' ? undefined : authorityRef(reg.provincialOf(classifier.region));
  return {
    parties: {
      objector: organRef(objector),
      classifier: organRef(classifier),
      authority: route.tier === 'national' ? national : provincial!,
      national,
      ...(provincial ? { provincial } : {}),
    },
    region: classifier.region,
    route,
  };
}

/**
 * 泄密报告: the organ, its same-level authority, its superior competent department if any
 * (Regs 61 para 1), and the relay chain tier by tier up to the national authority (para 2).
 * A network operator instead names whom it reports to (Law 34; Regs 39): a secrecy authority,
 * which relays it as any local authority does (Regs 61 para 2), or a 公安机关/国家安全机关.
 */
export function leakParties(
  reg: Registry,
  input: { organId: string; variant?: 'organ' | 'network-operator'; receiverId?: string },
): ResolvedParties {
  requireStanding(reg, 'leak', input.organId);
  const organ = reg.organ(input.organId);
  const licensedEnterprise = !!organ.licence;
  const relayFrom = (first: Authority) => {
    const chain = [first];
    for (let up = reg.nextTierUp(first); up; up = reg.nextTierUp(up)) chain.push(up);
    return Object.fromEntries(chain.map((a, i) => [`relay${i}`, authorityRef(a)]));
  };
  if (input.variant === 'network-operator') {
    const receiver = leakReceiver(reg, input.receiverId ?? '');
    const relay = 'tier' in receiver ? relayFrom(receiver) : {};
    // A secrecy authority that receives the report holds the case and takes the Regs 60 steps.
    const parties: Record<string, PartyRef> = {
      organ: organRef(organ),
      receiver: 'tier' in receiver ? authorityRef(receiver) : organRef(receiver),
      ...('tier' in receiver ? { authority: authorityRef(receiver) } : {}),
      national: authorityRef(reg.national()),
      ...relay,
    };
    return { parties, region: organ.region, derived: { relayTiers: Object.keys(relay).length, hasSuperior: false, licensedEnterprise } };
  }
  const superior = reg.superiorOf(organ);
  const authority = reg.sameLevelAuthority(organ);
  const relay = relayFrom(authority);
  const parties: Record<string, PartyRef> = {
    organ: organRef(organ),
    authority: authorityRef(authority),
    national: authorityRef(reg.national()),
  };
  if (superior) parties.superior = organRef(superior);
  // Regs 71 para 3(3): the authority that granted a 保密资质 decides on its revocation.
  if (organ.licence) parties.licensor = authorityRef(reg.authority(organ.licence.grantedBy));
  Object.assign(parties, relay);
  return { parties, region: organ.region, derived: { relayTiers: Object.keys(relay).length, hasSuperior: !!superior, licensedEnterprise } };
}

/** Whom a network operator may report to (Law 34; Regs 39): a secrecy authority, or a 公安机关/国家安全机关. */
function leakReceiver(reg: Registry, id: string): Authority | Organ {
  const authority = reg.data.authorities.find((a) => a.id === id);
  if (authority) return authority;
  const organ = reg.data.organs.find((o) => o.id === id);
  if (!organ?.securityOrgan) {
    throw new RegistryLookupError(
      `receiverId: "${id}" is neither a secrecy authority nor a 公安机关 or 国家安全机关 in the registry; a network operator reports to one of these (Law 34; Regs 39)`,
    );
  }
  return organ;
}

/**
 * 鉴定: the applicant and the authority it applies to (Regs 63 para 1). Only a 监察机关 or
 * 司法机关 handling a suspected leak may apply: the registry records which organs are such.
 */
export function appraisalParties(reg: Registry, input: { applicantId: string }): ResolvedParties {
  requireStanding(reg, 'appraisal', input.applicantId);
  const applicant = reg.organ(input.applicantId);
  const route = routeAppraisal(applicant.kind);
  const authority = route.tier === 'national' ? reg.national() : reg.provincialOf(applicant.region);
  return {
    parties: { applicant: organRef(applicant), authority: authorityRef(authority), national: authorityRef(reg.national()) },
    region: applicant.region,
    route,
  };
}

/**
 * 年度自检: the licensed enterprise and the authority that granted its licence (Regs 48
 * para 3), with the report's due date in the following year (local policy).
 */
export function annualInspectionParties(reg: Registry, input: { enterpriseId: string; year: number }, policy: Policy): ResolvedParties {
  requireStanding(reg, 'annual-inspection', input.enterpriseId);
  const enterprise = reg.organ(input.enterpriseId);
  const authority = reg.authority(enterprise.licence!.grantedBy);
  // The period runs from 31 December of the reported year to the policy due date.
  const from = dayOf(`${input.year}-12-31`);
  const due = dayOf(`${input.year + 1}-${policy.annualReportDue}`);
  return {
    parties: { enterprise: organRef(enterprise), authority: authorityRef(authority), national: authorityRef(reg.national()) },
    region: enterprise.region,
    derived: { reportFrom: dateOf(from), reportDays: due - from, dueDate: dateOf(due), licence: enterprise.licence },
  };
}

/**
 * 定密纠正 (Law 50; Regs 24): who notifies the organ whose determination, change or removal is
 * improper — a secrecy authority (Law 50) whose region covers the organ's (the national one any), its
 * superior organ (Regs 24, which may also correct directly), or the organ itself (Regs 24: 本机关) —
 * and the organ, with its same-level authority and the national one for the escalation ladder.
 */
export function correctionParties(reg: Registry, input: { notifierId: string; organId: string }): ResolvedParties {
  requireStanding(reg, 'correction', input.notifierId);
  const organ = reg.organ(input.organId);
  const authority = reg.data.authorities.find((a) => a.id === input.notifierId);
  if (authority) {
    if (!organ.region.startsWith(jurisdictionPrefix(authority.region)))
      throw new NotEntitledError(
        `notifierId: ${authority.name} (${authority.id}) is not the secrecy authority of ${organ.name}'s region (${organ.region}); Law 50 gives the notice to the authority with jurisdiction`,
      );
  } else if (input.notifierId !== organ.id && reg.superiorOf(organ)?.id !== input.notifierId) {
    throw new NotEntitledError(
      `notifierId: ${input.notifierId} is neither ${organ.name}'s superior organ nor ${organ.name} itself nor a secrecy authority (Regs 24; Law 50)`,
    );
  }
  return {
    parties: {
      notifier: reg.party(input.notifierId),
      organ: organRef(organ),
      authority: authorityRef(reg.sameLevelAuthority(organ)),
      national: authorityRef(reg.national()),
    },
    region: organ.region,
    derived: { notifierKind: authority ? 'authority' : input.notifierId === organ.id ? 'self' : 'superior' },
  };
}
