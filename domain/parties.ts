import { z } from 'zod';
import { matching } from './matching.js';

/** 密级, highest first (Law 14). */
export const LevelSchema = z.enum(['top-secret', 'secret', 'confidential']);
export type Level = z.infer<typeof LevelSchema>;
const LEVEL_RANK: Record<Level, number> = { 'top-secret': 3, secret: 2, confidential: 1 };
export const levelRank = (l: Level) => LEVEL_RANK[l];

/** 机关、单位 kinds (SPEC §1). */
export const OrganKindSchema = z.enum(['central', 'provincial', 'municipal', 'county', 'other', 'enterprise']);
export type OrganKind = z.infer<typeof OrganKindSchema>;

/** 保密行政管理部门 tiers (Law 6, Regs 3), top first. */
export const TierSchema = z.enum(['national', 'provincial', 'municipal', 'county']);
export type Tier = z.infer<typeof TierSchema>;
export const TIERS: readonly Tier[] = TierSchema.options;

/**
 * A person's roles in the party they act for: 保密员 (secrecy officer), 定密责任人 (classification
 * officer, Regs 15), 负责人 (head: approvals the statute gives to a 负责人, e.g. Regs 63), 系统管理员.
 */
export const RoleSchema = z.enum(['secrecy-officer', 'classification-officer', 'head', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

/** GB/T 2260 six-digit region code; '000000' stands for the national level (全国). */
export const RegionSchema = matching(/^\d{6}$/, 'expected a six-digit GB/T 2260 region code');
export const NATIONAL_REGION = '000000';

/** The 31 provinces, autonomous regions and municipalities (GB/T 2260 first two digits). */
export const PROVINCE_CODES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
] as const;

/** The tier a region code denotes: 000000 national, xx0000 provincial, xxxx00 municipal, else county. */
export function tierOfRegion(region: string): Tier {
  if (region === NATIONAL_REGION) return 'national';
  if (region.endsWith('0000')) return 'provincial';
  if (region.endsWith('00')) return 'municipal';
  return 'county';
}

/** The region code of the given tier that contains `region`. */
export function regionAtTier(region: string, tier: Tier): string {
  switch (tier) {
    case 'national':
      return NATIONAL_REGION;
    case 'provincial':
      return `${region.slice(0, 2)}0000`;
    case 'municipal':
      return `${region.slice(0, 4)}00`;
    case 'county':
      return region;
  }
}

/** Jurisdiction prefixes of a region: ['44', '4401', '440106'] (province, city, county). */
export function regionPrefixes(region: string): string[] {
  if (region === NATIONAL_REGION) return [];
  const out = [region.slice(0, 2)];
  if (!region.endsWith('0000')) out.push(region.slice(0, 4));
  if (!region.endsWith('00')) out.push(region);
  return out;
}

/** The prefix an authority's jurisdiction covers ('' for national: everything). */
export function jurisdictionPrefix(region: string): string {
  const t = tierOfRegion(region);
  return t === 'national' ? '' : t === 'provincial' ? region.slice(0, 2) : t === 'municipal' ? region.slice(0, 4) : region;
}

/** A party as a procedure records it: enough to route, display and notify. */
export const PartyRefSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(['organ', 'authority']),
  tier: TierSchema,
  region: RegionSchema,
  organKind: OrganKindSchema.optional(),
});
export type PartyRef = z.infer<typeof PartyRefSchema>;
