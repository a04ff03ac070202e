--liquibase formatted sql

-- Inputs of a flow run (Prefect's flow_run_input): key/value texts that a paused run's schema and the answer that
-- resumed it are kept in, and that flows send each other (send_input / receive_input). A run's deletion takes its
-- inputs with it.

--changeset steward:010-flow-run-input
create table flow_run_input (
    id uuid primary key,
    workspace_id uuid not null,
    flow_run_id uuid not null references flow_run (id) on delete cascade,
    key varchar(255) not null,
    value text not null,
    sender varchar(255),
    created timestamptz not null,
    updated timestamptz not null,
    unique (flow_run_id, key)
);
