-- Refused requests (api/denials.ts): every 401, 403 and out-of-scope 404, kept in the database so that
-- a flood cannot rotate them away. A signed-in caller's refusal is one row; anonymous ones are counted
-- per address block, status, route and reason in a window (first and last instant, count), so a flood
-- costs a bounded number of rows. Append-only: UPDATE refused; DELETE only by the retention purge, which
-- names its retention (bm.denial_retention_days, at least 180 days: 网络安全法 第二十一条(三), six months of
-- network logs), of rows whose last instant lies beyond it.
create table denials (
  id bigserial primary key,
  first_at timestamptz not null,
  last_at timestamptz not null,
  count integer not null check (count > 0),
  status smallint not null,
  -- Who (a signed-in caller; null: anonymous, `ip` then holds the address block).
  caller text,
  person text,
  what text not null,
  method text,
  url text,
  route text,
  ip text
);
create index denials_last_at on denials (last_at);

create function denials_guard() returns trigger language plpgsql as $$
declare
  days integer := nullif(current_setting('bm.denial_retention_days', true), '')::integer;
begin
  if tg_op = 'DELETE' and days >= 180 and old.last_at < now() - make_interval(days => days) then
    return old;
  end if;
  raise exception 'the denial log is append-only: % on denials refused (only the retention purge deletes, rows older than its retention of at least 180 days)', tg_op;
end
$$;
create trigger denials_append_only before update or delete on denials
  for each row execute function denials_guard();
create trigger denials_not_truncated before truncate on denials
  for each statement execute function record_refuse_change();

-- Starts reserved per party (api/start-quota.ts): every API process counts the same starts, and a restart
-- forgets none. A row lives an hour (the start rate's window); a start that failed is deleted.
create table start_reservations (
  procedure_id text primary key,
  party text not null,
  kind text not null,
  at timestamptz not null default now()
);
create index start_reservations_party on start_reservations (party, at);
