-- The case file (案卷, SPEC §4a): every procedure's record, kept for years after Temporal forgets it.

-- One row per procedure: what it is, whom it concerns, where it stands, and its chain's head.
create table procedures (
  id text primary key,
  kind text not null,
  started_at timestamptz not null,
  -- Every party's id and the jurisdiction prefixes of their regions (api/scope.ts: a party sees the
  -- procedures it is in, an authority those with a party in its jurisdiction, the national one all).
  party_ids text[] not null,
  region_scope text[] not null,
  state text not null,
  state_label text not null,
  closed_at timestamptz,
  -- Any step met late, lapsed or overdue at some point.
  any_late boolean not null default false,
  -- The view as the workflow last recorded it, without its audit trail (that is record_entries):
  -- context (facts, parties), deadlines with their computation, inbox and deliveries, policy, versions.
  view jsonb not null,
  view_hash text not null,
  -- The Temporal runs that wrote to it (continue-as-new adds one; a reset shows as an unknown run).
  runs text[] not null,
  head_seq integer not null,
  head_hash text not null,
  head_mac text not null,
  mac_key_id text not null,
  -- Set when a run wrote entries that differ from the recorded ones (a reset or rewind): 异常.
  anomaly text,
  updated_at timestamptz not null
);
create index procedures_kind on procedures (kind);
create index procedures_party_ids on procedures using gin (party_ids);
create index procedures_region_scope on procedures using gin (region_scope);
create index procedures_started_at on procedures (started_at);
create index procedures_closed_at on procedures (closed_at);

-- The audit trail, hash-chained per procedure (records/chain.ts).
create table record_entries (
  procedure_id text not null references procedures (id),
  seq integer not null check (seq > 0),
  entry jsonb not null,
  prev_hash text not null,
  hash text not null,
  run_id text not null,
  -- The hash of the event Update that made it (workflows/continue-as-new.ts updateHash).
  update_hash text,
  written_at timestamptz not null default now(),
  primary key (procedure_id, seq)
);
create unique index record_entries_update on record_entries (procedure_id, update_hash) where update_hash is not null;

-- Entries a run wrote under a seq the record already holds with other content: kept beside, never over, the record.
create table record_divergences (
  id bigserial primary key,
  procedure_id text not null references procedures (id),
  run_id text not null,
  seq integer not null,
  entry jsonb not null,
  found_at timestamptz not null default now()
);

-- Append-only by the database itself. An owner can drop these triggers; the chain and its MAC still tell.
create function record_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the record is append-only: % on % refused', tg_op, tg_table_name;
end
$$;
create trigger record_entries_append_only before update or delete on record_entries
  for each row execute function record_refuse_change();
create trigger record_divergences_append_only before update or delete on record_divergences
  for each row execute function record_refuse_change();
create trigger procedures_kept before delete on procedures
  for each row execute function record_refuse_change();
