--liquibase formatted sql

--changeset steward:020-workspace-data-key
-- One random AES-256 data key per workspace, which seals the workspace's secrets (dev.steward.secrets). It is stored
-- only wrapped (AES-256-GCM, the workspace id as associated data) by the master key, steward.secrets.key, which never
-- reaches the database; master_key_id names that master key (the first 8 bytes of its SHA-256, hex), so rotation finds
-- the keys still wrapped by an older one.
create table workspace_data_key (
    workspace_id uuid primary key references workspace (id) on delete cascade,
    wrapped_key bytea not null,
    master_key_id text not null,
    created timestamptz not null default now(),
    -- when the key was last re-wrapped under another master key (null: never)
    rotated timestamptz
);
