/**
 * The Prefect orchestration API of a workspace: the server facts the client asks for before any work (API version,
 * health, CSRF), flows, flow runs and task runs with their states, Prefect's rule chains that decide every proposed
 * state ({@link dev.steward.orchestration.FlowRunRules}, {@link dev.steward.orchestration.TaskRunRules}), the task-run
 * recorder fed by the client's events, logs, history and the run graph.
 */
package dev.steward.orchestration;
