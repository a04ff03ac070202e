package dev.steward.automations;

import dev.steward.orchestration.FlowRunStore;
import dev.steward.platform.Json;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A trigger on a metric of the workspace's flow runs (Prefect Cloud's MetricTrigger, which Prefect's open-source
 * server refuses; its client models it): the runs its {@code match} and {@code match_related} select, as their state
 * events would name them, over the last {@code range}; it fires when the metric breaches its threshold continuously
 * for {@code firing_for}, and resolves when it has stopped breaching for as long.
 *
 * @param metric what is measured and when it breaches
 */
public record MetricTrigger(UUID id, ResourceSpecification match, List<ResourceSpecification> matchRelated,
                            boolean matchRelatedIsList, Query metric) implements Trigger {
    /** The runs' average lateness and duration (seconds), and the share of finished runs that completed (percent). */
    public enum Metric { lateness, duration, successes }

    public enum Operator {
        LT("<"), LTE("<="), GT(">"), GTE(">=");

        final String wire;

        Operator(String wire) {
            this.wire = wire;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case LT -> value < threshold;
                case LTE -> value <= threshold;
                case GT -> value > threshold;
                case GTE -> value >= threshold;
            };
        }
    }

    /** Prefect's MetricTriggerQuery. */
    public record Query(Metric name, double threshold, Operator operator, Duration range, Duration firingFor) {
        boolean breaches(double value) {
            return operator.holds(value, threshold);
        }
    }

    /** The kinds of related resource whose ids a run's own columns hold: the run query tests them. */
    private static final List<String> RELATED_KINDS = List.of("flow", "deployment", "work-queue", "work-pool");

    public MetricTrigger {
        matchRelated = List.copyOf(matchRelated);
    }

    @Override
    public String type() {
        return "metric";
    }

    @Override
    public JsonObject toJson() {
        return Json.createObjectBuilder()
                .add("type", type())
                .add("id", id.toString())
                .add("match", match.toJson())
                .add("match_related", ResourceSpecification.toJson(matchRelated, matchRelatedIsList))
                .add("posture", "Metric")
                .add("metric", Json.createObjectBuilder()
                        .add("name", metric.name().name())
                        .add("threshold", metric.threshold())
                        .add("operator", metric.operator().wire)
                        .add("range", TimeDeltas.write(metric.range()))
                        .add("firing_for", TimeDeltas.write(metric.firingFor())))
                .build();
    }

    @Override
    public List<Trigger> all() {
        return List.of(this);
    }

    @Override
    public MetricTrigger withNewIds() {
        return new MetricTrigger(UUID.randomUUID(), match, matchRelated, matchRelatedIsList, metric);
    }

    /**
     * What of {@code match_related} the run query can test: for each specification whose resource ids are all plain
     * ids of flows, deployments, work queues or work pools, a run must be related to one of them. The rest (patterns,
     * other kinds, other labels) is left to {@link #selects}, which every run read still passes through.
     */
    List<FlowRunStore.RelatedTo> relatedInSql() {
        List<FlowRunStore.RelatedTo> required = new ArrayList<>();
        for (ResourceSpecification spec : matchRelated) {
            List<String> ids = spec.labels().get("prefect.resource.id");
            if (ids == null) continue;
            Map<String, List<UUID>> byKind = new HashMap<>();
            boolean plain = true;
            for (String id : ids) {
                String kind = RELATED_KINDS.stream().filter(k -> id.startsWith("prefect." + k + ".")).findFirst()
                        .orElse(null);
                Optional<UUID> uuid = kind == null ? Optional.empty()
                        : UuidParameters.parse(id.substring(("prefect." + kind + ".").length()));
                if (uuid.isEmpty()) {
                    plain = false;
                    break;
                }
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(uuid.get());
            }
            if (plain) {
                required.add(new FlowRunStore.RelatedTo(byKind.getOrDefault("flow", List.of()),
                        byKind.getOrDefault("deployment", List.of()), byKind.getOrDefault("work-queue", List.of()),
                        byKind.getOrDefault("work-pool", List.of())));
            }
        }
        return required;
    }


    /** Whether a flow run, named as its state events name it (resource and related), is one this trigger measures. */
    boolean selects(JsonObject resource, List<JsonObject> related) {
        return match.includes(List.of(resource)) && ResourceSpecification.allInclude(matchRelated, related);
    }
}
