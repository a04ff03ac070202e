--liquibase formatted sql

--changeset steward:005-subflow-lookup
-- The run graph finds a run's subflow runs by their placeholder task run (body.parent_task_run_id).
create index flow_run_parent_task_run on flow_run (workspace_id, (body ->> 'parent_task_run_id'));
