-- The event Updates applied, by hash (workflows/continue-as-new.ts updateHash), whatever append brought
-- them: an event whose application awaited an activity is written before the run remembers its
-- Update, so the hash comes with a later append. A reset run refuses these (workflows/recorder.ts).
create table record_updates (
  procedure_id text not null references procedures (id),
  update_hash text not null,
  seq integer not null,
  primary key (procedure_id, update_hash)
);
create trigger record_updates_append_only before update or delete on record_updates
  for each row execute function record_refuse_change();
