-- Triggers: signed events from Slack, GitHub-style senders and Standard Webhooks senders turned into work.
-- The signing secret is an HMAC key, so it is kept itself (never returned by the API); the one it replaced stays
-- valid until previous_secret_until.
create table triggers (
    name                  text        primary key,
    description           text,
    source                text        not null check (source in ('slack', 'github', 'standard_webhooks')),
    enabled               boolean     not null,
    match                 jsonb       not null,
    target                text        not null check (target in ('task', 'workflow', 'definition')),
    template              jsonb       not null,
    reply                 boolean     not null,
    app_user_id           text,
    max_requests          integer,
    window_seconds        integer,
    secret                text        not null,
    secret_set_at         timestamptz not null,
    previous_secret       text,
    previous_secret_until timestamptz,
    bot_token             text,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    version               bigint      not null default 0
);

-- Every delivery to a trigger, and the inbox of verified events: an event is stored 'received' before its work
-- is created, then 'accepted' with the work's id. A reply waits here for the work to end.
create table trigger_deliveries (
    id              uuid        primary key,
    trigger_name    text        not null references triggers (name) on delete cascade,
    received_at     timestamptz not null,
    outcome         text        not null
        check (outcome in ('received', 'accepted', 'duplicate', 'filtered', 'rejected')),
    reason          text,
    event_id        text,
    event_type      text,
    event           jsonb       not null,
    work_kind       text        check (work_kind in ('task', 'workflow')),
    work_id         uuid,
    reply_url       text,
    reply_channel   text,
    reply_thread_ts text,
    reply_state     text        not null default 'none' check (reply_state in ('none', 'waiting', 'sent', 'failed')),
    reply_attempts  integer     not null default 0,
    reply_next_at   timestamptz,
    reply_error     text
);
-- A sender's event makes work once: a repeat of an event id that was received or accepted is a duplicate.
create unique index trigger_deliveries_event_once_idx on trigger_deliveries (trigger_name, event_id)
    where event_id is not null and outcome in ('received', 'accepted');
-- Listing a trigger's deliveries, newest first (ids are time-ordered).
create index trigger_deliveries_trigger_idx on trigger_deliveries (trigger_name, id desc);
-- Deliveries whose work a crash left uncreated.
create index trigger_deliveries_received_idx on trigger_deliveries (received_at) where outcome = 'received';
-- Replies waiting for their work to end.
create index trigger_deliveries_reply_idx on trigger_deliveries (reply_next_at) where reply_state = 'waiting';
-- Purging old deliveries.
create index trigger_deliveries_received_at_idx on trigger_deliveries (received_at);
