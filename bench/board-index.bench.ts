/**
 * The board's index at 100,000 open procedures (issue 28, docs/board-index.md), in process: no
 * Temporal, no API. Synthetic open procedures across 31 provinces, 310 cities, 3,100 organs;
 * the query p95 by scope (national, provincial, municipal, organ; a page of 50, filtered by
 * status, the overview's counts); the cost of one change (sorted insert and remove); the first
 * read after the clock passes a day of deadlines (the heap); the build from rows (a restart).
 * Beside it, the same figures of the model it replaces (filter and sort per request and per
 * change), and of the other idea, a table of open procedures in PostgreSQL (the embedded record
 * server; BENCH_INDEX_PG=0 leaves it out), and an API restart's first page from the case file's
 * `procedures` rows on the same server. Merges its figures into bench/results.json.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { BoardIndex, type IndexItem } from '../api/board-index.js';
import { canSeeByAttributes, scopeKeys } from '../api/scope.js';
import type { PartyRef } from '../domain/parties.js';
import { ensureDatabase, startRecordsServer } from '../scripts/records-server.js';
import { Client } from '@temporalio/client';
import { loadDeps } from '../activities/deps.js';
import { DeadlineBoard } from '../api/board.js';
import { RecordedBoardSource } from '../records/board-source.js';
import { RecordStore } from '../records/store.js';
import { logger, mergeResults, round } from './harness.js';
import { percentile } from './stats.js';

const OPEN = Number(process.env.BENCH_INDEX_OPEN ?? 100_000);
const QUERIES = 1000;
const UPDATES = 10_000;
const DAY = 86_400_000;
const log = logger('board-index');

// A fixed pseudo-random sequence (mulberry32): the same procedures every run.
let seed = 28;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const provinces = Array.from({ length: 31 }, (_, p) => String(11 + p * 2));
const cities = provinces.flatMap((p) => Array.from({ length: 10 }, (_, c) => `${p}${String(c + 1).padStart(2, '0')}`));
const organs = cities.flatMap((c) => Array.from({ length: 10 }, (_, k) => ({ id: `org-${c}-${k}`, city: c })));
const KINDS = ['unclear-matter', 'objection', 'leak', 'appraisal', 'annual-inspection', 'correction'];
const TIERS = ['national', 'provincial', 'municipal', 'county'];

let clock = Date.parse('2027-02-18T00:00:00Z'); // the first working day after 春节
function procedure(n: number): IndexItem {
  const organ = pick(organs);
  const province = organ.city.slice(0, 2);
  const parties = [organ.id, `auth-${organ.city}00`, ...(rand() < 0.5 ? [`auth-${province}0000`] : [])];
  const item: IndexItem = {
    id: `p-${n}`,
    kind: pick(KINDS),
    tier: pick(TIERS),
    parties,
    regionScope: [province, organ.city],
    recordedStatus: 'on_track',
    deadlineStatus: 'on_track',
    deliveryFailed: rand() < 0.01,
  };
  if (rand() < 0.95) {
    const due = clock + Math.round((rand() * 40 - 10) * DAY);
    const soon = due - Math.round(rand() * 6 * DAY);
    item.nextDeadline = new Date(due).toISOString();
    item.dueSoonAt = new Date(soon).toISOString();
    // Most passes recorded; some not yet (the storm's backlog).
    const behind = rand() < 0.1;
    item.recordedStatus =
      rand() < 0.03 ? 'suspended' : due <= clock && !behind ? 'overdue' : soon <= clock && !behind ? 'due_soon' : 'on_track';
  }
  item.deadlineStatus = item.recordedStatus;
  return item;
}

const callers: Record<string, PartyRef> = {
  national: { id: 'auth-000000', name: '国家', type: 'authority', tier: 'national', region: '000000' },
  provincial: { id: 'auth-440000', name: '省', type: 'authority', tier: 'provincial', region: '' },
  municipal: { id: 'auth-', name: '市', type: 'authority', tier: 'municipal', region: '' },
  organ: { id: '', name: '机关', type: 'organ', tier: 'municipal', region: '' },
};
/** A caller of the scope, drawn anew for each query. */
function caller(scope: string): PartyRef {
  const c = pick(cities);
  if (scope === 'provincial') return { ...callers.provincial!, id: `auth-${c.slice(0, 2)}0000`, region: `${c.slice(0, 2)}0000` };
  if (scope === 'municipal') return { ...callers.municipal!, id: `auth-${c}00`, region: `${c}00` };
  if (scope === 'organ') return { ...callers.organ!, id: `org-${c}-${Math.floor(rand() * 10)}`, region: `${c}00` };
  return callers.national!;
}

const overdue = (i: IndexItem) => i.deadlineStatus === 'overdue';
function time(n: number, fn: (k: number) => void): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    fn(k);
    out.push(performance.now() - t0);
  }
  return out;
}
const p = (xs: number[]) => ({ p50Ms: round3(percentile(xs, 50)), p95Ms: round3(percentile(xs, 95)), maxMs: round3(Math.max(...xs)) });
const round3 = (x: number) => Math.round(x * 1000) / 1000;

log(`${OPEN} synthetic open procedures …`);
const rows = Array.from({ length: OPEN }, (_, n) => procedure(n));

// The build from rows: what a restart costs once the rows are read.
const index = new BoardIndex<IndexItem>(() => clock);
let t0 = performance.now();
index.load(rows.map((r) => ({ ...r })));
const buildMs = performance.now() - t0;
log(`  index built in ${round(buildMs)} ms`);

const queries: Record<string, Record<string, number>> = {};
for (const scope of ['national', 'provincial', 'municipal', 'organ']) {
  const page = time(QUERIES, () => index.page(scopeKeys(caller(scope)), undefined, 0, 50));
  const filtered = time(QUERIES, () => index.pageOfStatus(scopeKeys(caller(scope)), 'overdue', 0, 50));
  const tallies = time(QUERIES, () => index.tallies(scopeKeys(caller(scope))));
  queries[scope] = {
    pageP95Ms: p(page).p95Ms,
    overdueP95Ms: p(filtered).p95Ms,
    overviewP95Ms: p(tallies).p95Ms,
    visible: index.page(scopeKeys(caller(scope)), undefined, 0, 1).total,
  };
  log(
    `  ${scope}: page p95 ${queries[scope]!.pageP95Ms} ms, overdue-only ${queries[scope]!.overdueP95Ms} ms, overview ${queries[scope]!.overviewP95Ms} ms`,
  );
}

// One change: a procedure's next deadline moves (its pass, an event).
const updates = time(UPDATES, () => {
  const r = rows[Math.floor(rand() * OPEN)]!;
  const due = clock + Math.round((rand() * 40 - 10) * DAY);
  index.upsert({ ...r, nextDeadline: new Date(due).toISOString(), dueSoonAt: new Date(due - DAY).toISOString() });
});
log(`  one change: p50 ${p(updates).p50Ms} ms, p95 ${p(updates).p95Ms} ms`);

// The clock passes a day: every due-soon and overdue instant of it is applied at the next read.
const before = index.tallies(['*']);
const count = (t: typeof before) => [...t.byKind.values()].reduce((s, c) => s + c.overdue, 0);
clock += DAY;
t0 = performance.now();
const after = index.tallies(['*']);
const dayMs = performance.now() - t0;
log(`  a day passes: ${count(after) - count(before)} more shown overdue, applied in ${round(dayMs)} ms at the next read`);

// The model it replaces: every open procedure filtered per request, the whole list re-sorted per change.
const all = [...index.all()];
const naivePage = time(200, (k) => {
  const c = caller(k % 2 ? 'provincial' : 'national');
  all.filter((i) => canSeeByAttributes(c, i.parties, i.regionScope) && (k % 4 < 2 || overdue(i))).slice(0, 50);
});
const resort = time(20, () => [...all].sort((a, b) => ((a.nextDeadline ?? '9999') < (b.nextDeadline ?? '9999') ? -1 : 1)));
log(`  the filter per request: p95 ${p(naivePage).p95Ms} ms; the re-sort per change: p50 ${p(resort).p50Ms} ms`);

const postgres = process.env.BENCH_INDEX_PG === '0' ? undefined : await postgresIdea();

const results = {
  boardIndexP95Ms: Math.max(...Object.values(queries).flatMap((q) => [q.pageP95Ms!, q.overdueP95Ms!, q.overviewP95Ms!])),
  boardIndex: {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage: loadavg().map(round) },
    open: OPEN,
    queries,
    update: p(updates),
    buildMs: round(buildMs),
    dayOfTransitions: { shownOverdue: count(after) - count(before), ms: round(dayMs) },
    replacedModel: { filterPerRequest: p(naivePage), resortPerChange: p(resort) },
    ...(postgres ? { postgres: postgres.figures, restartMs: postgres.restartMs } : {}),
    targets: { boardP95Ms: 50 },
  },
};
mergeResults(results);
console.log(JSON.stringify(results, null, 2));
process.exit(0);

/** The other idea: the open procedures as a table of the record database, indexed by deadline and by scope (GIN). */
async function postgresIdea() {
  log('the other idea: a table of open procedures in PostgreSQL (embedded record server) …');
  const dir = mkdtempSync(join(tmpdir(), 'bm-board-index-'));
  chmodSync(dir, 0o755);
  const server = await startRecordsServer({ dataDir: join(dir, 'records'), port: 16433 + Math.floor(rand() * 1000), password: 'bench' });
  const pool = new pg.Pool({ connectionString: await ensureDatabase(server.adminUrl, 'board_bench'), max: 1 });
  try {
    await pool.query(`create table board_open (id text primary key, kind text, tier text, party_ids text[], region_scope text[],
      next_deadline timestamptz, due_soon_at timestamptz, recorded_status text, delivery_failed boolean)`);
    t0 = performance.now();
    for (let k = 0; k < rows.length; k += 5000) {
      const chunk = rows.slice(k, k + 5000);
      await pool.query(
        `insert into board_open select id, kind, tier, parties::text[], scope::text[], due, soon, status, failed from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::boolean[])
           as u(id, kind, tier, parties, scope, due, soon, status, failed)`,
        [
          chunk.map((r) => r.id),
          chunk.map((r) => r.kind),
          chunk.map((r) => r.tier),
          // Arrays of arrays go as their text form, one text each, cast back to text[] above.
          chunk.map((r) => `{${r.parties.join(',')}}`),
          chunk.map((r) => `{${r.regionScope.join(',')}}`),
          chunk.map((r) => r.nextDeadline ?? null),
          chunk.map((r) => r.dueSoonAt ?? null),
          chunk.map((r) => r.recordedStatus),
          chunk.map((r) => r.deliveryFailed),
        ],
      );
    }
    await pool.query(`create index on board_open (next_deadline, id)`);
    await pool.query(`create index on board_open using gin (party_ids)`);
    await pool.query(`create index on board_open using gin (region_scope)`);
    await pool.query('analyze board_open');
    const loadMs = performance.now() - t0;
    const scopeSql = (c: PartyRef) => {
      const keys = scopeKeys(c);
      if (keys[0] === '*') return { where: 'true', args: [] as string[] };
      if (c.type !== 'authority') return { where: 'party_ids @> array[$1]', args: [c.id] };
      return { where: '(region_scope @> array[$1] or party_ids @> array[$2])', args: [keys[0]!.slice(2), c.id] };
    };
    const shown = `case when next_deadline <= $NOW then 'overdue' when due_soon_at <= $NOW and recorded_status = 'on_track' then 'due_soon' else recorded_status end`;
    const now = () => new Date(clock).toISOString();
    const timed = async (n: number, fn: () => Promise<unknown>) => {
      const out: number[] = [];
      for (let k = 0; k < n; k++) {
        const s = performance.now();
        await fn();
        out.push(performance.now() - s);
      }
      return out;
    };
    const queries: Record<string, Record<string, number>> = {};
    for (const scope of ['national', 'provincial', 'municipal', 'organ']) {
      const run = async (status: boolean) => {
        const { where, args } = scopeSql(caller(scope));
        const n = args.length;
        const filter = status ? ` and ${shown.replaceAll('$NOW', `$${n + 1}`)} = 'overdue'` : '';
        const params = [...args, ...(status ? [now()] : [])];
        await pool.query(`select * from board_open where ${where}${filter} order by next_deadline nulls last, id limit 50`, params);
        await pool.query(`select count(*) from board_open where ${where}${filter}`, params);
      };
      const page = await timed(100, () => run(false));
      const filtered = await timed(100, () => run(true));
      const overview = await timed(50, () => {
        const { where, args } = scopeSql(caller(scope));
        const s = shown.replaceAll('$NOW', `$${args.length + 1}`);
        return pool.query(
          `select kind, count(*), count(*) filter (where ${s} = 'overdue') as overdue, count(*) filter (where ${s} = 'due_soon') as due_soon
             from board_open where ${where} group by kind`,
          [...args, now()],
        );
      });
      queries[scope] = { pageP95Ms: p(page).p95Ms, overdueP95Ms: p(filtered).p95Ms, overviewP95Ms: p(overview).p95Ms };
      log(
        `  ${scope}: page p95 ${queries[scope]!.pageP95Ms} ms, overdue-only ${queries[scope]!.overdueP95Ms} ms, overview ${queries[scope]!.overviewP95Ms} ms`,
      );
    }
    const update = await timed(1000, () =>
      pool.query('update board_open set next_deadline = $2 where id = $1', [
        `p-${Math.floor(rand() * OPEN)}`,
        new Date(clock + rand() * 30 * DAY).toISOString(),
      ]),
    );
    t0 = performance.now();
    const { rows: read } = await pool.query('select * from board_open');
    const readAllMs = performance.now() - t0;
    log(`  one change p95 ${p(update).p95Ms} ms; all ${read.length} rows read (a rebuild's query) in ${round(readAllMs)} ms`);
    const restartMs = await restartFromRecord(await ensureDatabase(server.adminUrl, 'board_restart'));
    return { figures: { loadMs: round(loadMs), queries, update: p(update), readAllMs: round(readAllMs) }, restartMs };
  } finally {
    await pool.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An API restart at OPEN open procedures: the case file's `procedures` rows (the real schema, each
 * with a view of its running deadline), read by the board's first refresh (DeadlineBoard with the
 * record, no Temporal reachable: visibility's catch-up fails aside), until its first page is served.
 */
async function restartFromRecord(url: string) {
  const store = new RecordStore(url, { current: 'bench', keys: new Map([['bench', Buffer.alloc(32, 1)]]) });
  try {
    await store.migrate();
    const chunk = 5000;
    for (let k = 0; k < rows.length; k += chunk) {
      const part = rows.slice(k, k + chunk);
      await store.pool.query(
        `insert into procedures (id, kind, started_at, party_ids, region_scope, state, state_label, view, view_hash, runs, head_seq, head_hash, head_mac, mac_key_id, updated_at, organ, region, tier)
         select u.id, u.kind, now(), u.parties::text[], u.scope::text[], 'investigating', '调查处理',
           jsonb_build_object('responsible', jsonb_build_object('id', u.organ), 'context', jsonb_build_object('region', u.region),
             'deadlines', case when u.due is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('key', 'report', 'specId', 'report', 'label', '报告', 'basis', 'Regs 61', 'startAt', u.soon,
               'status', 'running', 'rule', 'hours', 'dueAt', u.due, 'dueSoonAt', u.soon, 'provisional', false,
               'dueFired', u.status = 'overdue', 'dueSoonDone', u.status in ('overdue', 'due_soon'))) end),
           'h', array['run'], 1, 'h', 'm', 'bench', now(), u.organ, u.region, u.tier
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
           as u(id, kind, tier, parties, scope, due, soon, status, organ, region)`,
        [
          part.map((r) => r.id),
          part.map((r) => r.kind),
          part.map((r) => r.tier),
          part.map((r) => `{${r.parties.join(',')}}`),
          part.map((r) => `{${r.regionScope.join(',')}}`),
          part.map((r) => r.nextDeadline ?? null),
          part.map((r) => r.dueSoonAt ?? null),
          part.map((r) => r.recordedStatus),
          part.map((r) => r.parties[0]!),
          part.map((r) => `${r.regionScope[1]}00`),
        ],
      );
    }
    let t = performance.now();
    await new RecordedBoardSource(store).openProcedures();
    const readMs = performance.now() - t;
    t = performance.now();
    const board = new DeadlineBoard(new Client(), loadDeps({}).calendar, {}, new RecordedBoardSource(store));
    await board.refresh();
    const page = await board.page(callers.national!, {}, 0, 50);
    const ms = performance.now() - t;
    board.stop();
    log(
      `  an API restart serves the board of ${page.total} open from the case file in ${round(ms)} ms (its query alone: ${round(readMs)} ms)`,
    );
    return { ms: round(ms), queryMs: round(readMs) };
  } finally {
    await store.close();
  }
}
