--liquibase formatted sql

-- The console's task run page reads the logs of one task run: without this index, a scan of every log of the
-- database (log_entry is indexed by flow run only).

--changeset steward:014-task-run-logs
create index log_entry_workspace_task_run on log_entry (workspace_id, task_run_id, timestamp)
    where task_run_id is not null;
