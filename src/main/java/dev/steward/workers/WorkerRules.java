package dev.steward.workers;

import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prefect's validation of pool and queue fields: names, base job templates, limits and priorities. */
public final class WorkerRules {
    /** Prefect's banned name characters. */
    private static final Pattern NAME = Pattern.compile("^[^/%&><]+$");
    /** A {{ placeholder }} of a job configuration, as Prefect's templating finds them. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.\\-\\[\\]$]+)\\s*}}");
    static final int MAX_NAME_LENGTH = 255;

    private WorkerRules() {}

    /** A pool's name: Prefect's NonEmptyishName (no banned characters, not only quotes and blanks). */
    static String poolName(String name, String at) {
        if (name.replaceAll("^['\" ]+|['\" ]+$", "").isEmpty()) {
            throw InvalidInput.field(at, "Value error, name cannot be an empty string");
        }
        return queueName(name, at);
    }

    /** A queue's name: Prefect's Name (no banned characters). */
    static String queueName(String name, String at) {
        if (!NAME.matcher(name).matches()) {
            throw InvalidInput.field(at, "String should match pattern '^[^/%&><]+$'");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw InvalidInput.field(at, "String should have at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    /** A pool's type or a worker's name: any string Prefect takes, within the column's 255 characters. */
    static String bounded(String value, String at) {
        if (value.length() > MAX_NAME_LENGTH) {
            throw InvalidInput.field(at, "String should have at most " + MAX_NAME_LENGTH + " characters");
        }
        return value;
    }

    /**
     * Prefect's check of a base job template: {} or both job_configuration and variables, every placeholder of the
     * job configuration declared as a property of the variables schema.
     */
    static JsonObject baseJobTemplate(JsonObject template, String at) {
        if (template.isEmpty()) return template;
        JsonValue config = template.get("job_configuration");
        JsonValue variables = template.get("variables");
        if (!truthy(config) || !truthy(variables)) {
            throw InvalidInput.field(at, "Value error, The `base_job_template` must contain both a "
                    + "`job_configuration` key and a `variables` key.");
        }
        if (!(config instanceof JsonObject configuration) || !(variables instanceof JsonObject schema)) {
            throw InvalidInput.field(at, "Value error, `job_configuration` and `variables` must be objects.");
        }
        Set<String> used = new TreeSet<>();
        for (JsonValue part : configuration.values()) {
            Matcher m = PLACEHOLDER.matcher(part.toString());
            while (m.find()) used.add(m.group(1));
        }
        JsonValue properties = schema.get("properties");
        Set<String> declared = properties instanceof JsonObject p ? p.keySet() : Set.of();
        used.removeAll(declared);
        if (!used.isEmpty()) {
            throw InvalidInput.field(at, "Value error, The variables specified in the job configuration template "
                    + "must be present as properties in the variables schema. Your job configuration uses the "
                    + "following undeclared variable(s): " + String.join(" ,", used) + ".");
        }
        return template;
    }

    /** Python's truthiness of a JSON value, as Prefect's {@code if not (a and b)} reads it. */
    private static boolean truthy(JsonValue v) {
        if (v == null) return false;
        return switch (v.getValueType()) {
            case NULL, FALSE -> false;
            case OBJECT -> !v.asJsonObject().isEmpty();
            case ARRAY -> !v.asJsonArray().isEmpty();
            case STRING -> !((jakarta.json.JsonString) v).getString().isEmpty();
            case NUMBER -> ((jakarta.json.JsonNumber) v).doubleValue() != 0;
            case TRUE -> true;
        };
    }
}
