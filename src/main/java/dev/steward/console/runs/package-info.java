/**
 * The console's flow runs page (issue 6): a workspace's whole run history, paged on the server, filtered by state,
 * flow, deployment, tag, time range and name (the filters kept in the URL, so a filtered view is a link), with the
 * runs counted per state and drawn over time ({@code <steward-runs-chart>}, {@code frontend/src/runs-chart/}). It reads
 * through the console-only read model {@link dev.steward.orchestration.RunsPageReadModel}, plain SQL over an index
 * that has the workspace first.
 */
package dev.steward.console.runs;
