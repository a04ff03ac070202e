--liquibase formatted sql

-- Counts of flow runs per hour of expected start and per state, kept up to date as runs are created, change state
-- and are deleted, so that the console's flow runs page counts a workspace of a million runs by reading thousands of
-- rows instead of every run (orchestration.FlowRunListing; the README's runs page benchmark).
--
-- Writing a count row on every state change would make it a hot row: every run of a flow in the same hour would
-- queue behind one row lock, and two transactions changing two runs could deadlock on their count rows. So the
-- triggers on flow_run only append +1/-1 rows to flow_run_count_change (no lock on anything shared), and the
-- once-per-cluster loop orchestration.FlowRunCounts folds them into the count tables every second. A reader adds
-- the not yet folded changes to the counts in the same statement: the counts are exact whether or not the loop ran.
--
-- A change row without a tag counts toward the workspace's and the flow's counts; one with a tag (a run counts once
-- per tag it has) toward that tag's. Runs without an expected start (Steward always sets one) are not counted here;
-- readers count them from flow_run. deployment_key is deployment_id, or the nil UUID for runs without a deployment
-- (a key column cannot be null).

--changeset steward:013-run-counts-tables
create table flow_run_count_change (
    id bigserial primary key,
    workspace_id uuid not null,
    hour timestamptz not null,
    state_type varchar(16) not null,
    flow_id uuid not null,
    deployment_key uuid not null,
    tag text,
    runs integer not null
);

-- the workspace's runs per hour and state: the page without a flow, deployment or tag filter
create table flow_run_count (
    workspace_id uuid not null references workspace (id) on delete cascade,
    hour timestamptz not null,
    state_type varchar(16) not null,
    runs bigint not null,
    primary key (workspace_id, hour, state_type)
);

-- per flow and deployment too: the page filtered by either
create table flow_run_count_by_flow (
    workspace_id uuid not null references workspace (id) on delete cascade,
    flow_id uuid not null,
    hour timestamptz not null,
    state_type varchar(16) not null,
    deployment_key uuid not null,
    runs bigint not null,
    primary key (workspace_id, flow_id, hour, state_type, deployment_key)
);
create index flow_run_count_by_deployment on flow_run_count_by_flow (workspace_id, deployment_key, hour);

-- per tag: the page filtered by a tag (a common one is on a large part of the runs)
create table flow_run_count_by_tag (
    workspace_id uuid not null references workspace (id) on delete cascade,
    tag text not null,
    hour timestamptz not null,
    state_type varchar(16) not null,
    runs bigint not null,
    primary key (workspace_id, tag, hour, state_type)
);

-- counts that came down to zero (a state every run passes through), found and deleted after each fold
create index flow_run_count_zero on flow_run_count (workspace_id) where runs = 0;
create index flow_run_count_by_flow_zero on flow_run_count_by_flow (workspace_id) where runs = 0;
create index flow_run_count_by_tag_zero on flow_run_count_by_tag (workspace_id) where runs = 0;

--changeset steward:013-run-counts-triggers splitStatements:false
-- no run written by another instance between the triggers and the count of the runs already there (one transaction)
lock table flow_run in share mode;

-- The keys a run is counted under: without a tag (the workspace's and flow's counts) and once per distinct tag.
-- Arguments: workspace_id, expected_start_time, state_type, flow_id, deployment_id, tags.
create function flow_run_count_keys(uuid, timestamptz, varchar, uuid, uuid, text[])
    returns table (workspace_id uuid, hour timestamptz, state_type varchar, flow_id uuid, deployment_key uuid,
                   tag text)
    language sql stable as $$
    select $1, date_trunc('hour', $2, 'UTC'), coalesce($3, 'NONE'), $4,
           coalesce($5, '00000000-0000-0000-0000-000000000000'), t.tag
    from (select null::text as tag union select distinct unnest($6)) t
    where $2 is not null
$$;

-- Inserts and deletes come in statements of many rows too (a seeded history, a workspace deleted): one grouped row
-- per key and statement, from the transition table. Updates are single runs changing state, filtered by the
-- trigger's WHEN; a key the run keeps (a tag's when the deployment changed) nets to nothing and is left out.
create function flow_run_count_rows_written() returns trigger language plpgsql as $$
begin
    insert into flow_run_count_change (workspace_id, hour, state_type, flow_id, deployment_key, tag, runs)
    select k.*, case tg_op when 'DELETE' then -count(*) else count(*) end from written r,
        flow_run_count_keys(r.workspace_id, r.expected_start_time, r.state_type, r.flow_id, r.deployment_id, r.tags) k
    group by 1, 2, 3, 4, 5, 6;
    return null;
end $$;

create function flow_run_count_row_changed() returns trigger language plpgsql as $$
begin
    insert into flow_run_count_change (workspace_id, hour, state_type, flow_id, deployment_key, tag, runs)
    select workspace_id, hour, state_type, flow_id, deployment_key, tag, sum(runs) from (
        select k.*, -1 as runs from flow_run_count_keys(old.workspace_id, old.expected_start_time, old.state_type,
            old.flow_id, old.deployment_id, old.tags) k
        union all
        select k.*, 1 from flow_run_count_keys(new.workspace_id, new.expected_start_time, new.state_type,
            new.flow_id, new.deployment_id, new.tags) k) c
    group by 1, 2, 3, 4, 5, 6 having sum(runs) <> 0;
    return null;
end $$;

-- Moves up to batch of the oldest changes into the count tables; how many it moved (0 when another fold holds the
-- lock). One statement: the changes deleted are the ones added.
create function flow_run_count_fold(batch integer) returns integer language plpgsql as $$
declare
    folded integer;
begin
    if not pg_try_advisory_xact_lock(hashtext('flow_run_count_fold')) then
        return 0;
    end if;
    with moved as (
        delete from flow_run_count_change
        where id in (select id from flow_run_count_change order by id limit batch)
        returning workspace_id, hour, state_type, flow_id, deployment_key, tag, runs
    ), kept as (
        -- the changes of a deleted workspace (its runs deleted with it) are dropped with it
        select * from moved where exists (select 1 from workspace w where w.id = moved.workspace_id)
    ), per_workspace as (
        insert into flow_run_count as c (workspace_id, hour, state_type, runs)
        select workspace_id, hour, state_type, sum(runs) from kept where tag is null
        group by 1, 2, 3 order by 1, 2, 3
        on conflict (workspace_id, hour, state_type) do update set runs = c.runs + excluded.runs
    ), per_flow as (
        insert into flow_run_count_by_flow as c (workspace_id, flow_id, hour, state_type, deployment_key, runs)
        select workspace_id, flow_id, hour, state_type, deployment_key, sum(runs) from kept where tag is null
        group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
        on conflict (workspace_id, flow_id, hour, state_type, deployment_key) do update set runs = c.runs + excluded.runs
    ), per_tag as (
        insert into flow_run_count_by_tag as c (workspace_id, tag, hour, state_type, runs)
        select workspace_id, tag, hour, state_type, sum(runs) from kept where tag is not null
        group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (workspace_id, tag, hour, state_type) do update set runs = c.runs + excluded.runs
    )
    select count(*) into folded from moved;
    delete from flow_run_count where runs = 0;
    delete from flow_run_count_by_flow where runs = 0;
    delete from flow_run_count_by_tag where runs = 0;
    return folded;
end $$;

create trigger flow_run_count_insert after insert on flow_run referencing new table as written
    for each statement execute function flow_run_count_rows_written();
create trigger flow_run_count_delete after delete on flow_run referencing old table as written
    for each statement execute function flow_run_count_rows_written();
create trigger flow_run_count_update after update of state_type, expected_start_time, flow_id, deployment_id, tags
    on flow_run for each row
    when (old.state_type is distinct from new.state_type
        or date_trunc('hour', old.expected_start_time, 'UTC') is distinct from date_trunc('hour', new.expected_start_time, 'UTC')
        or old.flow_id is distinct from new.flow_id or old.deployment_id is distinct from new.deployment_id
        or old.tags is distinct from new.tags)
    execute function flow_run_count_row_changed();

-- the runs already there, counted as changes: the loop folds them like any others
insert into flow_run_count_change (workspace_id, hour, state_type, flow_id, deployment_key, tag, runs)
select k.*, count(*) from flow_run r,
    flow_run_count_keys(r.workspace_id, r.expected_start_time, r.state_type, r.flow_id, r.deployment_id, r.tags) k
group by 1, 2, 3, 4, 5, 6;

--changeset steward:013-run-names splitStatements:false
-- The page's name search (contains, any case) finds runs through a trigram index. It is on a table of the names
-- apart from the runs: a run's row is written anew on every state change, and a GIN index on flow_run would take
-- all the trigrams of its name again each time, with a pause of hundreds of milliseconds whenever its pending list
-- is merged (seen as set_state's p99 with a million runs). Names change rarely; they are copied when they do.
create extension if not exists pg_trgm;
create table flow_run_name (
    id uuid primary key references flow_run (id) on delete cascade,
    workspace_id uuid not null,
    name varchar(255) not null
);

create function flow_run_name_added() returns trigger language plpgsql as $$
begin
    insert into flow_run_name (id, workspace_id, name) select id, workspace_id, name from added;
    return null;
end $$;

create function flow_run_name_changed() returns trigger language plpgsql as $$
begin
    update flow_run_name set name = new.name where id = new.id;
    return null;
end $$;

lock table flow_run in share mode;
create trigger flow_run_name_insert after insert on flow_run referencing new table as added
    for each statement execute function flow_run_name_added();
create trigger flow_run_name_update after update of name on flow_run for each row
    when (old.name is distinct from new.name) execute function flow_run_name_changed();
insert into flow_run_name (id, workspace_id, name) select id, workspace_id, name from flow_run;
-- built after the names are in: in one pass, several times faster than entry by entry
create index flow_run_name_trigrams on flow_run_name using gin (name gin_trgm_ops);
