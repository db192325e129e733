/**
 * 案件信息 in text for the printed record: the start fields where the context keeps them and each
 * step's entries, labelled as the procedure page labels them (dashboard/case.js, forms.js) from the
 * same JSON Schemas (GET /api/forms) and shared words (domain/form-labels.zh.ts).
 */
import { FIELD_LABELS, OPTION_LABELS } from '../../domain/form-labels.zh.js';
import { beijingTime } from '../../domain/labels.zh.js';
import type { AuditEntry, ProcedureView } from '../../domain/procedure-view.js';
import { FORMS } from '../routes/workbench.js';

interface JsonSchema {
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
}

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const GENERIC = /^非涉密简要说明/;
/** A description without its English or article notes in brackets: "知悉范围 (who may know)" → 知悉范围. */
const clean = (s: string) => s.replace(/\s*[（(][^）)]*[A-Za-z][^）)]*[）)]/g, '').trim();

/** A field's label: its own description, else the shared word for its name (forms.js words). */
export function fieldLabel(key: string, schema: JsonSchema): string {
  const d = schema.description ?? '';
  if (!d || GENERIC.test(d) || (schema.enum ?? []).some((o) => d.includes(String(o)))) return FIELD_LABELS[key] ?? key;
  return clean(d).split('：')[0] || FIELD_LABELS[key] || key;
}

function optionLabel(value: string, schema: JsonSchema): string {
  if (OPTION_LABELS[value]) return OPTION_LABELS[value];
  const d = (schema.description ?? '').replace(/^[^：]*：/, '');
  const part = d.split(' · ').find((p) => p.startsWith(`${value} `));
  return part ? clean(part.slice(value.length + 1)) : value;
}

const variantsOf = (s: JsonSchema | undefined) => s?.oneOf ?? s?.anyOf;
const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o == null ? undefined : (o as Record<string, unknown>)[k]), obj);

/** A value in words, by its schema (case.js valueText): options by label, instants in Beijing time, 保密期限 as the statute says it. */
export function valueText(value: unknown, schema: JsonSchema | undefined, key?: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const variants = variantsOf(schema);
  if (variants && typeof value === 'object') {
    const v = variants.find((x) =>
      Object.entries(x.properties ?? {}).every(([k, p]) => p.const === undefined || (value as Record<string, unknown>)[k] === p.const),
    );
    return valueText(value, v ?? {}, key);
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => valueText(v, schema?.items ?? {}, key)).filter(Boolean);
    return items.length ? items.map((t, i) => `${i + 1}. ${t}`).join('；') : undefined;
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // 保密期限 (Law 20): years, a date, or a condition.
    if (o.kind === 'years' && o.years) return `${String(o.years)}年`;
    if (o.kind === 'until' && o.date) return `至${String(o.date)}`;
    if (o.kind === 'condition' && o.condition) return `至解密条件成就：${String(o.condition)}`;
    // In the schema's order (the record keeps its view as jsonb, which orders keys its own way).
    const order = Object.keys(schema?.properties ?? {});
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    return Object.entries(o)
      .sort(([a], [b]) => rank(a) - rank(b))
      .flatMap(([k, v]) => {
        const sub = schema?.properties?.[k] ?? {};
        const text = valueText(v, sub, k);
        if (text === undefined) return [];
        return [
          // A nested object's fields in brackets after its label (case.js).
          sub.const !== undefined
            ? text
            : `${fieldLabel(k, sub)}：${typeof v === 'object' && !Array.isArray(v) && text.includes('：') ? `（${text}）` : text}`,
        ];
      })
      .join('；');
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (schema?.const !== undefined || schema?.enum) return optionLabel(String(value), schema);
  if (schema?.pattern === DATE) return String(value);
  if (/At$/.test(key ?? '') && typeof value === 'string') return beijingTime(value);
  return String(value);
}

export interface CaseFacts {
  /** The start fields: label and value (a party by its name). */
  start: Array<[string, string]>;
  /** A party's event, with the fields it entered; undefined for the system's own entries. */
  fieldsOf(entry: AuditEntry): { label: string; fields: Array<[string, string]> } | undefined;
}

export function caseFacts(view: Pick<ProcedureView, 'kind' | 'context'>): CaseFacts {
  const form = (FORMS as Record<string, (typeof FORMS)[string]>)[view.kind]!;
  const c = view.context as Record<string, unknown> & { parties?: Record<string, { name?: string } | undefined> };
  const startProps = ((form.start as JsonSchema).properties ?? {}) as Record<string, JsonSchema>;
  const inContext = (form as { startFieldsInContext?: Record<string, string> }).startFieldsInContext ?? {};
  const start = Object.entries(startProps).flatMap(([key, schema]): Array<[string, string]> => {
    const party = /^(.+)Id$/.exec(key);
    const text = party ? c.parties?.[party[1]!]?.name : valueText(at(c, inContext[key] ?? key), schema, key);
    return text === undefined ? [] : [[fieldLabel(key, schema), text]];
  });
  return {
    start,
    fieldsOf(entry) {
      const spec = entry.kind === 'event' && entry.event ? form.events[entry.event.type] : undefined;
      if (!spec || !entry.event) return undefined;
      const props = ((spec.schema as JsonSchema).properties ?? {}) as Record<string, JsonSchema>;
      const fields = Object.entries(entry.event.payload ?? {}).flatMap(([k, v]): Array<[string, string]> => {
        const text = valueText(v, props[k] ?? {}, k);
        return text === undefined ? [] : [[fieldLabel(k, props[k] ?? {}), text]];
      });
      return { label: spec.label, fields };
    },
  };
}
