--liquibase formatted sql

--changeset steward:001-tenancy
create table workspace (
    id uuid primary key,
    slug varchar(63) not null unique,
    name varchar(200) not null,
    created timestamptz not null
);

create table workspace_member (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    username varchar(255) not null,
    role varchar(16) not null,
    created timestamptz not null,
    unique (workspace_id, username)
);

create table api_key (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name varchar(100) not null,
    prefix varchar(32) not null unique,
    key_hash varchar(64) not null unique,
    role varchar(16) not null,
    owner varchar(255) not null,
    created timestamptz not null,
    expires_at timestamptz,
    revoked_at timestamptz
);
create index api_key_workspace on api_key (workspace_id);

--changeset steward:001-variables
create table variable (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name varchar(255) not null,
    -- the JSON text as the client sent it (compact): jsonb would rewrite numbers such as 1.5e300
    value text not null,
    tags text[] not null default '{}',
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, name)
);

--changeset steward:001-events
create table event (
    id uuid primary key,
    workspace_id uuid not null,
    occurred timestamptz not null,
    received timestamptz not null,
    event varchar(1024) not null,
    resource_id varchar(1024) not null,
    resource jsonb not null,
    related jsonb not null default '[]',
    payload jsonb not null default '{}',
    follows uuid
);
create index event_workspace_occurred on event (workspace_id, occurred desc, id);
create index event_workspace_resource on event (workspace_id, resource_id);

--changeset steward:001-audit
create table audit_record (
    id uuid primary key,
    workspace_id uuid not null,
    seq bigint not null,
    occurred timestamptz not null,
    actor_kind varchar(16) not null,
    actor varchar(255) not null,
    origin_ip varchar(64),
    user_agent varchar(512),
    action varchar(128) not null,
    resource_id varchar(1024),
    before_state text,
    after_state text,
    outcome varchar(16) not null,
    prev_hash varchar(64) not null,
    hash varchar(64) not null,
    unique (workspace_id, seq)
);

-- the newest link of each workspace's chain, locked while a record is appended
create table audit_chain_head (
    workspace_id uuid primary key,
    seq bigint not null,
    hash varchar(64) not null
);
