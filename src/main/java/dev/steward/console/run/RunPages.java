package dev.steward.console.run;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import dev.steward.console.Formats;
import dev.steward.platform.Json;
import dev.steward.platform.Timestamps;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the flow run and task run pages share: state badges, times, fields, the state history and JSON blocks. */
final class RunPages {
    /** The graph element's state colours (frontend/src/run-graph/run-graph.ts), so a badge matches its node. */
    private static final Map<String, String> COLOURS = Map.of("COMPLETED", "#2f9e5a", "FAILED", "#d64545",
            "CRASHED", "#e0702d", "RUNNING", "#2f7de1", "PENDING", "#8d96a3", "SCHEDULED", "#d9a514",
            "PAUSED", "#9a7fe0", "CANCELLED", "#6b7280", "CANCELLING", "#6b7280");
    static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CRASHED", "CANCELLED");

    /** A state in the history. */
    record StateRow(String type, String name, Instant timestamp, String message) {
        static StateRow of(String document) {
            JsonObject s = Json.parseObject(document);
            return new StateRow(text(s, "type"), text(s, "name"), instant(s, "timestamp"), text(s, "message"));
        }
    }

    private RunPages() {}

    static Span badge(String stateType, String stateName) {
        Span badge = new Span(stateName == null || stateName.isEmpty() ? String.valueOf(stateType) : stateName);
        badge.addClassName("state-badge");
        badge.getElement().setAttribute("data-state", stateType == null ? "" : stateType);
        badge.getStyle().set("background", COLOURS.getOrDefault(stateType, "#8d96a3")).set("color", "#fff")
                .set("border-radius", "1em").set("padding", "0.1em 0.7em").set("font-size", "var(--lumo-font-size-s)");
        return badge;
    }

    static boolean isFinal(String stateType) {
        return stateType != null && FINAL.contains(stateType);
    }

    /** A labelled value in a header or details list; its value carries {@code id} for tests. */
    static Component field(String label, String value, String id) {
        Span name = new Span(label);
        name.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        Span text = new Span(value == null || value.isEmpty() ? "–" : value);
        if (id != null) text.setId(id);
        Div field = new Div(name, new Div(text));
        field.addClassName("run-field");
        return field;
    }

    static FlexLayout fields(Component... fields) {
        FlexLayout row = new FlexLayout(fields);
        row.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        row.getStyle().set("gap", "var(--lumo-space-s) var(--lumo-space-l)");
        return row;
    }

    static String text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    static Instant instant(JsonObject o, String name) {
        String text = text(o, name);
        return text == null ? null : Timestamps.parse(text);
    }

    /** e.g. 1h 02m 03s, 4.2s; empty for null. */
    static String duration(Duration d) {
        if (d == null) return "";
        long s = d.toSeconds();
        if (s < 60) return String.format("%.1fs", d.toMillis() / 1000.0);
        if (s < 3600) return String.format("%dm %02ds", s / 60, s % 60);
        return String.format("%dh %02dm %02ds", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** From start to end, or to now while the run goes on. */
    static String duration(Instant start, Instant end) {
        if (start == null) return "";
        return duration(Duration.between(start, end == null ? Instant.now() : end));
    }

    static Grid<StateRow> stateHistory(List<String> states, String id) {
        Grid<StateRow> grid = new Grid<>();
        grid.setId(id);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addComponentColumn(r -> badge(r.type(), r.name())).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> Formats.instant(r.timestamp())).setHeader("Time (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.message() == null ? "" : r.message()).setHeader("Message").setFlexGrow(1);
        grid.setItems(states.stream().map(StateRow::of).toList());
        grid.setAllRowsVisible(true);
        return grid;
    }

    static Pre json(JsonValue value, String id) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            w.write(value == null ? JsonValue.EMPTY_JSON_OBJECT : value);
        }
        Pre pre = new Pre(out.toString().strip());
        pre.setId(id);
        pre.getStyle().set("max-height", "24em").set("overflow", "auto").set("margin", "0");
        return pre;
    }
}
