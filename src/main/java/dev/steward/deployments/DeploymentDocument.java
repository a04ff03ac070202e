package dev.steward.deployments;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.ParameterSchema;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.workers.WorkQueues;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Prefect's Deployment document (server/schemas/core.py), as the deployment row stores it: its fields and their
 * defaults, how a DeploymentCreate or DeploymentUpdate body is read into it ({@link Request}), its parameter-schema
 * rules, what a run made from it takes from it, Prefect's DeploymentResponse and the payload of its update event.
 * Immutable: each change makes a new document. Its schedules are not part of it (they have their own rows, see
 * {@link DeploymentScheduleDocument}); the response adds them.
 */
final class DeploymentDocument {
    /** What {@code /deployments/count} takes (Prefect's filters of the deployment, its flow, runs and pool). */
    static final List<String> FILTER_FIELDS = List.of("flows", "flow_runs", "task_runs", "deployments",
            "work_pools", "work_pool_queues");
    private static final JsonObject EMPTY_SCHEMA = Json.parseObject("{\"type\":\"object\",\"properties\":{}}");
    /** Prefect's DEPLOYMENT_EVENT_FIELDS, by their names in the document (job_variables is its infra_overrides). */
    private static final Map<String, String> EVENT_FIELDS = eventFields();

    private final JsonObject json;

    DeploymentDocument(JsonObject json) {
        this.json = json;
    }

    /** A new deployment: Prefect's defaults, NOT_READY until a runner or worker polls for its runs. */
    static DeploymentDocument defaults(UUID id, String name, UUID flowId, Instant now) {
        return new DeploymentDocument(Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now.toString()).add("updated", now.toString())
                .add("name", name).add("version", JsonValue.NULL).add("description", JsonValue.NULL)
                .add("flow_id", flowId.toString()).add("paused", false)
                .add("concurrency_limit_id", JsonValue.NULL).add("concurrency_options", JsonValue.NULL)
                .add("job_variables", JsonValue.EMPTY_JSON_OBJECT).add("parameters", JsonValue.EMPTY_JSON_OBJECT)
                .add("tags", JsonValue.EMPTY_JSON_ARRAY).add("labels", JsonValue.EMPTY_JSON_OBJECT)
                .add("work_queue_name", JsonValue.NULL).add("work_queue_id", JsonValue.NULL)
                .add("work_pool_name", JsonValue.NULL).add("work_pool_id", JsonValue.NULL)
                .add("last_polled", JsonValue.NULL).add("parameter_openapi_schema", EMPTY_SCHEMA)
                .add("path", JsonValue.NULL).add("pull_steps", JsonValue.NULL).add("entrypoint", JsonValue.NULL)
                .add("storage_document_id", JsonValue.NULL).add("infrastructure_document_id", JsonValue.NULL)
                .add("created_by", JsonValue.NULL).add("updated_by", JsonValue.NULL)
                .add("status", "NOT_READY").add("enforce_parameter_schema", true)
                .add("version_info", JsonValue.NULL)
                .build());
    }

    /** The stored fields, as Prefect names them. */
    JsonObject json() {
        return json;
    }

    JsonObject parameters() {
        return json.getJsonObject("parameters");
    }

    List<String> tags() {
        return json.getJsonArray("tags").getValuesAs(JsonString::getString);
    }

    boolean enforcesParameterSchema() {
        return json.getBoolean("enforce_parameter_schema", true);
    }

    Optional<String> workQueueName() {
        return string("work_queue_name");
    }

    Optional<String> workPoolName() {
        return string("work_pool_name");
    }

    Optional<UUID> workPoolId() {
        return string("work_pool_id").map(UUID::fromString);
    }

    /** The limit its runs take slots of: its own ({@code deployment:<id>}) or the global one it names. */
    Optional<UUID> concurrencyLimitId() {
        return string("concurrency_limit_id").map(UUID::fromString);
    }

    /** How long a run's slot lease lasts unless renewed, when the deployment says. */
    Optional<Duration> gracePeriod() {
        return concurrencyOptions().get("grace_period_seconds") instanceof JsonNumber n
                ? Optional.of(Duration.ofMillis(Math.round(n.doubleValue() * 1000))) : Optional.empty();
    }

    /** What happens to a run that finds no free slot: ENQUEUE (the default) or CANCEL_NEW. */
    String collisionStrategy() {
        return concurrencyOptions().getString("collision_strategy", "ENQUEUE");
    }

    private JsonObject concurrencyOptions() {
        return json.get("concurrency_options") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private Optional<String> string(String field) {
        return json.get(field) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    /** Whether a request body gives this field a value: sent, and not as null (Prefect's "not None"). */
    static boolean sets(Body body, String field) {
        return body.has(field) && !body.isExplicitNull(field);
    }

    // ---- changes ----

    /** These fields replaced (a request's {@link Request#fields}). */
    DeploymentDocument with(JsonObject fields) {
        JsonObjectBuilder out = Json.createObjectBuilder(json);
        fields.forEach(out::add);
        return new DeploymentDocument(out.build());
    }

    /** A deploy's labels: the flow's, Prefect's {@code prefect.flow.id}, then the request's own. */
    DeploymentDocument labelled(JsonObject flowLabels, JsonObject own) {
        JsonObjectBuilder labels = Json.createObjectBuilder(flowLabels).add("prefect.flow.id", json.getString("flow_id"));
        own.forEach(labels::add);
        return with(Json.createObjectBuilder().add("labels", labels).build());
    }

    /** In this work queue of this pool, or in none (a deployment served by {@code flow.serve()}). */
    DeploymentDocument placedIn(Optional<WorkQueues.Resolved> queue) {
        return with(Json.createObjectBuilder()
                .add("work_queue_id", queue.map(r -> (JsonValue) Json.createValue(r.queueId().toString())).orElse(JsonValue.NULL))
                .add("work_queue_name", queue.map(r -> (JsonValue) Json.createValue(r.queueName())).orElse(JsonValue.NULL))
                .add("work_pool_id", queue.map(r -> (JsonValue) Json.createValue(r.poolId().toString())).orElse(JsonValue.NULL))
                .add("work_pool_name", queue.map(r -> (JsonValue) Json.createValue(r.poolName())).orElse(JsonValue.NULL))
                .build());
    }

    DeploymentDocument paused(boolean paused) {
        return with(Json.createObjectBuilder().add("paused", paused).build());
    }

    DeploymentDocument updatedAt(Instant now) {
        return with(Json.createObjectBuilder().add("updated", now.toString()).build());
    }

    DeploymentDocument withConcurrencyLimitId(Optional<UUID> limitId) {
        return with(Json.createObjectBuilder().add("concurrency_limit_id",
                limitId.map(id -> (JsonValue) Json.createValue(id.toString())).orElse(JsonValue.NULL)).build());
    }

    // ---- parameter schema ----

    /** Prefect's DeploymentCreate validators: the schema must be a schema, the parameters must fit it (required ones aside). */
    void checkParametersOnCreate() {
        if (!enforcesParameterSchema() || !(json.get("parameter_openapi_schema") instanceof JsonObject schema)) return;
        try {
            ParameterSchema.checkSchema(schema);
            ParameterSchema.validate(parameters(), schema, true);
        } catch (ParameterSchema.Invalid e) {
            throw InvalidInput.field("", "Value error, " + e.getMessage());
        }
    }

    /** Prefect's update_deployment checks of new parameters: a broken schema is a conflict, unfit parameters bad input. */
    void checkParametersOnUpdate() {
        if (!enforcesParameterSchema()) return;
        JsonObject schema = enforcedSchema();
        try {
            ParameterSchema.checkSchema(schema);
        } catch (ParameterSchema.Invalid e) {
            throw new Conflict("Error updating deployment: " + e.getMessage());
        }
        try {
            ParameterSchema.validate(parameters(), schema, true);
        } catch (ParameterSchema.Invalid e) {
            // parameters that fail the schema are bad input: 422 (Prefect 3.9 answers an update with 409)
            throw new InvalidInput("Error updating deployment: " + e.getMessage());
        }
    }

    /** A run's parameters (see {@link #parametersWith}), checked against the schema when {@code enforce}. */
    void checkRunParameters(JsonObject parameters, boolean enforce) {
        if (!enforce) return;
        JsonObject schema = enforcedSchema();
        try {
            ParameterSchema.validate(parameters, schema, false);
        } catch (ParameterSchema.Invalid e) {
            // Prefect 3.9 answers 409 here; a 422 says what it is, bad input (its client treats both alike)
            throw new InvalidInput("Error creating flow run: " + e.getMessage());
        }
    }

    private JsonObject enforcedSchema() {
        if (json.get("parameter_openapi_schema") instanceof JsonObject schema) return schema;
        // Prefect's words, for runs too
        throw new Conflict("Error updating deployment: Cannot update parameters because parameter schema "
                + "enforcement is enabled and the deployment does not have a valid parameter schema.");
    }

    // ---- the runs made from it ----

    /** The deployment's parameters with {@code overrides} on top. */
    JsonObject parametersWith(JsonObject overrides) {
        JsonObjectBuilder out = Json.createObjectBuilder(parameters());
        overrides.forEach(out::add);
        return out.build();
    }

    /** A run's labels: the deployment's, then Prefect's system labels, then the run's own. */
    JsonObject runLabels(JsonObject own) {
        JsonObjectBuilder labels = Json.createObjectBuilder(json.getJsonObject("labels"))
                .add("prefect.flow.id", json.getString("flow_id"))
                .add("prefect.deployment.id", json.getString("id"));
        own.forEach(labels::add);
        return labels.build();
    }

    /** The fields of Prefect's FlowRunCreate that a run made from the deployment takes from it. */
    JsonObjectBuilder runFields() {
        return Json.createObjectBuilder()
                .add("flow_id", json.getString("flow_id"))
                .add("deployment_id", json.getString("id"))
                .add("work_queue_name", value("work_queue_name"))
                .add("work_pool_name", value("work_pool_name"))
                .add("infrastructure_document_id", value("infrastructure_document_id"));
    }

    /** The server-set fields of such a run: the deployment's version, work queue and pool. */
    JsonObjectBuilder runServerFields() {
        return Json.createObjectBuilder()
                .add("deployment_version", value("version"))
                .add("work_queue_id", value("work_queue_id"))
                .add("work_pool_id", value("work_pool_id"));
    }

    private JsonValue value(String field) {
        return json.getOrDefault(field, JsonValue.NULL);
    }

    // ---- what Prefect answers ----

    /** Prefect's DeploymentResponse: the document, its schedules (newest update first) and its concurrency limit. */
    JsonObject response(List<DeploymentScheduleDocument> schedules, JsonValue globalConcurrencyLimit) {
        JsonArrayBuilder own = Json.createArrayBuilder();
        schedules.forEach(s -> own.add(s.json()));
        return Json.createObjectBuilder(json)
                .add("schedules", own)
                .add("concurrency_limit", JsonValue.NULL)
                .add("global_concurrency_limit", globalConcurrencyLimit)
                .build();
    }

    /**
     * The payload of {@code prefect.deployment.updated} from this document to {@code after}: Prefect's
     * {@code {updated_fields, updates: {field: {from, to}}}} over its tracked fields; empty when none changed.
     */
    Optional<JsonObject> changesTo(DeploymentDocument after) {
        JsonObjectBuilder updates = Json.createObjectBuilder();
        JsonArrayBuilder names = Json.createArrayBuilder();
        boolean any = false;
        for (Map.Entry<String, String> f : EVENT_FIELDS.entrySet()) {
            JsonValue from = value(f.getKey());
            JsonValue to = after.value(f.getKey());
            if (!from.equals(to)) {
                any = true;
                names.add(f.getValue());
                updates.add(f.getValue(), Json.createObjectBuilder().add("from", from).add("to", to));
            }
        }
        return any ? Optional.of(Json.createObjectBuilder().add("updated_fields", names).add("updates", updates).build())
                : Optional.empty();
    }

    private static Map<String, String> eventFields() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("description", "tags", "parameters", "parameter_openapi_schema", "enforce_parameter_schema",
                "entrypoint", "path", "pull_steps", "work_queue_id", "paused", "labels", "version",
                "concurrency_limit_id", "concurrency_options")) {
            m.put(f, f);
        }
        m.put("job_variables", "infra_overrides");
        return m;
    }

    /**
     * A DeploymentCreate or DeploymentUpdate body: which fields each accepts, how each is checked, which nulls
     * Prefect ignores. Fields are checked when asked for, in the order the service asks, so that a body with several
     * faults is answered with the same first one whatever the order of its fields.
     */
    static final class Request {
        /** The fields of DeploymentCreate, and the old ones Prefect drops silently (remove_old_deployment_fields). */
        private static final List<String> CREATE_FIELDS = List.of("name", "flow_id", "paused", "schedules",
                "concurrency_limit", "concurrency_options", "global_concurrency_limit_id", "enforce_parameter_schema",
                "parameter_openapi_schema", "parameters", "tags", "labels", "pull_steps", "work_queue_name",
                "work_pool_name", "storage_document_id", "infrastructure_document_id", "description", "path", "version",
                "entrypoint", "job_variables", "version_info", "worker_pool_queue_id", "worker_pool_name",
                "worker_pool_queue_name", "work_pool_queue_name");
        private static final List<String> UPDATE_FIELDS = List.of("version", "description", "paused", "schedules",
                "concurrency_limit", "concurrency_options", "global_concurrency_limit_id", "parameters",
                "parameter_openapi_schema", "tags", "work_queue_name", "work_pool_name", "path", "job_variables",
                "pull_steps", "entrypoint", "storage_document_id", "infrastructure_document_id",
                "enforce_parameter_schema", "version_info", "worker_pool_queue_id", "worker_pool_name",
                "worker_pool_queue_name", "work_pool_queue_name");
        /** The fields a create sets when sent; the others keep their stored or default value (Prefect's exclude_unset). */
        private static final List<String> CREATE_SETS = List.of("paused", "concurrency_options",
                "enforce_parameter_schema", "parameter_openapi_schema", "parameters", "tags", "pull_steps",
                "work_queue_name", "work_pool_name", "storage_document_id", "infrastructure_document_id", "description",
                "path", "version", "entrypoint", "job_variables", "version_info");
        private static final List<String> UPDATE_SETS = List.of("version", "description", "paused",
                "concurrency_options", "parameters", "parameter_openapi_schema", "tags", "work_queue_name",
                "work_pool_name", "path", "job_variables", "pull_steps", "entrypoint", "storage_document_id",
                "infrastructure_document_id", "enforce_parameter_schema", "version_info");
        /** DeploymentUpdate's optional fields that, sent as null, leave the value as it is (Prefect drops them). */
        private static final List<String> UPDATE_IGNORES_NULL = List.of("parameters", "parameter_openapi_schema",
                "job_variables", "enforce_parameter_schema");

        private final Body body;
        private final boolean create;

        private Request(Body body, boolean create) {
            this.body = body;
            this.create = create;
        }

        static Request create(Body body) {
            body.rejectUnknown(CREATE_FIELDS);
            return new Request(body, true);
        }

        static Request update(Body body) {
            body.rejectUnknown(UPDATE_FIELDS);
            return new Request(body, false);
        }

        String name() {
            return body.requiredString("name");
        }

        UUID flowId() {
            return body.requiredUuid("flow_id");
        }

        /** The fields of the document it sets, each type-checked as Prefect's schema does. */
        JsonObject fields() {
            JsonObjectBuilder out = Json.createObjectBuilder();
            for (String field : create ? CREATE_SETS : UPDATE_SETS) {
                if (!body.has(field)) continue;
                if (!create && body.isExplicitNull(field) && UPDATE_IGNORES_NULL.contains(field)) continue;
                out.add(field, checked(field));
            }
            return out.build();
        }

        /** The labels a create gives (an update cannot change them). */
        JsonObject labels() {
            return body.object("labels").json();
        }

        /** Whether it sets parameters, which are then checked against the schema. */
        boolean setsParameters() {
            return sets(body, "parameters");
        }

        /** The pool and queue it names, when it names either; a pool sent as null takes it out of any queue. */
        Optional<Placement> placement() {
            if (!body.has("work_pool_name") && !body.has("work_queue_name")) return Optional.empty();
            return Optional.of(new Placement(body.optionalString("work_pool_name").orElse(null),
                    body.optionalString("work_queue_name").orElse(null), body.isExplicitNull("work_pool_name")));
        }

        /** The schedules the deployment is to have: a create always says (none when absent), an update when sent. */
        Optional<List<Body>> schedules() {
            if (!create && !sets(body, "schedules")) return Optional.empty();
            return Optional.of(body.objectList("schedules"));
        }

        /** What it asks of the deployment's concurrency limit, when it says: not both an own and a global one. */
        Optional<ConcurrencyChange> concurrency() {
            Integer slots = sets(body, "concurrency_limit") ? body.integer("concurrency_limit", 1, 1, Integer.MAX_VALUE) : null;
            UUID global = body.optionalUuid("global_concurrency_limit_id").orElse(null);
            if (slots != null && global != null) {
                throw InvalidInput.field("", "Value error, A deployment cannot have both a concurrency limit and a global "
                        + "concurrency limit.");
            }
            if (!body.has("concurrency_limit") && !body.has("global_concurrency_limit_id")) return Optional.empty();
            return Optional.of(new ConcurrencyChange(global, slots));
        }

        /** A field, type-checked as Prefect's schema does; null stands for the default where Prefect has one. */
        private JsonValue checked(String field) {
            JsonValue v = body.raw(field);
            if (v == JsonValue.NULL) {
                return switch (field) {
                    case "paused" -> throw InvalidInput.field(field, "Input should be a valid boolean");
                    case "tags" -> throw InvalidInput.field(field, "Input should be a valid list");
                    case "parameters", "job_variables" -> JsonValue.EMPTY_JSON_OBJECT;
                    case "enforce_parameter_schema" -> JsonValue.TRUE;
                    default -> JsonValue.NULL;
                };
            }
            switch (field) {
                case "paused", "enforce_parameter_schema" -> body.optionalBoolean(field);
                case "tags" -> body.optionalStrings(field);
                case "parameters", "job_variables", "parameter_openapi_schema", "version_info" -> body.object(field);
                case "concurrency_options" -> checkConcurrencyOptions(body.object(field));
                case "pull_steps" -> body.objectList(field);
                case "storage_document_id", "infrastructure_document_id" -> body.optionalUuid(field);
                default -> body.optionalString(field);
            }
            return v;
        }

        private static void checkConcurrencyOptions(Body options) {
            options.rejectUnknown(List.of("collision_strategy", "grace_period_seconds"));
            if (options.has("grace_period_seconds")) options.number("grace_period_seconds", 0, 60, 86_400);
            String strategy = options.requiredString("collision_strategy");
            if (!List.of("ENQUEUE", "CANCEL_NEW").contains(strategy)) {
                throw InvalidInput.field(options.location("collision_strategy"), "Input should be 'ENQUEUE' or 'CANCEL_NEW'");
            }
        }
    }

    /** A pool and queue named by a request, either may be null; {@code noPool}: the pool was sent as null. */
    record Placement(String poolName, String queueName, boolean noPool) {}

    /** The deployment's concurrency limit asked for: a global limit, its own with these slots, or (both null) none. */
    record ConcurrencyChange(UUID globalLimitId, Integer slots) {}
}
