--liquibase formatted sql

-- Deployments and their schedules. Like runs, each keeps Prefect's JSON document (body) plus the columns that
-- filters, sorts, the upsert and the scheduler use. A flow's deletion takes its deployments with it (Prefect's
-- ON DELETE CASCADE); a deployment's takes its schedules. Runs keep their deployment_id, as in Prefect.

--changeset steward:009-deployments
create table deployment (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    flow_id uuid not null references flow (id) on delete cascade,
    name varchar(255) not null,
    paused boolean not null default false,
    tags text[] not null default '{}',
    work_queue_id uuid,
    work_queue_name varchar(255),
    created timestamptz not null,
    updated timestamptz not null,
    body jsonb not null,
    unique (workspace_id, flow_id, name)
);
create index deployment_workspace_name on deployment (workspace_id, name);

create table deployment_schedule (
    id uuid primary key,
    workspace_id uuid not null,
    deployment_id uuid not null references deployment (id) on delete cascade,
    active boolean not null,
    slug varchar(255),
    created timestamptz not null,
    updated timestamptz not null,
    body jsonb not null,
    unique (deployment_id, slug)
);
create index deployment_schedule_deployment on deployment_schedule (deployment_id);

-- a run's deployment, derived from its document as the other run columns are
alter table flow_run add column deployment_id uuid;
update flow_run set deployment_id = (body->>'deployment_id')::uuid where body->>'deployment_id' is not null;
create index flow_run_deployment on flow_run (workspace_id, deployment_id, state_type) where deployment_id is not null;
-- the scheduler and the late-run marker look for SCHEDULED runs by their expected start
create index flow_run_scheduled on flow_run (expected_start_time) where state_type = 'SCHEDULED';
