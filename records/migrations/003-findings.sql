-- What the continuous check found (records/watch.ts): each once per procedure, kind and run, with when
-- its alarm went out. Kept, never deleted: the operators' and supervisors' trail of 异常.
create table record_findings (
  id bigserial primary key,
  procedure_id text not null,
  kind text not null,
  run_id text not null default '',
  seq integer,
  detail text not null,
  found_at timestamptz not null default now(),
  alarmed_at timestamptz,
  unique (procedure_id, kind, run_id)
);
create index record_findings_procedure on record_findings (procedure_id);
create trigger record_findings_kept before delete on record_findings
  for each row execute function record_refuse_change();
