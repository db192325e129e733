// Swagger UI's own words in Chinese on /docs (the API's descriptions already are): its buttons,
// headings, table heads, validation messages, the schema view's keywords, types and constraints,
// replaced as the interface draws them. Field names, paths, examples and codes stay as they are.
const WORDS = {
  'Try it out': '试用',
  Cancel: '取消',
  Execute: '执行',
  Clear: '清除',
  Parameters: '参数',
  'No parameters': '无参数',
  'Request body': '请求体',
  Responses: '响应',
  'Example Value': '示例',
  'Edit Value': '编辑',
  Schema: '结构',
  Schemas: '数据结构',
  Description: '说明',
  Name: '名称',
  Code: '状态码',
  Links: '链接',
  'No links': '无',
  Authorize: '授权',
  Authorized: '已授权',
  'Available authorizations': '可用的授权方式',
  'Value:': '令牌：',
  Close: '关闭',
  Logout: '退出',
  'Media type': '媒体类型',
  'Examples:': '示例：',
  Examples: '示例',
  'Example Description': '示例说明',
  required: '必填',
  'Server response': '服务器响应',
  'Response body': '响应体',
  'Response headers': '响应头',
  'Request URL': '请求地址',
  'Request duration': '请求耗时',
  Undocumented: '未列明',
  Curl: 'curl 命令',
  Download: '下载',
  Details: '详情',
  Explore: '打开',
  'Loading...': '加载中…',
  Value: '值',
  'Send empty value': '发送空值',
  Reset: '重置',
  'Parameter content type': '参数内容类型',
  'Response content type': '响应内容类型',
  Servers: '服务器',
  'Computed URL:': '实际地址：',
  'Server variables': '服务器变量',
  Extensions: '扩展',
  'Expand all': '全部展开',
  'Collapse all': '全部收起',
  Hide: '收起',
  Show: '展开',
  'Please correct the following validation errors and try again.': '请改正以下输入错误后再试。',
  'Required field is not provided': '必填，尚未填写',
  'Required property not found': '缺少必填属性',
  'Value must be a number': '须为数值',
  'Value must be an integer': '须为整数',
  'Value must be a string': '须为字符串',
  'Value must be a boolean': '须为 true 或 false',
  'Value must be a DateTime': '须为日期时间',
  'Parameter string value must be valid JSON': '须为有效的 JSON',
  'Failed to fetch.': '请求未能完成。',
  'Possible Reasons:': '可能的原因：',
  'Network Failure': '网络故障',
  // "Controls <code>Accept</code> header." is drawn as three text nodes.
  Controls: '决定请求的',
  'header.': '头。',
  '(http, Bearer)': '（HTTP Bearer 令牌：Authorization: Bearer <令牌>）',
  deprecated: '已停用',
  'read-only': '只读',
  'write-only': '只写',
  unique: '不重复',
};

/** Words that mean one thing in one place only (a field may be named `path` or `type`). */
const SCOPED = [
  [
    '.parameter__in',
    {
      path: '路径参数',
      query: '查询参数',
      header: '请求头',
      cookie: 'Cookie',
      '(path)': '（路径参数）',
      '(query)': '（查询参数）',
      '(header)': '（请求头）',
    },
  ],
  [
    '.json-schema-2020-12-keyword__name',
    {
      'Additional properties': '其他属性',
      'Any of': '符合其一（anyOf）',
      'One of': '符合且只符合其一（oneOf）',
      'All of': '全部符合（allOf）',
      Not: '不符合（not）',
      Items: '数组元素',
      'Prefix items': '前置元素',
      Contains: '包含',
      'Property names': '属性名',
      If: '如果',
      Then: '则',
      Else: '否则',
      'Dependent schemas': '依赖结构',
      'Unevaluated items': '未校验的元素',
      'Unevaluated properties': '未校验的属性',
      'Pattern properties': '按名称模式的属性',
      Required: '必填',
    },
  ],
];

/** JSON types by their Chinese names, wherever the schema view or a parameter shows a type. */
const TYPES = {
  object: '对象',
  string: '字符串',
  integer: '整数',
  number: '数值',
  boolean: '布尔值',
  array: '数组',
  null: '空值',
  any: '任意',
};
const TYPED = '.json-schema-2020-12__attribute--primary, .parameter__type, .prop-type';

/** Swagger UI's messages that carry a value. */
const PATTERNS = [
  [/^For '(.+)': (.+)$/, (_, field, why) => `「${field}」：${WORDS[why.replace(/\.$/, '')] ?? why}`],
  [/^Value must be at least (\d+) characters?$/, (_, n) => `至少 ${n} 个字符`],
  [/^Value must be no longer than (\d+) characters?$/, (_, n) => `至多 ${n} 个字符`],
  [/^Value must be greater than or equal to (.+)$/, (_, n) => `须大于或等于 ${n}`],
  [/^Value must be less than or equal to (.+)$/, (_, n) => `须小于或等于 ${n}`],
  [/^Value must follow pattern (.+)$/, (_, p) => `须符合格式 ${p}`],
  [/^Array must contain at least (\d+) items?$/, (_, n) => `至少 ${n} 项`],
  [/^Array must not contain more then (\d+) items?$/, (_, n) => `至多 ${n} 项`],
  [/^matches (.+)$/, (_, p) => `须符合格式 ${p}`],
  [/^multiple of (.+)$/, (_, n) => `${n} 的倍数`],
  [/^(.+) characters$/, (_, range) => `${range} 个字符`],
  [/^(.+) unique items$/, (_, range) => `${range} 项（不重复）`],
  [/^(.+) contained items$/, (_, range) => `包含 ${range} 项`],
  [/^(.+) items$/, (_, range) => `${range} 项`],
  [/^(.+) properties$/, (_, range) => `${range} 个属性`],
  [/^media type: (.+)$/, (_, m) => `媒体类型：${m}`],
  [/^encoding: (.+)$/, (_, e) => `编码：${e}`],
];

const TITLES = { 'Copy to clipboard': '复制到剪贴板', 'Expand operation': '展开', 'Collapse operation': '收起' };

function chinese(node) {
  const text = node.nodeValue.trim();
  if (!text) return undefined;
  const el = node.parentElement;
  for (const [selector, words] of SCOPED) if (el?.closest(selector) && words[text]) return words[text];
  if (el?.closest(TYPED) && /^[a-z |()]+$/.test(text)) return text.replace(/[a-z]+/g, (t) => TYPES[t] ?? t);
  if (WORDS[text]) return WORDS[text];
  for (const [re, to] of PATTERNS) if (re.test(text)) return text.replace(re, to);
  return undefined;
}

function translate(root) {
  const walker = document.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    // Examples, code and what the reader types are not the interface's words.
    if (n.parentElement?.closest('pre, code, textarea, .microlight, .markdown, .renderedMarkdown')) continue;
    const zh = chinese(n);
    if (zh && zh !== n.nodeValue.trim()) n.nodeValue = n.nodeValue.replace(n.nodeValue.trim(), zh);
  }
  for (const e of root.querySelectorAll('[title]')) if (TITLES[e.title]) e.title = TITLES[e.title];
}

document.documentElement.lang = 'zh-CN';
new window.MutationObserver(() => translate(document.body)).observe(document.body, { childList: true, subtree: true, characterData: true });
translate(document.body);
