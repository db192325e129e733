import { z } from 'zod';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { formatZodError } from '../errors.js';
import { computeDeadline } from './compute.js';
import { DeadlineError, RuleSchema } from './types.js';

/** One line of the what-if batch interface: compact extensions and suspensions. */
export const BatchLineSchema = z.strictObject({
  rule: RuleSchema,
  n: z.number().int().min(1).max(36_500),
  from: z.string(),
  extensions: z.array(z.number().int().min(1).max(3650)).optional(),
  suspensions: z.array(z.tuple([z.string(), z.string()])).optional(),
  maxExtensions: z.number().int().min(0).optional(),
  basis: z.string().max(100).optional(),
});

/** Answers one JSON line; a bad line gets {"error": ...} and never throws. */
export function answerBatchLine(cal: WorkCalendar, line: string): string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return JSON.stringify({ error: 'not a JSON object' });
  }
  const parsed = BatchLineSchema.safeParse(raw);
  if (!parsed.success) return JSON.stringify({ error: formatZodError(parsed.error) });
  const { extensions, suspensions, ...rest } = parsed.data;
  try {
    const d = computeDeadline(cal, {
      ...rest,
      extensions: (extensions ?? []).map((days) => ({ days })),
      suspensions: (suspensions ?? []).map(([from, to]) => ({ from, to })),
    });
    const { reminders: _reminders, ...out } = d;
    return JSON.stringify(out);
  } catch (e) {
    if (e instanceof DeadlineError || e instanceof RangeError) return JSON.stringify({ error: e.message });
    throw e;
  }
}
