// Forms generated from the JSON Schemas of the zod schemas the API validates (GET /api/forms):
// Chinese labels from the schemas' descriptions (or the field words the server sends), registry
// pickers for parties, dates with the working-day calendar, field errors from the server's answer.
import { el, thead } from './dom.js';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const GENERIC = /^非涉密简要说明/;
/** A description without its English or article notes in brackets: "知悉范围 (who may know)" → 知悉范围. */
const clean = (s) => s.replace(/\s*[（(][^）)]*[A-Za-z][^）)]*[）)]/g, '').trim();

let seq = 0;

/** The label and hint of a field: its own description, else the shared word for its name. */
export function words(key, schema, ctx) {
  const d = schema.description ?? '';
  const options = schema.enum ?? [];
  if (!d || GENERIC.test(d) || options.some((o) => d.includes(o)))
    return { label: ctx.fieldLabels[key] ?? key, hint: GENERIC.test(d) ? '非涉密简要说明，不得填写国家秘密内容' : undefined };
  const [label, ...rest] = clean(d).split('：');
  return { label: label || ctx.fieldLabels[key] || key, hint: rest.join('：') || undefined };
}

/** An option's words: the shared label, else the schema's "value 中文 · value 中文" description. */
export function optionLabel(value, schema, ctx) {
  if (ctx.optionLabels[value]) return ctx.optionLabels[value];
  const d = (schema.description ?? '').replace(/^[^：]*：/, '');
  const part = d.split(' · ').find((p) => p.startsWith(`${value} `));
  return part ? clean(part.slice(value.length + 1)) : value;
}

const variants = (s) => s.oneOf ?? s.anyOf;
const discriminator = (list) =>
  Object.keys(list[0].properties ?? {}).find((k) => list.every((v) => v.properties?.[k]?.const !== undefined));

/**
 * A form for a JSON Schema object. Returns the element, `value()` (the body to send) and
 * `errors(fieldErrors)` (shows the server's refusal next to each field and in a summary).
 * ctx: { fieldLabels, optionLabels, parties: { organs, authorities }, fixed: { key: value }, calendar(from), onDate(path, value) }.
 */
export function schemaForm(schema, ctx) {
  const id = `f${++seq}`;
  const getters = new Map();
  /** Controls whose value is not their `value` (an instant and its offset), by path. */
  const setters = new Map();
  /** Values filled in for fields of a union's case not yet chosen, by path. */
  const pending = new Map();
  const set = (control, v) => {
    if (control.disabled) return;
    if (control.type === 'checkbox') control.checked = v === true;
    else control.value = String(v);
    control.dispatchEvent(new Event('change'));
  };

  function field(path, key, s, required) {
    const fid = `${id}-${path.replace(/\./g, '-')}`;
    const { label, hint } = words(key, s, ctx);
    const hintId = hint ? `${fid}-hint` : undefined;
    const wrap = (control, extra) =>
      el(
        'div',
        { class: 'field', 'data-field': path },
        el('label', { for: fid }, label, required ? el('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : undefined),
        hint ? el('div', { class: 'hint', id: hintId }, hint) : undefined,
        control,
        extra,
      );
    const common = { id: fid, name: path, 'aria-required': required ? 'true' : undefined, 'aria-describedby': hintId };

    if (variants(s)) return union(path, key, s, required);
    if (s.type === 'object') return object(path, s, label);
    if (s.type === 'array') return array(path, key, s, label);
    if (s.enum) {
      const sel = el(
        'select',
        common,
        required && s.default === undefined
          ? el('option', { value: '' }, '请选择')
          : el('option', { value: '' }, s.default !== undefined ? '（默认）' : '（不填）'),
        s.enum.map((v) => el('option', { value: v }, optionLabel(v, s, ctx))),
      );
      if (s.default !== undefined) sel.value = s.default;
      getters.set(path, () => sel.value || undefined);
      return wrap(sel);
    }
    if (s.type === 'boolean') {
      const box = el('input', { ...common, type: 'checkbox' });
      getters.set(path, () => box.checked);
      return el('div', { class: 'field check', 'data-field': path }, box, el('label', { for: fid }, label));
    }
    if (s.type === 'integer' || s.type === 'number') {
      const input = el('input', {
        ...common,
        type: 'number',
        inputmode: 'numeric',
        min: s.minimum,
        max: s.maximum,
        step: s.type === 'integer' ? 1 : 'any',
      });
      getters.set(path, () => (input.value === '' ? undefined : Number(input.value)));
      return wrap(input);
    }
    // Parties of the registry: a picker, never a typed id.
    if (/Id$/.test(key)) {
      const fixed = ctx.fixed?.[key];
      const list = fixed ? [fixed] : key === 'receiverId' ? [...ctx.parties.authorities, ...ctx.parties.organs] : ctx.parties.organs;
      const sel = el(
        'select',
        common,
        fixed ? undefined : el('option', { value: '' }, '请选择'),
        list.map((p) => el('option', { value: p.id }, p.name)),
      );
      if (fixed) sel.value = fixed.id;
      getters.set(path, () => sel.value || undefined);
      return wrap(sel);
    }
    if (s.pattern === DATE) {
      // The browser's own date control (lang zh-CN), the date in Chinese with its kind of day beside
      // it (2025年10月1日（星期三，国庆节，法定节假日）), and the month's working-day calendar below.
      const echoId = `${fid}-zh`;
      const input = el('input', { ...common, type: 'date', lang: 'zh-CN', 'aria-describedby': [hintId, echoId].filter(Boolean).join(' ') });
      const echo = el('output', { class: 'date-zh', id: echoId, for: fid, 'aria-live': 'polite' });
      const cal = el('div', { class: 'calendar' });
      const shown = () => {
        echo.textContent = input.value ? dateZh(input.value) : '';
        if (input.value)
          void ctx.calendar(input.value).then(({ grid, day }) => {
            cal.replaceChildren(grid);
            echo.textContent = dateZh(input.value, day);
          });
        ctx.onDate?.(path, input.value);
      };
      input.addEventListener('change', shown);
      getters.set(path, () => input.value || undefined);
      return wrap(input, el('div', {}, echo, cal));
    }
    // An instant (e.g. 发现时刻): the time where it happened with its offset, Beijing time unless changed.
    if (/At$/.test(key)) {
      const echoId = `${fid}-zh`;
      const input = el('input', {
        ...common,
        type: 'datetime-local',
        lang: 'zh-CN',
        'aria-describedby': [hintId, echoId].filter(Boolean).join(' '),
      });
      const zone = el(
        'select',
        { id: `${fid}-tz`, name: `${path}@offset`, 'aria-label': `${label}的时区` },
        OFFSETS.map(([v, t]) => el('option', { value: v }, t)),
      );
      const echo = el('output', { class: 'date-zh', id: echoId, for: fid, 'aria-live': 'polite' });
      const instant = () => (input.value ? `${input.value.slice(0, 16)}:00${zone.value}` : undefined);
      const shown = () => {
        const v = instant();
        const local = v ? `${dateZh(input.value.slice(0, 10))} ${input.value.slice(11, 16)}` : '';
        echo.textContent = !v
          ? ''
          : zone.value === '+08:00'
            ? `${local} 北京时间`
            : `${local}（${zoneName(zone.value)}），即 ${beijingText(v)}`;
        ctx.onDate?.(path, v ?? '');
      };
      input.addEventListener('change', shown);
      zone.addEventListener('change', shown);
      getters.set(path, instant);
      setters.set(path, (v) => {
        const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(String(v));
        if (!m) return;
        const offset = m[2] === 'Z' ? '+00:00' : m[2];
        if (OFFSETS.some(([o]) => o === offset)) [input.value, zone.value] = [m[1], offset];
        else [input.value, zone.value] = [beijingLocal(String(v)), '+08:00'];
        shown();
      });
      return wrap(el('span', { class: 'instant' }, input, zone), echo);
    }
    const input =
      (s.maxLength ?? 0) > 100
        ? el('textarea', { ...common, maxlength: s.maxLength, rows: 2 })
        : el('input', { ...common, type: 'text', maxlength: s.maxLength });
    getters.set(path, () => (input.value.trim() === '' ? undefined : input.value));
    return wrap(input);
  }

  function object(path, s, legend) {
    const req = new Set(s.required ?? []);
    const children = Object.entries(s.properties ?? {}).map(([k, sub]) => field(path ? `${path}.${k}` : k, k, sub, req.has(k)));
    return path ? el('fieldset', { 'data-field': path }, el('legend', {}, legend), children) : el('div', {}, children);
  }

  /** A discriminated union: choose the case, then fill in its fields. */
  function union(path, key, s, required) {
    const list = variants(s);
    const disc = discriminator(list);
    const fid = `${id}-${path.replace(/\./g, '-')}-${disc}`;
    const { label } = words(key, s, ctx);
    const body = el('div', { class: 'variant' });
    const sel = el(
      'select',
      { id: fid, name: `${path}.${disc}`, 'aria-required': required ? 'true' : undefined },
      el('option', { value: '' }, '请选择'),
      list.map((v) => el('option', { value: v.properties[disc].const }, optionLabel(v.properties[disc].const, v.properties[disc], ctx))),
    );
    let shown;
    const render = () => {
      // The same case chosen again (a second change event) keeps what was entered in its fields.
      if (sel.value === shown) return;
      shown = sel.value;
      for (const k of [...getters.keys()]) if (k.startsWith(`${path}.`) && k !== `${path}.${disc}`) getters.delete(k);
      const v = list.find((x) => x.properties[disc].const === sel.value);
      if (!v) return body.replaceChildren();
      const req = new Set(v.required ?? []);
      body.replaceChildren(
        ...Object.entries(v.properties)
          .filter(([k]) => k !== disc)
          .map(([k, sub]) => field(`${path}.${k}`, k, sub, req.has(k))),
      );
      for (const [p, x] of pending) {
        const control = p.startsWith(`${path}.`) && body.querySelector(`[name="${CSS.escape(p)}"]`);
        if (control) {
          pending.delete(p);
          set(control, x);
        }
      }
    };
    sel.addEventListener('change', render);
    getters.set(`${path}.${disc}`, () => sel.value || undefined);
    return el(
      'fieldset',
      { 'data-field': path },
      el('legend', {}, label),
      el('div', { class: 'field', 'data-field': `${path}.${disc}` }, el('label', { for: fid }, ctx.fieldLabels[disc] ?? disc), sel),
      body,
    );
  }

  /** A list: one block per item, with 添加 / 删除. */
  function array(path, key, s, label) {
    const list = el('div', { class: 'items' });
    let n = 0;
    const add = () => {
      const i = n++;
      const item = field(`${path}.${i}`, key, s.items, true);
      const block = el(
        'div',
        { class: 'item', 'data-item': i },
        item,
        el(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              block.remove();
              for (const k of [...getters.keys()]) if (k.startsWith(`${path}.${i}.`) || k === `${path}.${i}`) getters.delete(k);
            },
          },
          `删除第 ${i + 1} 项`,
        ),
      );
      list.append(block);
    };
    for (let i = 0; i < Math.max(1, s.minItems ?? 0); i++) add();
    return el(
      'fieldset',
      { 'data-field': path },
      el('legend', {}, label),
      list,
      el('button', { type: 'button', class: 'add', onclick: add }, `添加一项（${label}）`),
    );
  }

  const element = object('', schema);

  /** The body: nested objects from the dotted paths, list items in order, empty fields left out. */
  function value() {
    const out = {};
    for (const [path, get] of getters) {
      // A field hidden because another case was chosen is not sent.
      if (element.querySelector(`[data-field="${CSS.escape(path)}"]`)?.closest('[hidden]')) continue;
      const v = get();
      if (v === undefined) continue;
      const keys = path.split('.');
      let node = out;
      keys.forEach((k, i) => {
        if (i === keys.length - 1) node[k] = v;
        else node = node[k] ??= /^\d+$/.test(keys[i + 1]) ? {} : {};
      });
    }
    const arrays = (o) => {
      if (o === null || typeof o !== 'object') return o;
      const keys = Object.keys(o);
      if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => a - b).map((k) => arrays(o[k]));
      return Object.fromEntries(keys.map((k) => [k, arrays(o[k])]));
    };
    return arrays(out);
  }

  function clear(root) {
    root.querySelectorAll('.field-error').forEach((e) => e.remove());
    root.querySelectorAll('[aria-invalid]').forEach((e) => {
      e.removeAttribute('aria-invalid');
      e.setAttribute(
        'aria-describedby',
        (e.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .filter((x) => x && !x.endsWith('-err'))
          .join(' '),
      );
    });
  }

  /** Marks each refused field (or its nearest rendered parent); returns the summary entries. */
  function errors(root, fieldErrors) {
    clear(root);
    return fieldErrors.map((f) => {
      let path = f.field.replace(/^body\./, '');
      let box = root.querySelector(`[data-field="${CSS.escape(path)}"]`);
      while (!box && path.includes('.')) {
        path = path.slice(0, path.lastIndexOf('.'));
        box = root.querySelector(`[data-field="${CSS.escape(path)}"]`);
      }
      box ??= root;
      const control = box.querySelector('input, select, textarea');
      const label = box.querySelector('label, legend')?.textContent.replace(/\s*\*$/, '') ?? '';
      const errId = `${control?.id ?? id}-err`;
      const text = f.messageZh ?? f.message;
      box.append(el('p', { class: 'field-error', id: errId }, text));
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), errId].filter(Boolean).join(' '));
      }
      return { label, text, control };
    });
  }

  /**
   * Sets the fields from a body of the shape `value()` returns (a draft kept over a sign-in, a
   * decision proposed): each union's case before its fields, list items added as needed.
   */
  function fill(body) {
    const leaves = [];
    const walk = (v, path) => {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      else if (v !== undefined) leaves.push([path, v]);
    };
    walk(body, '');
    for (const [path, v] of leaves) {
      if (setters.has(path)) {
        setters.get(path)(v);
        continue;
      }
      const find = () => element.querySelector(`[name="${CSS.escape(path)}"]`);
      let control = find();
      // A list item not there yet: added, up to the one named.
      const item = /^(.+)\.(\d+)(?:\.|$)/.exec(path);
      const list = item && element.querySelector(`fieldset[data-field="${CSS.escape(item[1])}"]`);
      for (let n = 0; !control && list && n <= Number(item[2]); n++) {
        if (element.querySelector(`[data-field="${CSS.escape(`${item[1]}.${item[2]}`)}"]`)) break;
        list.querySelector(':scope > button.add')?.click();
        control = find();
      }
      // A field of a union's case not chosen yet: set when the case is chosen.
      if (!control) pending.set(path, v);
      else set(control, v);
    }
  }

  return { element, value, errors, fill };
}

/** Offsets an instant may be entered in (UTC+8 first: Beijing time, all year). */
const OFFSETS = [
  ['+08:00', '北京时间（UTC+8）'],
  ['+00:00', '协调世界时（UTC）'],
  ['+09:00', 'UTC+9'],
  ['+07:00', 'UTC+7'],
  ['+06:00', 'UTC+6'],
  ['+05:00', 'UTC+5'],
  ['+04:00', 'UTC+4'],
  ['+03:00', 'UTC+3'],
  ['+02:00', 'UTC+2'],
  ['+01:00', 'UTC+1'],
  ['-05:00', 'UTC−5'],
  ['-08:00', 'UTC−8'],
];
const zoneName = (offset) => OFFSETS.find(([o]) => o === offset)?.[1] ?? offset;
/** An instant as a Beijing-time datetime-local value (YYYY-MM-DDTHH:mm). */
const beijingLocal = (iso) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);
const beijingText = (iso) => {
  const local = beijingLocal(iso);
  return `${dateZh(local.slice(0, 10))} ${local.slice(11, 16)} 北京时间`;
};

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const DAY_KINDS = { workday: '工作日', weekend: '休息日', holiday: '法定节假日', 'makeup-workday': '调休上班日' };

/** A date as people in China write it, with its weekday and, from the calendar, its kind: 2025年9月28日（星期日，国庆节，调休上班日）. */
export function dateZh(date, day) {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  const kind = day ? [day.name, DAY_KINDS[day.kind]].filter(Boolean).join('，') : '';
  return `${y}年${m}月${d}日（${weekday}${kind ? `，${kind}` : ''}）`;
}

/** A month of the working-day calendar around a date: holidays and 调休 working days marked. */
export function calendarGrid(days, picked) {
  const first = days[0].date;
  const month = picked.slice(0, 7);
  const rows = [];
  for (let i = 0; i < days.length; i += 7) rows.push(days.slice(i, i + 7));
  const cell = (d) => {
    const cls = [d.kind, d.date === picked ? 'picked' : '', d.date.slice(0, 7) !== month ? 'other' : ''].filter(Boolean).join(' ');
    const mark = d.kind === 'holiday' ? '休' : d.kind === 'makeup-workday' ? '班' : '';
    const title =
      d.kind === 'holiday'
        ? `${d.date} ${d.name ?? ''}（法定节假日）`
        : d.kind === 'makeup-workday'
          ? `${d.date} ${d.name ?? ''}调休上班`
          : `${d.date} ${d.working ? '工作日' : '休息日'}`;
    return el(
      'td',
      { class: cls, title, 'data-date': d.date },
      el('span', { class: 'day' }, String(Number(d.date.slice(8)))),
      mark ? el('span', { class: 'mark' }, mark) : undefined,
    );
  };
  return el(
    'table',
    { class: 'cal', 'data-from': first },
    el('caption', {}, `${month.slice(0, 4)}年${Number(month.slice(5))}月 工作日历（休：法定节假日；班：调休上班日）`),
    thead(['日', '一', '二', '三', '四', '五', '六']),
    el(
      'tbody',
      {},
      rows.map((r) => el('tr', {}, r.map(cell))),
    ),
  );
}
