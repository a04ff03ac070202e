--liquibase formatted sql

-- Prefect's artifacts: every version in artifact, and per key the latest version's copy in artifact_collection
-- (Prefect's two tables, with the same copy of the latest's fields, so that "latest" reads and filters one row per
-- key). data and metadata are JSON text as the client sent it (jsonb would rewrite numbers such as 1.5e300), as
-- variable.value is. No foreign key to flow_run or task_run: Prefect has none (an artifact may name a run this
-- server never saw); deleting a run deletes its artifacts in the run's transaction (artifacts.ArtifactService).

--changeset steward:019-artifacts
create table artifact (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    key text,
    type text,
    description text,
    data text,
    metadata text,
    flow_run_id uuid,
    task_run_id uuid,
    created timestamptz not null,
    updated timestamptz not null
);
-- the versions of a key, newest first (GET /{key}/latest's repair after a delete, prefect artifact inspect)
create index artifact_workspace_key_created on artifact (workspace_id, key, created desc);
create index artifact_workspace_flow_run on artifact (workspace_id, flow_run_id);
create index artifact_workspace_task_run on artifact (workspace_id, task_run_id);
create index artifact_workspace_id_desc on artifact (workspace_id, id desc);

create table artifact_collection (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    key text not null,
    latest_id uuid not null,
    type text,
    description text,
    data text,
    metadata text,
    flow_run_id uuid,
    task_run_id uuid,
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, key)
);
create index artifact_collection_workspace_latest on artifact_collection (workspace_id, latest_id);
create index artifact_collection_workspace_flow_run on artifact_collection (workspace_id, flow_run_id);
