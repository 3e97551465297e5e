-- Time and retries: execution and schedule-to-start deadlines, retry policies, delayed tasks, the dead-letter
-- states and the cause of every transition.

alter table tasks drop constraint tasks_status_check;
alter table tasks add constraint tasks_status_check check (status in
    ('waiting', 'pending', 'assigned', 'in_progress', 'completed', 'failed', 'timed_out', 'cancelled'));

-- A short code for the last error: the bot's own, or the timeout that fired.
alter table tasks add column error_code text;

-- The resolved retry policy: max_attempts, backoff_seconds, backoff_multiplier, max_backoff_seconds, jitter,
-- non_retryable_errors. Tasks from before this migration get the built-in default.
alter table tasks add column retry_policy jsonb;
update tasks set retry_policy = '{"max_attempts": 3, "backoff_seconds": 1.0, "backoff_multiplier": 2.0,
    "max_backoff_seconds": 300.0, "jitter": 0.2, "non_retryable_errors": []}'::jsonb;
alter table tasks alter column retry_policy set not null;

-- Attempts made before the last redrive; they do not count against the retry policy.
alter table tasks add column attempts_before integer not null default 0 check (attempts_before >= 0);

-- How long the task may wait for a bot each time it becomes ready (null: no limit).
alter table tasks add column schedule_to_start_seconds integer
    check (schedule_to_start_seconds between 1 and 604800);

-- Not dispatched before this instant (a delayed task, or a retry's backoff); null: at once.
alter table tasks add column run_at timestamptz;

-- Pending: when the schedule-to-start limit runs out; in progress: when the execution timeout does.
alter table tasks add column deadline_at timestamptz;
create index tasks_deadline_idx on tasks (deadline_at)
    where deadline_at is not null and status in ('pending', 'in_progress');

-- The dead-letter list, most recently ended first.
create index tasks_dead_letter_idx on tasks (completed_at desc, id desc) where status in ('failed', 'timed_out');

-- A short stable code for why each transition happened (ack_timeout, execution_timeout, retry_scheduled,
-- redriven, ...), for counting; the reason column keeps the words for people.
alter table task_events add column cause text;
update task_events set cause = case
    when from_status is null then 'created'
    when to_status = 'assigned' then 'assigned'
    when to_status = 'in_progress' then 'started'
    when to_status = 'pending' and from_status = 'waiting' then 'ready'
    when to_status = 'pending' then 'lease_expired'
    else to_status end;
alter table task_events alter column cause set not null;

-- Idempotency keys are kept for a retention period (coordinator.idempotency.retention); this finds the old ones.
create index idempotency_keys_created_idx on idempotency_keys (created_at);
