-- The task type registry (seed 004): a JSON Schema for the payload (and one describing the result), and the
-- defaults of the type's tasks. Tasks refer to a type by name only: registering, changing or deleting a type
-- changes no task.
create table task_types (
    name                    text        primary key,
    description             text,
    payload_schema          jsonb,
    result_schema           jsonb,
    default_priority        integer,
    default_timeout_seconds integer,
    retry                   jsonb,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    version                 bigint      not null default 0
);
