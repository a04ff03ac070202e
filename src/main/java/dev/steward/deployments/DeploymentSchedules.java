package dev.steward.deployments;

import dev.steward.deployments.DeploymentRuns.ScheduledRuns;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The schedules of a deployment (Prefect's {@code /deployments/{id}/schedules}): read, add, change and remove, and
 * the replacement that a deployment's create or update makes, with Prefect's slug rules. A change takes away the
 * runs the schedules made and have not started, and the {@link Scheduler} makes them again from the new schedules.
 */
@ApplicationScoped
public class DeploymentSchedules {
    @Inject
    DeploymentStore store;

    @Inject
    DeploymentRuns runs;

    @Inject
    DeploymentSettings settings;

    @Transactional
    public JsonArray read(UUID deploymentId) {
        store.get(deploymentId);
        JsonArrayBuilder out = Json.createArrayBuilder();
        store.schedules(deploymentId).forEach(s -> out.add(s.document().json()));
        return out.build();
    }

    /** {@code POST /deployments/{id}/schedules}: a list of DeploymentScheduleCreate; a slug taken is a conflict. */
    @Transactional
    public JsonArray create(UUID deploymentId, List<Body> given) {
        store.get(deploymentId);
        List<DeploymentScheduleDocument> created = parse(deploymentId, given, Instant.now());
        List<String> slugs = new ArrayList<>(store.schedules(deploymentId).stream().map(DeploymentSchedule::getSlug)
                .filter(s -> s != null).toList());
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (DeploymentScheduleDocument s : created) {
            Optional<String> slug = s.slug();
            if (slug.isPresent()) {
                if (slugs.contains(slug.get())) throw new Conflict("Schedule slugs must be unique within a deployment.");
                slugs.add(slug.get());
            }
            add(s);
            out.add(s.json());
        }
        store.flush();
        return out.build();
    }

    /** {@code PATCH /deployments/{id}/schedules/{schedule_id}}; future auto-scheduled runs are made again. */
    @Transactional
    public void update(UUID deploymentId, UUID scheduleId, Body body) {
        store.get(deploymentId);
        patch(store.schedule(deploymentId, scheduleId), body, Instant.now());
        store.flush();
        runs.deleteScheduledRuns(deploymentId, ScheduledRuns.FUTURE_AUTO_SCHEDULED);
    }

    @Transactional
    public void delete(UUID deploymentId, UUID scheduleId) {
        store.get(deploymentId);
        store.remove(store.schedule(deploymentId, scheduleId));
        store.flush();
        runs.deleteScheduledRuns(deploymentId, ScheduledRuns.AUTO_SCHEDULED);
    }

    /** DeploymentScheduleCreates for a deployment, checked, before anything is stored. */
    List<DeploymentScheduleDocument> parse(UUID deploymentId, List<Body> given, Instant now) {
        List<DeploymentScheduleDocument> out = new ArrayList<>();
        for (Body s : given) out.add(checked(deploymentId, s, now));
        return out;
    }

    /** A deployment's create: its schedules become exactly these. */
    void replaceAll(UUID deploymentId, List<DeploymentScheduleDocument> schedules) {
        store.removeSchedules(deploymentId);
        schedules.forEach(this::add);
    }

    /**
     * A deployment's update, with Prefect's slug rules: when every stored schedule and every given one has a slug, the
     * given ones patch the stored ones of their slug (or are added); slugs stored but not sent are bad input; else the
     * given schedules (those with a schedule) replace the stored ones.
     */
    void replace(UUID deploymentId, List<Body> given, Instant now) {
        List<DeploymentSchedule> current = store.schedules(deploymentId);
        boolean allGivenSlugged = given.stream().allMatch(s -> s.optionalString("slug").isPresent());
        boolean allCurrentSlugged = !current.isEmpty() && current.stream().allMatch(s -> s.getSlug() != null);
        if (allCurrentSlugged && !allGivenSlugged) {
            throw new InvalidInput("Please provide a slug for each schedule in your request to ensure schedules "
                    + "are updated correctly.");
        }
        if (allCurrentSlugged) {
            for (Body s : given) {
                String slug = s.optionalString("slug").orElseThrow();
                Optional<DeploymentSchedule> target = current.stream().filter(c -> slug.equals(c.getSlug())).findFirst();
                if (target.isPresent()) {
                    patch(target.get(), s, now);
                } else if (DeploymentDocument.sets(s, "schedule")) {
                    add(checked(deploymentId, s, now));
                } else {
                    throw new InvalidInput("Unable to create new deployment schedules without a schedule configuration.");
                }
            }
            return;
        }
        store.removeSchedules(deploymentId);
        for (Body s : given) {
            if (DeploymentDocument.sets(s, "schedule")) add(checked(deploymentId, s, now));
        }
    }

    private DeploymentScheduleDocument checked(UUID deploymentId, Body body, Instant now) {
        return DeploymentScheduleDocument.create(body, deploymentId, now, settings.maxScheduledRunsPerSchedule());
    }

    private void add(DeploymentScheduleDocument schedule) {
        store.add(new DeploymentSchedule(schedule));
    }

    private void patch(DeploymentSchedule s, Body body, Instant now) {
        s.apply(s.document().patched(body, now, settings.maxScheduledRunsPerSchedule()));
    }
}
