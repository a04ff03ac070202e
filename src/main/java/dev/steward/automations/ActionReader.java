package dev.steward.automations;

import dev.steward.automations.Action.Source;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads actions as Prefect's server validates them (pydantic on prefect/server/events/actions.py): field by field,
 * then the rule over the whole action. Prefect's union answers a bad action with one error per action type it tried;
 * Steward answers the one error that applies to the type sent, with pydantic's words.
 */
final class ActionReader {
    private ActionReader() {}

    /** Python's timedelta.max: a longer schedule_after is refused, as pydantic refuses it. */
    private static final long MAX_DAYS = 999_999_999L;

    static List<Action> readList(JsonValue json, String location) {
        if (!(json instanceof JsonArray array)) throw InvalidInput.field(location, "Input should be a valid list");
        List<Action> actions = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) actions.add(read(array.get(i), join(location, Integer.toString(i))));
        return List.copyOf(actions);
    }

    static Action read(JsonValue json, String location) {
        if (!(json instanceof JsonObject object)) throw InvalidInput.field(location, "Input should be a valid dictionary");
        Body body = Body.at(object, location);
        // Prefect's models default their type, so an action without one is a do-nothing (and its other fields ignored)
        String type = object.containsKey("type") ? typeOf(object.get("type"), body) : "do-nothing";
        return switch (type) {
            case "do-nothing" -> new Action.DoNothing();
            case "run-deployment" -> runDeployment(body, location);
            case "pause-deployment" -> {
                Target t = target(body, location, "deployment_id");
                yield new Action.PauseDeployment(t.source, t.id);
            }
            case "resume-deployment" -> {
                Target t = target(body, location, "deployment_id");
                yield new Action.ResumeDeployment(t.source, t.id);
            }
            case "cancel-flow-run" -> new Action.CancelFlowRun();
            case "delete-flow-run" -> new Action.DeleteFlowRun();
            case "change-flow-run-state" -> changeFlowRunState(body);
            case "pause-work-queue" -> {
                Target t = target(body, location, "work_queue_id");
                yield new Action.PauseWorkQueue(t.source, t.id);
            }
            case "resume-work-queue" -> {
                Target t = target(body, location, "work_queue_id");
                yield new Action.ResumeWorkQueue(t.source, t.id);
            }
            case "send-notification" -> sendNotification(body);
            case "call-webhook" -> callWebhook(body);
            case "pause-automation" -> {
                Target t = target(body, location, "automation_id");
                yield new Action.PauseAutomation(t.source, t.id);
            }
            case "resume-automation" -> {
                Target t = target(body, location, "automation_id");
                yield new Action.ResumeAutomation(t.source, t.id);
            }
            case "suspend-flow-run" -> new Action.SuspendFlowRun();
            case "resume-flow-run" -> new Action.ResumeFlowRun();
            case "pause-work-pool" -> {
                Target t = target(body, location, "work_pool_id");
                yield new Action.PauseWorkPool(t.source, t.id);
            }
            case "resume-work-pool" -> {
                Target t = target(body, location, "work_pool_id");
                yield new Action.ResumeWorkPool(t.source, t.id);
            }
            default -> throw new IllegalStateException(type); // typeOf let through only known types
        };
    }

    private static String typeOf(JsonValue value, Body body) {
        if (value instanceof JsonString s && Action.TYPES.contains(s.getString())) return s.getString();
        throw literal(body.location("type"), Action.TYPES);
    }

    /** Pydantic's literal_error: "Input should be 'a', 'b' or 'c'". */
    private static InvalidInput literal(String location, List<String> allowed) {
        List<String> quoted = allowed.stream().map(a -> "'" + a + "'").toList();
        String list = quoted.size() == 1 ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
        List<String> loc = new ArrayList<>();
        loc.add("body");
        loc.addAll(List.of(location.split("\\.")));
        return InvalidInput.at(loc, "Input should be " + list, "literal_error");
    }

    private record Target(Source source, UUID id) {}

    /** {@code source} ("selected" by default) and the id that goes with it, checked as Prefect's model validator. */
    private static Target target(Body body, String location, String idField) {
        Source source = Source.SELECTED;
        if (body.has("source")) {
            JsonValue raw = body.raw("source");
            if (raw instanceof JsonString s && s.getString().equals("selected")) source = Source.SELECTED;
            else if (raw instanceof JsonString s && s.getString().equals("inferred")) source = Source.INFERRED;
            else throw literal(body.location("source"), List.of("selected", "inferred"));
        }
        UUID id = body.optionalUuid(idField).orElse(null);
        // the rule over the whole action: pydantic reports it at the action itself, as a "Value error"
        if (source == Source.SELECTED && id == null) throw InvalidInput.field(location, "Value error, " + idField + " is required");
        if (source == Source.INFERRED && id != null) throw InvalidInput.field(location, "Value error, " + idField + " is not allowed");
        return new Target(source, id);
    }

    private static Action runDeployment(Body body, String location) {
        JsonObject parameters = optionalObject(body, "parameters");
        JsonObject jobVariables = optionalObject(body, "job_variables");
        Duration scheduleAfter = scheduleAfter(body);
        if (parameters != null && !parameters.isEmpty()) {
            List<String> problems = RunParameters.problems(parameters);
            if (!problems.isEmpty()) {
                throw InvalidInput.field(body.location("parameters"),
                        "Value error, Invalid parameters: \n" + String.join("\n  ", problems));
            }
        }
        Target t = target(body, location, "deployment_id");
        return new Action.RunDeployment(t.source, t.id, parameters, jobVariables, scheduleAfter);
    }

    private static Action changeFlowRunState(Body body) {
        String name = body.optionalString("name").orElse(null);
        if (!body.has("state")) throw InvalidInput.missing(body.location("state"));
        JsonValue state = body.raw("state");
        if (!(state instanceof JsonString s) || !Action.STATE_TYPES.contains(s.getString())) {
            throw literal(body.location("state"), Action.STATE_TYPES);
        }
        String message = body.optionalString("message").orElse(null);
        boolean force = strictBoolean(body, "force", false);
        return new Action.ChangeFlowRunState(name, s.getString(), message, force);
    }

    private static Action sendNotification(Body body) {
        UUID block = body.requiredUuid("block_document_id");
        String subject = body.has("subject") ? strictString(body, "subject") : Action.SendNotification.DEFAULT_SUBJECT;
        if (!body.has("body")) throw InvalidInput.missing(body.location("body"));
        String text = strictString(body, "body");
        validTemplate(body, "subject", subject);
        validTemplate(body, "body", text);
        return new Action.SendNotification(block, subject, text);
    }

    private static Action callWebhook(Body body) {
        UUID block = body.requiredUuid("block_document_id");
        String payload = "";
        if (body.has("payload")) {
            JsonValue raw = body.raw("payload");
            if (raw instanceof JsonString s) payload = s.getString();
            else if (raw.getValueType() == JsonValue.ValueType.NULL) {
                throw InvalidInput.field(body.location("payload"), "Input should be a valid string");
            } else {
                // older UIs send {"message": ...}: Prefect keeps it as that JSON, indented by two (orjson's OPT_INDENT_2)
                payload = IndentedJson.write(raw);
            }
        }
        if (!payload.isEmpty()) validTemplate(body, "payload", payload);
        return new Action.CallWebhook(block, payload);
    }

    private static void validTemplate(Body body, String field, String template) {
        Optional<String> error = Templates.defaults().syntaxError(template);
        if (error.isPresent()) {
            throw InvalidInput.field(body.location(field),
                    "Value error, '" + field + "' is not a valid template: " + error.get());
        }
    }

    /** A string field with a default: present, it must be a string (null is not one). */
    private static String strictString(Body body, String field) {
        if (body.raw(field) instanceof JsonString s) return s.getString();
        throw InvalidInput.field(body.location(field), "Input should be a valid string");
    }

    private static boolean strictBoolean(Body body, String field, boolean fallback) {
        if (!body.has(field)) return fallback;
        JsonValue v = body.raw(field);
        if (v == JsonValue.TRUE) return true;
        if (v == JsonValue.FALSE) return false;
        throw InvalidInput.field(body.location(field), "Input should be a valid boolean");
    }

    /** Optional[Dict[str, Any]]: an object or null. */
    private static JsonObject optionalObject(Body body, String field) {
        JsonValue v = body.raw(field);
        if (v.getValueType() == JsonValue.ValueType.NULL) return null;
        if (v instanceof JsonObject o) return o;
        throw InvalidInput.field(body.location(field), "Input should be a valid dictionary");
    }

    // --- schedule_after: Prefect's NonNegativeTimeDelta ------------------------------------------------------------

    private static final String NUMBER = "(\\d+(?:[.,]\\d+)?)";
    /** ISO 8601 durations as pydantic reads them (a year is 365 days, a month 30). */
    private static final Pattern ISO = Pattern.compile("([-+])?P(?:" + NUMBER + "Y)?(?:" + NUMBER + "M)?(?:" + NUMBER
            + "W)?(?:" + NUMBER + "D)?(?:T(?:" + NUMBER + "H)?(?:" + NUMBER + "M)?(?:" + NUMBER + "S)?)?");
    /** Pydantic's other form: "1 day, 01:00:00", "2 days 00:05", "1d", "12:30:00.5". */
    private static final Pattern CLOCK = Pattern.compile(
            "([-+])?(?:(\\d+) ?(?:d|days?)[ ,]*)?(?:(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?)?");

    private static Duration scheduleAfter(Body body) {
        String location = body.location("schedule_after");
        if (!body.has("schedule_after")) return Duration.ZERO;
        JsonValue raw = body.raw("schedule_after");
        BigDecimal seconds;
        if (raw instanceof JsonNumber n) {
            seconds = n.bigDecimalValue();
        } else if (raw instanceof JsonString s) {
            seconds = parseDuration(s.getString())
                    .orElseThrow(() -> InvalidInput.field(location, "Input should be a valid timedelta"));
        } else {
            throw InvalidInput.field(location, "Input should be a valid timedelta");
        }
        if (seconds.signum() < 0) throw InvalidInput.field(location, "Value error, schedule_after must be non-negative");
        if (seconds.compareTo(BigDecimal.valueOf(MAX_DAYS * 86_400)) > 0) {
            throw InvalidInput.field(location, "Input should be a valid timedelta, durations may not exceed 999,999,999 days");
        }
        // to Python's precision, microseconds
        BigDecimal rounded = seconds.setScale(6, RoundingMode.HALF_EVEN);
        long whole = rounded.longValue();
        long nanos = rounded.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Duration.ofSeconds(whole, nanos);
    }

    static Optional<BigDecimal> parseDuration(String text) {
        Matcher iso = ISO.matcher(text);
        if (iso.matches() && text.chars().anyMatch(Character::isDigit)) { // "P" and "PT" alone are too short
            BigDecimal total = BigDecimal.ZERO;
            long[] unit = {365L * 86_400, 30L * 86_400, 7L * 86_400, 86_400, 3_600, 60, 1};
            for (int g = 0; g < unit.length; g++) {
                String part = iso.group(g + 2);
                if (part != null) total = total.add(new BigDecimal(part.replace(',', '.')).multiply(BigDecimal.valueOf(unit[g])));
            }
            return Optional.of("-".equals(iso.group(1)) ? total.negate() : total);
        }
        Matcher clock = CLOCK.matcher(text);
        if (clock.matches() && (clock.group(2) != null || clock.group(3) != null)) {
            BigDecimal total = BigDecimal.ZERO;
            if (clock.group(2) != null) total = total.add(BigDecimal.valueOf(Long.parseLong(clock.group(2)) * 86_400));
            if (clock.group(3) != null) {
                int minutes = Integer.parseInt(clock.group(4));
                int secs = clock.group(5) == null ? 0 : Integer.parseInt(clock.group(5));
                if (minutes > 59 || secs > 59) return Optional.empty();
                total = total.add(BigDecimal.valueOf(Long.parseLong(clock.group(3)) * 3_600 + minutes * 60L + secs));
                if (clock.group(6) != null) total = total.add(new BigDecimal("0." + clock.group(6)));
            }
            return Optional.of("-".equals(clock.group(1)) ? total.negate() : total);
        }
        return Optional.empty();
    }

    private static String join(String location, String part) {
        return location == null || location.isEmpty() ? part : location + "." + part;
    }

    /** JSON indented by two spaces, as orjson's OPT_INDENT_2 writes it (keys in their order, text unescaped). */
    static final class IndentedJson {
        private IndentedJson() {}

        static String write(JsonValue value) {
            StringBuilder out = new StringBuilder();
            write(value, 0, out);
            return out.toString();
        }

        private static void write(JsonValue value, int level, StringBuilder out) {
            switch (value.getValueType()) {
                case OBJECT -> {
                    JsonObject o = value.asJsonObject();
                    if (o.isEmpty()) {
                        out.append("{}");
                        return;
                    }
                    out.append('{');
                    boolean first = true;
                    for (var e : o.entrySet()) {
                        out.append(first ? "\n" : ",\n").append("  ".repeat(level + 1));
                        first = false;
                        out.append(Json.createValue(e.getKey())).append(": ");
                        write(e.getValue(), level + 1, out);
                    }
                    out.append('\n').append("  ".repeat(level)).append('}');
                }
                case ARRAY -> {
                    JsonArray a = value.asJsonArray();
                    if (a.isEmpty()) {
                        out.append("[]");
                        return;
                    }
                    out.append('[');
                    boolean first = true;
                    for (JsonValue item : a) {
                        out.append(first ? "\n" : ",\n").append("  ".repeat(level + 1));
                        first = false;
                        write(item, level + 1, out);
                    }
                    out.append('\n').append("  ".repeat(level)).append(']');
                }
                default -> out.append(value);
            }
        }
    }
}
