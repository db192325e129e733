-- Signed-out sessions (api/routes/login.ts): every API process reads them, a restart keeps them; each
-- until its session's own expiry, then purged.
create table revocations (
  jti text primary key,
  expires_at timestamptz not null,
  revoked_at timestamptz not null default now(),
  sub text not null,
  party text not null
);
create index revocations_expires on revocations (expires_at);
