-- A task type's default rate limit key for its tasks, as a template resolved against each task's payload when a
-- request states none, with its rate and burst.
alter table task_types add column default_rate_limit_key text, add column default_rate_per_second double precision,
    add column default_rate_burst integer;
