// Swagger UI's own words in Chinese on /docs (the API's descriptions already are): its buttons,
// headings and table heads, replaced as the interface draws them.
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
  Schema: '结构',
  Description: '说明',
  Name: '名称',
  Code: '状态码',
  Links: '链接',
  'No links': '无',
  Authorize: '授权',
  'Available authorizations': '可用的授权方式',
  Close: '关闭',
  Logout: '退出',
  'Media type': '媒体类型',
  'Controls Accept header.': '决定请求的 Accept 头。',
  'Examples:': '示例：',
  Examples: '示例',
  required: '必填',
  'Default Response': '成功',
  'Server response': '服务器响应',
  'Response body': '响应体',
  'Response headers': '响应头',
  'Request URL': '请求地址',
  Curl: 'curl 命令',
  Download: '下载',
  Details: '详情',
  Explore: '打开',
  'Loading...': '加载中…',
  Value: '值',
};

function translate(root) {
  const walker = document.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const zh = WORDS[n.nodeValue.trim()];
    if (zh) n.nodeValue = n.nodeValue.replace(n.nodeValue.trim(), zh);
  }
}

document.documentElement.lang = 'zh-CN';
new window.MutationObserver(() => translate(document.body)).observe(document.body, { childList: true, subtree: true });
translate(document.body);
