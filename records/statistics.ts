/**
 * Statistics (统计) over the case file, computed in SQL (migration 008: the per-step table and the late
 * reports' articles, kept current by the record's writes), never by loading procedures. Scoped and
 * filtered as the history is (records/filters-sql.ts); periods are Beijing months, quarters or years.
 */
import type pg from 'pg';
import type { PartyRef } from '../domain/parties.js';
import { filterClauses, scopeClauses, SqlArgs, type ProcedureFilters } from './filters-sql.js';
import { inTransaction } from './transaction.js';

export type PeriodUnit = 'month' | 'quarter' | 'year';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['month', 'quarter', 'year'];

export interface StatisticsFilters extends ProcedureFilters {
  unit: PeriodUnit;
  /** Instants (the API turns Beijing days into them): [from, to). */
  from?: string;
  to?: string;
}

/** One row of a table of counts: procedures started in the range, closed in it, and how. */
export interface CountRow {
  /** The period (2026-11, 2026-Q4, 2026), kind, tier, region code or organ id; null: not recorded. */
  key: string | null;
  started: number;
  closed: number;
  /** Closed with every step on time. */
  closedOnTime: number;
  /** Closed with a step met late, lapsed or passed while it ran. */
  closedLate: number;
  /** Started in the range, open, and a duty of it overdue now. */
  openOverdue: number;
}

export interface LateArticleRow {
  basis: string;
  /** Late reports naming it (a flag names each article its consequences rest on). */
  reports: number;
  procedures: number;
}

/** How long a statutory step took against its period, over the steps met in the range. */
export interface StepTimingRow {
  kind: string;
  specId: string;
  label: string;
  basis?: string;
  rule: string;
  met: number;
  late: number;
  /** Hours from the period's start to the step, at least 0 (a day-based period starts at 24:00 of its first day). */
  medianHours: number;
  p90Hours: number;
  periodMedianHours: number;
  /** The time taken as a share of the period (1 = all of it). */
  medianShare: number | null;
  p90Share: number | null;
}

export interface Statistics {
  unit: PeriodUnit;
  byPeriod: CountRow[];
  byKind: CountRow[];
  byTier: CountRow[];
  byRegion: CountRow[];
  byOrgan: CountRow[];
  lateByArticle: LateArticleRow[];
  steps: StepTimingRow[];
}

const FORMATS: Record<PeriodUnit, string> = { month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' };
const DIMENSIONS = ['period', 'kind', 'tier', 'region', 'organ'] as const;
const TABLES = { period: 'byPeriod', kind: 'byKind', tier: 'byTier', region: 'byRegion', organ: 'byOrgan' } as const;

/** `col` within [from, to), as far as they are given. */
function within(col: string, f: StatisticsFilters, a: SqlArgs): string {
  const c = [f.from && `${col} >= ${a.add(f.from)}`, f.to && `${col} < ${a.add(f.to)}`].filter(Boolean);
  return c.length ? c.join(' and ') : `${col} is not null`;
}

const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

export async function statistics(pool: pg.Pool, caller: PartyRef, f: StatisticsFilters): Promise<Statistics> {
  // procedure_summaries (sm): one narrow row per recorded procedure, kept by the record's writes (migration 008).
  const where = (a: SqlArgs, ...more: string[]) =>
    [...scopeClauses(caller, a, 'sm'), ...filterClauses(f, a, 'sm'), ...more].join(' and ') || 'true';
  const counts = new SqlArgs();
  const started = within('sm.started_at', f, counts);
  const closed = within('sm.closed_at', f, counts);
  const period = (col: string) =>
    `to_char(date_trunc(${counts.add(f.unit)}, ${col} at time zone 'Asia/Shanghai'), ${counts.add(FORMATS[f.unit])})`;
  const countsSql = `
    with p as (
      select sm.kind, sm.tier, sm.region, sm.organ, sm.started_at, sm.closed_at, sm.any_late, (${started}) as in_start, (${closed}) as in_close,
        sm.closed_at is null and exists (select 1 from procedure_steps s where s.procedure_id = sm.id
          and s.status = 'running' and s.obligation and s.due_at < now()) as overdue_now
      from procedure_summaries sm where ${where(counts, `((${started}) or (${closed}))`)}
    ), ev as (
      select ${period('started_at')} as period, kind, tier, region, organ, 1 as started, 0 as closed, 0 as on_time, 0 as late, overdue_now::int as overdue
        from p where in_start
      union all
      select ${period('closed_at')}, kind, tier, region, organ, 0, 1, (not any_late)::int, any_late::int, 0 from p where in_close
    )
    select ${DIMENSIONS.map((d) => `grouping(${d}) as g_${d}`).join(', ')}, ${DIMENSIONS.join(', ')},
      sum(started)::int as started, sum(closed)::int as closed, sum(on_time)::int as on_time, sum(late)::int as late, sum(overdue)::int as overdue
    from ev group by grouping sets (${DIMENSIONS.map((d) => `(${d})`).join(', ')})`;

  const late = new SqlArgs();
  const lateSql = `
    select l.basis, count(*)::int as reports, count(distinct l.procedure_id)::int as procedures
    from procedure_late_reports l join procedure_summaries sm on sm.id = l.procedure_id
    where ${where(late, within('sm.started_at', f, late))}
    group by l.basis order by reports desc, l.basis`;

  // Each ordered-set aggregate sorts its group: the median and the 90th percentile share one sort.
  const steps = new SqlArgs();
  const stepsSql = `
    with t as (
      select sm.kind, s.spec_id, s.label, s.basis, s.rule, s.late,
        greatest(extract(epoch from s.met_at - s.start_at), 0) / 3600 as taken, extract(epoch from s.due_at - s.start_at) / 3600 as period
      from procedure_steps s join procedure_summaries sm on sm.id = s.procedure_id
      where ${where(steps, within('s.met_at', f, steps))}
    )
    select kind, spec_id, min(label) as label, min(basis) as basis, min(rule) as rule, count(*)::int as met, (count(*) filter (where late))::int as late,
      percentile_cont(array[0.5, 0.9]) within group (order by taken) as taken,
      percentile_cont(0.5) within group (order by period) as period_median,
      percentile_cont(array[0.5, 0.9]) within group (order by taken / nullif(period, 0)) as share
    from t group by kind, spec_id order by kind, spec_id`;

  // Sorts for the grouping sets and the percentiles kept in memory (PostgreSQL's default 4 MB spills
  // them to disk at 100,000 procedures); for these statements only.
  const [c, l, s] = await inTransaction(
    pool,
    async (client) => {
      await client.query(`set local work_mem = '64MB'`);
      // One statement at a time: the connection runs them in turn anyway.
      return [
        await client.query<Record<string, unknown>>(countsSql, counts.values),
        await client.query<LateArticleRow>(lateSql, late.values),
        await client.query<{
          kind: string;
          spec_id: string;
          label: string;
          basis: string | null;
          rule: string;
          met: number;
          late: number;
          taken: [number, number];
          period_median: number;
          /** Null when no step of the group had a period (all of length 0). */
          share: [number, number] | null;
        }>(stepsSql, steps.values),
      ] as const;
    },
    'begin read only',
  );
  const tables = Object.fromEntries(DIMENSIONS.map((d) => [TABLES[d], [] as CountRow[]])) as Record<
    (typeof TABLES)[keyof typeof TABLES],
    CountRow[]
  >;
  for (const r of c.rows) {
    const d = DIMENSIONS.find((x) => r[`g_${x}`] === 0)!;
    tables[TABLES[d]].push({
      key: (r[d] as string | null) ?? null,
      started: r.started as number,
      closed: r.closed as number,
      closedOnTime: r.on_time as number,
      closedLate: r.late as number,
      openOverdue: r.overdue as number,
    });
  }
  tables.byPeriod.sort((x, y) => String(x.key).localeCompare(String(y.key)));
  for (const t of [tables.byKind, tables.byTier, tables.byRegion, tables.byOrgan])
    t.sort((x, y) => y.started + y.closed - (x.started + x.closed) || String(x.key).localeCompare(String(y.key)));
  return {
    unit: f.unit,
    ...tables,
    lateByArticle: l.rows,
    steps: s.rows.map((r) => ({
      kind: r.kind,
      specId: r.spec_id,
      label: r.label,
      ...(r.basis ? { basis: r.basis } : {}),
      rule: r.rule,
      met: r.met,
      late: r.late,
      medianHours: round(r.taken[0], 2)!,
      p90Hours: round(r.taken[1], 2)!,
      periodMedianHours: round(r.period_median, 2)!,
      medianShare: round(r.share?.[0] ?? null, 3),
      p90Share: round(r.share?.[1] ?? null, 3),
    })),
  };
}
