--liquibase formatted sql

-- The console's flow runs page reads a workspace's runs newest first, filtered by state, flow, deployment, tag, name
-- and time, and counts them per state and time bucket. One index answers all of it without touching the table: the
-- workspace first, the expected start time (the page's order and time filter) and the id (a stable order), with the
-- filtered columns carried in the index, so counting a million runs is an index-only scan. It replaces the index on
-- (workspace_id, expected_start_time desc), whose queries it serves as well.

--changeset steward:012-runs-page
create index flow_run_page on flow_run (workspace_id, expected_start_time desc, id)
    include (state_type, flow_id, deployment_id, tags, name);
drop index flow_run_workspace_expected;
