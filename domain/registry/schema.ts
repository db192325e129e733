import { z } from 'zod';
import { matching } from '../matching.js';
import { OrganKindSchema, PROVINCE_CODES, RegionSchema, RoleSchema, TierSchema, NATIONAL_REGION, tierOfRegion } from '../parties.js';

export const ContactSchema = z.strictObject({
  name: z.string().min(1).max(50),
  email: z.string().email().optional(),
  webhook: z.string().url().optional(),
  /**
   * Where this receiver's own webhook signing secret is kept — "env:VARIABLE" or
   * "file:/absolute/path", never the secret itself — so that no receiver can sign another's
   * messages (activities/delivery.ts). Required for every webhook in production.
   */
  webhookSecretRef: matching(
    /^(env:[A-Z_][A-Z0-9_]*|file:\/\S+)$/,
    'a reference "env:VARIABLE" (capitals, digits, _) or "file:/absolute/path", never the secret itself',
  ).optional(),
});

export const AuthoritySchema = z.strictObject({
  id: matching(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  tier: TierSchema,
  region: RegionSchema,
  contact: ContactSchema,
  /** The authority's head (负责人), who approves extensions (Regs 63). */
  head: z.string().min(1).optional(),
});

/**
 * What an organ does in law, where a procedure depends on it: 监察机关 (supervisory) and
 * 司法机关 (judicial) may apply for an appraisal (Regs 63 para 1). Judicial is meant in the
 * broad criminal-procedure sense: courts, procuratorates and the organs that investigate
 * (公安、国家安全机关), the bodies 国家秘密鉴定工作规定 art. 5 calls 办案机关.
 */
export const OrganFunctionSchema = z.enum(['supervisory', 'judicial']);

export const OrganSchema = z.strictObject({
  id: matching(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  kind: OrganKindSchema,
  region: RegionSchema,
  /** 上级机关 / 上级主管部门. */
  superiorId: z.string().optional(),
  /** The organ's secrecy officer (保密工作机构), first rung of the escalation ladder. */
  secrecyOfficer: ContactSchema,
  /** Its functions in law, where a procedure depends on them (none recorded: none). */
  functions: z.array(OrganFunctionSchema).min(1).optional(),
  /** For enterprises holding a 保密资质: the licence and who granted it (Regs 48). */
  licence: z.strictObject({ grade: z.enum(['1', '2']), grantedBy: z.string(), number: z.string() }).optional(),
  /** 公安机关 or 国家安全机关: a network operator may report a leak to it (Law 34; Regs 39). */
  securityOrgan: z.enum(['public-security', 'state-security']).optional(),
});

/**
 * A person who may act, by the identity provider's stable `sub`: the party they act for and their
 * roles there, kept by the department (BM_IDENTITY_MAPPING=registry), not chosen in claims.
 */
export const PersonSchema = z.strictObject({
  sub: z.string().min(1).max(255),
  partyId: z.string().min(1),
  roles: z.array(RoleSchema),
  /** The name shown in the audit trail; without it, the provider's name claim (cleaned, bounded). */
  name: z.string().min(1).max(64).optional(),
});

export const RegistrySchema = z
  .strictObject({
    /** The registry's edition; one starting with `demo` marks a demonstration registry (isDemoRegistryVersion). */
    version: z.string().min(1),
    authorities: z.array(AuthoritySchema).min(1),
    organs: z.array(OrganSchema),
    people: z.array(PersonSchema).optional(),
  })
  .superRefine((r, ctx) => {
    const ids = new Set<string>();
    const dup = (id: string, path: (string | number)[]) => {
      if (ids.has(id)) ctx.addIssue({ code: 'custom', path, message: `id "${id}" is used twice` });
      ids.add(id);
    };
    const provinces = new Set<string>(PROVINCE_CODES);
    r.authorities.forEach((a, i) => {
      dup(a.id, ['authorities', i, 'id']);
      if (tierOfRegion(a.region) !== a.tier)
        ctx.addIssue({ code: 'custom', path: ['authorities', i, 'region'], message: `region ${a.region} is not a ${a.tier} region code` });
      if (a.region !== NATIONAL_REGION && !provinces.has(a.region.slice(0, 2)))
        ctx.addIssue({ code: 'custom', path: ['authorities', i, 'region'], message: `unknown province ${a.region.slice(0, 2)}` });
    });
    const national = r.authorities.filter((a) => a.tier === 'national');
    if (national.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['authorities'],
        message: `exactly one national authority is required, found ${national.length}`,
      });
    const regions = new Set(r.authorities.map((a) => a.region));
    for (const p of PROVINCE_CODES) {
      if (!regions.has(`${p}0000`))
        ctx.addIssue({ code: 'custom', path: ['authorities'], message: `no provincial authority for province ${p}0000` });
    }
    const organIds = new Set(r.organs.map((o) => o.id));
    const authorityIds = new Set(r.authorities.map((a) => a.id));
    r.organs.forEach((o, i) => {
      dup(o.id, ['organs', i, 'id']);
      if (o.kind === 'central' && o.region !== NATIONAL_REGION)
        ctx.addIssue({ code: 'custom', path: ['organs', i, 'region'], message: 'a central organ has region 000000' });
      if (o.kind !== 'central' && !provinces.has(o.region.slice(0, 2)))
        ctx.addIssue({ code: 'custom', path: ['organs', i, 'region'], message: `unknown province ${o.region.slice(0, 2)}` });
      if (o.superiorId !== undefined && !organIds.has(o.superiorId))
        ctx.addIssue({ code: 'custom', path: ['organs', i, 'superiorId'], message: `no organ "${o.superiorId}"` });
      if (o.superiorId === o.id)
        ctx.addIssue({ code: 'custom', path: ['organs', i, 'superiorId'], message: 'an organ cannot be its own superior' });
      if (o.licence && !authorityIds.has(o.licence.grantedBy))
        ctx.addIssue({ code: 'custom', path: ['organs', i, 'licence', 'grantedBy'], message: `no authority "${o.licence.grantedBy}"` });
    });
    const subs = new Set<string>();
    r.people?.forEach((p, i) => {
      if (subs.has(p.sub)) ctx.addIssue({ code: 'custom', path: ['people', i, 'sub'], message: `sub "${p.sub}" is listed twice` });
      subs.add(p.sub);
      if (!organIds.has(p.partyId) && !authorityIds.has(p.partyId))
        ctx.addIssue({ code: 'custom', path: ['people', i, 'partyId'], message: `no organ or authority "${p.partyId}"` });
    });
  });

export type Contact = z.infer<typeof ContactSchema>;
export type Authority = z.infer<typeof AuthoritySchema>;
export type Organ = z.infer<typeof OrganSchema>;
export type OrganFunction = z.infer<typeof OrganFunctionSchema>;
export type RegistryData = z.infer<typeof RegistrySchema>;
export type Person = z.infer<typeof PersonSchema>;
