/**
 * The Prefect orchestration API of a workspace: the server facts the client asks for before any work (API version,
 * health, CSRF), flows, flow runs and task runs with their states, Prefect's rule chains that decide every proposed
 * state ({@link dev.steward.orchestration.FlowRunRules}, {@link dev.steward.orchestration.TaskRunRules}), the task-run
 * recorder fed by the client's events, logs, history and the run graph.
 *
 * <p>Task-run ids are chosen by the client (in its events and in {@code POST /task_runs/}), and so are the ids of
 * states recorded from events (the event's id): they are unique within a workspace only. Their tables are keyed by
 * (workspace_id, id), and every lookup, upsert and join on such an id names the workspace as well.
 */
package dev.steward.orchestration;
