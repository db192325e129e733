// 打印: the procedure's printed record (办理记录, GET /api/procedures/{id}/record.pdf), fetched with
// the page's credentials and saved as a PDF to open and print; its last page carries the record's chain hash.
import { el } from './dom.js';
import { authHeaders } from './login.js';

export function printButton(id) {
  const status = el('span', { class: 'muted', id: 'print-status', role: 'status' });
  const button = el(
    'button',
    {
      id: 'print-record',
      type: 'button',
      onclick: async () => {
        button.disabled = true;
        status.textContent = ' 正在生成办理记录…';
        try {
          const res = await fetch(`/api/procedures/${encodeURIComponent(id)}/record.pdf`, { headers: authHeaders() });
          if (!res.ok) throw new Error((await res.json().catch(() => ({}))).detailZh ?? '未能生成办理记录，请稍后再试。');
          const url = URL.createObjectURL(await res.blob());
          // In the document, so that the browser keeps the file name.
          const link = el('a', { href: url, download: `办理记录-${id}.pdf`, hidden: true });
          document.body.append(link);
          link.click();
          link.remove();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
          status.textContent = ' 已生成办理记录（PDF），请打开后打印。';
        } catch (e) {
          status.textContent = ` ${e.message}`;
        } finally {
          button.disabled = false;
        }
      },
    },
    '打印办理记录',
  );
  return el('p', { class: 'print-record' }, button, status);
}
