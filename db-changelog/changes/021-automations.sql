--liquibase formatted sql

-- Prefect's automations: an automation's trigger and actions are JSON documents as Prefect writes them (read and
-- validated by automations.Trigger and automations.Action, which also read them back), and its relations to
-- resources: the deployments its run-deployment actions select, and the resource that owns it (a deployment whose
-- triggers created it), as Prefect's automation_related_resource keeps them.

--changeset steward:021-automations
create table automation (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name text not null,
    description text not null,
    enabled boolean not null,
    tags text[] not null,
    trigger text not null,
    actions text not null,
    actions_on_trigger text not null,
    actions_on_resolve text not null,
    created timestamptz not null,
    updated timestamptz not null
);
create index automation_workspace_name on automation (workspace_id, name);
create index automation_workspace_enabled on automation (workspace_id) where enabled;

create table automation_related_resource (
    automation_id uuid not null references automation (id) on delete cascade,
    workspace_id uuid not null references workspace (id) on delete cascade,
    resource_id text not null,
    owned_by_resource boolean not null,
    primary key (automation_id, resource_id)
);
create index automation_related_resource_workspace_resource on automation_related_resource (workspace_id, resource_id);
