--liquibase formatted sql

-- What automations need to evaluate triggers once across instances, and to run each firing's actions once.
--
-- event.tx: the id of the transaction that stored the event. The evaluator reads the events of transactions that
-- have ended (below the oldest one still running, pg_snapshot_xmin), so it never passes over an event whose
-- transaction commits late; it keeps its place in automation_cursor, which it updates in the transaction that stores
-- what the events did to the triggers, so an event is evaluated exactly once whatever instance dies when. Added
-- without a default first, then given one: existing rows keep null (history is not evaluated) and the table is not
-- rewritten.

--changeset steward:022-automation-evaluation
alter table event add column tx xid8;
alter table event alter column tx set default pg_current_xact_id();

create table automation_cursor (
    name text primary key,
    tx xid8 not null,
    workspace_id uuid not null,
    event_id uuid not null
);
insert into automation_cursor values ('events', pg_snapshot_xmin(pg_current_snapshot()),
    '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000');

-- Prefect's automation_bucket: one window of an event trigger for one value of its for_each labels. The labels'
-- values come from clients' events and may be long, so the key holds their SHA-256 (an index row has a size limit)
-- and bucketing_values the values themselves.
create table automation_bucket (
    automation_id uuid not null references automation (id) on delete cascade,
    trigger_id uuid not null,
    bucketing_key bytea not null,
    bucketing_values text not null,
    workspace_id uuid not null references workspace (id) on delete cascade,
    start_at timestamptz not null,
    end_at timestamptz not null,
    count integer not null,
    last_event text,
    last_operation text not null,
    triggered_at timestamptz,
    primary key (automation_id, trigger_id, bucketing_key)
);
-- the proactive deadlines
create index automation_bucket_end on automation_bucket (end_at);

-- Prefect's composite_trigger_child_firing: the child triggers of a compound or sequence trigger that have fired.
create table automation_child_firing (
    automation_id uuid not null references automation (id) on delete cascade,
    parent_trigger_id uuid not null,
    child_trigger_id uuid not null,
    workspace_id uuid not null references workspace (id) on delete cascade,
    child_firing_id uuid not null,
    child_fired_at timestamptz not null,
    child_firing text not null,
    primary key (automation_id, parent_trigger_id, child_trigger_id)
);

-- A firing of an automation (Triggered or Resolved), kept for its history page.
create table automation_firing (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    automation_id uuid not null references automation (id) on delete cascade,
    trigger_id uuid not null,
    state text not null,
    triggered_at timestamptz not null,
    triggering_labels text not null,
    triggering_event_id uuid,
    firing text not null
);
create index automation_firing_automation on automation_firing (workspace_id, automation_id, triggered_at desc);
-- deleting an automation deletes its firings and action runs: found by automation
create index automation_firing_by_automation on automation_firing (automation_id);

-- One action of one firing: pending until an instance claims it (claimed_until), then succeeded or failed; a failed
-- attempt is retried at due_at until its attempts are spent. The action is a copy, as it was when the firing happened.
create table automation_action_run (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    automation_id uuid not null references automation (id) on delete cascade,
    firing_id uuid not null references automation_firing (id) on delete cascade,
    action_index integer not null,
    action text not null,
    triggering_event text,
    automation_triggered_event_id uuid not null,
    status text not null,
    attempts integer not null,
    due_at timestamptz not null,
    claimed_until timestamptz,
    reason text,
    finished_at timestamptz
);
create index automation_action_run_due on automation_action_run (due_at) where status in ('pending', 'running');
create index automation_action_run_firing on automation_action_run (firing_id);
create index automation_action_run_automation on automation_action_run (automation_id);

--changeset steward:022-event-tx-index runInTransaction:false
-- Built concurrently: the event table may be large and is written all the time.
create index concurrently if not exists event_tx on event (tx) where tx is not null;
