/**
 * The OpenAPI document for a department's integrator (/docs): what to read first in Chinese
 * (English after it), example bodies built from each schema, and no meaningless bounds.
 */
import { LEVEL_LABELS } from '../domain/labels.zh.js';

/** 密级 as the API spells it: the mapping an integrator must not get wrong (secret is 机密, not 秘密). */
export const LEVEL_MAPPING = Object.entries(LEVEL_LABELS)
  .map(([code, zh]) => `${code} = ${zh}`)
  .join('，');

export const API_DESCRIPTION = `机关、单位启动程序并发送事件；保密行政管理部门作出决定；监督人员查看期限。
(Organs start procedures and send events; secrecy authorities decide; supervisors watch the deadlines.)

## 如何取得访问令牌 (getting a token)
每个请求（公开的 /docs、/openapi.json、/healthz、/api/deadline、/api/machines 除外）带
\`Authorization: Bearer <令牌>\`，令牌表明办理人及其所代表的机关、单位或保密行政管理部门：

1. **统一身份认证（生产环境）**：向本单位统一身份认证（OIDC）申请本系统的客户端，以客户端凭证或授权码流程取得
   access token；令牌须带 \`aud\`（BM_OIDC_AUDIENCE）及所代表的单位（登记簿中的编号）和角色。
2. **本系统签发的令牌**：由系统管理员按 docs/security.md 签发（HS256，\`bm_party\`、\`bm_roles\`，最长 12 小时），
   吊销时将其 \`jti\` 加入 BM_TOKEN_DENYLIST。
3. **演示模式**：\`npm start\` 在终端打印一个可用 8 小时的演示令牌；页面上点击演示人员即可登录。

令牌过期或无效时返回 401，\`detailZh\` 为“登录已过期或尚未登录，请重新登录。”。

## 密级对照 (levels) —— 务必核对
凡是取值为密级的字段（level）：**${LEVEL_MAPPING}**。
注意 \`secret\` 是**机密**，\`confidential\` 是**秘密**，不可按英文字面对译。
(level: top-secret = 绝密, secret = 机密, confidential = 秘密.)

## 时间与期限 (times)
- 日期写作 \`YYYY-MM-DD\`；时刻写作 ISO 8601 并带时区，例如 \`2026-12-07T09:30:00+08:00\`（北京时间）。
- 记录事实的事件可带 \`occurredAt\`（实际发生时刻）：不得晚于现在，不得早于上一事件及程序的起始事实。
- 期限按工作日历计算；标注“本地策略”的期限不是法定期限。

## 重复提交与错误 (idempotency, errors)
- 带 \`Idempotency-Key\` 头的重复请求只办理一次，返回第一次的结果。
- 错误按 RFC 9457 返回：\`detail\` 供程序读取（英文），\`detailZh\` 为中文说明，\`fieldErrors[].messageZh\` 指出每个字段的问题。
`;

/** The groups of the document, each said in Chinese beside its name. */
export const API_TAGS = [
  { name: 'procedures', description: '程序：启动、发送事件、详情与列表' },
  { name: 'workbench', description: '工作台：表单、工作日历、我的待办' },
  { name: 'dashboard', description: '期限看板：概览、看板、状态图、当前身份' },
  { name: 'inbox', description: '收件箱：发给本单位的通知、提醒、督办，本人已读/未读' },
  { name: 'calendar', description: '日历订阅：本人的期限日历（ICS）订阅地址' },
  { name: 'registry', description: '登记簿：保密行政管理部门、机关单位、地区' },
  { name: 'deadline', description: '期限计算（试算）' },
  { name: 'auth', description: '登录与退出' },
  { name: 'codec', description: 'Temporal 载荷加解密（运维）' },
  { name: 'health', description: '健康检查' },
];

type Json = { [k: string]: unknown };
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

/** Example values of fields named alike across the procedures (a real case, not "string"). */
const EXAMPLES: Record<string, unknown> = {
  organId: 'org-th-office',
  objectorId: 'org-gz-institute',
  classifierId: 'org-th-office',
  applicantId: 'org-gz-procuratorate',
  enterpriseId: 'ent-gz-tech',
  receiverId: 'auth-440106',
  matterRef: 'TH-2026-7',
  incidentRef: 'TH-L-2026-1',
  caseRef: '穗检〔2026〕101号',
  ref: 'A1',
  title: '某型设备参数',
  summary: '涉密文件误发至互联网邮箱',
  remedialMeasures: '已撤回邮件并封存终端',
  protectiveMeasures: '按机密级先行管理',
  measures: '已封存相关终端',
  grounds: '部分内容已公开',
  scope: '项目组成员',
  reportNumber: '天办〔2026〕7号',
  filingNumber: '粤保备〔2026〕3号',
  noticeRef: '天办〔2026〕8号',
  result: '已查明原因，责任人已处理',
  description: '笔记本电脑中的文件一份',
  level: 'secret',
  year: 2026,
  years: 10,
};

/**
 * An example value for a JSON Schema: a known field's real value, an enumeration's first option,
 * a union's first case, each required field of an object (and optional ones with a known value).
 */
export function exampleOf(schema: Json, key = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined && !(key in EXAMPLES)) return schema.default;
  const union = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (union?.length) return exampleOf(union[0]!, key);
  if (key in EXAMPLES && schema.type !== 'object' && schema.type !== 'array') return EXAMPLES[key];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const props = (schema.properties as Record<string, Json> | undefined) ?? {};
      return Object.fromEntries(
        Object.entries(props)
          .filter(([k]) => required.has(k) || (k in EXAMPLES && k !== 'receiverId'))
          .map(([k, p]) => [k, exampleOf(p, k)]),
      );
    }
    case 'array':
      return [exampleOf((schema.items as Json | undefined) ?? {}, key)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default:
      if (schema.pattern === DATE) return '2026-12-07';
      if (/At$/.test(key) || schema.format === 'date-time') return '2026-12-07T09:30:00+08:00';
      return '非涉密简要说明';
  }
}

/**
 * The document as an integrator reads it: without the ±(2^53 − 1) bounds zod gives every integer
 * (they say nothing), with the level mapping beside every level, and a response described in Chinese.
 */
export function forIntegrators<T>(doc: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) as Json;
    // A body of several kinds (each event): its examples named by the kind's title, not example1, example2 ….
    const kinds = ((o.schema as Json | undefined)?.anyOf as Json[] | undefined)?.map((k) => k.title);
    const examples = o.examples as Record<string, Json> | undefined;
    if (kinds?.every(Boolean) && examples && Object.keys(examples).length === kinds.length)
      o.examples = Object.fromEntries(Object.values(examples).map((e, i) => [String(kinds[i]), { summary: kinds[i], ...e }]));
    // @fastify/swagger's description of a response that has none: Swagger UI shows it as is.
    if (o.description === 'Default Response') o.description = '成功 (success)';
    if (o.minimum === Number.MIN_SAFE_INTEGER) delete o.minimum;
    if (o.maximum === Number.MAX_SAFE_INTEGER) delete o.maximum;
    if (
      Array.isArray(o.enum) &&
      o.enum.includes('secret') &&
      o.enum.includes('confidential') &&
      !String(o.description ?? '').includes('机密')
    )
      o.description = `密级：${LEVEL_MAPPING}（secret 是机密，confidential 是秘密）${o.description ? `。${String(o.description)}` : ''}`;
    return o;
  };
  return walk(doc) as T;
}
