/**
 * Deployments with Prefect 3.9's API: the deployment (an upsert by flow and name, filters, updates, pause and
 * resume, parameters checked against its JSON Schema), its schedules (interval, cron, rrule, in a time zone), runs
 * made from it on demand and by the {@link dev.steward.deployments.Scheduler}, which creates them ahead once per
 * cluster under a Redis lease, and the {@link dev.steward.deployments.LateRuns} marker.
 */
package dev.steward.deployments;
