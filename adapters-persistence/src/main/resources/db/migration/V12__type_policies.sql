-- How each task type is dispatched, as operators set it at run time: a paused type's tasks stay pending and no
-- claim takes them until it is resumed. A type without a row is dispatched as usual. Claims read this table by
-- its primary key, once per capability of the claiming bot.
create table type_policies (
    type         text        primary key,
    paused       boolean     not null,
    pause_reason text,
    paused_at    timestamptz,
    paused_by    text,
    updated_at   timestamptz not null,
    version      bigint      not null,
    constraint type_policies_pause_check check (
        (paused and paused_at is not null and paused_by is not null)
        or (not paused and pause_reason is null and paused_at is null and paused_by is null))
);
