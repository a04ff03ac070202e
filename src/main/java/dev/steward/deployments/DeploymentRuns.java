package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.orchestration.FlowRunService;
import dev.steward.orchestration.FlowRunStore;
import dev.steward.orchestration.FlowRunsDeleted;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Rejected;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The flow runs of deployments, as Prefect's server makes them: a run made on demand ({@code create_flow_run}), the
 * runs of a deployment's schedules ({@link #scheduleRuns}, also the {@link Scheduler}'s work), the due runs a runner
 * polls for ({@code get_scheduled_flow_runs}), and the scheduled runs a change to a deployment or its schedules takes
 * away ({@link #deleteScheduledRuns}). Runs are made through the orchestration package's {@link FlowRunService}.
 */
@ApplicationScoped
public class DeploymentRuns {
    private static final List<String> CREATE_FLOW_RUN_FIELDS = List.of("state", "name", "parameters",
            "enforce_parameter_schema", "context", "infrastructure_document_id", "empirical_policy", "tags",
            "idempotency_key", "labels", "parent_task_run_id", "work_queue_name", "job_variables");
    private static final DateTimeFormatter PYTHON_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Inject
    DeploymentStore store;

    @Inject
    FlowRunStore flowRuns;

    @Inject
    FlowRunService runs;

    @Inject
    WorkQueues queues;

    @Inject
    Event<FlowRunsDeleted> deletions;

    @Inject
    DeploymentStatuses statuses;

    /** Which of a deployment's scheduled runs {@link #deleteScheduledRuns} takes away. */
    enum ScheduledRuns {
        /** Every one: the deployment is deleted. */
        ALL,
        /** Those its schedules made: it is paused, or a schedule is deleted. */
        AUTO_SCHEDULED,
        /** Those its schedules made that are still to come: it or a schedule changed, the scheduler makes them again. */
        FUTURE_AUTO_SCHEDULED
    }

    /**
     * {@code POST /deployments/{id}/create_flow_run}: a run with the deployment's parameters overridden by the given
     * ones, checked against its parameter schema when enforced, its tags with the given ones, its work queue (or the
     * given one of its pool), job variables, infrastructure document and version; SCHEDULED for now unless a state
     * is given.
     */
    @Transactional
    public FlowRunService.Created createFlowRun(UUID id, Body body) {
        body.rejectUnknown(CREATE_FLOW_RUN_FIELDS);
        DeploymentDocument doc = store.get(id).document();
        JsonObject parameters = doc.parametersWith(body.object("parameters").json());
        doc.checkRunParameters(parameters, body.optionalBoolean("enforce_parameter_schema")
                .orElse(doc.enforcesParameterSchema()));
        JsonObjectBuilder run = Json.createObjectBuilder(body.json()).remove("enforce_parameter_schema");
        doc.runFields().build().forEach(run::add);
        JsonObjectBuilder server = doc.runServerFields();
        Optional<String> queueName = body.optionalString("work_queue_name");
        if (queueName.isPresent()) {
            String pool = doc.workPoolName().orElseThrow(() -> new Rejected("Cannot create flow run in work queue "
                    + queueName.get() + " because deployment " + id + " is not associated with a work pool. Please "
                    + "remove work_pool_name and try again."));
            WorkQueues.Resolved queue = queues.resolve(pool, queueName.get()).orElseThrow();
            run.add("work_queue_name", queueName.get());
            server.add("work_queue_id", queue.queueId().toString());
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>(doc.tags());
        tags.addAll(body.optionalStrings("tags").orElse(List.of()));
        run.add("parameters", parameters)
                .add("tags", Json.strings(tags))
                .add("labels", doc.runLabels(body.object("labels").json()));
        body.optionalString("infrastructure_document_id").ifPresent(given -> run.add("infrastructure_document_id", given));
        if (!DeploymentDocument.sets(body, "state")) {
            run.add("state", Json.createObjectBuilder().add("type", "SCHEDULED").add("name", "Scheduled"));
        }
        if (!DeploymentDocument.sets(body, "job_variables")) run.add("job_variables", JsonValue.EMPTY_JSON_OBJECT);
        return runs.create(Body.of(run.build()), server.build(), true);
    }

    /**
     * Makes the runs of the deployment's active schedules from {@code start}: Prefect's rules (fewest runs that give at
     * least {@code minRuns} and reach {@code start + minTime}, at most {@code maxRuns} per schedule and none after
     * {@code end}), each run keyed {@code scheduled <deployment> <schedule> <date>} so that making them twice makes
     * them once. A paused deployment gets none.
     * @return how many runs were new
     */
    @Transactional
    public int scheduleRuns(UUID id, Instant start, Instant end, Duration minTime, int minRuns, int maxRuns) {
        Optional<Deployment> found = store.findForShare(id);
        if (found.isEmpty() || found.get().isPaused()) return 0;
        DeploymentDocument doc = found.get().document();
        List<String> tags = new ArrayList<>(List.of("auto-scheduled"));
        tags.addAll(doc.tags());
        JsonObject labels = doc.runLabels(JsonValue.EMPTY_JSON_OBJECT);
        int made = 0;
        for (DeploymentSchedule s : store.schedules(id)) {
            if (!s.isActive()) continue;
            DeploymentScheduleDocument schedule = s.document();
            Schedules.Schedule dates = schedule.schedule();
            JsonObject parameters = doc.parametersWith(schedule.parameters());
            String creator = s.getSlug() != null ? s.getSlug() : dates.kind();
            for (Instant t : horizon(dates, start, end, minTime, minRuns,
                    Math.min(maxRuns, schedule.maxScheduledRuns().orElse(maxRuns)))) {
                JsonObject run = doc.runFields()
                        .add("parameters", parameters).add("tags", Json.strings(tags)).add("labels", labels)
                        .add("idempotency_key", "scheduled " + id + " " + s.getId() + " " + pythonTime(t))
                        .add("state", Json.createObjectBuilder().add("type", "SCHEDULED").add("name", "Scheduled")
                                .add("message", "Flow run scheduled")
                                .add("state_details", Json.createObjectBuilder().add("scheduled_time", t.toString())))
                        .build();
                JsonObject server = doc.runServerFields()
                        .add("auto_scheduled", true)
                        .add("created_by", Json.createObjectBuilder().add("id", s.getId().toString())
                                .add("display_value", creator).add("type", "SCHEDULE"))
                        .build();
                if (runs.create(Body.of(run), server, false).created()) made++;
            }
        }
        return made;
    }

    /** A schedule's dates from start: the fewest that give minRuns and reach start + minTime, at most maxRuns. */
    private static List<Instant> horizon(Schedules.Schedule schedule, Instant start, Instant end, Duration minTime,
                                         int minRuns, int maxRuns) {
        List<Instant> dates = new ArrayList<>();
        for (Instant t : schedule.dates(maxRuns, start, end)) {
            dates.add(t);
            if (dates.size() >= minRuns && !t.isBefore(start.plus(minTime))) break;
        }
        return dates;
    }

    /** The scheduled time as Python prints a UTC datetime (Prefect's idempotency key holds {@code str(date)}). */
    static String pythonTime(Instant t) {
        OffsetDateTime o = t.atOffset(ZoneOffset.UTC);
        String micros = o.getNano() == 0 ? "" : String.format(".%06d", o.getNano() / 1000);
        return PYTHON_TIME.format(o) + micros + "+00:00";
    }

    /**
     * {@code POST /deployments/get_scheduled_flow_runs}: the SCHEDULED runs of these deployments due before the
     * given time, soonest first; the deployments are marked READY and polled now (Prefect does that in the
     * background).
     */
    @Transactional
    public JsonArray scheduledRuns(List<UUID> deploymentIds, Instant before, int limit) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        if (deploymentIds.isEmpty()) return out.build();
        // no scheduled_before: every scheduled run (a date far in the future keeps one statement)
        Instant until = before == null ? Instant.parse("9999-12-31T23:59:59Z") : before;
        flowRuns.scheduledOfDeployments(TenantScope.workspaceId(), deploymentIds, until, limit)
                .forEach(b -> out.add(Json.parseObject(b)));
        statuses.polled(deploymentIds, Instant.now());
        return out.build();
    }

    /**
     * Prefect's _delete_scheduled_runs: the deployment's runs still SCHEDULED that never ran (not those waiting for a
     * concurrency slot), as many of them as {@code which} says.
     */
    void deleteScheduledRuns(UUID deploymentId, ScheduledRuns which) {
        UUID ws = TenantScope.workspaceId();
        List<UUID> deleted = flowRuns.deleteScheduledOfDeployment(ws, deploymentId, which != ScheduledRuns.ALL,
                which == ScheduledRuns.FUTURE_AUTO_SCHEDULED);
        // a run that never ran made no artifact, but one may name it: what is kept per run goes with it
        if (!deleted.isEmpty()) deletions.fire(new FlowRunsDeleted(ws, deleted));
    }
}
