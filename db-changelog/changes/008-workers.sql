--liquibase formatted sql

-- Work pools, their queues and the workers that poll them, per workspace (names unique as in Prefect: a pool's name
-- in its workspace, a queue's and a worker's name in its pool). Statuses are not stored: a pool is PAUSED, READY
-- (a worker's heartbeat is recent) or NOT_READY, and a queue PAUSED, READY (polled in the last 60 s) or NOT_READY,
-- computed when read, so no background service has to flip them back.

--changeset steward:008-workers
create table work_pool (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name varchar(255) not null,
    description text,
    type varchar(255) not null,
    base_job_template jsonb not null default '{}',
    is_paused boolean not null default false,
    concurrency_limit integer check (concurrency_limit >= 0),
    default_queue_id uuid,
    storage_configuration jsonb not null default '{}',
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, name)
);

create table work_queue (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    work_pool_id uuid not null references work_pool (id) on delete cascade,
    name varchar(255) not null,
    description text not null default '',
    is_paused boolean not null default false,
    concurrency_limit integer check (concurrency_limit >= 0),
    priority integer not null check (priority > 0),
    last_polled timestamptz,
    created timestamptz not null,
    updated timestamptz not null,
    unique (work_pool_id, name)
);
create index work_queue_workspace on work_queue (workspace_id, work_pool_id, priority);

-- the default queue cannot be deleted on its own; deleting the pool takes it along (checked at the statement's end)
alter table work_pool add constraint work_pool_default_queue foreign key (default_queue_id) references work_queue (id);

-- channel: the worker's last heartbeat came over the worker channel (WS .../workers/connect), not REST
create table worker (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    work_pool_id uuid not null references work_pool (id) on delete cascade,
    name varchar(255) not null,
    last_heartbeat_time timestamptz not null,
    heartbeat_interval_seconds integer,
    channel boolean not null default false,
    created timestamptz not null,
    updated timestamptz not null,
    unique (work_pool_id, name)
);

-- Scheduled runs of a queue, in the order workers take them. next_scheduled_start_time is derived from the run
-- document (the scheduled time of a SCHEDULED state); claim_expires is a claim's lease: a run handed to a worker is not
-- handed out again until it lapses, unless the worker moved it on (to PENDING) before.
alter table flow_run add column work_queue_id uuid;
alter table flow_run add column next_scheduled_start_time timestamptz;
alter table flow_run add column claim_expires timestamptz;
create index flow_run_queue_scheduled on flow_run (work_queue_id, next_scheduled_start_time)
    where state_type = 'SCHEDULED';
create index flow_run_queue_active on flow_run (work_queue_id) where state_type in ('PENDING', 'RUNNING');
