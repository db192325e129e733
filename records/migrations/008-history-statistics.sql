-- History and statistics over the case file (docs/history-and-statistics.md): what they filter and count
-- by, kept beside the view by the record's own writes, so that no query loads a procedure's view.

-- The case's reference and title (api/case-headlines.ts), searched by text; set by each append.
alter table procedures add column reference text;
alter table procedures add column title text;
-- Rows written before: the start input's …Ref field and its title or summary.
update procedures set
  reference = (select value from jsonb_each_text(view->'context') where key like '%Ref' order by key limit 1),
  title = coalesce(view->'context'->>'title', view->'context'->>'summary')
where jsonb_typeof(view->'context') = 'object';

create index procedures_started_list on procedures (started_at desc, id desc);
create index procedures_organ on procedures (organ);
create index procedures_tier on procedures (tier);

-- What the statistics count by, one narrow row per recorded procedure (the procedures row carries its
-- view: a scan of it reads a page per procedure).
create table procedure_summaries (
  id text primary key references procedures (id),
  kind text not null,
  tier text,
  region text,
  organ text,
  party_ids text[] not null,
  region_scope text[] not null,
  started_at timestamptz not null,
  closed_at timestamptz,
  any_late boolean not null
);
create index procedure_summaries_started_at on procedure_summaries (started_at);
create index procedure_summaries_closed_at on procedure_summaries (closed_at);
create index procedure_summaries_party_ids on procedure_summaries using gin (party_ids);
create index procedure_summaries_region_scope on procedure_summaries using gin (region_scope);

-- Each statutory step of a procedure (its deadlines but those superseded by a recomputation): when its
-- period started, fell due and was met, and whether it was late (met late, lapsed, or passed while it ran).
create table procedure_steps (
  procedure_id text not null references procedures (id),
  key text not null,
  spec_id text not null,
  label text not null,
  basis text,
  rule text not null,
  obligation boolean not null,
  policy boolean not null,
  status text not null,
  start_at timestamptz not null,
  due_at timestamptz not null,
  met_at timestamptz,
  late boolean not null,
  primary key (procedure_id, key)
);
create index procedure_steps_open_due on procedure_steps (procedure_id, due_at) where status = 'running' and obligation;

-- Each article a late report's flag names (machines/leak.ts LateFlag: Regs 67 para 1(8), Regs 71 …).
create table procedure_late_reports (
  procedure_id text not null references procedures (id),
  deadline_id text not null,
  obligation text not null,
  basis text not null
);
create index procedure_late_reports_procedure on procedure_late_reports (procedure_id);

create function record_summary_fill(p_id text, p_view jsonb) returns void language plpgsql as $$
declare
  deadlines jsonb := p_view->'deadlines';
  flags jsonb := p_view->'context'->'lateFlags';
begin
  delete from procedure_steps where procedure_id = p_id;
  delete from procedure_late_reports where procedure_id = p_id;
  if jsonb_typeof(deadlines) = 'array' then
    insert into procedure_steps
    select p_id, d->>'key', d->>'specId', coalesce(d->>'label', d->>'specId'), d->>'basis', d->>'rule',
      coalesce((d->>'obligation')::boolean, false), coalesce((d->>'policy')::boolean, false), d->>'status',
      (d->>'startAt')::timestamptz, (d->>'dueAt')::timestamptz, (d->>'metAt')::timestamptz,
      d->>'status' in ('met_late', 'lapsed') or (coalesce((d->>'obligation')::boolean, false) and coalesce((d->>'dueFired')::boolean, false))
    from jsonb_array_elements(deadlines) d
    where d->>'status' <> 'superseded' and d->>'key' is not null
    on conflict do nothing;
  end if;
  if jsonb_typeof(flags) = 'array' then
    insert into procedure_late_reports
    select p_id, coalesce(f->>'deadlineId', ''), coalesce(f->>'obligation', ''), c->>'basis'
    from jsonb_array_elements(flags) f, jsonb_array_elements(case jsonb_typeof(f->'consequences') when 'array' then f->'consequences' else '[]' end) c
    where c->>'basis' is not null;
  end if;
end
$$;

-- The summary of a recorded procedure (a row is made before its first entry is written: not yet recorded).
create function record_summary_keep(p procedures) returns void language plpgsql as $$
begin
  if p.mac_key_id = '' then
    return;
  end if;
  insert into procedure_summaries values (p.id, p.kind, p.tier, p.region, p.organ, p.party_ids, p.region_scope, p.started_at, p.closed_at, p.any_late)
  on conflict (id) do update set kind = excluded.kind, tier = excluded.tier, region = excluded.region, organ = excluded.organ,
    party_ids = excluded.party_ids, region_scope = excluded.region_scope, started_at = excluded.started_at,
    closed_at = excluded.closed_at, any_late = excluded.any_late;
end
$$;

create function record_summary_refresh() returns trigger language plpgsql as $$
begin
  perform record_summary_keep(new);
  if tg_op = 'INSERT' or old.view is distinct from new.view then
    perform record_summary_fill(new.id, new.view);
  end if;
  return null;
end
$$;
create trigger procedures_summary after insert or update on procedures
  for each row execute function record_summary_refresh();

select record_summary_keep(p), record_summary_fill(p.id, p.view) from procedures p;
