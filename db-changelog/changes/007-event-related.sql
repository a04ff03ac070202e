--liquibase formatted sql

--changeset steward:007-event-related runInTransaction:false
-- Event filters on related resources (related, any_resource) first find the events whose related array contains a
-- given resource id (related @> '[{"prefect.resource.id": ...}]'), then look into those. jsonb_path_ops keeps only
-- hashes of paths and values: small, and cheap to insert into. Built concurrently: the event table may be large and
-- is written all the time.
create index concurrently if not exists event_related on event using gin (related jsonb_path_ops);
