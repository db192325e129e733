-- The 收件箱 and the calendar subscription (issue 27).
-- Which procedures hold a message for a party: the recipients of every inbox entry of the recorded view.
create index procedures_inbox_recipients on procedures
  using gin (jsonb_path_query_array(view, '$.inbox[*].recipients[*].party.id') jsonb_path_ops);

-- Read/unread per person acting for a party (a message is the inbox entry `entry_id` of a procedure).
create table inbox_reads (
  party_id text not null,
  person_sub text not null,
  procedure_id text not null references procedures (id),
  entry_id text not null,
  read_at timestamptz not null default now(),
  primary key (party_id, person_sub, procedure_id, entry_id)
);

-- A person's secret calendar URL (/api/calendar/feeds/<id>.<secret>.ics): only the SHA-256 of the
-- secret is kept; a revoked one stays (revoked_at) so its URL is answered 410, never reissued.
create table calendar_subscriptions (
  id text primary key,
  secret_sha256 bytea not null,
  party_id text not null,
  person_sub text not null,
  person_name text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_fetched_at timestamptz
);
create unique index calendar_subscriptions_active on calendar_subscriptions (party_id, person_sub) where revoked_at is null;
