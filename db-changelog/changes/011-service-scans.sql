--liquibase formatted sql

-- Indexes for the scans of the once-per-cluster services: the late-run marker looks only for runs still "Scheduled"
-- (a Late run stays SCHEDULED until it starts, so the old index grew with every late run), and the CANCELLING
-- timeout looks for runs in CANCELLING, a handful at any time among millions of runs.

--changeset steward:011-service-scans
drop index flow_run_scheduled;
create index flow_run_scheduled_not_late on flow_run (expected_start_time)
    where state_type = 'SCHEDULED' and state_name = 'Scheduled';
create index flow_run_cancelling on flow_run (id) where state_type = 'CANCELLING';
