package dev.steward.automations;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.interpret.Context.Library;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateError.ErrorReason;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.ForLoop;
import dev.steward.platform.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.MethodNotFoundException;

/**
 * The Jinja templates of automation actions (a webhook's payload, a notification's subject and body, a run's
 * parameters), which users write and the server renders: Prefect renders them in Jinja's immutable sandbox, Steward
 * in HubSpot's Jinjava, locked down further:
 * <ul>
 * <li>no Java is reachable: methods may be called only on Jinjava's own filters, tests and loop, and on lists and
 * dicts only their read-only Python methods ({@code items()}, {@code keys()}, {@code get()}, ...); no bean property is
 * read but a loop's ({@code loop.index}); {@code include}, {@code import}, {@code from} and {@code extends} are off
 * and no template file can be loaded (Jinjava would otherwise read the class path);</li>
 * <li>a render stops at a wall-clock limit, an output size limit and a template size limit ({@link Limits}), and at
 * its first error, as Jinja does; ranges hold at most 100 items (Prefect's sandbox refuses a longer one, Jinjava cuts
 * it short); {@link #check} refuses more than 10 loops or loops nested deeper than 2, as Prefect does when an action
 * is saved;</li>
 * <li>a value is printed as it is, never rendered again as a template (Jinjava's "nested interpretation" is off), so
 * an event's text cannot inject template code;</li>
 * <li>a failed render says what went wrong without the context's values ({@link RenderFailed}).</li>
 * </ul>
 * Context values are plain data: maps, lists, strings, numbers, booleans and nulls (or Jakarta JSON values, which are
 * turned into those); anything else is refused, so that a template never sees a Java object of ours.
 * <p>
 * Where Jinjava still differs from Jinja: a null prints as nothing (Jinja: "None"), a boolean as "true" (Jinja:
 * "True"), Python's string methods ({@code 'a'.upper()}) do not exist (the filters do), and its syntax errors are
 * worded its own way.
 */
public final class Templates {

    /** Limits on one render. */
    public record Limits(Duration time, int maxOutputBytes, int maxTemplateChars) {
        /** 1 s, 64 KiB of output (UTF-8, as Jinjava counts it), 64 Ki characters of template. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(1), 64 * 1024, 64 * 1024);
    }

    /**
     * Where a path of Prefect's UI is, for the {@code ui_url} and {@code ui_resource_events_url} filters: given
     * {@code runs/flow-run/<id>} or {@code events?resource=<id>}, the absolute URL, or null when no UI is configured
     * (the filter then yields nothing, as Prefect's does without {@code PREFECT_UI_URL}).
     */
    @FunctionalInterface
    public interface UiLinks {
        String link(String path);

        UiLinks NONE = path -> null;
    }

    /** What Prefect's {@code POST /templates/validate} answers about a template it refuses. */
    public record SyntaxError(int line, String message) {
        /** Prefect's 422 body: {@code {"error": {"line": .., "message": .., "source": <the template>}}}. */
        public JsonObject answer(String source) {
            return Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                    .add("line", line).add("message", message).add("source", source)).build();
        }
    }

    /** A render that failed or hit a limit; the message names the problem, never a value of the context. */
    public static final class RenderFailed extends RuntimeException {
        RenderFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** Prefect's sandbox limits (prefect/server/utilities/user_templates.py). */
    static final int MAX_RANGE = 100;
    static final int MAX_LOOPS = 10;
    static final int MAX_LOOP_DEPTH = 2;

    /** Top-level context names whose object {@code ui_url} links to, and the kind of Prefect object each holds. */
    private static final Map<String, String> KINDS = Map.of(
            "flow", "flow", "flow_run", "flow-run", "task_run", "task-run", "deployment", "deployment",
            "work_pool", "work-pool", "work_queue", "work-queue", "concurrency_limit", "concurrency-limit",
            "automation", "automation", "event", "received-event");

    /** Prefect's UI paths by kind (prefect/utilities/urls.py UI_URL_FORMATS). */
    private static final Map<String, String> UI_PATHS = Map.ofEntries(
            Map.entry("flow", "flows/flow/"), Map.entry("flow-run", "runs/flow-run/"),
            Map.entry("task-run", "runs/task-run/"), Map.entry("block-document", "blocks/block/"),
            Map.entry("work-pool", "work-pools/work-pool/"), Map.entry("work-queue", "work-queues/work-queue/"),
            Map.entry("concurrency-limit", "concurrency-limits/concurrency-limit/"),
            Map.entry("deployment", "deployments/deployment/"), Map.entry("automation", "automations/automation/"),
            Map.entry("received-event", "events/event/"));

    private static final Pattern FLOW_RUN_ID =
            Pattern.compile("flow-run/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private static final Templates DEFAULT = new Templates();

    private final Limits limits;
    private final UiLinks links;
    private final Jinjava rendering;
    private final Jinjava validating;
    /** The deadline of the render running on this thread; checked before every node is rendered. */
    private final ThreadLocal<Deadline> deadline = new ThreadLocal<>();

    public Templates() {
        this(Limits.DEFAULT, UiLinks.NONE);
    }

    public Templates(Limits limits, UiLinks links) {
        this.limits = Objects.requireNonNull(limits);
        this.links = Objects.requireNonNull(links);
        this.rendering = engine(false);
        this.validating = engine(true);
    }

    /** A shared instance with the default limits and no UI links (for checking templates' syntax). */
    static Templates defaults() {
        return DEFAULT;
    }

    /** Prefect's {@code maybe_template}: text without "{{" or "{%" is not rendered at all. */
    public static boolean maybeTemplate(String text) {
        return text.contains("{{") || text.contains("{%");
    }

    /**
     * Renders {@code template} with {@code context} (plain data, see the class comment). Text that is not a template
     * comes back unchanged, as in Prefect. An undefined name renders as nothing, as Prefect's ChainableUndefined does.
     *
     * @throws RenderFailed on any error or limit; its message is safe to show and store
     */
    public String render(String template, Map<String, ?> context) {
        Objects.requireNonNull(template);
        if (!maybeTemplate(template)) return template;
        checkSize(template).ifPresent(message -> {
            throw new RenderFailed(message);
        });
        Map<String, Object> plain = plainContext(context);
        Deadline running = new Deadline(System.nanoTime() + limits.time().toNanos());
        deadline.set(running);
        RenderResult result;
        try {
            result = rendering.renderForResult(template, plain);
        } catch (TimeLimitExceeded e) {
            throw new RenderFailed(timeMessage());
        } catch (RuntimeException e) {
            if (running.expired) throw new RenderFailed(timeMessage());
            throw new RenderFailed("The template could not be rendered (" + e.getClass().getSimpleName() + ")");
        } finally {
            deadline.remove();
        }
        if (running.expired) throw new RenderFailed(timeMessage());
        for (TemplateError error : result.getErrors()) {
            // the error that made us stop comes first; the stop itself is not a reason
            if (!fails(error) || causedBy(error.getException(), Abort.class)) continue;
            if (error.getReason() == ErrorReason.OUTPUT_TOO_BIG || causedBy(error.getException(), OutputTooBigException.class)) {
                throw new RenderFailed(outputMessage());
            }
            if (causedBy(error.getException(), TimeLimitExceeded.class)) throw new RenderFailed(timeMessage());
            throw new RenderFailed(redact(describe(error), plain));
        }
        String output = result.getOutput();
        if (output.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxOutputBytes()) {
            throw new RenderFailed(outputMessage());
        }
        return output;
    }

    /** Why Prefect would refuse {@code template} as a template (syntax, loop limits), or empty when it is fine. */
    public Optional<String> syntaxError(String template) {
        return check(template).map(SyntaxError::message);
    }

    /**
     * Checks a template as Prefect's {@code validate_user_template} does: its syntax (every branch and loop body, so
     * a mistake in a branch not taken is found too), at most {@value #MAX_LOOPS} for loops, nested at most
     * {@value #MAX_LOOP_DEPTH} deep; and, Steward's own, its size. The line is 0 for a rule over the whole template, as
     * in Prefect.
     */
    public Optional<SyntaxError> check(String template) {
        Objects.requireNonNull(template);
        Optional<String> size = checkSize(template);
        if (size.isPresent()) return Optional.of(new SyntaxError(0, size.get()));
        Deadline running = new Deadline(System.nanoTime() + limits.time().toNanos());
        deadline.set(running);
        try {
            JinjavaInterpreter interpreter = validating.newInterpreter();
            try (var current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
                Node root = current.value().parse(template);
                Optional<SyntaxError> syntax = firstSyntaxError(interpreter.getErrors());
                if (syntax.isPresent()) return syntax;
                Optional<SyntaxError> loops = loopProblem(root);
                if (loops.isPresent()) return loops;
            }
            // an expression is parsed only when it is evaluated: validation mode walks every branch once, with no data
            RenderResult result = validating.renderForResult(template, Map.of());
            return firstSyntaxError(result.getErrors());
        } catch (TimeLimitExceeded e) {
            return Optional.of(new SyntaxError(0, timeMessage()));
        } catch (RuntimeException e) {
            if (running.expired) return Optional.of(new SyntaxError(0, timeMessage()));
            return Optional.of(new SyntaxError(0, "The template could not be read (" + e.getClass().getSimpleName() + ")"));
        } finally {
            deadline.remove();
        }
    }

    /** Jakarta JSON as plain data for a context: objects as maps, arrays as lists, numbers as Long or Double. */
    public static Object plain(JsonValue value) {
        if (value == null) return null;
        return switch (value.getValueType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                value.asJsonObject().forEach((k, v) -> map.put(k, plain(v)));
                yield Collections.unmodifiableMap(map);
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue v : value.asJsonArray()) list.add(plain(v));
                yield Collections.unmodifiableList(list);
            }
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> number(((JsonNumber) value).bigDecimalValue());
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Jinjava engine(boolean validationMode) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withValidationMode(validationMode)
                // Jinja's semantics where Jinjava differs by default: iterate a dict's keys, Python's precedence,
                // lists and dicts printed as Python prints them
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        // (not when validating: Jinjava's stand-in for an unknown name then breaks a for loop over it)
                        .withIterateOverMapKeys(!validationMode)
                        .withUsePyishObjectMapper(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                // a value is printed, never interpreted again: event text must not run as template code
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withElResolver(new CompositeELResolver() {
                    {
                        add(new ArrayELResolver(true));
                        add(new JinjavaListELResolver(true));
                        add(new ResourceResolver());
                        add(new GuardedBeanResolver());
                    }
                })
                .withRestrictedMethods(Set.of("getClass", "class", "forName", "invoke", "newInstance"))
                .withRestrictedProperties(Set.of("class", "classLoader", "declaringClass", "module"))
                .withDisabled(Map.of(
                        Library.TAG, Set.of("include", "import", "from", "extends"),
                        // renders a string as a template: text from an event must stay text
                        Library.FILTER, Set.of("render")))
                .withMaxOutputSize(limits.maxOutputBytes())
                .withMaxStringLength(limits.maxOutputBytes())
                .withMaxListSize(10_000)
                .withMaxMapSize(10_000)
                .withRangeLimit(MAX_RANGE)
                .withEnableRecursiveMacroCalls(false)
                .withProcessors(JinjavaProcessors.newBuilder().withNodePreProcessor(validationMode
                        ? this::checkDeadline : this::checkDeadlineAndErrors).build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("Templates cannot load other templates");
        });
        var filters = jinjava.getGlobalContext();
        filters.registerFilter(new TojsonFilter());
        filters.registerFilter(new UiUrlFilter());
        filters.registerFilter(new UiResourceEventsUrlFilter());
        filters.registerFilter(new FlowRunIdFilter());
        return jinjava;
    }

    private Optional<String> checkSize(String template) {
        if (template.length() > limits.maxTemplateChars()) {
            return Optional.of("The template is longer than " + limits.maxTemplateChars() + " characters");
        }
        return Optional.empty();
    }

    private String timeMessage() {
        return "The template took longer than " + limits.time().toMillis() + " ms to render";
    }

    private String outputMessage() {
        return "The rendered text is longer than " + limits.maxOutputBytes() + " bytes";
    }

    private static final class Deadline {
        final long nanos;
        volatile boolean expired;

        Deadline(long nanos) {
            this.nanos = nanos;
        }
    }

    /** Thrown at the next node once the deadline has passed; Jinjava wraps it, so {@link Deadline#expired} tells. */
    private static final class TimeLimitExceeded extends RuntimeException {
        TimeLimitExceeded() {
            super("time limit", null, false, false);
        }
    }

    /** Stops the render at the first error that fails it: Jinjava would note it and go on (Jinja stops). */
    private static final class Abort extends RuntimeException {
        Abort() {
            super("render failed", null, false, false);
        }
    }

    private void checkDeadlineAndErrors(Node node, JinjavaInterpreter interpreter) {
        checkDeadline(node, interpreter);
        // the last error only: the list is copied on each read, and we stop at the first that fails anyway
        if (interpreter.getLastError().filter(Templates::fails).isPresent()) throw new Abort();
    }

    private void checkDeadline(Node node, JinjavaInterpreter interpreter) {
        Deadline running = deadline.get();
        if (running == null) return;
        if (running.expired || System.nanoTime() - running.nanos > 0) {
            running.expired = true;
            throw new TimeLimitExceeded();
        }
    }

    /**
     * Whether an error fails the render: a fatal one, or a syntax error Jinjava only warns of (a tag closed that was
     * never opened, an unclosed "{{"), which Jinja refuses.
     */
    private static boolean fails(TemplateError error) {
        return error.getSeverity() == ErrorType.FATAL || error.getReason() == ErrorReason.SYNTAX_ERROR;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> kind) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) return true;
        }
        return false;
    }

    /** The first error that makes a template unusable whatever its data: its syntax, or a tag or filter we turn off. */
    private static Optional<SyntaxError> firstSyntaxError(List<TemplateError> errors) {
        for (TemplateError error : errors) {
            if (error.getReason() == ErrorReason.SYNTAX_ERROR || error.getReason() == ErrorReason.DISABLED) {
                return Optional.of(new SyntaxError(Math.max(0, error.getLineno()), describe(error)));
            }
        }
        return Optional.empty();
    }

    /** Prefect's loop rules: at most 10 for loops in all, nested at most 2 deep. */
    private static Optional<SyntaxError> loopProblem(Node root) {
        int[] count = {0};
        int depth = loopDepth(root, 0, count);
        if (count[0] > MAX_LOOPS) {
            return Optional.of(new SyntaxError(0, "Contains " + count[0] + " for loops. Templates can contain no more than "
                    + MAX_LOOPS + " for loops."));
        }
        if (depth > MAX_LOOP_DEPTH) {
            return Optional.of(new SyntaxError(0, "Contains nested for loops at a depth of " + depth
                    + ". Templates can nest for loops no more than " + MAX_LOOP_DEPTH + " loops deep."));
        }
        return Optional.empty();
    }

    private static int loopDepth(Node node, int depth, int[] count) {
        if (node instanceof TagNode tag && tag.getTag() instanceof ForTag) {
            depth++;
            count[0]++;
        }
        int deepest = depth;
        for (Node child : node.getChildren()) deepest = Math.max(deepest, loopDepth(child, depth, count));
        return deepest;
    }

    /** An error in one line: where, and Jinjava's words (which quote the template, not the data). */
    private static String describe(TemplateError error) {
        String message = error.getMessage() == null ? error.getReason().name() : error.getMessage();
        int cut = message.indexOf("\nOriginating Exception");
        if (cut >= 0) message = message.substring(0, cut);
        return message.strip();
    }

    /** Belt and braces: a message that quotes a string of the context (a filter's complaint, say) has it masked. */
    private static String redact(String message, Map<String, Object> context) {
        List<String> values = new ArrayList<>();
        collectStrings(context, values);
        values.sort((a, b) -> b.length() - a.length());
        for (String value : values) {
            if (value.length() >= 3 && message.contains(value)) message = message.replace(value, "***");
        }
        return message;
    }

    private static void collectStrings(Object value, List<String> out) {
        if (value instanceof String s) out.add(s);
        else if (value instanceof Map<?, ?> m) m.values().forEach(v -> collectStrings(v, out));
        else if (value instanceof List<?> l) l.forEach(v -> collectStrings(v, out));
    }

    /** A copy of the context as immutable plain data; anything else is a programming error. */
    private static Map<String, Object> plainContext(Map<String, ?> context) {
        Map<String, Object> out = new LinkedHashMap<>();
        context.forEach((k, v) -> out.put(k, plainValue(v, k)));
        return out;
    }

    private static Object plainValue(Object value, String where) {
        if (value == null || value instanceof String || value instanceof Boolean) return value;
        if (value instanceof JsonValue json) return plain(json);
        if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
                || value instanceof Short || value instanceof Byte) {
            return value;
        }
        if (value instanceof BigDecimal d) return number(d);
        if (value instanceof BigInteger i) return number(new BigDecimal(i));
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plainValue(v, where + "." + k)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object v : list) out.add(plainValue(v, where + "[]"));
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("A template context holds plain data only, not a "
                + value.getClass().getName() + " at " + where);
    }

    private static Object number(BigDecimal d) {
        try {
            return d.longValueExact();
        } catch (ArithmeticException notWhole) {
            return d.doubleValue();
        }
    }

    // --- what a template may reach ---------------------------------------------------------------------------------

    /**
     * Dicts, and on an event's resources Prefect's Resource properties ({@code prefect/events/schemas/events.py}):
     * {@code id}, {@code name} and, on a related resource, {@code role} read its {@code prefect.resource.*} labels,
     * ahead of a label of that name, as Jinja looks up an attribute before an item.
     */
    private static final class ResourceResolver extends TypeConvertingMapELResolver {
        private static final Set<String> PROPERTIES = Set.of("id", "name", "role");

        ResourceResolver() {
            super(true);
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (base instanceof Map<?, ?> map && map.containsKey("prefect.resource.id")
                    && PROPERTIES.contains(property) && (property.equals("name") || map.containsKey("prefect.resource." + property))) {
                context.setPropertyResolved(true);
                return map.get("prefect.resource." + property);
            }
            return super.getValue(context, base, property);
        }
    }

    /**
     * The last resolver of the chain, for everything that is not a list, a dict or an array: it calls only Jinjava's
     * own filters and tests, the loop's {@code cycle}, and read-only methods of lists and dicts, and reads only a
     * loop's properties. Any other method or property of any other object is out of reach.
     */
    private static final class GuardedBeanResolver extends JinjavaBeanELResolver {
        private static final Set<String> LIST_METHODS = Set.of("count", "index", "copy");
        private static final Set<String> MAP_METHODS = Set.of("items", "keys", "values", "get", "copy");

        GuardedBeanResolver() {
            super(true);
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (base == null) return null;
            if (base instanceof ForLoop || base instanceof Map.Entry<?, ?>) {
                return super.getValue(context, base, property);
            }
            context.setPropertyResolved(true); // an unknown property reads as undefined, as in Jinja
            return null;
        }

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
            if (base == null) return null;
            String name = String.valueOf(method);
            boolean allowed = base instanceof Filter && name.equals("filter")
                    || base instanceof ExpTest && name.equals("evaluate")
                    || base instanceof ForLoop && name.equals("cycle")
                    || base instanceof PyList && LIST_METHODS.contains(name)
                    || base instanceof PyMap && MAP_METHODS.contains(name);
            if (!allowed) {
                throw new MethodNotFoundException("Cannot call '" + name + "' on a " + kindOf(base) + " in a template");
            }
            return super.invoke(context, base, method, types, params);
        }

        private static String kindOf(Object base) {
            if (base instanceof CharSequence) return "string";
            if (base instanceof Number) return "number";
            if (base instanceof Boolean) return "boolean";
            if (base instanceof Map<?, ?>) return "dict";
            if (base instanceof List<?>) return "list";
            return "value";
        }
    }

    // --- filters ---------------------------------------------------------------------------------------------------

    /**
     * Prefect's {@code tojson} (Jinja's, on plain data): keys sorted, Python's separators, non-ASCII escaped, and
     * {@code < > & '} escaped as Jinja's {@code htmlsafe_json_dumps} does; {@code indent} as Python's.
     */
    private static final class TojsonFilter implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Integer indent = null;
            if (args.length > 0 && args[0] != null) {
                try {
                    indent = Integer.parseInt(args[0].trim());
                } catch (NumberFormatException e) {
                    indent = null;
                }
            }
            StringBuilder out = new StringBuilder();
            PythonJson.write(unwrap(var), indent, 0, out);
            return out.toString();
        }
    }

    /** Prefect's {@code ui_url}: the UI page of a flow, run, deployment, pool, queue, automation or event. */
    private final class UiUrlFilter implements Filter {
        @Override
        public String getName() {
            return "ui_url";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Object value = unwrap(var);
            if (!(value instanceof Map<?, ?> object)) return null;
            String kind = kindInContext(object, interpreter);
            String id;
            if (kind == null && object.get("prefect.resource.id") instanceof String resourceId) {
                // an event's resource: its kind and id are in its id, prefect.<kind>.<id>
                String[] parts = resourceId.split("\\.");
                if (parts.length < 3 || !parts[0].equals("prefect")) return null;
                kind = parts[1];
                id = resourceId.substring(resourceId.lastIndexOf('.') + 1);
            } else if (kind == null) {
                return null;
            } else {
                Object key = kind.equals("work-pool") ? object.get("name") : object.get("id");
                if (key == null) return "";
                id = key.toString();
            }
            String path = UI_PATHS.get(kind);
            if (path == null) return null;
            if (kind.equals("received-event")) {
                Object occurred = object.get("occurred");
                if (!(occurred instanceof String date) || date.length() < 10) return null;
                path = path + date.substring(0, 10) + "/";
            }
            return links.link(path + pathSegment(id));
        }
    }

    /** Prefect's {@code ui_resource_events_url}: the UI's events page filtered to a resource or object. */
    private final class UiResourceEventsUrlFilter implements Filter {
        @Override
        public String getName() {
            return "ui_resource_events_url";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Object value = unwrap(var);
            if (!(value instanceof Map<?, ?> object)) return null;
            String resourceId;
            if (object.get("prefect.resource.id") instanceof String id) {
                resourceId = id;
            } else {
                String kind = kindInContext(object, interpreter);
                if (kind == null || kind.equals("received-event") || object.get("id") == null) return null;
                resourceId = "prefect." + kind + "." + object.get("id");
            }
            return links.link("events?resource=" + java.net.URLEncoder.encode(resourceId, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Prefect's {@code flow_run_id}: the id of the first flow run linked in a text ("flow-run/<uuid>"). */
    private static final class FlowRunIdFilter implements Filter {
        @Override
        public String getName() {
            return "flow_run_id";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (!(var instanceof String text) || text.isEmpty()) return null;
            Matcher m = FLOW_RUN_ID.matcher(text);
            return m.find() ? m.group(1) : null;
        }
    }

    /** Which top-level context name holds this object (Prefect knows an object's kind from its class; we by name). */
    private static String kindInContext(Map<?, ?> object, JinjavaInterpreter interpreter) {
        for (var entry : KINDS.entrySet()) {
            Object held = unwrap(interpreter.getContext().get(entry.getKey()));
            if (held != null && (held == object || held.equals(object))) return entry.getValue();
        }
        return null;
    }

    private static String pathSegment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Jinjava's wrappers of lists and dicts, as the plain data they wrap. */
    private static Object unwrap(Object value) {
        if (value instanceof PyMap map) return map.toMap();
        if (value instanceof PyList list) return list.toList();
        return value;
    }

    /** JSON written as Python's {@code json.dumps(sort_keys=True)} inside Jinja's {@code htmlsafe_json_dumps}. */
    static final class PythonJson {
        private PythonJson() {}

        static void write(Object value, Integer indent, int level, StringBuilder out) {
            value = unwrap(value);
            if (value == null) {
                out.append("null");
            } else if (value instanceof Boolean b) {
                out.append(b ? "true" : "false");
            } else if (value instanceof Double || value instanceof Float) {
                out.append(pythonFloat(((Number) value).doubleValue()));
            } else if (value instanceof BigDecimal d) {
                out.append(pythonFloat(d.doubleValue()));
            } else if (value instanceof Number n) {
                out.append(n.toString());
            } else if (value instanceof Map<?, ?> map) {
                Map<String, Object> sorted = new TreeMap<>();
                map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
                if (sorted.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (var entry : sorted.entrySet()) {
                    if (!first) out.append(indent == null ? ", " : ",");
                    first = false;
                    newline(indent, level + 1, out);
                    string(entry.getKey(), out);
                    out.append(": ");
                    write(entry.getValue(), indent, level + 1, out);
                }
                newline(indent, level, out);
                out.append('}');
            } else if (value instanceof Iterable<?> list) {
                if (!list.iterator().hasNext()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) out.append(indent == null ? ", " : ",");
                    first = false;
                    newline(indent, level + 1, out);
                    write(item, indent, level + 1, out);
                }
                newline(indent, level, out);
                out.append(']');
            } else if (value instanceof Object[] array) {
                write(List.of(array), indent, level, out);
            } else {
                string(value.toString(), out);
            }
        }

        private static void newline(Integer indent, int level, StringBuilder out) {
            if (indent == null) return;
            out.append('\n');
            out.append(" ".repeat(Math.max(0, indent) * level));
        }

        private static void string(String s, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    // htmlsafe: these four are escaped so the JSON can sit in HTML
                    case '<', '>', '&', '\'' -> out.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                    }
                }
            }
            out.append('"');
        }

        /** Python's repr of a float: 1.0, 0.5, 1e-05, 1e+16, NaN and infinities as json.dumps writes them. */
        static String pythonFloat(double d) {
            if (Double.isNaN(d)) return "NaN";
            if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
            if (d == Math.rint(d) && Math.abs(d) < 1e16) return BigDecimal.valueOf(d).setScale(1).toPlainString();
            String java = Double.toString(d); // shortest repr, as Python's; only the exponent's form differs
            int e = java.indexOf('E');
            if (e < 0) return java;
            String mantissa = java.substring(0, e);
            if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
            int exponent = Integer.parseInt(java.substring(e + 1));
            if (exponent >= -4 && exponent < 16) return new BigDecimal(java).toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
    }
}
