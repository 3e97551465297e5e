-- The W3C traceparent of what created a task (a request, or its workflow's), so that its dispatches, its bot's
-- run and its reports join one trace across replicas and bots. Null when it was created outside a trace.
alter table tasks add column trace_parent text;
