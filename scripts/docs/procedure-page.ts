/**
 * A procedure's page (docs/procedures/<kind>.md), generated from its definition: the states with
 * who acts and the article, the deadlines with their period (a policy key with its default, 本地策略),
 * the events with their senders, the local-policy values it uses, the readings kept by hand in
 * docs/readings/<kind>.md, and the text of every article it cites, from docs/law/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basisText } from '../../domain/citation.js';
import { RULE_LABELS, ROLE_LABELS } from '../../domain/labels.zh.js';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy.js';
import { machineBases, stateNodes } from '../../machines/in-words.zh.js';
import { SIGN_OFF_EDITION, type DeadlineSpec, type EventSpec, type ProcedureDefinition } from '../../machines/procedure.js';
import { articleText, citedArticles, STATUTE_TITLES, type Statute } from './law-articles.js';

/** The parties the machines name (keys of context.parties), in words. */
const PARTY_WORDS: Record<string, string> = {
  organ: '机关、单位',
  authority: '保密行政管理部门',
  national: '国家保密行政管理部门',
  superior: '上级机关、单位',
  classifier: '原定密机关、单位',
  objector: '提出异议的机关、单位',
  applicant: '申请鉴定的监察机关、司法机关',
  enterprise: '取得保密资质的企业',
  licensor: '颁发资质的保密行政管理部门',
  notifier: '通知纠正的一方（保密行政管理部门、上级机关、单位或者本机关、单位）',
  relayHolder: '当前接报的保密行政管理部门（逐级上报）',
};

export const partyWords = (key: string): string => {
  const words = PARTY_WORDS[key];
  if (!words) throw new Error(`scripts/docs/procedure-page.ts: no words for the party "${key}"; add it to PARTY_WORDS`);
  return `${words}（\`${key}\`）`;
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const cite = (basis: string | undefined) => (basis ? `${basisText(basis)}` : '—');

function period(d: DeadlineSpec): string {
  const n = d.n;
  if (typeof n === 'number') return String(n);
  if ('policy' in n) return `${String(DEFAULT_POLICY[n.policy])}（本地策略 \`${n.policy}\`）`;
  return `程序中确定（\`${n.context}\`${d.policyKey ? `，默认来自本地策略 \`${d.policyKey}\` = ${String(DEFAULT_POLICY[d.policyKey])}` : ''}）`;
}

function deadlineNotes(d: DeadlineSpec): string {
  const notes = [
    d.sinceEdition ? `第${d.sinceEdition}版起` : '',
    d.maxExtensions !== undefined ? `可延长${d.maxExtensions}次` : '',
    d.suspensionsFrom ? '可中止计算' : '',
    d.remindersDaysBefore
      ? `期满前 ${DEFAULT_POLICY[d.remindersDaysBefore].join('、')} 日提醒（本地策略 \`${d.remindersDaysBefore}\`）`
      : '',
    d.obligation === false ? '期间届满日，不是办理义务（不督办）' : '',
    d.escalateTo ? `逾期报${partyWords(d.escalateTo)}` : '',
    d.instanceFrom ? `每一级各计一次（\`${d.instanceFrom}\`）` : '',
  ];
  return notes.filter(Boolean).join('；') || '—';
}

function senders(e: EventSpec): string {
  const by = e.by.map(partyWords).join('、');
  const narrowed = e.narrowed
    ? `；第${e.narrowed.sinceEdition}版起仅${e.narrowed.by.map(partyWords).join('、')}（${e.narrowed.ruleZh}）`
    : '';
  return by + narrowed;
}

function eventNotes(e: EventSpec): string {
  const notes = [
    e.fact ? '记录事实，可填实际发生时刻 `occurredAt`' : '',
    e.role ? `须${ROLE_LABELS[e.role]}本人办理` : '',
    e.signOff ? `第${SIGN_OFF_EDITION}版起须负责人签发（本地策略 \`headSignOff\`）` : '',
    e.max !== undefined ? `每件程序至多 ${e.max} 次（本地策略）` : '',
  ];
  return notes.filter(Boolean).join('；') || '—';
}

/** The local-policy keys a machine's deadlines read, with their defaults. */
function policyKeys(def: ProcedureDefinition): Array<keyof Policy> {
  const keys = new Set<keyof Policy>();
  for (const node of stateNodes(def)) {
    const d = node.meta?.deadline;
    if (!d) continue;
    if (typeof d.n === 'object' && 'policy' in d.n) keys.add(d.n.policy);
    if (d.policyKey) keys.add(d.policyKey);
    if (d.remindersDaysBefore) keys.add(d.remindersDaysBefore);
  }
  return [...keys];
}

export function procedurePage(root: string, def: ProcedureDefinition): string {
  const readings = readFileSync(join(root, 'docs/readings', `${def.kind}.md`), 'utf8').trim();
  const nodes = stateNodes(def).filter((n) => n.meta?.label);
  const deadlineNodes = nodes.filter((n) => n.meta?.deadline);
  const out: string[] = [
    `<!-- 由 \`npm run docs\`（scripts/generate-docs.ts）从 machines/${def.kind}.ts 与 docs/readings/${def.kind}.md 生成，请勿手改：改机器或解读后重新生成，test/docs/generated-docs.test.ts 核对。 -->`,
    '',
    `# ${def.label}（\`${def.kind}\`）`,
    '',
    `依据：${cite(def.basis)}。启动方：启动字段 \`${def.startedBy}\` 所指的一方；启动事实：\`${def.startFact}\`（不得晚于当前时刻，其后的事件不得早于它）。`,
    '',
    '各程序共同的规则（期限计算、逾期录入、负责人签发、保密期限上限等）见 [共同规则](../rules.md)；条文全文见 [docs/law](../law/)。',
    '',
    '## 步骤',
    '',
    '列出机器的全部状态，含较早版本规则的状态：程序按其启动时的版本运行（见下文“解读与范围”）。',
    '',
    '| 步骤 | 状态 | 办理方 | 依据 |',
    '| --- | --- | --- | --- |',
    ...nodes.map((n) => {
      const m = n.meta!;
      const final = n.type === 'final' ? '（终止）' : '';
      return `| ${cell(m.label)}${final} | \`${n.path.join('.')}\` | ${m.responsible ? partyWords(m.responsible) : '—'} | ${cell(cite(m.basis))} |`;
    }),
    '',
    '## 期限',
    '',
    '| 期限 | 状态 | 计算 | 期间 | 起算 | 办理方 | 依据 | 说明 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...deadlineNodes.map((n) => {
      const d = n.meta!.deadline!;
      const rule = RULE_LABELS[d.rule].replace(/（.*$/, '');
      return `| ${cell(d.label)} | \`${n.path.join('.')}\` | ${rule} | ${cell(period(d))} | \`${d.from}\` | ${partyWords(d.responsible)} | ${cell(cite(d.basis))} | ${cell(deadlineNotes(d))} |`;
    }),
    '',
    '计算方式：',
    '',
    ...[...new Set(deadlineNodes.map((n) => n.meta!.deadline!.rule))].map((r) => `- ${RULE_LABELS[r]}`),
    '',
    '## 事件',
    '',
    '| 事件 | 代码 | 发送方 | 依据 | 说明 |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(def.events).map(
      ([type, e]) => `| ${cell(e.label)} | \`${type}\` | ${cell(senders(e))} | ${cell(cite(e.basis))} | ${cell(eventNotes(e))} |`,
    ),
    '',
  ];
  const keys = policyKeys(def);
  if (keys.length) {
    out.push(
      '## 本地策略取值',
      '',
      '法律未规定的期间由本地策略确定（`BM_POLICY_FILE`，见 [配置](../configuration.md)）；默认值：',
      '',
      ...keys.map((k) => `- \`${k}\`：${JSON.stringify(DEFAULT_POLICY[k])}`),
      '',
    );
  }
  out.push(readings, '');
  const seen = new Set<string>();
  const articles = machineBases(def)
    .flatMap(citedArticles)
    .filter((a) => !seen.has(`${a.statute} ${a.article}`) && seen.add(`${a.statute} ${a.article}`))
    .sort((a, b) => (a.statute === b.statute ? a.article - b.article : a.statute === 'Law' ? -1 : 1));
  out.push('## 所引条文', '');
  for (const statute of ['Law', 'Regs'] as Statute[]) {
    const mine = articles.filter((a) => a.statute === statute);
    if (!mine.length) continue;
    out.push(`### ${STATUTE_TITLES[statute]}`, '');
    for (const a of mine)
      out.push(
        articleText(root, statute, a.article)
          .split('\n\n')
          .map((p) => `> ${p}`)
          .join('\n>\n'),
        '',
      );
  }
  return out.join('\n');
}
