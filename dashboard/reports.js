// What the 历史 and 统计 pages share: their filters of a procedure (kind, tier, region and organ by
// name), the query they make of them, and the export buttons.
import { el } from './dom.js';
import { authHeaders } from './login.js';
import { namePicker } from './names.js';

export const TIER_NAMES = { national: '国家', provincial: '省级', municipal: '设区的市级', county: '县级' };

/** A select of `options` ({value: text}) with 全部 first; `onChange` gets the value. */
export const choice = (name, label, options, value, onChange) =>
  el(
    'label',
    {},
    label,
    el(
      'select',
      { name, onchange: (e) => onChange(e.target.value) },
      el('option', { value: '' }, '全部'),
      Object.entries(options).map(([v, t]) => el('option', { value: v, ...(value === v ? { selected: true } : {}) }, t)),
    ),
  );

/** A Beijing day (YYYY-MM-DD). */
export const dayInput = (name, label, value, onChange) =>
  el('label', {}, label, el('input', { type: 'date', name, value, onchange: (e) => onChange(e.target.value) }));

/**
 * The procedure filters of a page's state `f` (kind, tier, region, organ, with the names typed in
 * `f.typed`); `redraw` after a change. A name that finds nothing sets `f.error` and filters nothing.
 */
export function procedureFilters(f, ctx, redraw) {
  const set = (k) => (v) => {
    f[k] = v;
    redraw();
  };
  const picker = (name, label, what, options) =>
    namePicker({
      name,
      label,
      what,
      options,
      value: f.typed[name] ?? '',
      onPick: ({ text, code, error }) => {
        f.typed[name] = text;
        f.error = error;
        if (!error) f[name] = code;
        redraw();
      },
    });
  return [
    choice('kind', '程序', ctx.labels, f.kind, set('kind')),
    choice('tier', '层级', TIER_NAMES, f.tier, set('tier')),
    picker(
      'region',
      '地区',
      '地区',
      ctx.regions.map((r) => ({ value: r.code, text: r.name })),
    ),
    picker(
      'organ',
      '发起的机关、单位',
      '机关、单位',
      ctx.organs.map((o) => ({ value: o.id, text: o.name })),
    ),
  ];
}

/** The query string of a page's filters (its `keys`, those set). */
export const queryOf = (f, keys) => new URLSearchParams(keys.filter((k) => f[k]).map((k) => [k, f[k]]));

/** Downloads an export (the API's file, under the name it gives); a refusal is shown in `where`. */
async function download(path, where) {
  where.textContent = '';
  try {
    const res = await fetch(path, { headers: authHeaders() });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      where.textContent = `导出失败：${body.detailZh ?? '服务器未能完成请求，请稍后再试。'}`;
      return;
    }
    const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export');
    const a = el('a', { href: URL.createObjectURL(await res.blob()), download: name });
    document.body.append(a);
    a.click();
    // Removed once the browser has taken the download (earlier, it may forget the file's name).
    setTimeout(() => {
      a.remove();
      URL.revokeObjectURL(a.href);
    }, 10_000);
  } catch {
    where.textContent = '导出失败：无法连接服务器，请检查网络后重试。';
  }
}

/** Export buttons for `path(format)`: by default 导出 CSV and 导出 Excel. */
export function exportButtons(id, path, labels = { csv: '导出 CSV', xlsx: '导出 Excel' }) {
  const error = el('span', { class: 'error', role: 'alert' });
  return el(
    'span',
    { class: 'exports', id },
    Object.entries(labels).map(([format, text]) =>
      el('button', { type: 'button', class: `export-${format}`, onclick: () => download(path(format), error) }, text),
    ),
    error,
  );
}
