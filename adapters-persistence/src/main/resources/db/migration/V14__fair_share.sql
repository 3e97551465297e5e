-- Fair share among keys (docs/adr/0015): each task gets a tag when it is created, and claims take the tasks of a
-- type and priority in tag order. A key's tasks take consecutive tags 1 / weight apart, from the later of the
-- type's virtual time (the tag of its first ready pending task at that priority) and the tag of the key's previous
-- task, which fair_keys keeps per type and key. Tasks without a fairness key share their type's key '' of weight
-- 1. A type's row key is its name, '' for tasks without a type.
alter table tasks add column fairness_key text, add column fairness_weight integer,
    add column fair_tag double precision not null default 0;

create table fair_keys (
    type   text             not null,
    key    text             not null,
    -- The tag of the key's latest task.
    finish double precision not null,
    -- How far the key's latest creation statement moved it: the statement's tags run from finish - span.
    span   double precision not null,
    primary key (type, key)
);

-- The tasks waiting now keep their order: each type's get tags 1, 2, 3... in their claim order.
update tasks t set fair_tag = r.n
from (select id, row_number() over (partition by coalesce(type, '') order by priority desc, created_at, id) as n
      from tasks where status in ('pending', 'waiting')) r
where t.id = r.id;

insert into fair_keys (type, key, finish, span)
select coalesce(type, ''), '', max(fair_tag), 0 from tasks where status in ('pending', 'waiting')
group by coalesce(type, '');

drop index tasks_pending_claim_idx;
create index tasks_pending_claim_idx on tasks (type, priority desc, fair_tag, id) where status = 'pending';
