import type { z } from 'zod';
import { LEVEL_LABELS } from '../domain/labels.zh.js';
import { OPTION_LABELS } from '../domain/form-labels.zh.js';

/** One field's refusal: the machine-readable path and English reason, and the reason in Chinese for the form. */
export interface FieldError {
  field: string;
  message: string;
  messageZh: string;
}

type Issue = { code: string; path: PropertyKey[]; message: string } & Record<string, unknown>;

const TYPES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '是或否',
  object: '一组字段',
  array: '列表',
  date: '日期',
};
const option = (v: unknown) => OPTION_LABELS[String(v)] ?? String(v);

/** Custom refinements (their messages name the rule): the Chinese for those the forms can hit. */
const CUSTOM: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^expected a date YYYY-MM-DD$/, () => '应为日期（年-月-日，如 2025-09-26）'],
  [/^not a calendar date$/, () => '不是日历上存在的日期'],
  [
    /^a (\S+) term is at most (\d+) years/,
    (m) => `${LEVEL_LABELS[m[1] as keyof typeof LEVEL_LABELS] ?? m[1]}级事项的保密期限最长 ${m[2]} 年（《保密法》第二十条第二款）`,
  ],
];

/** A zod issue in Chinese: what is wrong with the field and what is allowed. */
export function issueZh(i: Issue): string {
  const min = i.minimum as number | undefined;
  const max = i.maximum as number | undefined;
  switch (i.code) {
    case 'invalid_type':
      return /received undefined/.test(i.message) ? '必填' : `应为${TYPES[String(i.expected)] ?? String(i.expected)}`;
    case 'too_small':
      if (i.origin === 'string') return min === 1 ? '必填，不能为空' : `至少 ${min} 个字`;
      if (i.origin === 'array' || i.origin === 'set') return `至少 ${min} 项`;
      return `不能小于 ${min}`;
    case 'too_big':
      if (i.origin === 'string') return `最多 ${max} 个字`;
      if (i.origin === 'array' || i.origin === 'set') return `最多 ${max} 项`;
      return `不能大于 ${max}`;
    case 'invalid_value':
      return `应为以下之一：${((i.values as unknown[]) ?? []).map(option).join('、')}`;
    case 'invalid_union':
      return '请选择一种情形，并填写该情形的各项';
    case 'invalid_format':
      return i.format === 'datetime' ? '应为含时区的时刻' : '格式不正确';
    case 'unrecognized_keys':
      return `不接受的字段：${((i.keys as string[]) ?? []).join('、')}`;
    default: {
      for (const [re, zh] of CUSTOM) {
        const m = i.message.match(re);
        if (m) return zh(m);
      }
      return `不符合要求（${i.message}）`;
    }
  }
}

/** A zod error as field errors, each with its Chinese reason; `prefix` names where the value was (e.g. body). */
export function zodFieldErrorsZh(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => {
    const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return { field: field || '(root)', message: i.message, messageZh: issueZh(i as unknown as Issue) };
  });
}

/**
 * The field errors the workflow answered with, each with its Chinese reason: the payload's from
 * the same schema parsed here, the others (e.g. occurredAt, judged by the workflow) with their own.
 */
export function withChinese(fieldErrors: Array<{ field: string; message: string; messageZh?: string }>, local: FieldError[]): FieldError[] {
  return fieldErrors.map((f) => {
    if (f.messageZh) return { ...f, messageZh: f.messageZh };
    const zh = local.find((l) => l.field === f.field && l.message === f.message) ?? local.find((l) => l.field === f.field);
    if (zh) return { ...f, messageZh: zh.messageZh };
    if (f.field === 'occurredAt')
      return { ...f, messageZh: `实际发生时刻不可采用：不得晚于现在，不得早于上一事件及程序的起始事实（${f.message}）` };
    return { ...f, messageZh: `不符合要求（${f.message}）` };
  });
}
