/** Chinese display strings, each statute term beside its article. */
import { basisText } from './citation.js';
import type { Rule } from './deadline/types.js';
import type { Role } from './parties.js';
import type { AuditKind } from './procedure-view.js';

export const RULE_LABELS: Record<Rule, string> = {
  'working-days': '工作日（不含法定节假日，含调休上班日）',
  'calendar-days': '日（自然日；期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日，民法典第二百零三条）',
  months: '月（到期月的对应日，民法典第二百零二条）',
  years: '年（到期年的对应日，民法典第二百零二条）',
  hours: '小时（自记录时刻起精确计算，民法典第二百零一条第二款）',
};

/** A person's roles in the party they act for (domain/parties.ts RoleSchema). */
export const ROLE_LABELS: Record<Role, string> = {
  'secrecy-officer': '保密员',
  'classification-officer': '定密责任人',
  head: '负责人',
  admin: '系统管理员',
};

export const WEEKDAY_LABELS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 密级 (Law 14). */
export const LEVEL_LABELS = { 'top-secret': '绝密', secret: '机密', confidential: '秘密' } as const;

export const STATUS_LABELS = {
  on_track: '进行中',
  due_soon: '即将超期',
  overdue: '已超期',
  met: '按期办结',
  met_late: '逾期办结',
} as const;

export const LOCAL_POLICY_LABEL = '本地策略';

/** What a notification says, by the subject code the machines use. */
export const SUBJECTS: Record<string, string> = {
  'report-received': '收到不明确事项报告，请在10个工作日内作出决定（《实施条例》第二十五条）',
  determined: '有关部门已作出决定，请据此更新国家秘密标志',
  filed: '省级保密行政管理部门决定报备案（《实施条例》第二十五条）',
  referred: '下级机关、单位报请确定（《保密法》第十七条）',
  'objection-filed': '收到对定密的异议（《实施条例》第二十六条）',
  'classifier-decided': '原定密机关、单位已对异议作出决定',
  unanswered: '原定密机关、单位未予处理，可报保密行政管理部门确定（《实施条例》第二十六条）',
  'objection-escalated': '收到异议，请确定（《实施条例》第二十六条）',
  'authority-decided': '保密行政管理部门已对异议作出决定',
  'objection-appealed': '对省级保密行政管理部门的决定有异议，报国家保密行政管理部门确定（《实施条例》第二十六条）',
  'national-decided': '国家保密行政管理部门已对异议作出决定',
  'objection-final': '异议已有最终决定',
  'classifier-decision-final': '异议方未在期限内选择，原定密机关、单位的决定维持（本地策略）',
  'provincial-decision-final': '报国家保密行政管理部门确定的期限届满，省级保密行政管理部门的决定即为最终决定（本地策略）',
  'markings-change-due':
    '决定变更了国家秘密的密级、保密期限或者知悉范围：请及时书面通知知悉范围内的机关、单位或者人员，变更国家秘密标志（《保密法》第二十三条；《实施条例》第二十一条）',
  'markings-removal-due':
    '决定不属于国家秘密：请解除国家秘密标志（《保密法》第二十二条第三款），并书面通知知悉范围内的机关、单位或者人员（本地策略）',
  'leak-reported': '收到泄密报告（《实施条例》第六十一条）',
  'leak-relayed': '收到逐级报送的泄密报告（《实施条例》第六十一条）',
  'leak-result': '泄密事件处理结果书面告知（《实施条例》第六十条）',
  'leak-operator-reported': '收到网络运营者的泄密报告（《保密法》第三十四条；《实施条例》第三十九条）',
  'leak-order-stop': '保密行政管理部门责令停止违法行为、采取有效补救措施（《实施条例》第六十条）',
  'leak-penalty': '保密行政管理部门作出行政处罚决定（《实施条例》第六十条）',
  'leak-handling-proposal': '保密行政管理部门提出处理建议（《实施条例》第六十条）',
  'leak-referred': '保密行政管理部门将涉嫌犯罪的案件移送监察机关、司法机关处理（《实施条例》第六十条）',
  'correction-notified': '国家秘密的确定、变更或者解除不当，请及时予以纠正（《保密法》第五十条；《实施条例》第二十四条）',
  'correction-made': '已纠正不当的定密（《实施条例》第二十四条），请书面通知知悉范围、变更国家秘密标志',
  'correction-reported': '收到定密纠正情况的报告（《保密法》第五十条；《实施条例》第二十四条）',
  'leak-revocation-proposed':
    '取得保密资质的企业事业单位未按照规定时限报告或者未立即采取补救措施：请颁发资质的保密行政管理部门决定是否吊销保密资质（《实施条例》第七十一条第三款第（三）项）',
  'leak-no-action': '保密行政管理部门调查处理结束，无需追究责任（《实施条例》第六十条；本地策略）',
  'appraisal-applied': '收到国家秘密鉴定申请（《实施条例》第六十三条）',
  'amendment-requested': '请补正鉴定申请材料',
  'appraisal-accepted': '鉴定申请已受理，30日内出具结论（《实施条例》第六十三条）',
  'appraisal-rejected': '鉴定申请不予受理',
  'rejection-objected': '申请机关对不予受理提出异议',
  'rejection-upheld': '复核维持不予受理',
  'appraisal-extended': '鉴定期限经负责人批准延长30日（《实施条例》第六十三条）',
  'appraisal-concluded': '已出具鉴定结论',
  'appraisal-withdrawn': '申请机关已撤回鉴定申请',
  'annual-report-submitted': '收到保密资质年度自检报告（《实施条例》第四十八条）',
  'rectification-ordered': '责令限期整改（《实施条例》第七十一条）',
  'rectification-reported': '企业报告整改完成',
  'sanction-proposed': '建议暂停涉密业务、降低资质等级（《实施条例》第七十一条）',
  'business-suspended': '暂停涉密业务（《实施条例》第七十一条）',
  'business-suspended-downgraded': '暂停涉密业务，并降低保密资质等级（《实施条例》第七十一条）',
  'warning-given': '给予警告（《实施条例》第七十一条）',
  'criticism-given': '给予通报批评（《实施条例》第七十一条）',
  'proposal-declined': '对处罚建议决定不予处罚或另作处理（本地策略）',
  'licence-downgraded': '降低保密资质等级（《实施条例》第七十一条）',
  'revocation-proposed': '建议吊销保密资质（《实施条例》第七十一条）',
  'licence-revoked': '吊销保密资质（《实施条例》第七十一条）',
};

/** 保密资质: the sanctions applied (Regs 71; Law 60), the grounds, and how the self-inspection ended. */
export const SANCTION_LABELS = {
  warning: '警告',
  criticism: '通报批评',
  suspension: '暂停涉密业务',
  downgrade: '降低资质等级',
  revocation: '吊销保密资质',
} as const;
export const LICENCE_GROUND_LABELS: Record<string, string> = {
  'Regs 71 para 2(1)': '超出保密资质业务种类范围承担其他需要取得保密资质业务',
  'Regs 71 para 2(2)': '未按照要求时限完成整改或者整改后仍不符合规定',
  'Regs 71 para 2(3)': '其他违反保密法律法规及国家保密规定，存在重大泄密隐患',
  'Regs 71 para 3(1)': '变造、出卖、出租、出借保密资质证书',
  'Regs 71 para 3(2)': '将涉密业务转包给其他单位或者分包给无相应保密资质单位',
  'Regs 71 para 3(3)': '发现国家秘密已经泄露或者可能泄露，未立即采取补救措施或者未按照规定时限报告',
  'Regs 71 para 3(4)': '拒绝、逃避、妨碍保密检查',
  'Regs 71 para 3(5)': '暂停涉密业务期间承接新的涉密业务',
  'Regs 71 para 3(6)': '暂停涉密业务期满仍不符合保密法律法规及国家保密规定',
  'Regs 71 para 3(7)': '发生重大泄密案件',
  'Regs 71 para 3(8)': '其他严重违反保密法律法规及国家保密规定行为',
};
export const ANNUAL_RESULT_LABELS = {
  compliant: '符合规定',
  sanctioned: '已作出处罚',
  revoked: '吊销保密资质',
  'no-penalty': '不予处罚',
  otherwise: '另作处理',
} as const;
/** The step that found the enterprise compliant: the headline of a procedure closed so. */
export const ANNUAL_PASSED_LABELS = {
  report: '自检报告审查通过',
  rectification: '整改合格',
  'suspension-review': '暂停期满审查合格',
} as const;
/**
 * The outcome's headline names every sanction applied (Regs 71; Law 60): e.g.
 * 整改合格（已暂停涉密业务、降低资质等级）, 已作出处罚：降低资质等级, 吊销保密资质（此前已暂停涉密业务）.
 */
export function annualOutcomeLabel(
  base: string,
  result: keyof typeof ANNUAL_RESULT_LABELS,
  measures: ReadonlyArray<keyof typeof SANCTION_LABELS>,
): string {
  const named = (ms: ReadonlyArray<keyof typeof SANCTION_LABELS>) => ms.map((m) => SANCTION_LABELS[m]).join('、');
  if (result === 'revoked') {
    const before = measures.filter((m) => m !== 'revocation');
    return before.length ? `${base}（此前已${named(before)}）` : base;
  }
  if (!measures.length) return base;
  return result === 'sanctioned' && base === ANNUAL_RESULT_LABELS.sanctioned
    ? `${base}：${named(measures)}`
    : `${base}（已${named(measures)}）`;
}

/** What a late leak report leads to, by article (SPEC §3.3). */
export const LEAK_CONSEQUENCES: Record<string, string> = {
  'Regs 67 para 1(8)':
    '发生泄密案件未按照规定报告：根据情节轻重，对直接负责的主管人员和其他直接责任人员依法给予处分；构成犯罪的，依法追究刑事责任',
  'Regs 71 para 1':
    '从事涉密业务的企业事业单位违反保密法律法规：由保密行政管理部门责令限期整改，给予警告或者通报批评；有违法所得的，没收违法所得',
  'Regs 71 para 3(3)': '取得保密资质的企业事业单位发现国家秘密已经泄露或者可能泄露，未按照规定时限报告：并处吊销保密资质',
  'Law 59': '网络运营者违反本法第三十四条规定：由公安机关、国家安全机关、电信主管部门、保密行政管理部门按照各自职责分工依法予以处罚',
};

/** What remedial measures not taken 立即 lead to, by article (SPEC §3.3; edition 4). */
export const MEASURES_CONSEQUENCES: Record<string, string> = {
  'Regs 67 para 1(8)':
    '发生泄密案件未及时采取补救措施：根据情节轻重，对直接负责的主管人员和其他直接责任人员依法给予处分；构成犯罪的，依法追究刑事责任',
  'Regs 71 para 1': LEAK_CONSEQUENCES['Regs 71 para 1']!,
  'Regs 71 para 3(3)': '取得保密资质的企业事业单位发现国家秘密已经泄露或者可能泄露，未立即采取补救措施：并处吊销保密资质',
  'Regs 69(1)': '网络运营者发生泄密事件，未依法采取补救措施：责令限期整改，给予警告或者通报批评；情节严重的，处以罚款',
};

/** A person who found a leak and did not report it 及时 to the organ (Law 47; the period is 本地策略). */
export const PERSON_REPORT_CONSEQUENCE = {
  basis: 'Law 47',
  consequence: '发现人未及时报告有关机关、单位（“及时”的期间为本地策略）：由机关、单位依照保密法律法规和本单位规定处理',
} as const;

/** A fact dated before its deadline but entered after it fired (SPEC §3.7; edition 4). */
export const LATE_ENTRY_ZH = {
  pending: '逾期录入、待确认（按发送方所述的实际发生时刻为按期完成，待其他参与方确认该时刻）',
  confirmed: (by: string) => `逾期录入的实际发生时刻已由${by}确认`,
  /** The pseudo-event's name in the audit trail and refusals. */
  event: '确认逾期录入的实际发生时刻',
} as const;

/** What an authority's late step may lead to (Regs 72; Law 61 for its staff), in the articles' words. */
export const AUTHORITY_LATE_CONSEQUENCES = [
  {
    basis: 'Regs 72',
    consequence: '保密行政管理部门未依法履行职责：对直接负责的主管人员和其他直接责任人员依法给予处分；构成犯罪的，依法追究刑事责任',
  },
  { basis: 'Law 61', consequence: '保密行政管理部门的工作人员在履行保密管理职责中玩忽职守的：依法给予处分' },
] as const;
export const AUTHORITY_LATE_READING = '逾期办理提示可能构成“未依法履行职责”，由有权机关认定（读法：本地策略）';

/** The kinds of audit and inbox entries (procedure-view.ts AuditKind). */
export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  started: '启动',
  event: '办理',
  'deadline-set': '期限',
  'deadline-met': '期限完成',
  'deadline-recomputed': '期限重算',
  'recipients-refreshed': '通知对象更新',
  reminder: '提醒',
  escalation: '督办',
  notification: '通知',
  'delivery-failed': '送达失败',
  linked: '记入关联程序',
  closed: '办结',
};

/** A subject code's text; reminders and escalations carry their own text (instants and citations put in words). */
export function subjectText(subject: string): string {
  if (SUBJECTS[subject]) return SUBJECTS[subject];
  // A channel down names the subject that could not be delivered (workflows/deliveries.ts): that one in words too.
  const down = /^通知渠道故障：(.+?)未能送达(.+)$/.exec(subject);
  if (down) return `通知渠道故障：「${subjectText(down[1]!)}」未能送达${down[2]}`;
  return textInWords(subject);
}

/** Why a channel failed (activities/delivery.ts errors), in words; the technical text stays in the log. */
const DELIVERY_ERRORS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/answered (\d{3}), a redirect/, (m) => `接收方答复 ${m[1]}（重定向，不予跟随）`],
  [/answered (\d{3})/, (m) => `接收方答复 ${m[1]}`],
  [/unreachable/, () => '无法连接接收方'],
  [/no SMTP server/, () => '未配置邮件服务器'],
  [/no webhook secret/, () => '未配置接收方的签名密钥'],
];
export function deliveryErrorText(error: string): string {
  for (const [re, zh] of DELIVERY_ERRORS) {
    const m = re.exec(error);
    if (m) return zh(m);
  }
  return '接收方未确认收到（技术原因见系统日志）';
}

/** An instant as people in China read it: `2025-09-26 09:00 北京时间` (UTC+8 all year). */
export function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)} 北京时间`;
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;
const ONE_CITATION = String.raw`(?:Law|Regs|民法典) \d{1,4}(?: para \d{1,2})?(?:\(\d{1,2}\))?`;
const CITATIONS = new RegExp(`${ONE_CITATION}(?:; ${ONE_CITATION})*`, 'g');

/** A text written by the system with instants and citations in it: Beijing time, the statute's words. */
export function textInWords(text: string): string {
  return text.replace(ISO_INSTANT, beijingTime).replace(CITATIONS, (c) => basisText(c) ?? c);
}

/**
 * A refusal in Chinese by its HTTP status, for every problem the API answers without one of its
 * own (`detailZh`): a page shows these, never the English `detail` meant for programs.
 */
export const PROBLEM_LABELS: Record<number, string> = {
  400: '请求有误，未能处理。',
  401: '登录已过期或尚未登录，请重新登录。',
  403: '您无权查看或办理此事项。',
  404: '未找到该程序，或其不在您的可见范围内。',
  409: '程序已有变化，本次未作记录，请刷新后再办理。',
  413: '提交的内容过长。',
  415: '提交的内容格式不受支持。',
  429: '请求过于频繁，请稍后再试。',
  500: '服务器未能完成请求，请稍后再试。',
  503: '服务暂时不可用，请稍后再试。',
};

/** A problem's Chinese text: its own, else its status's, else a general one by class. */
export const problemZh = (status: number): string => PROBLEM_LABELS[status] ?? PROBLEM_LABELS[status >= 500 ? 500 : 400]!;

/** The machines' named guards in words, for the statechart's arrows (machines/graph.ts). */
export const GUARD_LABELS: Record<string, string> = {
  passed: '期限届满',
  edition1: '第一版规则',
  edition2: '第二版起的规则',
  beyondOwnAuthority: '属于上级机关、单位的定密权限',
  filingRequired: '由省级保密行政管理部门确定，须备案',
  filingAndMarkings: '须备案，且决定改变了拟定的密级、保密期限或知悉范围',
  markingsRemoved: '决定不属于国家秘密',
  markingsChanged: '决定变更了密级、保密期限或知悉范围',
  withdrawnObjection: '异议已撤回',
  decidedByProvincialAuthority: '由省级保密行政管理部门决定',
  acceptance: '异议方尚未表示接受',
  mayAppeal: '未放弃报国家保密行政管理部门确定',
  hasSuperior: '有上级主管部门',
  reachedNational: '已报至国家保密行政管理部门',
  relayed: '接报的是保密行政管理部门（须逐级报送）',
  networkOperator: '报告主体为网络运营者',
  secrecyAuthorityHolds: '由保密行政管理部门接报',
  canExtend: '尚未延长，且在期限届满前',
  consultationInPeriod: '在鉴定期限内开始咨询',
  consultationNotExtended: '咨询期限尚未延长',
  concludesEveryItem: '对每一鉴定事项均作出结论',
  rectifiedInTime: '整改在期限内完成',
  endsAfterToday: '所定日期晚于当日',
  resumesTo: '回到提出建议前的步骤',
  duringSuspension: '在暂停涉密业务期间',
};

/** An event that is an authority's binding decision (EventSpec.signOff): the docs and the forms say who signs. */
export const signOffNote = (edition: number) =>
  `具有约束力的决定：第${edition}版规则起须由负责人签发，经办人不能单独办理（本地策略 headSignOff，默认开启）`;

/** A decision recorded in another procedure (EventSpec.linkedFrom; the sender's audit trail says where it went). */
export const LINKED_ZH = {
  // By name and year, not by id: one 年度自检 per enterprise and year (its oneFor).
  recorded: (party: string, label: string, year: unknown) => `已记入${party}${year ? `${String(year)}年度` : ''}的${label}程序`,
  refused: (party: string, label: string, year: unknown, why: string) =>
    `未能记入${party}${year ? `${String(year)}年度` : ''}的${label}程序：${why}`,
  failed: (party: string, label: string, why: string) => `未能查找或记入${party}的${label}程序：${why}`,
  none: (party: string, label: string) => `${party}没有办理中的${label}程序：该决定只记入本程序（本地策略）`,
};
