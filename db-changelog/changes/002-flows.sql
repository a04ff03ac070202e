--liquibase formatted sql

--changeset steward:002-flows
create table flow (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name varchar(255) not null,
    tags text[] not null default '{}',
    labels jsonb not null default '{}',
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, name)
);
