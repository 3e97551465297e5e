-- Rate limits (docs/adr/0016): a task may name a key and a rate (tasks per second, with a burst) at which the key's
-- tasks are dispatched, across every replica. Each key's token bucket is one instant in rate_keys, its theoretical
-- arrival time (tat): a claim locks the rows of its candidates' keys (FOR UPDATE SKIP LOCKED), takes no more of a
-- key's tasks than its bucket holds at the database's now(), and moves the bucket on by one interval per task
-- taken, in the same statement. A key's row is made with its first task, its bucket full (tat null).
alter table tasks add column rate_limit_key text, add column rate_per_second double precision,
    add column rate_burst integer;

create table rate_keys (
    key text primary key,
    tat timestamptz
);

create function rate_keys_created() returns trigger language plpgsql as $$
begin
    -- No lock on an existing row: creating tasks of a key does not hold up its claims.
    insert into rate_keys (key) values (new.rate_limit_key) on conflict (key) do nothing;
    return null;
end $$;

create trigger tasks_rate_created after insert on tasks
    for each row when (new.rate_limit_key is not null) execute function rate_keys_created();
