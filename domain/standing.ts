/**
 * Who may start which procedure: one rule, which the preparation enforces (resolve-parties.ts,
 * NotEntitledError: the API's 403) and the API checks before it starts anything, and by which
 * the start page offers only the procedures the signed-in party may start.
 */
import type { Registry } from './registry/registry.js';
import type { Organ } from './registry/schema.js';

/** Why a party may not start a procedure: in English (log, API clients) and in Chinese (the pages). */
export interface NoStanding {
  message: string;
  messageZh: string;
}

type Rule = { label: string; field: string; organ: (o: Organ) => NoStanding | undefined; authorities?: true };

const anyOrgan = () => undefined;

/** Each procedure by the organ that starts it (machines' `startedBy`); an authority starts none. */
const RULES: Record<string, Rule> = {
  'unclear-matter': { label: '不明确事项报送', field: 'organId', organ: anyOrgan },
  objection: { label: '异议处理', field: 'objectorId', organ: anyOrgan },
  leak: { label: '泄密报告', field: 'organId', organ: anyOrgan },
  appraisal: {
    label: '国家秘密和情报鉴定',
    field: 'applicantId',
    // Regs 63 para 1: only a 监察机关 or 司法机关 handling a suspected leak applies (narrower than Law 53's 办理涉嫌泄露国家秘密案件的机关:
    // a secrecy authority investigating under Regs 60 does not apply); 司法机关 read in the criminal-procedure sense, with
    // 公安 and 国家安全机关 (本地策略, docs/procedures/appraisal.md); the registry records which organs are such.
    organ: (o) =>
      o.functions?.some((f) => f === 'supervisory' || f === 'judicial')
        ? undefined
        : {
            message:
              `applicantId: ${o.name} (${o.id}) may not apply for a 国家秘密和情报鉴定: only a 监察机关 or 司法机关 handling a suspected leak may (Regs 63 para 1); ` +
              `the registry records its functions as ${o.functions?.join(', ') || 'none'}, and an applicant needs supervisory or judicial ` +
              `(司法机关 read as courts, procuratorates, 公安 and 国家安全机关 (本地策略))`,
            messageZh: `${o.name}不能申请国家秘密和情报鉴定：只有办理涉嫌泄露国家秘密案件的监察机关、司法机关可以申请（《实施条例》第六十三条第一款；司法机关含人民法院、人民检察院、公安机关和国家安全机关，本地策略）。`,
          },
  },
  // Law 50 (a secrecy authority) and Regs 24 (a superior organ, or the organ itself): the resolver checks whom it may notify.
  correction: { label: '定密纠正', field: 'notifierId', organ: anyOrgan, authorities: true },
  'annual-inspection': {
    label: '保密资质年度自检',
    field: 'enterpriseId',
    // Regs 48 para 3: the self-inspection is a duty of an enterprise holding a 保密资质.
    organ: (o) =>
      o.licence
        ? undefined
        : {
            message: `enterpriseId: ${o.name} (${o.id}) holds no 保密资质 in the registry; only a licensed enterprise files the annual self-inspection (Regs 48 para 3)`,
            messageZh: `${o.name}未取得保密资质，不报送保密资质年度自检报告（《实施条例》第四十八条第三款）。`,
          },
  },
};

/**
 * Why `partyId` may not start a procedure of `kind`, or undefined when it may. A party not in the
 * registry is the registry's error (RegistryLookupError), as everywhere.
 */
export function noStandingToStart(reg: Registry, kind: string, partyId: string): NoStanding | undefined {
  const rule = RULES[kind];
  if (!rule) return { message: `unknown procedure kind "${kind}"`, messageZh: '没有此类程序。' };
  if (!rule.authorities && reg.data.authorities.some((a) => a.id === partyId)) {
    const name = reg.authority(partyId).name;
    return {
      message: `${rule.field}: ${name} (${partyId}) is a secrecy authority; a ${rule.label} is started by an organ or unit, not by an authority`,
      messageZh: `${name}是保密行政管理部门；${rule.label}由机关、单位发起。`,
    };
  }
  return reg.data.authorities.some((a) => a.id === partyId) ? undefined : rule.organ(reg.organ(partyId));
}

/** The kinds of procedure a party may start, in the order given. */
export const startableKinds = (reg: Registry, kinds: readonly string[], partyId: string): string[] =>
  kinds.filter((k) => !noStandingToStart(reg, k, partyId));
