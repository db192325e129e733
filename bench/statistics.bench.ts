/**
 * Statistics and history over a large case file (issue 27): BENCH_STATS_N closed procedures (100,000
 * by default) bulk-inserted straight into a record database (the triggers of migration 008 fill the
 * per-step and late-report tables as the worker's appends do), then the 统计 and 历史 routes' p95 for
 * the national, a provincial and a county authority and an organ, through the real routes (fastify
 * inject: validation, SQL, serialization; no network, no sign-in). Merges its figures into
 * bench/results.json; asserts nothing.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { loadRegistry } from '../activities/deps.js';
import { historyRoutes } from '../api/routes/history.js';
import { RecordStore } from '../records/store.js';
import { ensureDatabase, startRecordsServer } from '../scripts/records-server.js';
import { logger, mergeResults, round } from './harness.js';
import { percentile, runConcurrent } from './stats.js';
import { regionPrefixes } from '../domain/parties.js';

const log = logger('statistics');
const N = Number(process.env.BENCH_STATS_N ?? 100_000);
const REQUESTS = Number(process.env.BENCH_STATS_REQUESTS ?? 100);
const BATCH = 5000;

const dir = mkdtempSync(join(tmpdir(), 'bm-bench-stats-'));
const server = await startRecordsServer({
  dataDir: join(dir, 'records'),
  port: 16433 + Math.floor(Math.random() * 1000),
  password: 'bench',
  logFile: join(dir, 'records.log'),
});
process.on('exit', () => server.process.kill('SIGKILL'));
const store = new RecordStore(await ensureDatabase(server.adminUrl, 'baomi_records'), {
  current: 'bench',
  keys: new Map([['bench', Buffer.alloc(32, 5)]]),
});
await store.migrate();
const registry = loadRegistry();

// Organs and the regions their cases are in; kinds and tiers spread over them, six years of starts.
const organs = registry.data.organs.filter((o) => o.region !== '000000');
const t0 = performance.now();
for (let from = 0; from < N; from += BATCH) {
  const to = Math.min(N, from + BATCH) - 1;
  await store.pool.query(
    `insert into procedures (id, kind, started_at, party_ids, region_scope, state, state_label, closed_at, any_late, view, view_hash, runs,
       head_seq, head_hash, head_mac, mac_key_id, updated_at, organ, region, tier, outcome, reference, title)
     select 'bench-' || g, kind, started, array[organ], scope, 'closed', '调查结束，无需追究', started + taken * 4, late,
       jsonb_build_object(
         'deadlines', jsonb_build_array(
           jsonb_build_object('key', 'report-authority#1', 'specId', 'report-authority', 'label', '向同级保密行政管理部门报告（24小时）',
             'basis', 'Regs 61 para 1', 'rule', 'hours', 'obligation', true, 'policy', false, 'status', case when late then 'met_late' else 'met' end,
             'startAt', started, 'dueAt', started + interval '24 hours', 'metAt', started + taken),
           jsonb_build_object('key', 'relay#1', 'specId', 'relay', 'label', '逐级报至国家保密行政管理部门（24小时）',
             'basis', 'Regs 61 para 2', 'rule', 'hours', 'obligation', true, 'policy', false, 'status', 'met',
             'startAt', started + taken, 'dueAt', started + taken + interval '24 hours', 'metAt', started + taken * 2),
           jsonb_build_object('key', 'result#1', 'specId', 'result', 'label', '书面报告查处结果', 'basis', 'Regs 60', 'rule', 'calendar-days',
             'obligation', true, 'policy', true, 'status', 'met', 'startAt', started, 'dueAt', started + interval '30 days', 'metAt', started + taken * 3)),
         'context', jsonb_build_object('lateFlags', case when late then jsonb_build_array(jsonb_build_object('obligation', '向同级保密行政管理部门报告',
           'deadlineId', 'report-authority', 'consequences', jsonb_build_array(jsonb_build_object('basis', 'Regs 67 para 1(8)')) ||
             case when g % 7 = 0 then jsonb_build_array(jsonb_build_object('basis', 'Regs 71 para 1')) else '[]'::jsonb end)) else '[]'::jsonb end)),
       '', '{}', 1, '', '', 'bench', now(), organ, region, tier, '调查结束，无需追究', 'REF-' || g, '事项' || g
     from generate_series($1::int, $2::int) g,
       lateral (select ($3::text[])[1 + g % array_length($3, 1)] as organ, ($4::text[])[1 + g % array_length($4, 1)] as region,
         ($5::jsonb->(g % array_length($4, 1))) as scope_json,
         (array['leak','unclear-matter','objection','appraisal','correction'])[1 + g % 5] as kind,
         (array['county','municipal','provincial','national'])[1 + (g / 5) % 4] as tier,
         timestamptz '2020-01-01 08:00+08' + (g % 2190) * interval '1 day' + (g % 24) * interval '1 hour' as started,
         (g % 11) * interval '3 hours' as taken, g % 11 > 7 as late) v,
       lateral (select array(select jsonb_array_elements_text(scope_json)) as scope) s`,
    [from, to, organs.map((o) => o.id), organs.map((o) => o.region), JSON.stringify(organs.map((o) => regionPrefixes(o.region)))],
  );
  if ((to + 1) % 20_000 === 0 || to === N - 1) log(`  ${to + 1} procedures recorded (${round((performance.now() - t0) / 1000)} s)`);
}
await store.pool.query('analyze');
const fillSeconds = round((performance.now() - t0) / 1000);
const { rows } = await store.pool.query<{ steps: number; reports: number }>(
  'select (select count(*) from procedure_steps)::int as steps, (select count(*) from procedure_late_reports)::int as reports',
);
log(`${N} closed procedures, ${rows[0]!.steps} steps, ${rows[0]!.reports} late reports in ${fillSeconds} s`);

// The real routes, each request as one of these callers (the sign-in is not what is measured).
const callers = ['auth-000000', 'auth-440000', 'auth-440106', 'org-th-office'].map((id) => registry.party(id));
let who = 0;
const app = Fastify();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.decorateRequest('authenticate', async () => ({
  party: callers[who++ % callers.length]!,
  person: { sub: 'bench', name: '压测' },
  roles: [],
}));
await app.register(historyRoutes(store, registry));
const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
};

/** p50 and p95 over all the urls, and the p95 of each (the callers take turns). */
const measure = async (name: string, urls: string[]) => {
  await get(urls[0]!);
  const each = urls.map(() => [] as number[]);
  const run = await runConcurrent(REQUESTS, 2, async (i) => {
    const t = performance.now();
    await get(urls[i % urls.length]!);
    each[i % urls.length]!.push(performance.now() - t);
  });
  const p50 = round(percentile(run.latencies, 50));
  const p95 = round(percentile(run.latencies, 95));
  log(`  ${name}: p50 ${p50} ms, p95 ${p95} ms (${REQUESTS} requests, concurrency 2)`);
  const byUrl = Object.fromEntries(urls.map((u, i) => [u, round(percentile(each[i]!, 95))]));
  for (const [u, v] of Object.entries(byUrl)) log(`    p95 ${v} ms  ${u}`);
  return { p50Ms: p50, p95Ms: p95, p95MsByUrl: byUrl };
};
const statisticsPage = await measure('统计 page (GET /api/statistics: month, quarter, year; all years; one year; a kind)', [
  '/api/statistics?unit=month',
  '/api/statistics?unit=quarter&from=2023-01-01&to=2023-12-31',
  '/api/statistics?unit=year',
  '/api/statistics?unit=month&kind=leak&from=2024-01-01&to=2024-12-31',
]);
const historyPage = await measure('历史 page (GET /api/history: first page, closed in a month, late, text)', [
  '/api/history',
  '/api/history?status=closed&closedFrom=2022-03-01&closedTo=2022-03-31',
  '/api/history?late=true&kind=leak',
  '/api/history?text=REF-4242',
]);
const statisticsExport = await measure('统计 export (XLSX, every table)', ['/api/statistics/export?format=xlsx&unit=year']);

mergeResults({
  statisticsP95Ms: statisticsPage.p95Ms,
  historyP95Ms: historyPage.p95Ms,
  statistics: {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage: loadavg().map(round) },
    closedProcedures: N,
    steps: rows[0]!.steps,
    lateReports: rows[0]!.reports,
    fillSeconds,
    statisticsPage,
    historyPage,
    statisticsExport,
  },
});
await app.close();
await store.close();
await server.stop();
process.exit(0);
