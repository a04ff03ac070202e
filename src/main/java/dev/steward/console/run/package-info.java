/**
 * The run pages of the console: a flow run ({@code flow-runs/{id}}, tabs Graph, Task runs, Logs, Results, Artifacts,
 * Details) and a task run ({@code task-runs/{id}}, tabs Logs, Results, Artifacts, Details), each tab with its own deep
 * link. The graph is the {@code <steward-run-graph>} element of {@code frontend/src/run-graph/}, fed the run's graph-v2
 * document; while a run is not final the pages poll for its graph, logs, states and artifacts (the Artifacts tab is
 * {@code console.artifacts}' panel). Any role that may read runs (viewer and above)
 * opens them; reads go through the console-only read model {@link dev.steward.orchestration.RunPageReadModel} in
 * {@link dev.steward.console.ConsoleWorkspaces#call}.
 */
package dev.steward.console.run;
