--liquibase formatted sql

-- Retention of the evaluator's history (automations.AutomationRetention): its rounds find the oldest firings by time
-- across workspaces, which no index of 022 serves (they lead with the workspace or the automation). Built
-- concurrently: automation_firing is written by every firing.

--changeset steward:025-automation-firing-triggered runInTransaction:false
create index concurrently if not exists automation_firing_triggered on automation_firing (triggered_at);
