-- Access control: API keys (the hash of each secret, never the secret) and who created each task and workflow.

create table api_keys (
    id           uuid        primary key,
    name         text        not null,
    role         text        not null check (role in ('admin', 'operator', 'submitter', 'reader')),
    -- For a submitter: the only task types it may create; empty means any.
    task_types   text[]      not null default '{}',
    -- The first characters of the secret, to recognise a leaked key; not enough to use it.
    prefix       text        not null,
    -- SHA-256 of the secret, hex.
    secret_hash  text        not null,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create unique index api_keys_secret_hash_key on api_keys (secret_hash);
-- A name picks out one live key; revoked keys stay for the record.
create unique index api_keys_name_key on api_keys (name) where revoked_at is null;

-- The key of the client that created the work; null for work the service created (schedules) and work created
-- before keys existed. A submitter key reads only its own. Keys are never deleted (only revoked), so no cascade.
alter table tasks add column owner_key_id uuid references api_keys (id);
alter table workflows add column owner_key_id uuid references api_keys (id);
create index tasks_owner_idx on tasks (owner_key_id, created_at, id) where owner_key_id is not null;
create index workflows_owner_idx on workflows (owner_key_id, created_at, id) where owner_key_id is not null;

-- The audit trail: what admins and operators changed, by whom, from where. Append-only.
create table audit_events (
    id          bigserial   primary key,
    occurred_at timestamptz not null,
    actor       text        not null,
    action      text        not null,
    target      text,
    source      text
);
create index audit_events_actor_idx on audit_events (actor, id);
