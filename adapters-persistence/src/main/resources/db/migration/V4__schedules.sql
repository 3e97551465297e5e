-- Cron schedules: each occurrence creates a task or starts a workflow from the schedule's template. Every replica
-- sweeps this table; an occurrence fires once because the creation carries an idempotency key derived from the
-- schedule and the occurrence, and next_fire_at moves on by a write conditional on the occurrence fired.

create table schedules (
    id             uuid        primary key,
    name           text        not null check (char_length(name) between 1 and 200),
    description    text        check (char_length(description) <= 2000),
    -- A standard 5-field cron expression, read in time_zone (an IANA id).
    cron           text        not null check (char_length(cron) between 1 and 200),
    time_zone      text        not null check (char_length(time_zone) between 1 and 100),
    target         text        not null check (target in ('task', 'workflow')),
    -- The body of POST /api/v1/tasks or POST /api/v1/workflows.
    template       jsonb       not null default '{}'::jsonb check (jsonb_typeof(template) = 'object'),
    enabled        boolean     not null default true,
    misfire_policy text        not null default 'skip' check (misfire_policy in ('skip', 'fire_once')),
    -- The occurrence the schedule waits for; null while disabled or when the expression has no further one.
    next_fire_at   timestamptz,
    last_fired_at  timestamptz,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        bigint      not null default 0,
    constraint schedules_name_key unique (name),
    constraint schedules_disabled_not_due_check check (enabled or next_fire_at is null)
);
-- The sweep: enabled schedules whose time has come, earliest first. Partial, so disabled ones cost nothing.
create index schedules_due_idx on schedules (next_fire_at) where enabled;
-- Listing, oldest first.
create index schedules_created_idx on schedules (created_at, id);
