import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROCEDURE_KINDS, PROCEDURES } from '../../machines/index.js';
import { machineGraph } from '../../machines/graph.js';
import { CURRENT_EDITION } from '../../machines/procedure.js';
import { statechartLayout } from '../statechart-layout.js';
import { TIERS, TierSchema } from '../../domain/parties.js';
import { basisText } from '../../domain/citation.js';
import type { DeadlineBoard } from '../board.js';
import { ApiError } from '../problem.js';
import { BoardPageSchema, MeSchema, OverviewSchema, StatechartSchema } from '../response-schemas.js';
import { actorOf } from '../auth.js';
import { actorLabel } from '../../workflows/event-checks.js';
import { PageSizeParam, RegionPrefixParam, RegistryIdParam } from '../query-params.js';
import type { CaseHeadlines } from '../case-headlines.js';
import type { RunningDeadlines } from './workbench.js';

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'statechart.js': 'text/javascript; charset=utf-8',
  'workbench.js': 'text/javascript; charset=utf-8',
  'forms.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'case.js': 'text/javascript; charset=utf-8',
  'names.js': 'text/javascript; charset=utf-8',
  'reports.js': 'text/javascript; charset=utf-8',
  'history.js': 'text/javascript; charset=utf-8',
  'statistics.js': 'text/javascript; charset=utf-8',
  'inbox.js': 'text/javascript; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'printed-record.js': 'text/javascript; charset=utf-8',
};
const dir = new URL('../../dashboard/', import.meta.url);

const BoardQuery = z.strictObject({
  kind: z.enum(PROCEDURE_KINDS).optional(),
  tier: TierSchema.optional(),
  region: RegionPrefixParam,
  organ: RegistryIdParam,
  status: z.enum(['on_track', 'due_soon', 'overdue', 'suspended', 'none']).optional(),
  pageSize: PageSizeParam,
  cursor: z
    .string()
    .regex(/^\d{1,7}$/, 'an opaque cursor from a previous page')
    .optional(),
});

/** The supervisors' dashboard: the page itself, and the read endpoints it draws from. */
export const dashboardRoutes =
  (board: DeadlineBoard, headlines: CaseHeadlines, running: RunningDeadlines): FastifyPluginAsyncZod =>
  async (app) => {
    const page = readFileSync(new URL('index.html', dir), 'utf8');
    const assets = new Map(Object.keys(ASSETS).map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]));
    // The page and its files are the same for everyone and read from memory: not counted against the
    // anonymous rate limit, which one page load (index and its ES modules, ~20 files) would nearly use up.
    app.get('/', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(page),
    );
    app.get(
      '/dashboard/:file',
      { schema: { hide: true, params: z.strictObject({ file: z.string().max(40) }) }, config: { rateLimit: false } },
      async (req, reply) => {
        const type = ASSETS[req.params.file];
        if (!type) throw new ApiError(404, 'Not found', `no asset ${req.params.file}`);
        return reply.type(type).send(assets.get(req.params.file));
      },
    );

    app.get(
      '/api/me',
      { schema: { response: { 200: MeSchema }, summary: '当前身份：所代表的机关或部门、本人及其角色', tags: ['dashboard'] } },
      async (req) => {
        const caller = await req.authenticate();
        return { ...caller.party, person: caller.person, roles: caller.roles, label: actorLabel(actorOf(caller))! };
      },
    );

    app.get(
      '/api/dashboard/overview',
      {
        schema: {
          response: { 200: OverviewSchema },
          summary: '概览：进行中、即将超期、已超期、已办结（按程序、按层级）',
          tags: ['dashboard'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const overview = await board.overview(caller.party, Object.keys(PROCEDURES), TIERS);
        return { ...overview, labels: Object.fromEntries(Object.values(PROCEDURES).map((p) => [p.kind, p.label])) };
      },
    );

    app.get(
      '/api/dashboard/board',
      {
        schema: {
          querystring: BoardQuery,
          response: { 200: BoardPageSchema },
          summary: '期限看板：按下一期限排序的未办结步骤',
          tags: ['dashboard'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const { pageSize, cursor, ...filters } = req.query;
        const page = await board.page(caller.party, filters, cursor ? Number(cursor) : 0, pageSize);
        // An overdue row names the step that is overdue (逐级报至… 已超期 3 小时): its earliest running deadline.
        const items = await Promise.all(
          (await headlines.with(page.items)).map(async (i) => {
            if (i.deadlineStatus !== 'overdue') return i;
            // The case file names it (no query to a workflow its worker may not yet have reached); the view otherwise.
            if (i.nextLabel) return { ...i, deadlineLabel: i.nextLabel };
            const first = (await running.of(i).catch(() => [])).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
            return first ? { ...i, deadlineLabel: first.label } : i;
          }),
        );
        return { ...page, items };
      },
    );

    app.get(
      '/api/machines/:kind',
      {
        schema: {
          params: z.strictObject({ kind: z.enum(PROCEDURE_KINDS) }),
          querystring: z.strictObject({
            edition: z.coerce
              .number()
              .int()
              .min(1)
              .max(CURRENT_EDITION)
              .default(CURRENT_EDITION)
              .describe('规则版本：程序启动时的版本（context.edition），不填为现行版本；只画出该版本可达的状态'),
            variant: z
              .string()
              .optional()
              .describe(
                '程序的情形（泄密报告：organ = 机关、单位报告，network-operator = 网络运营者报告；context.variant）：只画出该情形的状态与转换，不填则画出各情形',
              ),
          }),
          response: { 200: StatechartSchema },
          summary: '程序状态图',
          tags: ['dashboard'],
        },
      },
      async (req) => {
        const def = PROCEDURES[req.params.kind]!;
        const { edition, variant } = req.query;
        const cases = Object.keys(def.variants?.cases ?? {});
        if (variant !== undefined && !cases.includes(variant))
          throw new ApiError(
            400,
            'Bad request',
            `querystring.variant: ${def.kind} has ${cases.length ? `the variants ${cases.join(', ')}` : 'no variants'}`,
            {
              detailZh: `查询条件「variant」（情形）：${def.label}${cases.length ? `的情形只有 ${cases.join('、')}` : '不分情形，请不要填写'}。`,
            },
          );
        // The layout runs here, once per kind, edition and variant (elkjs, cached): phones get positioned boxes, not a 1.5 MB layout engine.
        return {
          kind: def.kind,
          label: def.label,
          basis: def.basis,
          basisText: basisText(def.basis),
          ...machineGraph(def, edition, variant),
          layout: await statechartLayout(def, edition, variant),
        };
      },
    );
  };
