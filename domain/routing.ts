import type { Level, OrganKind } from './parties.js';

export interface Route {
  /** The authority's tier, or 'superior': the superior organ (Law 17 para 3). */
  tier: 'national' | 'provincial' | 'superior';
  basis: string;
  reason: string;
}

/**
 * Which authority determines an unclear matter (Regs 25 para 1): 绝密, or any level
 * proposed by a central state organ → national; other 机密/秘密 → the provincial
 * authority of the organ's province.
 */
export function routeUnclearMatter(organKind: OrganKind, level: Level): Route {
  if (level === 'top-secret')
    return { tier: 'national', basis: 'Regs 25 para 1', reason: '拟定为绝密级的事项，报国家保密行政管理部门确定' };
  if (organKind === 'central')
    return { tier: 'national', basis: 'Regs 25 para 1', reason: '中央国家机关拟定的机密级、秘密级事项，报国家保密行政管理部门确定' };
  return {
    tier: 'provincial',
    basis: 'Regs 25 para 1',
    reason: '其他机关、单位拟定的机密级、秘密级事项，报省、自治区、直辖市保密行政管理部门确定',
  };
}

/**
 * A matter within a superior's 定密权限 (Law 17 para 3; Regs 17 para 2): to the superior organ;
 * with none, to the business department or secrecy authority with the power to determine. The
 * registry records no business departments: the secrecy authority that Regs 25 would name.
 */
export function routeReferral(hasSuperior: boolean, authority: Route): Route {
  const basis = 'Law 17 para 3; Regs 17 para 2';
  if (hasSuperior)
    return { tier: 'superior', basis, reason: '属于上级机关、单位定密权限的事项，先行采取保密措施，立即报请上级机关、单位确定' };
  return {
    tier: authority.tier,
    basis,
    reason: `没有上级机关、单位的，立即提请有相应定密权限的业务主管部门或者保密行政管理部门确定：报${authority.tier === 'national' ? '国家' : '省、自治区、直辖市'}保密行政管理部门`,
  };
}

/**
 * Where an objection goes when the original classifier leaves it unanswered or the objector
 * still disagrees (Regs 26 para 2), by the matter as it now stands: `level` is the classifier's
 * decision where it changed the level (`changed`), else the originally determined level.
 * 绝密, or 机密/秘密 determined by a central state organ → national (2)(1); other 机密/秘密 →
 * the provincial authority of the original classifier's province (2)(2).
 */
export function routeObjection(classifierKind: OrganKind, level: Level, changed = false): Route {
  const as = changed ? '原定密机关、单位决定变更为' : '确定为';
  if (level === 'top-secret')
    return { tier: 'national', basis: 'Regs 26 para 2(1)', reason: `${as}绝密级的事项，报国家保密行政管理部门确定` };
  if (classifierKind === 'central')
    return { tier: 'national', basis: 'Regs 26 para 2(1)', reason: `中央国家机关${as}机密级、秘密级的事项，报国家保密行政管理部门确定` };
  return {
    tier: 'provincial',
    basis: 'Regs 26 para 2(2)',
    reason: `其他机关、单位${as}机密级、秘密级的事项，报省、自治区、直辖市保密行政管理部门确定`,
  };
}

/**
 * Where an appraisal is applied for (Regs 63 para 1): a local supervisory or judicial organ →
 * the provincial authority of its province; a central-level one → the national authority.
 */
export function routeAppraisal(applicantKind: OrganKind): Route {
  if (applicantKind === 'central')
    return { tier: 'national', basis: 'Regs 63 para 1', reason: '中央一级监察机关、司法机关向国家保密行政管理部门提出' };
  return { tier: 'provincial', basis: 'Regs 63 para 1', reason: '地方各级监察机关、司法机关向所在省、自治区、直辖市保密行政管理部门提出' };
}
