import type { TokenSubject } from './auth.js';
import type { Role } from '../domain/parties.js';
import { isDemoRegistryVersion, type Registry } from '../domain/registry/registry.js';

/** Demo people and their tokens exist only in the demonstration: demo mode with the demo registry. */
export const isDemonstration = (registry: Registry, production: boolean): boolean => !production && isDemoRegistryVersion(registry.version);

const person = (party: string, key: string, name: string, roles: Role[]): TokenSubject => ({
  party,
  sub: `demo:${party}:${key}`,
  name,
  roles,
  demo: true,
});

/**
 * The demonstration's people (演示), signed in with one click on the dashboard and printed by
 * `npm start`; absent in production mode, and their tokens (`bm_demo`) are refused there. Every
 * party of the demo procedures can act: the organs' 保密员, 定密责任人 and 负责人, the 办案机关 of an
 * appraisal, a network operator, and each authority's 经办人 (secrecy-officer role) and 负责人 —
 * the national authority too, for the filing of a provincial decision (Regs 25 para 2).
 */
export const DEMO_PEOPLE: readonly TokenSubject[] = [
  person('org-gz-bureau', 'li', '李某', ['secrecy-officer']),
  person('org-gz-bureau', 'wang', '王某', ['classification-officer']),
  person('org-gz-bureau', 'liu', '刘某', ['head']),
  person('org-th-office', 'chen', '陈某', ['secrecy-officer']),
  person('org-th-office', 'zhou', '周某', ['classification-officer']),
  person('org-th-office', 'wu', '吴某', ['head']),
  person('org-gz-institute', 'xu', '徐某', ['secrecy-officer', 'classification-officer']),
  person('org-gz-institute', 'lin', '林某', ['head']),
  person('ent-gz-tech', 'guo', '郭某', ['secrecy-officer']),
  person('ent-gz-tech', 'luo', '罗某', ['head']),
  person('ent-gz-net', 'zheng', '郑某', ['secrecy-officer']),
  person('org-gz-procuratorate', 'sun', '孙某', ['secrecy-officer']),
  person('org-gz-procuratorate', 'ma', '马某', ['head']),
  person('auth-440106', 'he', '何某', ['secrecy-officer']),
  person('auth-440106', 'gao', '高某', ['head']),
  person('auth-440100', 'song', '宋某', ['secrecy-officer']),
  person('auth-440100', 'zhao', '赵某', ['head']),
  person('auth-440000', 'huang', '黄某', ['secrecy-officer']),
  person('auth-440000', 'zhang', '张某', ['head']),
  person('auth-000000', 'tang', '唐某', ['secrecy-officer']),
  person('auth-000000', 'feng', '冯某', ['head']),
  person('auth-000000', 'yu', '于某', ['admin']),
];
