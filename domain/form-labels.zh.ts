/**
 * Chinese words of the workbench's forms where a schema's `.describe()` gives none: the values of
 * enumerations and discriminators, and fields named alike in several schemas (a schema's own
 * description wins over these).
 */
import { LEVEL_LABELS } from './labels.zh.js';

export const OPTION_LABELS: Record<string, string> = {
  ...LEVEL_LABELS,
  // 保密期限 (Law 20)
  years: '保密年限',
  until: '解密时间',
  condition: '解密条件',
  // 确定、鉴定的结论
  'state-secret': '属于国家秘密',
  'not-secret': '不属于国家秘密',
  intelligence: '属于情报',
  'not-intelligence': '不属于情报',
  // 不明确事项的情形
  unclear: '不明确或者有争议的事项',
  'beyond-authority': '属于上级机关、单位定密权限的事项',
  // 泄密报告的报告主体
  organ: '机关、单位',
  'network-operator': '网络运营者',
  supervisory: '监察机关',
  judicial: '司法机关',
  warning: '警告',
  criticism: '通报批评',
  'no-penalty': '不予处罚',
  otherwise: '另作处理',
};

export const FIELD_LABELS: Record<string, string> = {
  level: '密级',
  term: '保密期限',
  kind: '保密期限的确定方式',
  years: '保密年限（年）',
  date: '解密时间',
  condition: '解密条件',
  latest: '最迟解密时间',
  scope: '知悉范围',
  since: '保密期限起算日',
  outcome: '结论',
  classification: '密级、保密期限和知悉范围',
  determination: '决定',
  claim: '异议方主张',
  determined: '原定密的密级、保密期限和知悉范围',
  note: '说明',
  reason: '理由',
  reportNumber: '报告文号',
  measures: '补救措施',
  result: '处理结果',
  order: '责令事项',
  decision: '处罚决定',
  proposal: '处理建议',
  to: '移送机关',
  missing: '需补正的材料',
  expert: '咨询对象',
  conclusions: '鉴定结论',
  ref: '鉴定事项编号',
  items: '事项',
  measure: '措施',
  ground: '所认定的情形',
  findings: '查明的情况',
  summary: '整改情况',
  disposition: '处理方式',
  approver: '批准的负责人',
  downgrade: '并降低资质等级',
  until: '暂停期满日',
  variant: '情形',
  occurredAt: '实际发生时刻（北京时间）',
  licenceDecision: '颁发资质的保密行政管理部门的决定',
};
