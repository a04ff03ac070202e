/**
 * Deployments with Prefect 3.9's API: the deployment (an upsert by flow and name, filters, updates, pause and
 * resume, parameters checked against its JSON Schema), its schedules (interval, cron, rrule, in a time zone), runs
 * made from it on demand and by the {@link dev.steward.deployments.Scheduler}, which creates them ahead once per
 * cluster under a Redis lease, and the {@link dev.steward.deployments.LateRuns} marker.
 *
 * <p>Rules of the package:
 * <ul>
 * <li>Each Prefect document it serves is a class: {@link dev.steward.deployments.DeploymentDocument} and
 * {@link dev.steward.deployments.DeploymentScheduleDocument} own their fields and defaults, which fields a create
 * or an update accepts and how each is checked, and the JSON Prefect answers. Services pass documents; they do not
 * build Prefect's JSON field by field.</li>
 * <li>One service per concern, none calling back up: {@code DeploymentService} (the deployment itself and its
 * lifecycle events) uses {@code DeploymentSchedules} (the schedules sub-resource, and the schedules a create or
 * update replaces) and {@code DeploymentRuns} (runs made from a deployment by hand or by its schedules, the due runs
 * a runner polls for, the scheduled runs a change takes away); {@code DeploymentSchedules} uses
 * {@code DeploymentRuns}; all use {@link dev.steward.deployments.DeploymentStore}.</li>
 * <li>Requests read and write deployment and schedule rows through {@code DeploymentStore} only, under the
 * request's admission (Hibernate's {@code @TenantId}); flow runs through orchestration's {@code FlowRunStore}. The
 * background services' scans across workspaces ({@code Scheduler}, {@code LateRuns}) keep their own queries.</li>
 * <li>Conditions added at run time are built with {@link dev.steward.platform.Where}; the deployment filter of a
 * request is orchestration's {@code RunFilters}, which flows and runs share. Failures are
 * {@link dev.steward.platform.Problem} kinds.</li>
 * </ul>
 */
package dev.steward.deployments;
