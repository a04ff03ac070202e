--liquibase formatted sql

-- The status a pool's or a queue's last status event announced (prefect.work-pool.ready, ...). Statuses are still
-- computed when read (008); this is only what was said, so that a change is announced once, by whichever path sees
-- it first: a heartbeat, a poll, a pause, or the loop that notices heartbeats and polls growing old. Filled with
-- today's statuses, so that upgrading announces nothing.

--changeset steward:024-status-announcements
alter table work_pool add column announced_status varchar(16);
alter table work_queue add column announced_status varchar(16);

update work_pool p set announced_status = case
    when p.is_paused then 'PAUSED'
    when exists (select 1 from worker w where w.work_pool_id = p.id and w.last_heartbeat_time
        > now() - make_interval(secs => 3 * coalesce(w.heartbeat_interval_seconds, 30))) then 'READY'
    else 'NOT_READY' end
where p.type <> 'prefect-agent';

update work_queue set announced_status = case
    when is_paused then 'PAUSED'
    when last_polled > now() - interval '60 seconds' then 'READY'
    else 'NOT_READY' end;

-- a new queue is NOT_READY without an event, as Prefect's; a new pool announces its status (Prefect's does)
alter table work_queue alter column announced_status set default 'NOT_READY';

-- a worker's poll of queues marks their deployments READY (Prefect's mark_deployments_ready by work queue)
create index deployment_work_queue on deployment (work_queue_id) where work_queue_id is not null;
