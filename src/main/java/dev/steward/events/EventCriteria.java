package dev.steward.events;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prefect's EventFilter, parsed once and applied two ways: as JPQL over stored events ({@link EventQuery}) and to a
 * live event in memory (the events-out stream). Supported: occurred {since, until}; event {prefix, exclude_prefix,
 * name, exclude_name}; resource and any_resource {id, id_prefix, labels}; related (lifecycle events carry no related
 * resources, so a related filter matches none of them); id {id}; order. A part Steward does not support yet (text,
 * resource.distinct) is answered with a 422, never silently ignored; parts sent as null are absent, as Prefect's
 * client sends every field.
 */
public final class EventCriteria {
    Instant since;
    Instant until;
    final List<String> names = new ArrayList<>();
    final List<String> excludeNames = new ArrayList<>();
    final List<String> prefixes = new ArrayList<>();
    final List<String> excludePrefixes = new ArrayList<>();
    final List<String> resourceIds = new ArrayList<>();
    final List<String> resourceIdPrefixes = new ArrayList<>();
    /** label → values; a value "x*" matches by prefix, "!x" excludes. */
    final Map<String, List<String>> labels = new LinkedHashMap<>();
    final List<UUID> ids = new ArrayList<>();
    boolean related;
    boolean ascending;

    private EventCriteria() {}

    public static EventCriteria parse(Body filter) {
        EventCriteria c = new EventCriteria();
        filter.rejectUnknown(List.of("occurred", "event", "resource", "related", "any_resource", "id", "order", "text"));
        if (filter.has("text") && !filter.json().isNull("text")) {
            throw ApiException.invalid("filter.text", "Text search over events is not supported yet");
        }
        Body occurred = filter.object("occurred");
        c.since = occurred.optionalInstant("since")
                .orElse(LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC).minus(Duration.ofDays(180)));
        c.until = occurred.optionalInstant("until").orElse(Instant.now());

        Body event = filter.object("event");
        event.optionalStrings("name").ifPresent(c.names::addAll);
        event.optionalStrings("exclude_name").ifPresent(c.excludeNames::addAll);
        event.optionalStrings("prefix").ifPresent(c.prefixes::addAll);
        event.optionalStrings("exclude_prefix").ifPresent(c.excludePrefixes::addAll);

        c.resource(filter.object("resource"), "filter.resource");
        JsonValue any = filter.json().get("any_resource");
        if (any instanceof JsonObject) {
            c.resource(filter.object("any_resource"), "filter.any_resource");
        } else if (any instanceof JsonArray list && !list.isEmpty()) {
            throw ApiException.invalid("filter.any_resource", "A list of any_resource filters is not supported yet");
        }
        JsonValue related = filter.json().get("related");
        c.related = related != null && related.getValueType() != JsonValue.ValueType.NULL;

        for (String id : filter.object("id").optionalStrings("id").orElse(List.of())) {
            try {
                c.ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("filter.id.id", "Input should be a valid UUID");
            }
        }
        String order = filter.optionalString("order").orElse("DESC");
        if (!order.equals("ASC") && !order.equals("DESC")) {
            throw ApiException.invalid("filter.order", "Input should be 'ASC' or 'DESC'");
        }
        c.ascending = order.equals("ASC");
        return c;
    }

    private void resource(Body resource, String at) {
        if (resource.has("distinct") && resource.json().get("distinct") == JsonValue.TRUE) {
            throw ApiException.invalid(at + ".distinct", "distinct is not supported yet");
        }
        resource.optionalStrings("id").ifPresent(resourceIds::addAll);
        resource.optionalStrings("id_prefix").ifPresent(resourceIdPrefixes::addAll);
        Body labelFilter = resource.object("labels");
        for (Map.Entry<String, JsonValue> e : labelFilter.json().entrySet()) {
            List<String> values = new ArrayList<>();
            if (e.getValue() instanceof JsonString s) {
                values.add(s.getString());
            } else if (e.getValue() instanceof JsonArray a) {
                a.forEach(v -> {
                    if (!(v instanceof JsonString s)) throw ApiException.invalid(at + ".labels." + e.getKey(), "Input should be a valid string");
                    values.add(s.getString());
                });
            } else {
                throw ApiException.invalid(at + ".labels." + e.getKey(), "Input should be a string or a list of strings");
            }
            labels.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(values);
        }
    }

    /** Backfill for a stream looks back no further than this, as Prefect's server does (15 minutes by default). */
    public void clampSince(Duration maxLookBack) {
        Instant earliest = Instant.now().minus(maxLookBack);
        if (since.isBefore(earliest)) since = earliest;
    }

    public void orderAscending() {
        ascending = true;
    }

    /** Whether a live event (Prefect's wire JSON) passes the filter. */
    public boolean matches(JsonObject event) {
        Instant occurred;
        try {
            occurred = Instant.parse(event.getString("occurred"));
        } catch (RuntimeException e) {
            return false;
        }
        if (occurred.isBefore(since) || occurred.isAfter(until)) return false;
        String name = event.getString("event", "");
        if (!names.isEmpty() && !names.contains(name)) return false;
        if (excludeNames.contains(name)) return false;
        if (!prefixes.isEmpty() && prefixes.stream().noneMatch(name::startsWith)) return false;
        if (excludePrefixes.stream().anyMatch(name::startsWith)) return false;
        JsonObject resource = event.getJsonObject("resource");
        String resourceId = resource == null ? "" : resource.getString("prefect.resource.id", "");
        if (!resourceIds.isEmpty() && !resourceIds.contains(resourceId)) return false;
        if (!resourceIdPrefixes.isEmpty() && resourceIdPrefixes.stream().noneMatch(resourceId::startsWith)) return false;
        for (Map.Entry<String, List<String>> label : labels.entrySet()) {
            String value = resource == null ? null : resource.getString(label.getKey(), null);
            if (!labelMatches(value, label.getValue())) return false;
        }
        if (related) return false;
        if (!ids.isEmpty()) {
            try {
                if (!ids.contains(UUID.fromString(event.getString("id")))) return false;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** Prefect's label semantics: any positive value matches (exact or "prefix*"), no "!negated" one does. */
    static boolean labelMatches(String value, List<String> patterns) {
        boolean anyPositive = false;
        boolean positiveHit = false;
        for (String p : patterns) {
            if (p.startsWith("!")) {
                if (value != null && matchesOne(value, p.substring(1))) return false;
            } else {
                anyPositive = true;
                if (value != null && matchesOne(value, p)) positiveHit = true;
            }
        }
        return !anyPositive || positiveHit;
    }

    private static boolean matchesOne(String value, String pattern) {
        return pattern.endsWith("*") ? value.startsWith(pattern.substring(0, pattern.length() - 1)) : value.equals(pattern);
    }
}
