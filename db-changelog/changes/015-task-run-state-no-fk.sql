--liquibase formatted sql

-- The foreign key from a task run's states to the task run checked every recorded state with a lookup of its run,
-- about 5% of the database's work on event ingest. Every writer of task_run_state inserts a state of a run that it
-- has just inserted, updated or read in the same transaction, and the one place that deletes task runs
-- (deleting a flow run) deletes their states first, so the key guarded nothing that the code does not.

--changeset steward:015-task-run-state-no-fk
alter table task_run_state drop constraint task_run_state_task_run_id_fkey;
