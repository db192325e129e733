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
