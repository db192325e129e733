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

create function record_summary_refresh() returns trigger language plpgsql as $$
begin
  perform record_summary_fill(new.id, new.view);
  return null;
end
$$;
create trigger procedures_summary_insert after insert on procedures
  for each row execute function record_summary_refresh();
create trigger procedures_summary_update after update of view on procedures
  for each row when (old.view is distinct from new.view) execute function record_summary_refresh();

select record_summary_fill(id, view) from procedures;
