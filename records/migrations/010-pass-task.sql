-- A deadline pass's entries written by a local activity inside the pass's own workflow task (issue 28):
-- the task's history length when it wrote them. Null for rows an activity wrote from its recorded input.
-- A worker lost mid-pass leaves that task uncommitted in Temporal; the retried task (same run, longer
-- history) writes the pass again and its rows replace these (records/store.ts). No other row may be
-- changed or deleted: a reset run is another run, and what it writes unlike the record diverges.
alter table record_entries add column task integer;

create or replace function record_entries_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and old.task is not null then
    return old;
  end if;
  raise exception 'the record is append-only: % on % refused', tg_op, tg_table_name;
end
$$;
drop trigger record_entries_append_only on record_entries;
create trigger record_entries_append_only before update or delete on record_entries
  for each row execute function record_entries_guard();
