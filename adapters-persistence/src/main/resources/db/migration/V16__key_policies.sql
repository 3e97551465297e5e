-- How the tasks of each concurrency key are dispatched, as operators set it at run time: a paused key's tasks stay
-- pending and no claim takes them until it is resumed; a max_concurrency set here replaces the limit the key's
-- tasks state. A key without a row is dispatched as its tasks state. Claims read this table by its primary key,
-- once per keyed candidate, next to the key's row in concurrency_keys.
create table key_policies (
    key             text        primary key,
    paused          boolean     not null,
    pause_reason    text,
    paused_at       timestamptz,
    paused_by       text,
    max_concurrency integer     check (max_concurrency between 1 and 100000),
    updated_at      timestamptz not null,
    version         bigint      not null,
    constraint key_policies_pause_check check (
        (paused and paused_at is not null and paused_by is not null)
        or (not paused and pause_reason is null and paused_at is null and paused_by is null))
);
