--liquibase formatted sql

-- The console's flow runs page reads a workspace's runs newest first, filtered by state, flow, deployment, tag, name
-- and time, and counts them per state and time bucket. This index has the workspace first, the expected start time
-- (the page's order and time filter) and the id (a stable order), and carries the filtered columns: a page of runs,
-- filtered or at a deep offset, is found in the index alone, and a time range narrows the counts to its part of it.
-- It replaces the index on (workspace_id, expected_start_time desc), whose queries it serves as well.

--changeset steward:012-runs-page
create index flow_run_page on flow_run (workspace_id, expected_start_time desc, id)
    include (state_type, flow_id, deployment_id, tags, name);
drop index flow_run_workspace_expected;
