package dev.steward.events;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
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
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Prefect 3.9's EventFilter (server/events/filters.py), parsed once and applied two ways: as JPQL over stored events
 * ({@link EventQuery}) and to a live event in memory (the events-out stream). Parts: occurred {since, until}; event
 * {prefix, exclude_prefix, name, exclude_name}; resource {id, id_prefix, labels, distinct}; related and any_resource,
 * each one filter or a list of them, all of which must match; id {id}; text {query}; order. Parts sent as null are
 * absent, as Prefect's client sends every field; unknown fields are a 422, as in Prefect.
 *
 * <p>Labels are Prefect's ResourceSpecification: per label one glob or a list ({@code *} any run of characters,
 * {@code ?} one character, a leading {@code !} negates), of which any may match; a label the resource does not have
 * matches nothing, not even a negated glob. Under related and any_resource, {@code prefect.resource.id} and
 * {@code prefect.resource.role} stand for the related resource's id and role.
 *
 * <p>Where Prefect's own server differs from itself, stored events decide: its live stream ignores related filters
 * (EventRelatedFilter has no {@code includes}) and searches a payload's Python repr; here a live event matches as it
 * would once stored, except that text searches JSON written without spaces where PostgreSQL's jsonb text has them.
 * {@code distinct} applies to stored events only, as in Prefect.
 */
public final class EventCriteria {
    /** Prefect's EventTextFilter.query max_length. */
    static final int MAX_TEXT_QUERY = 200;

    Instant since;
    Instant until;
    final List<String> names = new ArrayList<>();
    final List<String> excludeNames = new ArrayList<>();
    final List<String> prefixes = new ArrayList<>();
    final List<String> excludePrefixes = new ArrayList<>();
    /** The resource filter, when it has a condition. */
    ResourceMatch resource;
    boolean distinct;
    /** Each must match (Prefect ANDs a list of filters). */
    final List<ResourceMatch> related = new ArrayList<>();
    final List<ResourceMatch> anyResource = new ArrayList<>();
    final List<UUID> ids = new ArrayList<>();
    TextSearch text;
    boolean ascending;

    private EventCriteria() {}

    public static EventCriteria parse(Body filter) {
        EventCriteria c = new EventCriteria();
        filter.rejectUnknown(List.of("occurred", "event", "resource", "related", "any_resource", "id", "text", "order"));
        Body occurred = filter.object("occurred");
        occurred.rejectUnknown(List.of("since", "until"));
        c.since = occurred.optionalInstant("since")
                .orElse(LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC).minus(Duration.ofDays(180)));
        c.until = occurred.optionalInstant("until").orElse(Instant.now());

        Body event = filter.object("event");
        event.rejectUnknown(List.of("prefix", "exclude_prefix", "name", "exclude_name"));
        event.optionalStrings("name").ifPresent(c.names::addAll);
        event.optionalStrings("exclude_name").ifPresent(c.excludeNames::addAll);
        event.optionalStrings("prefix").ifPresent(c.prefixes::addAll);
        event.optionalStrings("exclude_prefix").ifPresent(c.excludePrefixes::addAll);

        Body resource = filter.object("resource");
        resource.rejectUnknown(List.of("id", "id_prefix", "labels", "distinct"));
        c.distinct = resource.optionalBoolean("distinct").orElse(false);
        c.resource = ResourceMatch.primary(resource);
        for (Body related : oneOrMany(filter, "related")) {
            ResourceMatch m = ResourceMatch.related(related);
            if (m != null) c.related.add(m);
        }
        for (Body any : oneOrMany(filter, "any_resource")) {
            ResourceMatch m = ResourceMatch.any(any);
            if (m != null) c.anyResource.add(m);
        }

        Body id = filter.object("id");
        id.rejectUnknown(List.of("id"));
        id.optionalUuids("id").ifPresent(c.ids::addAll);
        if (filter.has("text") && !filter.isExplicitNull("text")) c.text = TextSearch.of(filter.object("text"));
        String order = filter.optionalString("order").orElse("DESC");
        if (!order.equals("ASC") && !order.equals("DESC")) {
            throw InvalidInput.field(filter.location("order"), "Input should be 'ASC' or 'DESC'");
        }
        c.ascending = order.equals("ASC");
        return c;
    }

    /** A field that is one filter or a list of them (Prefect's {@code Union[X, list[X]]}). */
    private static List<Body> oneOrMany(Body filter, String field) {
        return filter.json().get(field) instanceof JsonArray ? filter.objectList(field)
                : filter.has(field) && !filter.isExplicitNull(field) ? List.of(filter.object(field)) : List.of();
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
        JsonObject primary = event.get("resource") instanceof JsonObject r ? r : JsonValue.EMPTY_JSON_OBJECT;
        JsonArray relatedResources = event.get("related") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        if (resource != null && !resource.matches(primary, relatedResources)) return false;
        for (ResourceMatch m : related) {
            if (!m.matches(primary, relatedResources)) return false;
        }
        for (ResourceMatch m : anyResource) {
            if (!m.matches(primary, relatedResources)) return false;
        }
        if (!ids.isEmpty()) {
            try {
                if (!ids.contains(UUID.fromString(event.getString("id")))) return false;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return text == null || text.matches(searchable(event));
    }

    /** What text searches, as the stored query builds it: name, resource, related and payload. */
    private static String searchable(JsonObject event) {
        return (event.getString("event", "") + " " + event.getOrDefault("resource", JsonValue.EMPTY_JSON_OBJECT) + " "
                + event.getOrDefault("related", JsonValue.EMPTY_JSON_ARRAY) + " "
                + event.getOrDefault("payload", JsonValue.EMPTY_JSON_OBJECT)).toLowerCase(Locale.ROOT);
    }

    /** One glob of a label: its LIKE pattern (Prefect's translation, escape character backslash) and its regex. */
    record Glob(boolean negated, String like, Pattern regex) {
        static Glob of(String expression) {
            boolean negated = expression.startsWith("!");
            String glob = negated ? expression.substring(1) : expression;
            StringBuilder like = new StringBuilder();
            StringBuilder regex = new StringBuilder();
            for (char ch : glob.toCharArray()) {
                switch (ch) {
                    case '*' -> { like.append('%'); regex.append(".*"); }
                    case '?' -> { like.append('_'); regex.append('.'); }
                    case '\\', '%', '_' -> { like.append('\\').append(ch); regex.append(Pattern.quote(String.valueOf(ch))); }
                    default -> { like.append(ch); regex.append(Pattern.quote(String.valueOf(ch))); }
                }
            }
            return new Glob(negated, like.toString(), Pattern.compile(regex.toString(), Pattern.DOTALL));
        }

        /** A missing value matches no glob, negated or not (SQL's NULL, and Prefect's in-memory matcher). */
        boolean matches(String value) {
            return value != null && regex.matcher(value).matches() != negated;
        }

        boolean exact() {
            return !negated && like.indexOf("%") < 0 && like.indexOf("_") < 0 && like.indexOf("\\") < 0;
        }
    }

    static boolean anyGlob(String value, List<Glob> globs) {
        for (Glob g : globs) {
            if (g.matches(value)) return true;
        }
        return false;
    }

    /**
     * A filter on one resource of an event: the primary resource ({@code primary}), a related one ({@code related}),
     * or either (any_resource). All its conditions hold for the same resource.
     *
     * @param roleSets each a list of roles the resource's role must be one of
     * @param pairs    resources_in_roles: (id, role) pairs of which the resource must be one
     * @param idGlobs  the label prefect.resource.id (empty: no condition)
     * @param labels   other labels, each with its globs (an empty list matches nothing)
     * @param needsRole a related resource in some role (Prefect's related filter without {@code role})
     */
    record ResourceMatch(List<String> ids, List<String> idPrefixes, List<List<String>> roleSets,
                         List<List<String>> pairs, List<Glob> idGlobs, Map<String, List<Glob>> labels,
                         boolean primary, boolean related, boolean needsRole) {

        /** The resource filter: null when it has no condition. */
        static ResourceMatch primary(Body f) {
            List<String> ids = f.optionalStrings("id").orElse(List.of());
            List<String> prefixes = f.optionalStrings("id_prefix").orElse(List.of());
            Body spec = f.object("labels");
            List<Glob> idGlobs = globs(popped(spec, "prefect.resource.id"));
            Map<String, List<Glob>> labels = labels(spec, List.of("prefect.resource.id"));
            if (ids.isEmpty() && prefixes.isEmpty() && idGlobs.isEmpty() && labels.isEmpty()) return null;
            return new ResourceMatch(ids, prefixes, List.of(), List.of(), idGlobs, labels, true, false, false);
        }

        /** Prefect's EventRelatedFilter: null when it has no condition. */
        static ResourceMatch related(Body f) {
            f.rejectUnknown(List.of("id", "role", "resources_in_roles", "labels"));
            List<String> ids = f.optionalStrings("id").orElse(List.of());
            List<String> roles = f.optionalStrings("role").orElse(List.of());
            List<List<String>> pairs = pairs(f);
            Body spec = f.object("labels");
            List<Glob> idGlobs = globs(popped(spec, "prefect.resource.id"));
            List<String> labelRoles = popped(spec, "prefect.resource.role");
            Map<String, List<Glob>> labels = labels(spec, List.of("prefect.resource.id", "prefect.resource.role"));
            if (ids.isEmpty() && roles.isEmpty() && pairs.isEmpty() && spec.json().isEmpty()) return null;
            List<List<String>> roleSets = new ArrayList<>();
            if (!roles.isEmpty()) roleSets.add(roles);
            if (!labelRoles.isEmpty()) roleSets.add(labelRoles);
            // the primary resource has the empty role: only a role filter that names "" takes it
            return new ResourceMatch(ids, List.of(), roleSets, pairs, idGlobs, labels, roles.contains(""), true, roles.isEmpty());
        }

        /** Prefect's EventAnyResourceFilter: null when it has no condition. */
        static ResourceMatch any(Body f) {
            f.rejectUnknown(List.of("id", "id_prefix", "labels"));
            List<String> ids = f.optionalStrings("id").orElse(List.of());
            List<String> prefixes = f.optionalStrings("id_prefix").orElse(List.of());
            Body spec = f.object("labels");
            List<Glob> idGlobs = globs(popped(spec, "prefect.resource.id"));
            List<String> labelRoles = popped(spec, "prefect.resource.role");
            Map<String, List<Glob>> labels = labels(spec, List.of("prefect.resource.id", "prefect.resource.role"));
            if (ids.isEmpty() && prefixes.isEmpty() && spec.json().isEmpty()) return null;
            List<List<String>> roleSets = labelRoles.isEmpty() ? List.of() : List.of(labelRoles);
            return new ResourceMatch(ids, prefixes, roleSets, List.of(), idGlobs, labels, true, true, false);
        }

        private static List<List<String>> pairs(Body f) {
            JsonValue v = f.raw("resources_in_roles");
            if (v == JsonValue.NULL) return List.of();
            String at = f.location("resources_in_roles");
            if (!(v instanceof JsonArray list)) throw InvalidInput.field(at, "Input should be a valid list");
            List<List<String>> pairs = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof JsonArray pair) || pair.size() != 2) {
                    throw InvalidInput.field(at + "." + i, "Input should be a valid tuple of two strings");
                }
                if (!(pair.get(0) instanceof JsonString id) || !(pair.get(1) instanceof JsonString role)) {
                    throw InvalidInput.field(at + "." + i, "Input should be a valid string");
                }
                pairs.add(List.of(id.getString(), role.getString()));
            }
            return pairs;
        }

        /** A label Prefect pops out of the specification (id, role): an empty string or list is no condition. */
        private static List<String> popped(Body spec, String label) {
            JsonValue v = spec.json().get(label);
            if (v instanceof JsonString s) return s.getString().isEmpty() ? List.of() : List.of(s.getString());
            return v == null ? List.of() : values(spec, label);
        }

        /** The other labels of a ResourceSpecification, each with its globs. */
        private static Map<String, List<Glob>> labels(Body spec, List<String> popped) {
            Map<String, List<Glob>> labels = new LinkedHashMap<>();
            for (String label : spec.json().keySet()) {
                if (!popped.contains(label)) labels.put(label, globs(values(spec, label)));
            }
            return labels;
        }

        /** A label's value: one string or a list of them. */
        private static List<String> values(Body spec, String label) {
            JsonValue v = spec.json().get(label);
            if (v instanceof JsonString s) return List.of(s.getString());
            if (!(v instanceof JsonArray)) {
                throw InvalidInput.field(spec.location(label), "Input should be a valid string or a list of strings");
            }
            return spec.optionalStrings(label).orElse(List.of());
        }

        private static List<Glob> globs(List<String> expressions) {
            return expressions.stream().map(Glob::of).toList();
        }

        boolean matches(JsonObject primaryResource, JsonArray relatedResources) {
            if (primary && matchesOne(primaryResource, "")) return true;
            if (related) {
                for (JsonValue r : relatedResources) {
                    if (r instanceof JsonObject o && matchesOne(o, text(o.get("prefect.resource.role")))) return true;
                }
            }
            return false;
        }

        private boolean matchesOne(JsonObject resource, String role) {
            String id = text(resource.get("prefect.resource.id"));
            if (!ids.isEmpty() && (id == null || !ids.contains(id))) return false;
            if (!idPrefixes.isEmpty() && (id == null || idPrefixes.stream().noneMatch(id::startsWith))) return false;
            for (List<String> roles : roleSets) {
                if (role == null || !roles.contains(role)) return false;
            }
            if (!pairs.isEmpty() && pairs.stream().noneMatch(p -> p.get(0).equals(id) && p.get(1).equals(role))) return false;
            if (!idGlobs.isEmpty() && !anyGlob(id, idGlobs)) return false;
            for (Map.Entry<String, List<Glob>> label : labels.entrySet()) {
                if (!anyGlob(text(resource.get(label.getKey())), label.getValue())) return false;
            }
            return !needsRole || (role != null && !role.isEmpty());
        }

        /** A label's value as PostgreSQL's ->> gives it: strings as they are, other JSON as its text, null as null. */
        private static String text(JsonValue v) {
            if (v == null || v == JsonValue.NULL) return null;
            return v instanceof JsonString s ? s.getString() : v.toString();
        }
    }

    /**
     * Prefect's EventTextFilter: space-separated terms, any of which must occur (case-insensitive substrings);
     * {@code -term} or {@code !term} must not occur, {@code +term} must; "quoted phrases" are one term, with
     * {@code \"} and {@code \\} escapes inside. A sign followed by a space is ignored.
     */
    record TextSearch(List<String> include, List<String> exclude, List<String> required) {
        static TextSearch of(Body f) {
            f.rejectUnknown(List.of("query"));
            String query = f.requiredString("query");
            if (query.length() > MAX_TEXT_QUERY) {
                throw InvalidInput.field(f.location("query"), "String should have at most " + MAX_TEXT_QUERY + " characters");
            }
            return parse(query);
        }

        static TextSearch parse(String query) {
            List<String> include = new ArrayList<>();
            List<String> exclude = new ArrayList<>();
            List<String> required = new ArrayList<>();
            int i = 0;
            int n = query.length();
            while (i < n) {
                char ch = query.charAt(i);
                if (Character.isWhitespace(ch)) {
                    i++;
                    continue;
                }
                char sign = 0;
                if (ch == '-' || ch == '!' || ch == '+') {
                    if (i + 1 >= n || Character.isWhitespace(query.charAt(i + 1))) {
                        i++; // a lone sign is no term
                        continue;
                    }
                    sign = ch;
                    i++;
                }
                String term;
                if (query.charAt(i) == '"') {
                    StringBuilder phrase = new StringBuilder();
                    i++;
                    while (i < n && query.charAt(i) != '"') {
                        char c = query.charAt(i);
                        if (c == '\\' && i + 1 < n && (query.charAt(i + 1) == '"' || query.charAt(i + 1) == '\\')) {
                            phrase.append(query.charAt(i + 1));
                            i += 2;
                        } else {
                            phrase.append(c);
                            i++;
                        }
                    }
                    i++; // the closing quote, if any
                    term = phrase.toString().isBlank() ? "" : phrase.toString();
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(query.charAt(i)) && query.charAt(i) != '"') i++;
                    term = query.substring(start, i);
                }
                if (term.isEmpty()) continue;
                (sign == '-' || sign == '!' ? exclude : sign == '+' ? required : include).add(term);
            }
            return new TextSearch(include, exclude, required);
        }

        boolean isEmpty() {
            return include.isEmpty() && exclude.isEmpty() && required.isEmpty();
        }

        /** Whether an event's searchable text, already lower case, passes. */
        boolean matches(String searchable) {
            if (!include.isEmpty() && include.stream().noneMatch(t -> searchable.contains(t.toLowerCase(Locale.ROOT)))) return false;
            if (exclude.stream().anyMatch(t -> searchable.contains(t.toLowerCase(Locale.ROOT)))) return false;
            return required.stream().allMatch(t -> searchable.contains(t.toLowerCase(Locale.ROOT)));
        }
    }
}
