-- A task type's default concurrency key and fairness key for its tasks, as templates resolved against each task's
-- payload when a request states none.
alter table task_types add column default_concurrency_key text, add column default_max_concurrency integer,
    add column default_fairness_key text, add column default_fairness_weight integer;
