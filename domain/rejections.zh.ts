/**
 * Why the driver refused an Update, in Chinese for the pages (beside the English `message` and
 * the stable `code` of workflows/types.ts EventRejection). Pure: the workflow builds them from the
 * labels of the machine, the state and the parties; nothing here is recorded.
 */
import { basisText } from './citation.js';
import { beijingTime, ROLE_LABELS } from './labels.zh.js';
import type { Role } from './parties.js';

/** How an event or a state is named to people: 「提交报告」. */
const quoted = (label: string) => `「${label}」`;
const list = (labels: readonly string[], none: string) => (labels.length ? labels.map(quoted).join('、') : none);
const cited = (basis: string | undefined) => (basis ? `（${basisText(basis)}）` : '');

export const REJECTIONS_ZH = {
  preparing: '程序正在准备（确定参与方和期限），请稍后再次提交；本次未作记录。',
  continuing: '程序正在转入新的运行记录，请稍后再次提交；本次未作记录。',
  replayed: '该项操作已记入案卷，不能再次办理（程序运行记录曾被回退）；本次未作记录。',

  unknownEvent: (procedure: string, offered: readonly string[]) =>
    `${procedure}没有此项办理事项；本程序的办理事项为：${list(offered, '无')}。本次未作记录。`,

  notInState: (event: string, state: string, allowed: readonly string[]) =>
    `当前步骤${quoted(state)}不能办理${quoted(event)}；现在可以办理：${list(allowed, '无（程序已办结）')}。本次未作记录。`,

  notSender: (event: string, senders: readonly string[], actor: string | undefined) =>
    `${quoted(event)}只能由${senders.join('或') || '本程序的参与方'}办理，${actor ?? '未表明身份的请求'}不能办理。本次未作记录。`,

  narrowedSender: (event: string, rule: string) => `${rule}，${quoted(event)}不能由本单位办理。本次未作记录。`,

  linkedOnly: (event: string, from: string) =>
    `${quoted(event)}由${from}程序在颁发资质的保密行政管理部门作出决定后自动记入，任何参与方都不能办理。本次未作记录。`,

  notLinkedFrom: (event: string) => `${quoted(event)}不是可由该程序记入本程序的事项。本次未作记录。`,

  missingSignOff: (event: string, person: { name: string; roles: readonly Role[] } | undefined) =>
    `${quoted(event)}是保密行政管理部门具有约束力的决定，须经负责人签发，由负责人本人办理，经办人不能单独办理（本地策略，参照《实施条例》第六十三条由负责人批准的做法）；${
      person ? `${person.name}的角色为${person.roles.map((r) => ROLE_LABELS[r]).join('、') || '无'}` : '请求未表明办理人'
    }。本次未作记录。`,

  missingRole: (event: string, role: Role, basis: string | undefined, person: { name: string; roles: readonly Role[] } | undefined) =>
    `${quoted(event)}须由办理单位的${ROLE_LABELS[role]}本人办理${cited(basis)}；${
      person ? `${person.name}的角色为${person.roles.map((r) => ROLE_LABELS[r]).join('、') || '无'}` : '请求未表明办理人'
    }。本次未作记录。`,

  invalidPayload: (event: string, fields: readonly string[]) =>
    `${quoted(event)}的填写不符合要求${fields.length ? `（${fields.join('、')}）` : ''}，请按各项说明更正。本次未作记录。`,

  limitReached: (event: string, max: number, count: number, basis: string | undefined) =>
    `${quoted(event)}在一个程序中最多记录 ${max} 次（本地策略），已记录 ${count} 次${cited(basis)}。本次未作记录。`,

  guardRefused: (event: string, state: string, basis: string | undefined) =>
    `当前步骤${quoted(state)}此时不具备办理${quoted(event)}的条件${cited(basis)}。本次未作记录。`,

  notSealedForThis: '该请求不是为本程序的本次提交签发的（可能复制自其他程序或其他提交），不予受理。本次未作记录。',

  readyOnlyStarter: (starter: string) => `程序的准备情况只答复发起程序的${starter}。`,

  recomputeNotAllowed: (authorities: readonly string[]) =>
    `只有本程序的保密行政管理部门（${authorities.join('、')}）或系统管理员可以重算期限。本次未作记录。`,
  recomputeReason: '请说明重算期限的理由（如节假日安排更新），理由记入审计记录。',
  refreshNotAllowed: '只有系统管理员可以按登记册更新通知对象。本次未作记录。',
  refreshReason: '请说明更新通知对象的理由（如保密工作机构联系人变更），理由记入审计记录。',
} as const;

/** The start fact of each procedure (machines' `startFact`), as the start form names it. */
export const START_FACT_LABELS: Record<string, string> = {
  draftedOn: '拟定日期',
  filedOn: '提出异议日期',
  discoveredAt: '发现时刻',
  appliedOn: '申请日期',
  reportFrom: '自检年度末日',
  notifiedOn: '通知纠正日期',
};

/** Why an `occurredAt` (实际发生时刻) is refused, in Chinese: instants in Beijing time (SPEC §2 "When it happened"). */
export const OCCURRED_AT_ZH = {
  notAnInstant: '实际发生时刻应为含时区的时刻，例如 2025-09-30T21:30:00+08:00（北京时间 21:30）。',
  future: (at: string, now: string) => `实际发生时刻 ${beijingTime(at)} 晚于现在（${beijingTime(now)}），不能采用。`,
  beforeStartDate: (at: string, startLabel: string, start: string) =>
    `实际发生时刻 ${beijingTime(at)} 早于程序的起始事实（${startLabel} ${start}），应在该日或其后。`,
  beforeStartInstant: (at: string, startLabel: string, start: string) =>
    `实际发生时刻 ${beijingTime(at)} 早于程序的起始事实（${startLabel} ${beijingTime(start)}），应在其后。`,
  beforePrevious: (at: string, previous: string, previousAt: string) =>
    `实际发生时刻 ${beijingTime(at)} 早于上一事件${quoted(previous)}（${beijingTime(previousAt)}），应在其后。`,
  notAFact: (event: string, facts: readonly string[]) =>
    `${quoted(event)}不记录事实，不填写实际发生时刻；可填写的事项为：${list(facts, '本程序无')}。`,
} as const;

/** Why a start fact (拟定日期、发现时刻 …) is refused, in Chinese: a fact that has not happened yet (SPEC §2 "When it happened"). */
export const START_FACT_ZH = {
  futureDate: (label: string, value: string, today: string) =>
    `${label} ${value} 晚于今天（北京时间 ${today}），不能采用：应填写已经发生的日期，即 ${today} 或以前。本次未启动程序。`,
  futureInstant: (label: string, at: string, now: string) =>
    `${label} ${beijingTime(at)} 晚于现在（${beijingTime(now)}），不能采用：应填写已经发生的时刻。本次未启动程序。`,
} as const;

/** Law 20 para 2 (保密期限的上限), counted from the term's start (Regs 19 para 2). */
export const CEILING_ZH = {
  refused: (level: string, years: number, from: string, lastDay: string) =>
    `保密期限超过上限：国家秘密的保密期限，除另有规定外，${level}级不超过${years}年（《保密法》第二十条第二款），自制发日（${from}）起算至 ${lastDay}（《实施条例》第十九条第二款）。有另有规定的，请在「另有规定」中写明该规定。本次未作记录。`,
  unbounded: (level: string, years: number, from: string, lastDay: string) =>
    `以解密条件确定保密期限的，也受保密期限上限约束：国家秘密的保密期限，除另有规定外，${level}级不超过${years}年（《保密法》第二十条第二款），自制发日（${from}）起算至 ${lastDay}。请填写「最迟解密时间」（解密条件届时仍未成就的，届时解密；不晚于 ${lastDay}；本地策略），有另有规定的，请在「另有规定」中写明该规定。本次未作记录。`,
  unboundedNote: (level: string, years: number, from: string, lastDay: string, provision: string) =>
    `解密条件未写明最迟解密时间，可能超过${level}级${years}年的上限（自 ${from} 起算至 ${lastDay}，《保密法》第二十条第二款），依另有规定：${provision}`,
  note: (level: string, years: number, from: string, lastDay: string, provision: string) =>
    `保密期限超过${level}级${years}年的上限（自 ${from} 起算至 ${lastDay}，《保密法》第二十条第二款），依另有规定：${provision}`,
} as const;
