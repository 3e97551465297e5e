-- Bots judged by how they work (domain BotHealth): per bot and task type, the moving average of its attempts'
-- outcomes, how many it counts since the bot's first attempt of the type or its last quarantine, and the
-- quarantine: until when the bot is offered no tasks of the type, and why. Replicas fold the outcomes they hear
-- into these rows in batches; each replica's dispatch reads the quarantines now and then.
create table bot_health (
    bot_id            uuid             not null references bots (id) on delete cascade,
    type              text             not null,
    score             double precision not null check (score >= 0 and score <= 1),
    samples           bigint           not null check (samples >= 0),
    quarantined_until timestamptz,
    reason            text,
    quarantines       integer          not null default 0,
    updated_at        timestamptz      not null,
    primary key (bot_id, type)
);

create index bot_health_quarantined_idx on bot_health (quarantined_until) where quarantined_until is not null;
