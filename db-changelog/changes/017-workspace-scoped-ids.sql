--liquibase formatted sql

-- Ids a client chooses are unique only within its workspace: an event's id (Prefect's client makes it), a task run's
-- (made by the client, sent in its task-run events and in POST /task_runs/) and so a task-run state's recorded from an
-- event (the event's id). With keys on the id alone, workspace B's event was dropped as a duplicate of workspace A's,
-- and B's task run was refused (409) or left unrecorded. The keys become (workspace_id, id).
--
-- The new unique indexes are built concurrently first (the event table may be large and is written all the time);
-- the keys are then swapped onto them in one short transaction, and the cache's new foreign key is checked after it.

--changeset steward:017-workspace-scoped-id-indexes runInTransaction:false
-- dropped first: a build killed half-way leaves an INVALID index that "if not exists" would keep and the key swap
-- would refuse; this changeset only runs again when it did not finish, so nothing finished is rebuilt
drop index concurrently if exists event_workspace_id;
create unique index concurrently event_workspace_id on event (workspace_id, id);
drop index concurrently if exists task_run_workspace_id;
create unique index concurrently task_run_workspace_id on task_run (workspace_id, id);
drop index concurrently if exists task_run_state_workspace_id;
create unique index concurrently task_run_state_workspace_id on task_run_state (workspace_id, id);

--changeset steward:017-workspace-scoped-id-keys
-- the swap takes exclusive locks on three busy tables: give up rather than queue every writer behind a long wait
-- (the migration then fails and runs again at the next start)
set local lock_timeout = '10s';
-- a cached state is the workspace's own state (its id may be an event's)
alter table task_run_state_cache drop constraint task_run_state_cache_task_run_state_id_fkey;
alter table event drop constraint event_pkey,
    add constraint event_pkey primary key using index event_workspace_id;
alter table task_run drop constraint task_run_pkey,
    add constraint task_run_pkey primary key using index task_run_workspace_id;
alter table task_run_state drop constraint task_run_state_pkey,
    add constraint task_run_state_pkey primary key using index task_run_state_workspace_id;
alter table task_run_state_cache add constraint task_run_state_cache_state_fkey foreign key (workspace_id, task_run_state_id)
    references task_run_state (workspace_id, id) on delete cascade not valid;

--changeset steward:017-workspace-scoped-id-cache-key-check
-- checked apart from the swap: validating reads the whole cache, and under this lock writers go on
alter table task_run_state_cache validate constraint task_run_state_cache_state_fkey;
