-- Workflows as graphs: the definition each run follows and its input, skipped steps, and named, versioned
-- workflow definitions.

alter table tasks drop constraint tasks_status_check;
alter table tasks add constraint tasks_status_check check (status in
    ('waiting', 'pending', 'assigned', 'in_progress', 'completed', 'failed', 'timed_out', 'cancelled', 'skipped'));

-- The graph a workflow runs (its document form). Null for workflows stored before: their steps run in order.
alter table workflows add column definition jsonb;
-- What the steps' params may refer to as input references (input.x).
alter table workflows add column input jsonb not null default '{}'::jsonb;

-- Named definitions, each version kept as it was created; runs are started from a name and a version.
create table workflow_definitions (
    name        text        not null,
    version     integer     not null check (version >= 1),
    definition  jsonb       not null,
    created_at  timestamptz not null,
    primary key (name, version)
);
