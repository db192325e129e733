// 案件信息: what the case is, drawn from the procedure's own field definitions (its start form and
// event forms, GET /api/forms) and the view (context, audit): the facts entered at the start, each
// step's entries in order, who holds the case now and what they must do by when. A new procedure
// gets its panel from its schemas, with no code here.
import { el } from './dom.js';
import { optionLabel, words } from './forms.js';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const variants = (s) => s?.oneOf ?? s?.anyOf;

/** A value at a dotted path of an object (`measures.0.measures`). */
const at = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** The variant of a union a value is: the one whose constant fields it carries. */
function variantOf(schema, value) {
  return variants(schema).find((v) =>
    Object.entries(v.properties ?? {}).every(([k, p]) => p.const === undefined || value?.[k] === p.const),
  );
}

/**
 * A value in words, by its schema: options by their labels, instants in Beijing time, a
 * classification as 密级、保密期限、知悉范围, objects field by field, lists item by item.
 */
export function valueText(value, schema, key, ctx) {
  if (value === undefined || value === null || value === '') return undefined;
  if (variants(schema) && typeof value === 'object') return valueText(value, variantOf(schema, value) ?? {}, key, ctx);
  if (Array.isArray(value)) {
    const items = value.map((v) => valueText(v, schema?.items ?? {}, key, ctx)).filter(Boolean);
    return items.length
      ? el(
          'ol',
          { class: 'case-list' },
          items.map((i) => el('li', {}, i)),
        )
      : undefined;
  }
  if (typeof value === 'object') {
    // 保密期限 (Law 20): years, a date, or a condition.
    if (value.kind === 'years' && value.years) return `${value.years}年`;
    if (value.kind === 'until' && value.date) return `至${value.date}`;
    if (value.kind === 'condition' && value.condition)
      return `至解密条件成就：${value.condition}${value.latest ? `（最迟 ${value.latest} 解密）` : ''}`;
    const parts = Object.entries(value).map(([k, v]) => {
      const sub = schema?.properties?.[k] ?? {};
      const text = valueText(v, sub, k, ctx);
      if (text === undefined) return undefined;
      // A union's case speaks for itself (保密年限、属于国家秘密): no label before it.
      if (sub.const !== undefined) return text;
      return [words(k, sub, ctx).label, '：', typeof text !== 'string' && !Array.isArray(v) ? ['（', text, '）'] : text];
    });
    return el(
      'span',
      { class: 'case-value' },
      parts.filter(Boolean).flatMap((p, i) => (i ? ['；', p] : [p])),
    );
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (schema?.const !== undefined || schema?.enum) return optionLabel(String(value), schema, ctx);
  if (schema?.pattern === DATE) return String(value);
  if (/At$/.test(key ?? '') && typeof value === 'string') return ctx.beijing(value);
  return String(value);
}

/** The panel. ctx: forms (GET /api/forms), names (party ids → names), beijing, due, card. */
export function caseInfo(view, ctx) {
  const form = ctx.forms.procedures[view.kind];
  const start = form.start.properties ?? {};
  const c = view.context;
  const wctx = { fieldLabels: ctx.forms.fieldLabels, optionLabels: ctx.forms.optionLabels, beijing: ctx.beijing };

  // What the case was started with: each start field where the context keeps it; a party by its name.
  const startRows = Object.entries(start).flatMap(([key, schema]) => {
    const party = /^(.+)Id$/.exec(key);
    const value = party ? c.parties?.[party[1]]?.name : at(c, form.startFieldsInContext?.[key] ?? key);
    const text = party ? value : valueText(value, schema, key, wctx);
    return text === undefined ? [] : [[words(key, schema, wctx).label, text]];
  });

  // Each step's entries, in order, with who entered them and when the fact happened.
  const steps = view.audit
    // What the parties entered (the system's own events, such as a deadline passing, are in the timeline).
    .filter((a) => a.kind === 'event' && form.events[a.event?.type])
    .map((a) => {
      const spec = form.events[a.event.type];
      const fields = Object.entries(a.event.payload ?? {}).flatMap(([k, v]) => {
        const schema = spec.schema.properties?.[k] ?? {};
        const text = valueText(v, schema, k, wctx);
        return text === undefined ? [] : [el('div', { class: 'case-field' }, `${words(k, schema, wctx).label}：`, text)];
      });
      return el(
        'li',
        { 'data-event': a.event.type },
        el('strong', {}, spec.label),
        el('span', { class: 'muted' }, ` · ${a.by ?? a.actor.name ?? ''} · ${ctx.beijing(a.occurredAt ?? a.at)}`),
        fields,
      );
    });

  // Who holds it now: each running step's party, what it must do (the events it may send now) and by when.
  const running = view.deadlines.filter((d) => d.status === 'running' || d.status === 'suspended');
  const keysOf = (partyId) => Object.entries(c.parties ?? {}).flatMap(([k, p]) => (p?.id === partyId ? [k] : []));
  const mayDo = (partyId) =>
    view.allowedEvents.filter((e) => e.by.some((k) => keysOf(partyId).includes(k))).map((e) => form.events[e.type]?.label ?? e.label);
  const holders = [...new Set([...running.map((d) => d.responsible.id), ...(view.responsible ? [view.responsible.id] : [])])];
  const now = view.closed
    ? [el('li', {}, `程序已办结${view.deadlines.some((d) => d.status === 'met_late' || d.status === 'lapsed') ? '（有步骤逾期）' : ''}。`)]
    : holders.map((id) => {
        const steps = running.filter((d) => d.responsible.id === id);
        const todo = mayDo(id);
        return el(
          'li',
          { 'data-party': id },
          el('strong', {}, ctx.names.get(id) ?? steps[0]?.responsible.name ?? view.responsible?.name ?? ''),
          todo.length ? `：可办理「${todo.join('」「')}」` : '',
          steps.map((d) => el('div', {}, `${d.label}：${ctx.due(d.dueAt)}前 `, ctx.card(d.currentStatus))),
        );
      });

  // A report made late, or not yet: the obligation, when it was due, and every consequence with its article.
  const late = (c.lateFlags ?? []).map((f) =>
    el(
      'li',
      { class: 'late-flag' },
      el('strong', {}, `${f.obligation}：${f.reportedAt ? `逾期报告（${ctx.beijing(f.reportedAt)}报告）` : '逾期未报告'}`),
      f.dueAt ? `，期限 ${ctx.due(f.dueAt)}` : '',
      el(
        'ul',
        {},
        f.consequences.map((x) => el('li', {}, `${x.consequence}（${view.citations?.[x.basis] ?? ''}）`)),
      ),
    ),
  );

  return el(
    'section',
    { id: 'case-info', 'aria-labelledby': 'h-case' },
    el('h2', { id: 'h-case' }, '案件信息'),
    el(
      'dl',
      { class: 'case-start' },
      el('dt', {}, '程序'),
      el('dd', {}, view.label),
      startRows.map(([label, text]) => [el('dt', {}, label), el('dd', {}, text)]),
    ),
    el('h3', {}, '当前办理'),
    el('ul', { id: 'case-now' }, now),
    late.length ? [el('h3', {}, '逾期报告及其后果'), el('ul', { id: 'case-late' }, late)] : undefined,
    el('h3', {}, '各步骤记录'),
    steps.length ? el('ol', { id: 'case-steps' }, steps) : el('p', { class: 'muted', id: 'case-steps' }, '尚无办理记录。'),
  );
}
