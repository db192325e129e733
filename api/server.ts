/**
 * The thin API: validation, identity, scope, and a call to Temporal. No procedure logic:
 * the machines decide what an event means, the workflow validates it against the state.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Registry } from '../domain/registry/registry.js';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import type { Policy } from '../domain/policy.js';
import { AuthError, defaultTokenRules, type Caller, type TokenRules, type TokenSubject } from './auth.js';
import { bearerAuthenticator, type Oidc } from './oidc.js';
import { LOGIN_ROUTES, loginRoutes, sessionCookieName, Sessions } from './routes/login.js';
import { RecordedDenials } from './denials.js';
import { ApiError, problem } from './problem.js';
import { addressBlock } from './address-block.js';
import { StartQuota } from './start-quota.js';
import { deadlineRoutes } from './routes/deadline.js';
import { procedureRoutes } from './routes/procedures.js';
import { registryRoutes } from './routes/registry.js';
import { historyRoutes } from './routes/history.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { DeadlineBoard } from './board.js';
import { ScopeCache } from './scope-cache.js';
import { codecRoutes } from './routes/codec.js';
import { adminRoutes } from './routes/admin.js';
import { RunningDeadlines, workbenchRoutes } from './routes/workbench.js';
import { CaseHeadlines } from './case-headlines.js';
import { API_DESCRIPTION, API_TAGS, forIntegrators } from './openapi-docs.js';
import { issueZh } from './field-errors.js';
import { ApiMetrics, serveMetrics } from './metrics.js';
import { HealthSchema, ProblemSchema } from './response-schemas.js';
import type { RecordStore } from '../records/store.js';
import { RecordedBoardSource } from '../records/board-source.js';
import { Revocations } from '../records/revocations.js';
import { inboxRoutes } from './routes/inbox.js';
import { CALENDAR_FEED_ROUTE, calendarRoutes } from './routes/calendar.js';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  registry: Registry;
  calendar: () => WorkCalendar;
  /** The local policy, the worker's (BM_POLICY_FILE): the API prepares starts with it (prepare-start.ts). */
  policy: Policy;
  /** The deployment delivers e-mail (BM_SMTP_URL), as the worker: a channel of every prepared start. */
  email?: boolean;
  jwtKey: Uint8Array;
  /** The HMAC key of the workflow and update ids made from Idempotency-Key (BM_ID_SECRET; api/procedure-client.ts). */
  idSecret: Uint8Array;
  /** Audience, maximum lifetime, deny list, production mode (defaults: demo mode, nothing revoked). */
  tokenRules?: Partial<TokenRules>;
  /**
   * The case file (records/store.ts): closed procedures are read from it once Temporal has forgotten
   * them; it also keeps the denial log (api/denials.ts), sign-outs and the per-party start counts.
   */
  records: RecordStore;
  /** Days the denial log keeps a refusal (BM_DENIAL_RETENTION_DAYS; default and minimum in api/denials.ts). */
  denialRetentionDays?: number;
  /** The payload codec, served to the Temporal Web UI as a remote codec endpoint. */
  codec: PayloadCodec;
  /** Origin of the Temporal Web UI allowed to call the codec endpoint. */
  uiOrigin?: string;
  /** Requests per minute per authenticated person. */
  rateLimitPerMinute?: number;
  /** Requests per minute per client address without a valid token (none, or an invalid one). */
  anonymousRateLimitPerMinute?: number;
  /**
   * The reverse proxies in front (BM_TRUST_PROXY: addresses, CIDR ranges): a request from one of them
   * is taken to come from the client its X-Forwarded-For names (the rate limit's address, the denial
   * log's ip). None by default: then X-Forwarded-For is ignored, as anyone can write it.
   */
  trustProxy?: readonly string[];
  /** Fastify's log level (LOG_LEVEL; default warn). */
  logLevel?: string;
  /** The department's identity provider: its tokens as bearer tokens, and the dashboard's login. */
  oidc?: Oidc;
  /** Demo people for one-click sign-in on the dashboard (演示; never offered in production mode). */
  demoPeople?: readonly TokenSubject[];
  /** Session cookies marked Secure (the API is served over https). */
  secureCookies?: boolean;
  /** Longest dashboard session (hours, default 8; never beyond the token rules' maximum). */
  sessionHours?: number;
  /** The dashboard's sessions and their sign-out deny list (default: from jwtKey, tokenRules and sessionHours; a test passes its own to look at). */
  sessions?: Sessions;
  /** Loopback port of GET /metrics (Prometheus, no token; never served on the public port). */
  metricsPort?: number;
}

/**
 * The routes anyone may call; every other route needs a valid token, checked before the body
 * is read or validated (an unauthenticated request gets 401, never a schema error).
 */
const PUBLIC_ROUTES = new Set([
  '/healthz',
  '/openapi.json',
  '/',
  '/dashboard/:file',
  '/api/deadline',
  '/api/machines/:kind',
  CALENDAR_FEED_ROUTE,
  ...LOGIN_ROUTES,
]);
const isPublic = (req: FastifyRequest) => {
  const route = req.routeOptions.url;
  return route === undefined /* no such route: 404 */ || PUBLIC_ROUTES.has(route) || route.startsWith('/docs') || req.method === 'OPTIONS';
};

/** The dashboard loads only its own script and style sheet, and is never framed. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Swagger UI sets inline styles. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Every route answers through a declared shape: its errors as problem details, and a documented
 * route its 2xx answer (api/response-schemas.ts), so nothing undeclared leaves. A documented
 * route without one is refused when the server is built. Hidden routes serve the dashboard's
 * files, the OpenAPI document and the browser login's redirects.
 */
export function withResponseSchemas(route: RouteOptions): void {
  if (!route.schema) return;
  const response = (route.schema.response ?? {}) as Record<string, unknown>;
  route.schema.response = { '4xx': ProblemSchema, '5xx': ProblemSchema, ...response };
  if (!route.schema.hide && !Object.keys(response).some((code) => code.startsWith('2')))
    throw new Error(`${String(route.method)} ${route.url}: no response schema for its 2xx answer (api/response-schemas.ts)`);
}

export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'warn' },
    bodyLimit: 64 * 1024,
    trustProxy: deps.trustProxy?.length ? [...deps.trustProxy] : false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', withResponseSchemas);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '保密法定程序编排 API',
        version: '0.1.0',
        description: API_DESCRIPTION,
      },
      tags: API_TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => forIntegrators('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's own words in Chinese too (dashboard/docs-zh.js).
    theme: {
      title: '保密法定程序编排 API 文档',
      js: [{ filename: 'docs-zh.js', content: readFileSync(new URL('../dashboard/docs-zh.js', import.meta.url), 'utf8') }],
    },
  });
  const rules = defaultTokenRules(deps.tokenRules);
  const bearer = bearerAuthenticator(deps.jwtKey, rules, deps.registry, deps.oidc);
  const sessions = deps.sessions ?? new Sessions(deps.jwtKey, rules, deps.registry, deps.sessionHours, new Revocations(deps.records.pool));
  await app.register(cookie, { secret: Buffer.from(deps.jwtKey) });
  // Identify first (an HMAC check, or the provider's cached JWKS), so the rate limit can tell people
  // from anonymous addresses. A bearer token takes precedence over the dashboard's session cookie.
  // Over https only the `__Host-` session cookie counts: a plain `bm_session` may come from a sibling subdomain.
  const sessionCookie = sessionCookieName(deps.secureCookies ?? false);
  app.addHook('onRequest', async (req) => {
    const session = req.cookies[sessionCookie];
    if (req.headers.authorization === undefined && !session) return;
    try {
      req.caller =
        req.headers.authorization !== undefined ? await bearer(req.headers.authorization) : await sessions.authenticate(req, session!);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      req.authError = e;
    }
  });
  // A person is limited per identity; no token or an invalid one, per client address block (far
  // lower): req.ip's /64 (IPv6) or the address (IPv4), req.ip being the proxy's X-Forwarded-For
  // client only for a request from a trusted proxy.
  await app.register(rateLimit, {
    max: (req) => (req.caller ? (deps.rateLimitPerMinute ?? 1200) : (deps.anonymousRateLimitPerMinute ?? 120)),
    timeWindow: '1 minute',
    keyGenerator: (req) => (req.caller ? `person:${req.caller.party.id}:${req.caller.person.sub}` : `address:${addressBlock(req.ip)}`),
    errorResponseBuilder: (req, ctx) =>
      new ApiError(
        429,
        'Too many requests',
        `at most ${ctx.max} requests per minute ${req.caller ? 'per identity' : 'per client address (IPv6: per /64) without a valid token'}; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      ),
  });
  // After the rate limit, before the body is parsed or validated.
  app.addHook('preParsing', async (req) => {
    if (!req.caller && !isPublic(req)) throw req.authError ?? new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', req.url.startsWith('/docs') ? DOCS_CSP : CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (req.url.startsWith('/api/') || req.url.startsWith('/codec/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const denials = new RecordedDenials(deps.records.pool, deps.denialRetentionDays);
  app.addHook('onClose', () => denials.close());
  const deny = (caller: Caller | undefined, what: string, req?: FastifyRequest, status = 403) =>
    denials.record({
      status,
      caller: caller?.party.id,
      person: caller?.person.sub,
      what,
      method: req?.method,
      url: req?.url,
      route: req?.routeOptions.url,
      ip: req?.ip,
    });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AuthError) {
      deny(undefined, err.message, req, err.status);
      return problem(reply, err.status, err.status === 401 ? 'Unauthorized' : 'Forbidden', err.message, err.zh ? { detailZh: err.zh } : {});
    }
    if (err instanceof ApiError) return problem(reply, err.status, err.title, err.message, err.extra);
    const validation = (
      err as {
        validation?: Array<{ instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }>;
        validationContext?: string;
      }
    ).validation;
    if (validation) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      // Each field with its reason in Chinese too, for the workbench's forms.
      const fieldErrors = validation.map((v) => {
        const path = (v.instancePath ?? '').split('/').filter(Boolean);
        const message = v.message ?? 'invalid';
        return {
          field: [where, ...path].join('.'),
          message,
          messageZh: issueZh({ ...v.params, code: v.keyword ?? 'custom', path, message }),
        };
      });
      return problem(reply, 400, 'Invalid request', fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '), {
        detailZh: `请求有误：${fieldErrors.map((f) => f.messageZh).join('；')}`,
        fieldErrors,
      });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return problem(reply, status, 'Bad request', (err as Error).message);
    req.log.error(err);
    return problem(reply, 500, 'Internal error', 'the server could not complete the request');
  });
  app.setNotFoundHandler((req, reply) => problem(reply, 404, 'Not found', `no route ${req.method} ${req.url.split('?')[0]}`));

  // Routes take the caller from the request (api/auth.ts declares it), never from the server's scope.
  app.decorateRequest('authenticate', async function (this: FastifyRequest) {
    if (this.caller) return this.caller;
    throw this.authError ?? new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)');
  });

  // Public, so its answer is kept a second: a flood of /healthz costs Temporal two calls a second, not two a request.
  let healthCached: { at: number; answer: ReturnType<typeof checkHealth> } | undefined;
  const checkHealth = async () => {
    try {
      await deps.client.workflowService.getSystemInfo({});
      const tq = await deps.client.workflowService.describeTaskQueue({
        namespace: deps.client.options.namespace,
        taskQueue: { name: deps.taskQueue },
        taskQueueType: 1,
      });
      const polling = (tq.pollers ?? []).length > 0;
      return { status: polling ? 200 : 503, body: { temporal: 'reachable', worker: polling ? 'polling' : 'no poller' } } as const;
    } catch {
      return { status: 503, body: { temporal: 'unreachable', worker: 'unknown' } } as const;
    }
  };
  const health = () => {
    if (!healthCached || Date.now() - healthCached.at >= 1000) healthCached = { at: Date.now(), answer: checkHealth() };
    return healthCached.answer;
  };
  app.get(
    '/healthz',
    { schema: { response: { 200: HealthSchema, 503: HealthSchema }, summary: 'Temporal 可达、worker 在轮询', tags: ['health'] } },
    async (_req, reply) => {
      const { status, body } = await health();
      return reply.status(status).send(body);
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const board = new DeadlineBoard(deps.client, deps.calendar, {}, new RecordedBoardSource(deps.records));
  board.start();
  app.addHook('onClose', async () => board.stop());
  const metrics = new ApiMetrics(() => board.open());
  if (deps.metricsPort !== undefined) {
    const metricsServer = await serveMetrics(metrics.registry, deps.metricsPort);
    app.addHook('onClose', async () => void (await new Promise((resolve) => metricsServer.close(resolve))));
  }
  const running = new RunningDeadlines(deps.client);
  const headlines = new CaseHeadlines(deps.client);
  await app.register(
    procedureRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      registry: deps.registry,
      calendar: deps.calendar,
      prepare: { registry: deps.registry, policy: deps.policy, calendar: deps.calendar, email: !!deps.email },
      deny,
      applied: (id) => running.forget(id),
      records: deps.records,
      metrics,
      scopes: new ScopeCache((id) => board.scopeOf(id)),
      idSecret: deps.idSecret,
      codec: deps.codec,
      quota: new StartQuota(deps.policy, () => board.open(), deps.records.pool),
    }),
  );
  await app.register(registryRoutes(deps.registry));
  // The history and statistics read the case file alone (SPEC §4a).
  if (deps.records) await app.register(historyRoutes(deps.records, deps.registry));
  await app.register(deadlineRoutes(deps.calendar));
  await app.register(dashboardRoutes(board, headlines, running));
  await app.register(
    workbenchRoutes({
      client: deps.client,
      board,
      running,
      calendar: deps.calendar,
      registry: deps.registry,
      headlines,
    }),
  );
  await app.register(
    loginRoutes({
      key: deps.jwtKey,
      rules,
      registry: deps.registry,
      sessions,
      ...(deps.oidc ? { oidc: deps.oidc } : {}),
      ...(deps.demoPeople ? { demoPeople: deps.demoPeople } : {}),
      secureCookies: deps.secureCookies ?? false,
    }),
  );
  if (deps.records) {
    await app.register(inboxRoutes(deps.records));
    await app.register(calendarRoutes(deps.records, deps.registry));
  }
  await app.register(adminRoutes({ client: deps.client, calendar: deps.calendar }));
  await app.register(codecRoutes(deps.codec, deps.uiOrigin ?? 'http://127.0.0.1:8233'));
  return app;
}
