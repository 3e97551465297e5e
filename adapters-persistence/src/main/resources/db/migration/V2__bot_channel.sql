-- The bot channel: bot tokens (hash only), slots, and task leases.

-- SHA-256 of the bot's current token, hex; null when revoked.
alter table bots add column token_hash text;
create unique index bots_token_hash_key on bots (token_hash) where token_hash is not null;

-- How many tasks the bot runs at once.
alter table bots add column slots integer not null default 1 check (slots between 1 and 256);

-- When the current assignment lapses unless the bot acts (accepts, reports progress, heartbeats). Always
-- computed with the database clock. Null unless the task is held by a bot.
alter table tasks add column lease_expires_at timestamptz;
create index tasks_lease_expiry_idx on tasks (lease_expires_at) where status in ('assigned', 'in_progress');
