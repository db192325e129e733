/**
 * What the procedure routes accept (routes/procedures.ts): the id, the event bodies (one per event
 * of every procedure, generated from the machines' event specs for the OpenAPI document), the
 * Idempotency-Key header, and the list's filters with the visibility query they make.
 */
import { z } from 'zod';
import { PROCEDURES } from '../../machines/index.js';
import { signOffEdition } from '../../machines/procedure.js';
import { TierSchema } from '../../domain/parties.js';
import { ROLE_LABELS, signOffNote } from '../../domain/labels.zh.js';
import type { Caller } from '../auth.js';
import { exampleOf } from '../openapi-docs.js';
import { PageCursorParam, PageSizeParam, RegionPrefixParam, RegistryIdParam } from '../query-params.js';
import { scopeQuery } from '../scope.js';

export const IdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z][\w:.-]{7,120}$/, 'not a procedure id')
    .describe('程序编号，例如 leak-2550cd5d… (procedure id)'),
});
/**
 * One body per event of every procedure, generated from the machines' event specs (for the
 * OpenAPI document): its payload, and `occurredAt` on the events that record a fact (SPEC §2).
 * The workflow validates the payload against the procedure's current state (one source of truth).
 */
const eventBodies = Object.values(PROCEDURES).flatMap((def) =>
  Object.entries(def.events)
    // An event another procedure records (EventSpec.linkedFrom) is not sent through the API.
    .filter(([, spec]) => !spec.linkedFrom)
    .map(([type, spec]) => {
      const json = z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      delete (json as { $schema?: string }).$schema;
      const notes = [
        spec.basis,
        spec.fact && '记录事实：可填 occurredAt',
        spec.role && `须由${ROLE_LABELS[spec.role]}发送`,
        spec.signOff && signOffNote(signOffEdition(spec)!),
        spec.narrowed && `第${spec.narrowed.sinceEdition}版规则起发送方仅为${spec.narrowed.by.join('、')}：${spec.narrowed.ruleZh}`,
      ]
        .filter(Boolean)
        .join('；');
      const body = {
        ...json,
        title: `${def.kind} ${type}：${spec.label}`,
        description: `${def.label}；发送方：${spec.by.join('、')}${notes ? `；${notes}` : ''}`,
        properties: {
          type: { const: type },
          ...json.properties,
          ...(spec.fact
            ? {
                occurredAt: {
                  type: 'string',
                  format: 'date-time',
                  description: '事实实际发生的时刻（ISO 8601，含时区）：不晚于现在，不早于上一事件及程序的起始事实',
                },
              }
            : {}),
        },
        required: ['type', ...(json.required ?? [])],
      };
      return { ...body, examples: [{ type, ...(exampleOf(json as Record<string, unknown>) as object) }] };
    }),
);
export const EventBody = z
  .object({
    type: z
      .string()
      .regex(/^[A-Z_]{1,40}$/, 'an event type in CAPITALS')
      .describe('事件类型，其余字段为该事件的内容 (event type; the rest of the body is its payload)'),
  })
  .catchall(z.unknown())
  .meta({ anyOf: eventBodies, examples: eventBodies.map((b) => b.examples[0]) });
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(8)
    .max(100)
    .regex(/^[\w.:-]+$/, 'letters, digits, . : _ -')
    .optional()
    .describe('防重复提交键：同一键只办理一次，重复请求返回第一次的结果 (repeat-safe key)'),
});
export const ListQuery = z.strictObject({
  kind: z.enum(Object.keys(PROCEDURES) as [string, ...string[]]).optional(),
  state: z
    .string()
    .regex(/^[a-zA-Z]{1,40}$/, 'a state name')
    .optional(),
  deadlineStatus: z.enum(['on_track', 'due_soon', 'overdue', 'met', 'met_late', 'suspended', 'none']).optional(),
  tier: TierSchema.optional(),
  region: RegionPrefixParam,
  organ: RegistryIdParam,
  dueBefore: z.iso.datetime({ offset: true }).optional(),
  closed: z.enum(['true', 'false']).optional(),
  // Closed procedures only (closed=true), from the case file: the period they closed in, the final state, any step late.
  closedAfter: z.iso.datetime({ offset: true }).optional(),
  closedBefore: z.iso.datetime({ offset: true }).optional(),
  outcome: z
    .string()
    .regex(/^[a-zA-Z]{1,40}$/, 'a final state name')
    .optional(),
  late: z.enum(['true', 'false']).optional(),
  pageSize: PageSizeParam,
  cursor: PageCursorParam,
});

/** Visibility query from validated filters and the caller's scope; values are pattern-checked above. */
export function listQuery(q: z.infer<typeof ListQuery>, caller: Caller): string {
  // A procedure that continued-as-new keeps its id; only its latest run is listed (workflows/continue-as-new.ts).
  const clauses = [scopeQuery(caller.party), `ExecutionStatus != 'ContinuedAsNew'`];
  if (q.kind) clauses.push(`BmKind = '${q.kind}'`);
  if (q.state) clauses.push(`BmState = '${q.state}'`);
  if (q.deadlineStatus) clauses.push(`BmDeadlineStatus = '${q.deadlineStatus}'`);
  if (q.tier) clauses.push(`BmTier = '${q.tier}'`);
  if (q.region)
    clauses.push(
      q.region.length === 6 && !q.region.endsWith('00')
        ? `BmRegion = '${q.region}'`
        : `BmRegionScope = '${q.region.replace(/(00)+$/, '')}'`,
    );
  if (q.organ) clauses.push(`BmOrgan = '${q.organ}'`);
  if (q.dueBefore) clauses.push(`BmNextDeadline < '${new Date(q.dueBefore).toISOString()}'`);
  if (q.closed) clauses.push(`BmClosed = ${q.closed}`);
  return clauses.filter(Boolean).join(' AND ');
}
