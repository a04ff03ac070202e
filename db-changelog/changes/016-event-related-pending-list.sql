--liquibase formatted sql

-- The GIN index on event.related collects new entries in a pending list and merges them into the index when the
-- list outgrows gin_pending_list_limit (4 MB by default); the insert that crosses the limit does the merge itself.
-- A merge of 4 MB went on for about a second, during which set_state answers took up to 25 ms instead of 5 (a
-- single ingest of 30,000 events fills most of the list). At 512 kB the merges come eight times as often and each
-- is an eighth as long; the index's total work stays the same.

--changeset steward:016-event-related-pending-list
alter index event_related set (gin_pending_list_limit = 512);
