-- Concurrency keys: a task may name a key and a limit on how many tasks of that key bots may hold at once
-- (assigned or in progress), across every replica. The count of held tasks per key is kept in concurrency_keys by
-- the triggers below, in the same transaction as the change of a task's status, whatever statement makes it; a
-- claim locks the key's row (FOR UPDATE SKIP LOCKED) and takes a keyed task only while the count, as the row's
-- latest version says, is under the limit.
alter table tasks add column concurrency_key text, add column max_concurrency integer;

create table concurrency_keys (
    key  text    primary key,
    held integer not null default 0 check (held >= 0)
);

-- The tasks holding a key's slots, for explain.
create index tasks_concurrency_held_idx on tasks (concurrency_key)
    where concurrency_key is not null and status in ('assigned', 'in_progress');

create function concurrency_keys_created() returns trigger language plpgsql as $$
begin
    if new.status in ('assigned', 'in_progress') then
        insert into concurrency_keys (key, held) values (new.concurrency_key, 1)
        on conflict (key) do update set held = concurrency_keys.held + 1;
    else
        -- No lock on an existing row: creating tasks of a key does not hold up its claims.
        insert into concurrency_keys (key, held) values (new.concurrency_key, 0) on conflict (key) do nothing;
    end if;
    return null;
end $$;

create function concurrency_keys_moved() returns trigger language plpgsql as $$
begin
    update concurrency_keys
    set held = held + case when new.status in ('assigned', 'in_progress') then 1 else -1 end
    where key = new.concurrency_key;
    return null;
end $$;

create function concurrency_keys_deleted() returns trigger language plpgsql as $$
begin
    update concurrency_keys set held = held - 1 where key = old.concurrency_key;
    return null;
end $$;

create trigger tasks_concurrency_created after insert on tasks
    for each row when (new.concurrency_key is not null) execute function concurrency_keys_created();

create trigger tasks_concurrency_moved after update of status on tasks
    for each row when (new.concurrency_key is not null
        and (old.status in ('assigned', 'in_progress')) <> (new.status in ('assigned', 'in_progress')))
    execute function concurrency_keys_moved();

create trigger tasks_concurrency_deleted after delete on tasks
    for each row when (old.concurrency_key is not null and old.status in ('assigned', 'in_progress'))
    execute function concurrency_keys_deleted();
