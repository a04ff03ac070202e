--liquibase formatted sql

-- Runs are kept as Prefect's JSON document (body) plus the columns that queries filter and sort on.

--changeset steward:003-runs
create table flow_run (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    flow_id uuid not null,
    name varchar(255) not null,
    state_type varchar(16),
    state_name varchar(64),
    idempotency_key varchar(255),
    tags text[] not null default '{}',
    expected_start_time timestamptz,
    start_time timestamptz,
    end_time timestamptz,
    created timestamptz not null,
    updated timestamptz not null,
    body jsonb not null,
    unique (workspace_id, flow_id, idempotency_key)
);
create index flow_run_workspace_expected on flow_run (workspace_id, expected_start_time desc);
create index flow_run_workspace_flow on flow_run (workspace_id, flow_id);

create table flow_run_state (
    id uuid primary key,
    workspace_id uuid not null,
    flow_run_id uuid not null references flow_run (id) on delete cascade,
    type varchar(16) not null,
    name varchar(64) not null,
    timestamp timestamptz not null,
    body jsonb not null
);
create index flow_run_state_run on flow_run_state (flow_run_id, timestamp);

create table task_run (
    id uuid primary key,
    workspace_id uuid not null,
    flow_run_id uuid,
    name varchar(255) not null,
    state_type varchar(16),
    state_timestamp timestamptz,
    created timestamptz not null,
    updated timestamptz not null,
    body jsonb not null
);
create index task_run_workspace_flow_run on task_run (workspace_id, flow_run_id);

create table task_run_state (
    id uuid primary key,
    workspace_id uuid not null,
    task_run_id uuid not null references task_run (id) on delete cascade,
    type varchar(16) not null,
    name varchar(64) not null,
    timestamp timestamptz not null,
    body jsonb not null
);
create index task_run_state_run on task_run_state (task_run_id, timestamp);

create table log_entry (
    id uuid primary key,
    workspace_id uuid not null,
    flow_run_id uuid,
    task_run_id uuid,
    name varchar(255) not null,
    level int not null,
    message text not null,
    timestamp timestamptz not null,
    created timestamptz not null
);
create index log_entry_workspace_flow_run on log_entry (workspace_id, flow_run_id, timestamp);
