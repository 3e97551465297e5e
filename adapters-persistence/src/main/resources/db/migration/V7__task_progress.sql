-- The latest progress a bot reported on a task (task_progress), kept beside the task outside its state machine:
-- written with the lease renewal it comes with, without touching the task's version.
alter table tasks add column progress jsonb;
alter table tasks add column progress_attempt integer;
alter table tasks add column progress_at timestamptz;
