--liquibase formatted sql

-- A metric trigger's state: whether it is triggered, since when its metric has breached (or, triggered, stopped
-- breaching) without the state changing yet, and when it was last measured, so that any instance that takes the
-- evaluator's lease goes on from where the last one was.

--changeset steward:023-automation-metrics
create table automation_metric_state (
    automation_id uuid not null references automation (id) on delete cascade,
    trigger_id uuid not null,
    workspace_id uuid not null references workspace (id) on delete cascade,
    triggered boolean not null,
    changing_since timestamptz,
    last_value double precision,
    measured_at timestamptz not null,
    primary key (automation_id, trigger_id)
);
