// Names, not codes: the registry's regions and organs picked by typed name (the board, 历史, 统计).
import { el } from './dom.js';

/**
 * The code of a typed name: the name as listed, the code itself, or the one name that contains it
 * (广州 → 广州市 when only one does); else why not, in words.
 */
export function byName(text, options, what) {
  const exact = options.find((o) => o.text === text || o.value === text);
  if (exact) return { hit: exact };
  // A region code or its prefix, as supervisors who know them type them (32: 江苏).
  if (/^\d+$/.test(options[0]?.value ?? '') && /^\d{2}(\d{2}){0,2}$/.test(text)) return { hit: { value: text, text } };
  const some = options.filter((o) => o.text.includes(text));
  if (some.length === 1) return { hit: some[0] };
  // A region and regions inside it (广州 → 广州市, which holds 天河区): the enclosing one.
  const outer = some.find((o) => /^\d+$/.test(o.value) && some.every((x) => x.value.startsWith(o.value.replace(/(00)+$/, ''))));
  if (outer) return { hit: outer };
  return {
    error: some.length
      ? `“${text}”对应多个${what}（${some
          .slice(0, 5)
          .map((o) => o.text)
          .join('、')}${some.length > 5 ? '等' : ''}），请从列表中选择一个。`
      : `没有名为“${text}”的${what}，请从列表中选择。`,
  };
}

/**
 * A name picker: type a name (the list offers the registry's); `onPick` gets the name as shown, the
 * code to filter by ('' for none) and why a name found nothing.
 */
export const namePicker = ({ name, label, what, options, value, onPick }) =>
  el(
    'label',
    {},
    label,
    el('input', {
      name,
      list: `list-${name}`,
      value,
      size: 14,
      placeholder: '输入或选择名称',
      autocomplete: 'off',
      onchange: (e) => {
        const text = e.target.value.trim();
        const { hit, error } = text ? byName(text, options, what) : { hit: undefined };
        onPick({ text: hit?.text ?? text, code: error ? undefined : (hit?.value ?? ''), error });
      },
    }),
    el(
      'datalist',
      { id: `list-${name}` },
      options.map((o) => el('option', { value: o.text })),
    ),
  );

/** A region code by name: its own (440106 广州市天河区), else the nearest enclosing one the registry names. */
export function regionNameIn(regions, code) {
  if (!code) return '—';
  const byCode = new Map(regions.map((r) => [r.code, r.name]));
  return byCode.get(code) ?? byCode.get(`${code.slice(0, 4)}00`) ?? byCode.get(`${code.slice(0, 2)}0000`) ?? code;
}
