-- The status summary counts what was completed in the last minute: a partial index on completed tasks by when
-- they ended keeps that count to the last minute's rows instead of every completed task ever kept.
create index tasks_recently_completed_idx on tasks (completed_at) where status = 'completed';
