import type { Level, OrganKind } from './parties.js';

export interface Route {
  tier: 'national' | 'provincial';
  basis: string;
  reason: string;
}

/**
 * Which authority determines an unclear matter (Regs 25 para 1): 绝密, or any level
 * proposed by a central state organ → national; other 机密/秘密 → the provincial
 * authority of the organ's province.
 */
export function routeUnclearMatter(organKind: OrganKind, level: Level): Route {
  if (level === 'top-secret') return { tier: 'national', basis: 'Regs 25 para 1', reason: '拟定为绝密级的事项，报国家保密行政管理部门确定' };
  if (organKind === 'central') return { tier: 'national', basis: 'Regs 25 para 1', reason: '中央国家机关拟定的机密级、秘密级事项，报国家保密行政管理部门确定' };
  return { tier: 'provincial', basis: 'Regs 25 para 1', reason: '其他机关、单位拟定的机密级、秘密级事项，报省、自治区、直辖市保密行政管理部门确定' };
}

/**
 * Where an objection goes when the original classifier leaves it unanswered or the objector
 * still disagrees (Regs 26 para 2): 绝密, or 机密/秘密 determined by a central state organ →
 * national; other 机密/秘密 → the provincial authority of the original classifier's province.
 */
export function routeObjection(classifierKind: OrganKind, determinedLevel: Level): Route {
  if (determinedLevel === 'top-secret') return { tier: 'national', basis: 'Regs 26 para 2(1)', reason: '确定为绝密级的事项，报国家保密行政管理部门确定' };
  if (classifierKind === 'central') return { tier: 'national', basis: 'Regs 26 para 2(1)', reason: '中央国家机关确定的机密级、秘密级事项，报国家保密行政管理部门确定' };
  return { tier: 'provincial', basis: 'Regs 26 para 2(2)', reason: '其他机关、单位确定的机密级、秘密级事项，报省、自治区、直辖市保密行政管理部门确定' };
}

/**
 * Where an appraisal is applied for (Regs 63 para 1): a local supervisory or judicial organ →
 * the provincial authority of its province; a central-level one → the national authority.
 */
export function routeAppraisal(applicantKind: OrganKind): Route {
  if (applicantKind === 'central') return { tier: 'national', basis: 'Regs 63 para 1', reason: '中央一级监察机关、司法机关向国家保密行政管理部门提出' };
  return { tier: 'provincial', basis: 'Regs 63 para 1', reason: '地方各级监察机关、司法机关向所在省、自治区、直辖市保密行政管理部门提出' };
}
