package dev.steward.automations;

import dev.steward.automations.OutboundCalls.Request;
import dev.steward.automations.OutboundCalls.Result;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Prefect's automation actions {@code send-notification} and {@code call-webhook} send, given the block's data
 * as {@code BlockDocuments} opens it (secrets in plain text), through {@link OutboundCalls}.
 *
 * <p>Notification blocks, by Prefect's block type slug:
 * <ul>
 * <li>{@value #SLACK} ({@code url}, {@code allow_private_urls}): POSTs Slack's incoming-webhook JSON
 * {@code {"text": "<subject>\n<body>"}}; done on HTTP 200. (Prefect goes through apprise, which sends a legacy
 * attachment with the subject as its title and also wants the body "ok".)</li>
 * <li>{@value #TEAMS} ({@code url}, {@code allow_private_urls}, {@code include_image}, {@code wrap},
 * {@code notify_type}): POSTs apprise's Power Automate workflow message, an Adaptive Card 1.4 with the subject as a
 * heading and the body, to the URL as given; done on HTTP 200 or 202, as apprise counts it.</li>
 * <li>{@value #CUSTOM} ({@code name}, {@code url}, {@code method}, {@code params}, {@code json_data},
 * {@code form_data}, {@code headers}, {@code cookies}, {@code secrets}, {@code allow_private_urls}): Prefect's
 * templates, {@code {{subject}}}, {@code {{body}}}, {@code {{name}}} and the block's secrets' names substituted in
 * every string of the URL, params, bodies, headers and cookies; a placeholder naming anything else fails the call
 * (Prefect refuses the block); done on a 2xx answer, as httpx's raise_for_status.</li>
 * </ul>
 * Any other block type: {@value #UNSUPPORTED}.
 *
 * <p>The {@value #WEBHOOK} block ({@code method}, {@code url}, {@code headers}, {@code allow_private_urls},
 * {@code verify}) gets the rendered payload as its raw body, with the block's headers and no Content-Type of
 * Steward's; any answer counts as done, whatever its status (Prefect records the status and fails only when no
 * answer came).
 *
 * <p>Private targets are refused unless both the operator ({@link OutboundCalls#ALLOW_PRIVATE}) and the block
 * ({@code allow_private_urls}, which Prefect defaults to true) allow them.
 */
@ApplicationScoped
public class Notifications {
    public static final String SLACK = "slack-webhook";
    public static final String TEAMS = "ms-teams-webhook";
    public static final String CUSTOM = "custom-webhook";
    public static final String WEBHOOK = "webhook";
    public static final String UNSUPPORTED = "unsupported notification block type";

    /** The User-Agent Prefect's notification blocks send (apprise's app id as Prefect sets it, and the custom block's). */
    static final String NOTIFICATION_AGENT = "Prefect Notifications";

    /** Prefect's placeholder: {@code {{ name }}}, names of word characters, dots, dashes, brackets and $. */
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\{\\{\\s*([\\w.\\-\\[\\]$]+)\\s*}}", Pattern.UNICODE_CHARACTER_CLASS);

    @Inject
    OutboundCalls calls;

    public Notifications() {
    }

    public Notifications(OutboundCalls calls) {
        this.calls = calls;
    }

    /** Sends a notification through the block of type {@code blockTypeSlug} whose opened data is {@code data}. */
    public Result notify(String blockTypeSlug, JsonObject data, String subject, String body) {
        if (blockTypeSlug == null) return Result.failed(UNSUPPORTED);
        if (data == null) data = JsonValue.EMPTY_JSON_OBJECT;
        return switch (blockTypeSlug) {
            case SLACK -> slack(data, subject, body);
            case TEAMS -> teams(data, subject, body);
            case CUSTOM -> custom(data, subject, body);
            default -> Result.failed(UNSUPPORTED);
        };
    }

    /**
     * Prefect's call-webhook: the Webhook block's request with {@code payload} (already rendered) as its body, and,
     * unless the block sets one, an {@code Idempotency-Key} header (the IETF httpapi draft's): the action run's id,
     * the same on every attempt, so that a receiver can drop the repeat of a call whose instance died before it could
     * record the call as made.
     */
    public Result callWebhook(JsonObject data, String payload, String idempotencyKey) {
        if (data == null) data = JsonValue.EMPTY_JSON_OBJECT;
        String url = string(data, "url");
        if (url == null) return Result.failed("the webhook block has no URL");
        Map<String, String> headers = new LinkedHashMap<>();
        JsonValue given = data.getOrDefault("headers", JsonValue.NULL);
        if (given instanceof JsonObject object) object.forEach((k, v) -> headers.put(k, pythonStr(v)));
        if (idempotencyKey != null && !has(headers, "Idempotency-Key")) headers.put("Idempotency-Key", idempotencyKey);
        byte[] content = (payload == null ? "" : payload).getBytes(StandardCharsets.UTF_8);
        return calls.send(new Request(method(data), url, headers, content, data.getBoolean("verify", true),
                allowsPrivate(data)));
    }

    // --- Slack and Teams ----------------------------------------------------------------------------------------

    private Result slack(JsonObject data, String subject, String body) {
        String url = string(data, "url");
        if (url == null) return Result.failed("the notification block has no webhook URL");
        String text = body == null ? "" : body;
        if (subject != null && !subject.isEmpty()) text = subject + "\n" + text;
        JsonObject payload = Json.createObjectBuilder().add("text", text).build();
        Result result = postJson(url, payload, allowsPrivate(data));
        return result.succeeded() && result.status() != 200 ? result.failing(answered(result)) : result;
    }

    private Result teams(JsonObject data, String subject, String body) {
        String url = string(data, "url");
        if (url == null) return Result.failed("the notification block has no webhook URL");
        String notifyType = data.getString("notify_type", "info");
        JsonArrayBuilder content = Json.createArrayBuilder();
        if (data.getBoolean("include_image", true)) {
            content.add(Json.createObjectBuilder()
                    .add("type", "Image")
                    .add("url", "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-"
                            + notifyType + "-32x32.png")
                    .add("height", "32px")
                    .add("altText", notifyType));
        }
        if (subject != null && !subject.isEmpty()) {
            content.add(Json.createObjectBuilder()
                    .add("type", "TextBlock").add("text", subject).add("style", "heading")
                    .add("weight", "Bolder").add("size", "Large").add("id", "title"));
        }
        content.add(Json.createObjectBuilder()
                .add("type", "TextBlock").add("text", body == null ? "" : body).add("style", "default")
                .add("wrap", data.getBoolean("wrap", true)).add("id", "body"));
        JsonObject payload = Json.createObjectBuilder()
                .add("type", "message")
                .add("attachments", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("contentType", "application/vnd.microsoft.card.adaptive")
                        .addNull("contentUrl")
                        .add("content", Json.createObjectBuilder()
                                .add("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                                .add("type", "AdaptiveCard")
                                .add("version", "1.4")
                                .add("body", content)
                                .add("msteams", Json.createObjectBuilder().add("width", "full")))))
                .build();
        Result result = postJson(url, payload, allowsPrivate(data));
        boolean done = result.status() == 200 || result.status() == 202;
        return result.succeeded() && !done ? result.failing(answered(result)) : result;
    }

    private Result postJson(String url, JsonObject payload, boolean allowPrivate) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", NOTIFICATION_AGENT);
        headers.put("Content-Type", "application/json");
        return calls.send(new Request("POST", url, headers, payload.toString().getBytes(StandardCharsets.UTF_8), true,
                allowPrivate));
    }

    // --- the custom webhook ---------------------------------------------------------------------------------------

    private Result custom(JsonObject data, String subject, String body) {
        String name = string(data, "name");
        String urlTemplate = string(data, "url");
        if (name == null || urlTemplate == null) return Result.failed("the custom webhook block has no name or no URL");
        JsonValue params = data.getOrDefault("params", JsonValue.NULL);
        JsonValue jsonData = data.getOrDefault("json_data", JsonValue.NULL);
        JsonValue formData = data.getOrDefault("form_data", JsonValue.NULL);
        JsonValue headerTemplates = data.getOrDefault("headers", JsonValue.NULL);
        JsonValue cookies = data.getOrDefault("cookies", JsonValue.NULL);
        if (jsonData != JsonValue.NULL && formData != JsonValue.NULL) {
            return Result.failed("the custom webhook block has both JSON data and form data");
        }

        // Prefect's values: the secrets, then subject, body and name over them
        Map<String, JsonValue> values = new LinkedHashMap<>();
        if (data.get("secrets") instanceof JsonObject secrets) values.putAll(secrets);
        values.put("subject", Json.createValue(subject == null ? "null" : subject));
        values.put("body", Json.createValue(body == null ? "" : body));
        values.put("name", Json.createValue(name));
        Set<String> used = new HashSet<>();
        for (JsonValue template : new JsonValue[] {data.get("url"), params, formData, jsonData, headerTemplates, cookies}) {
            placeholders(template, used);
        }
        if (!values.keySet().containsAll(used)) {
            return Result.failed("the custom webhook block's templates name a value other than subject, body, name "
                    + "or one of its secrets");
        }

        StringBuilder url = new StringBuilder(pythonStr(apply(data.get("url"), values)));
        if (apply(params, values) instanceof JsonObject query && !query.isEmpty()) {
            int fragment = url.indexOf("#");
            if (fragment >= 0) url.setLength(fragment);
            url.append(url.indexOf("?") >= 0 ? "&" : "?").append(formEncoded(query));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (apply(headerTemplates, values) instanceof JsonObject given) {
            given.forEach((k, v) -> headers.put(k, pythonStr(v)));
        }
        if (!has(headers, "User-Agent")) headers.put("User-Agent", NOTIFICATION_AGENT);
        if (apply(cookies, values) instanceof JsonObject jar && !jar.isEmpty() && !has(headers, "Cookie")) {
            StringBuilder cookie = new StringBuilder();
            jar.forEach((k, v) -> cookie.append(cookie.length() == 0 ? "" : "; ").append(k).append('=').append(httpxStr(v)));
            headers.put("Cookie", cookie.toString());
        }
        byte[] content = null;
        JsonValue json = apply(jsonData, values);
        JsonValue form = apply(formData, values);
        if (json != JsonValue.NULL) {
            content = json.toString().getBytes(StandardCharsets.UTF_8);
            if (!has(headers, "Content-Type")) headers.put("Content-Type", "application/json");
        } else if (form instanceof JsonObject fields) {
            content = formEncoded(fields).getBytes(StandardCharsets.UTF_8);
            if (!has(headers, "Content-Type")) headers.put("Content-Type", "application/x-www-form-urlencoded");
        } else if (form instanceof JsonString raw) {
            content = raw.getString().getBytes(StandardCharsets.UTF_8);
        }
        Result result = calls.send(new Request(method(data), url.toString(), headers, content, true, allowsPrivate(data)));
        return result.succeeded() && (result.status() < 200 || result.status() >= 300)
                ? result.failing(answered(result)) : result;
    }

    /** The names of the placeholders in a template's strings, at any depth. */
    private static void placeholders(JsonValue template, Set<String> into) {
        if (template instanceof JsonString s) {
            Matcher m = PLACEHOLDER.matcher(s.getString());
            while (m.find()) into.add(m.group(1));
        } else if (template instanceof JsonObject o) {
            o.values().forEach(v -> placeholders(v, into));
        } else if (template != null && template.getValueType() == JsonValue.ValueType.ARRAY) {
            template.asJsonArray().forEach(v -> placeholders(v, into));
        }
    }

    /**
     * Prefect's apply_values: a string that is one placeholder alone becomes that value (a secret keeps its JSON
     * type); otherwise each placeholder is replaced by the value's text, in one pass (a value is never read as a
     * template). Objects' values and arrays' items are templated; other values are left as they are.
     */
    static JsonValue apply(JsonValue template, Map<String, JsonValue> values) {
        if (template == null) return JsonValue.NULL;
        if (template instanceof JsonString s) {
            String text = s.getString();
            Matcher m = PLACEHOLDER.matcher(text);
            Set<String> distinct = new HashSet<>();
            while (m.find()) distinct.add(m.group());
            if (distinct.isEmpty()) return template;
            m.reset();
            if (distinct.size() == 1 && m.matches()) return values.getOrDefault(m.group(1), JsonValue.NULL);
            // a value that is missing (the block was checked before, so never) is left out, as Prefect's NotSet
            return Json.createValue(m.replaceAll(r -> Matcher.quoteReplacement(
                    values.containsKey(r.group(1)) ? pythonStr(values.get(r.group(1))) : "")));
        }
        if (template instanceof JsonObject o) {
            JsonObjectBuilder out = Json.createObjectBuilder();
            o.forEach((k, v) -> out.add(k, apply(v, values)));
            return out.build();
        }
        if (template.getValueType() == JsonValue.ValueType.ARRAY) {
            JsonArrayBuilder out = Json.createArrayBuilder();
            template.asJsonArray().forEach(v -> out.add(apply(v, values)));
            return out.build();
        }
        return template;
    }

    /** {@code k=v&...} as httpx encodes query params and form data (spaces as +). */
    private static String formEncoded(JsonObject fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> {
            if (out.length() > 0) out.append('&');
            out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(httpxStr(v), StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    /** A value's text as Python's str() writes it inside a template or a header (True, None, ...). */
    static String pythonStr(JsonValue v) {
        if (v == null) return "None";
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case TRUE -> "True";
            case FALSE -> "False";
            case NULL -> "None";
            default -> v.toString();
        };
    }

    /** A value's text as httpx writes a query param, form field or cookie (true, empty for null, ...). */
    private static String httpxStr(JsonValue v) {
        if (v == null) return "";
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case TRUE -> "true";
            case FALSE -> "false";
            case NULL -> "";
            default -> v.toString();
        };
    }

    // --- block data -----------------------------------------------------------------------------------------------

    private static String answered(Result result) {
        return "webhook answered HTTP " + result.status();
    }

    private static String string(JsonObject data, String field) {
        return data != null && data.get(field) instanceof JsonString s ? s.getString() : null;
    }

    private static String method(JsonObject data) {
        return data.getString("method", "POST").toUpperCase(Locale.ROOT);
    }

    /** The block's allow_private_urls, which Prefect defaults to true; the operator's flag is checked as well. */
    private static boolean allowsPrivate(JsonObject data) {
        return data.getBoolean("allow_private_urls", true);
    }

    private static boolean has(Map<String, String> headers, String name) {
        return headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
    }
}
