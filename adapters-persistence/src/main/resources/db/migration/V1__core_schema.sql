-- The coordinator's core: bots, tasks with their history, sequential workflows, idempotency keys.
-- Status columns hold the lower-case names used on the wire. Every mutable row carries a version for
-- conditional (optimistic) writes.

create table bots (
    id                uuid        primary key,
    name              text        not null,
    capabilities      text[]      not null default '{}',
    status            text        not null check (status in ('offline', 'online', 'busy')),
    metadata          jsonb       not null default '{}'::jsonb,
    last_heartbeat_at timestamptz,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    version           bigint      not null default 0,
    constraint bots_name_key unique (name)
);
-- "bots that can do X": array containment on capabilities.
create index bots_capabilities_idx on bots using gin (capabilities);
-- Listing by status, oldest registration first.
create index bots_status_created_idx on bots (status, created_at, id);
create index bots_created_idx on bots (created_at, id);

create table workflows (
    id          uuid        primary key,
    name        text        not null,
    description text,
    status      text        not null check (status in ('pending', 'in_progress', 'completed', 'failed', 'cancelled')),
    metadata    jsonb       not null default '{}'::jsonb,
    started_at  timestamptz,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    version     bigint      not null default 0
);
-- Listings are newest first, optionally by status.
create index workflows_created_idx on workflows (created_at desc, id desc);
create index workflows_status_created_idx on workflows (status, created_at desc, id desc);

create table tasks (
    id                uuid        primary key,
    type              text,
    status            text        not null check (status in
                          ('waiting', 'pending', 'assigned', 'in_progress', 'completed', 'failed', 'cancelled')),
    priority          integer     not null default 0 check (priority between -1000 and 1000),
    payload           jsonb       not null default '{}'::jsonb,
    result            jsonb,
    error             text,
    timeout_seconds   integer     not null check (timeout_seconds between 1 and 3600),
    workflow_id       uuid        references workflows (id) on delete cascade,
    workflow_position integer,
    bot_id            uuid        references bots (id) on delete set null,
    attempt           integer     not null default 0 check (attempt >= 0),
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    assigned_at       timestamptz,
    started_at        timestamptz,
    completed_at      timestamptz,
    version           bigint      not null default 0,
    constraint tasks_workflow_step_key unique (workflow_id, workflow_position),
    constraint tasks_workflow_step_check check ((workflow_id is null) = (workflow_position is null))
);
-- The claim: pending work of one type, highest priority first, oldest first. Partial, so it stays as small as
-- the backlog.
create index tasks_pending_claim_idx on tasks (type, priority desc, created_at, id) where status = 'pending';
-- The same order across all types (GET /tasks/pending without a type).
create index tasks_pending_order_idx on tasks (priority desc, created_at, id) where status = 'pending';
-- Work a bot holds: counting it, and later the lease sweep.
create index tasks_held_by_bot_idx on tasks (bot_id) where status in ('assigned', 'in_progress');
-- Listing filters.
create index tasks_created_idx on tasks (created_at, id);
create index tasks_status_created_idx on tasks (status, created_at, id);
create index tasks_bot_created_idx on tasks (bot_id, created_at, id);
create index tasks_type_created_idx on tasks (type, created_at, id);

create table task_events (
    id          bigint      generated always as identity primary key,
    task_id     uuid        not null references tasks (id) on delete cascade,
    from_status text,
    to_status   text        not null,
    attempt     integer     not null,
    actor       text        not null,
    reason      text,
    occurred_at timestamptz not null
);
create index task_events_task_idx on task_events (task_id, id);

-- A creation request's key, the fingerprint of its body and the resource it created.
create table idempotency_keys (
    scope       text        not null,
    key         text        not null,
    fingerprint text        not null,
    resource_id uuid        not null,
    created_at  timestamptz not null default now(),
    primary key (scope, key)
);
create index idempotency_keys_resource_idx on idempotency_keys (resource_id);
