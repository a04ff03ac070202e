/**
 * The Prefect orchestration API of a workspace: the server facts the client asks for before any work (API version,
 * health, CSRF), flows, flow runs and task runs with their states, Prefect's rule chains that decide every proposed
 * state ({@link dev.steward.orchestration.FlowRunRules}, {@link dev.steward.orchestration.TaskRunRules}), the task-run
 * recorder fed by the client's events, logs, history and the run graph.
 *
 * <p>Rules of the package:
 * <ul>
 * <li>One store per aggregate: every read and write of flow runs and their states goes through
 * {@link dev.steward.orchestration.FlowRunStore}, of task runs and theirs through
 * {@link dev.steward.orchestration.TaskRunStore}, with the workspace the first parameter of every method (the one
 * exception: a scan across workspaces for a background service, such as the CANCELLING timeout's). Workers, which
 * orchestration depends on, claims and counts runs with its own SQL ({@code workers.ScheduledRuns}). Their fast
 * paths stay plain JDBC: single runs by id, the document served as the JSON text it is stored as, and the upsert and
 * COPY of a whole ingest batch of task-run events ({@link dev.steward.orchestration.TaskRunRecorder}).</li>
 * <li>Reads that only the console makes are read models named for their page and documented as console-only
 * ({@link dev.steward.orchestration.RunsPageReadModel}, {@link dev.steward.orchestration.RunsPageCounts},
 * {@link dev.steward.orchestration.RunPageReadModel}); a read that Prefect's API serves too belongs to a store or to the
 * read model of its route ({@link dev.steward.orchestration.RunGraph} for {@code graph-v2}).</li>
 * <li>One class per Prefect document ({@link dev.steward.orchestration.FlowRunDocument},
 * {@link dev.steward.orchestration.TaskRunDocument}, {@link dev.steward.orchestration.FlowDocument}) owns its field
 * lists, the defaults set at creation, its update rules and its JSON; Prefect's State document and the name and time
 * rules the run documents share are in {@link dev.steward.orchestration.RunJson}. Services and resources take the
 * field lists and documents from there.</li>
 * <li>Every SQL or JPQL filter is built on {@link dev.steward.platform.Where};
 * {@link dev.steward.orchestration.RunFilters} holds Prefect's filter semantics.</li>
 * <li>Orchestration depends on workers, never on cleanup: {@link dev.steward.orchestration.CancellingTimeouts}
 * (Prefect's CANCELLING timeout) asks for a run's teardown through the port
 * {@link dev.steward.orchestration.Teardowns}, which the cleanup queue implements.</li>
 * </ul>
 *
 * <p>Task-run ids are chosen by the client (in its events and in {@code POST /task_runs/}), and so are the ids of
 * states recorded from events (the event's id): they are unique within a workspace only. Their tables are keyed by
 * (workspace_id, id), and every lookup, upsert and join on such an id names the workspace as well.
 */
package dev.steward.orchestration;
