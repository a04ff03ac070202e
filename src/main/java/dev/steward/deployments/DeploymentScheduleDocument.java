package dev.steward.deployments;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Prefect's DeploymentSchedule document, as a schedule row stores it: id, created, updated, deployment_id, schedule
 * (one of {@link Schedules}' kinds), active, max_scheduled_runs, parameters and slug. It reads DeploymentScheduleCreate
 * and DeploymentScheduleUpdate bodies (the same fields; {@code maxRunsAllowed} is the highest max_scheduled_runs the
 * server takes) and gives the scheduler what it needs. Immutable.
 */
final class DeploymentScheduleDocument {
    private static final List<String> FIELDS = List.of("active", "schedule", "max_scheduled_runs", "parameters", "slug",
            "replaces");

    private final JsonObject json;

    DeploymentScheduleDocument(JsonObject json) {
        this.json = json;
    }

    /** A DeploymentScheduleCreate of the deployment, checked, as a new schedule sent at {@code now}. */
    static DeploymentScheduleDocument create(Body body, UUID deploymentId, Instant now, int maxRunsAllowed) {
        body.rejectUnknown(FIELDS);
        if (!DeploymentDocument.sets(body, "schedule")) throw InvalidInput.missing(body.location("schedule"));
        boolean active = body.optionalBoolean("active").orElse(true);
        body.optionalString("slug");
        JsonObject parameters = body.object("parameters").json();
        JsonValue maxRuns = DeploymentDocument.sets(body, "max_scheduled_runs")
                ? Json.createValue(maxRuns(body, maxRunsAllowed)) : JsonValue.NULL;
        JsonObject schedule = Schedules.parse(body.object("schedule"), now).json();
        return new DeploymentScheduleDocument(Json.createObjectBuilder()
                .add("id", UUID.randomUUID().toString()).add("created", now.toString()).add("updated", now.toString())
                .add("deployment_id", deploymentId.toString())
                .add("schedule", schedule)
                .add("active", active)
                .add("max_scheduled_runs", maxRuns)
                .add("parameters", parameters)
                .add("slug", body.raw("slug"))
                .build());
    }

    /** This schedule with a DeploymentScheduleUpdate applied: the fields it sends that are not null. */
    DeploymentScheduleDocument patched(Body body, Instant now, int maxRunsAllowed) {
        body.rejectUnknown(FIELDS);
        JsonObjectBuilder out = Json.createObjectBuilder(json).add("updated", now.toString());
        body.optionalBoolean("active").ifPresent(a -> out.add("active", a));
        if (DeploymentDocument.sets(body, "schedule")) out.add("schedule", Schedules.parse(body.object("schedule"), now).json());
        if (DeploymentDocument.sets(body, "max_scheduled_runs")) out.add("max_scheduled_runs", maxRuns(body, maxRunsAllowed));
        // parameters defaults to {} in Prefect's update, and so always replaces
        out.add("parameters", body.object("parameters").json());
        body.optionalString("slug").ifPresent(slug -> out.add("slug", slug));
        return new DeploymentScheduleDocument(out.build());
    }

    private static int maxRuns(Body body, int maxRunsAllowed) {
        int max = body.integer("max_scheduled_runs", 1, 1, Integer.MAX_VALUE);
        if (max > maxRunsAllowed) {
            throw InvalidInput.field(body.location("max_scheduled_runs"), "Value error, `max_scheduled_runs` must be "
                    + "less than or equal to " + maxRunsAllowed);
        }
        return max;
    }

    JsonObject json() {
        return json;
    }

    Schedules.Schedule schedule() {
        return Schedules.of(json.getJsonObject("schedule"));
    }

    /** The most runs the scheduler keeps ahead for this schedule, when it says. */
    OptionalInt maxScheduledRuns() {
        return json.get("max_scheduled_runs") instanceof JsonNumber n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    /** The parameters its runs take over the deployment's. */
    JsonObject parameters() {
        return json.getJsonObject("parameters");
    }

    Optional<String> slug() {
        return json.get("slug") instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    boolean active() {
        return json.getBoolean("active", true);
    }
}
