--liquibase formatted sql

--changeset steward:006-task-run-cache
-- Prefect's server-side task cache: COMPLETED task-run states under their cache_key, until their cache_expiration
-- (null: forever). Several entries may share a key; the newest unexpired one is served. An entry goes with its state.
create table task_run_state_cache (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    cache_key text not null,
    cache_expiration timestamptz,
    task_run_state_id uuid not null references task_run_state (id) on delete cascade,
    created timestamptz not null
);
create index task_run_state_cache_key on task_run_state_cache (workspace_id, cache_key, created desc);
create index task_run_state_cache_state on task_run_state_cache (task_run_state_id);
