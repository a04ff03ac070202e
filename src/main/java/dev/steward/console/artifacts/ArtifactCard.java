package dev.steward.console.artifacts;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.steward.console.Formats;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One artifact version, rendered by its Prefect type: markdown as sanitized HTML ({@link SafeMarkdown}; Prefect's link
 * artifacts are markdown too, {@code [text](url)}), a table as a grid, an image as an img (only for an http(s)
 * address), progress as a bar, anything else (result, unknown types) as JSON text. Everything else on the card is text
 * that Vaadin escapes.
 */
class ArtifactCard extends Div {
    /** The most of a JSON preview shown: a result may be large. */
    static final int MAX_PREVIEW_CHARS = 10_000;

    private final boolean flowRunLink;
    private final boolean taskRunLink;
    private ArtifactRow row;
    private ProgressBar progress;
    private Span percent;
    private Span updated;

    /**
     * @param flowRunLink whether to link the flow run that made it
     * @param taskRunLink whether to link its task run, when it has one
     */
    ArtifactCard(ArtifactRow row, boolean flowRunLink, boolean taskRunLink) {
        this.flowRunLink = flowRunLink;
        this.taskRunLink = taskRunLink;
        addClassName("artifact-card");
        getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-m)")
                .set("padding", "var(--lumo-space-s) var(--lumo-space-m)").set("width", "100%")
                .set("box-sizing", "border-box");
        show(row);
    }

    ArtifactRow row() {
        return row;
    }

    /** Shows a (newer) state of the version: a progress bar moves in place, anything else is built again. */
    void show(ArtifactRow next) {
        boolean moves = progress != null && row != null && "progress".equals(next.type()) && "progress".equals(row.type())
                && Objects.equals(next.description(), row.description());
        row = next;
        setId("artifact-" + next.id());
        getElement().setAttribute("data-type", String.valueOf(next.type()));
        getElement().setAttribute("data-key", next.key() == null ? "" : next.key());
        if (moves) {
            setProgress(data(next));
            updated.setText(updatedText());
            return;
        }
        removeAll();
        progress = null;
        add(header());
        if (next.description() != null && !next.description().isBlank()) {
            add(markdown(next.description(), "artifact-description"));
        }
        add(body());
    }

    private Component header() {
        Component key = row.key() == null ? new Span("(no key)") : new Anchor("artifacts/" + row.key(), row.key());
        Span type = new Span(row.type() == null ? "unknown" : row.type());
        type.addClassName("artifact-type");
        type.getStyle().set("background", "var(--lumo-contrast-10pct)").set("border-radius", "1em")
                .set("padding", "0.1em 0.7em").set("font-size", "var(--lumo-font-size-s)");
        updated = secondary(updatedText());
        HorizontalLayout header = new HorizontalLayout(key, type, updated);
        if (flowRunLink && row.flowRunId() != null) {
            header.add(runLink("flow-runs/", row.flowRunId(), "Flow run ", "artifact-flow-run"));
        }
        if (taskRunLink && row.taskRunId() != null) {
            header.add(runLink("task-runs/", row.taskRunId(), "Task run ", "artifact-task-run"));
        }
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        header.getStyle().set("flex-wrap", "wrap");
        return header;
    }

    private String updatedText() {
        return "Updated " + Formats.instant(row.updated()) + " UTC";
    }

    private static JsonValue data(ArtifactRow row) {
        return row.data() == null ? JsonValue.NULL : Json.parse(row.data());
    }

    private Component body() {
        JsonValue data = data(row);
        return switch (row.type() == null ? "" : row.type()) {
            case "markdown" -> markdown(text(data), "artifact-markdown");
            case "table" -> table(data);
            case "image" -> image(text(data));
            case "progress" -> progressBar(data);
            default -> preview(data);
        };
    }

    /** Sanitized HTML only: the one place user HTML reaches the page. */
    private static Component markdown(String markdown, String className) {
        return new Html("<div class=\"" + className + "\">" + SafeMarkdown.html(markdown) + "</div>");
    }

    private Component image(String url) {
        if (!SafeMarkdown.isWebUrl(url)) return notShown(url, "not shown: only http and https images are");
        Image img = new Image(url.strip(), row.description() == null ? String.valueOf(row.key()) : row.description());
        img.addClassName("artifact-image");
        img.getElement().setAttribute("referrerpolicy", "no-referrer");
        img.getStyle().set("max-width", "100%").set("max-height", "480px");
        return img;
    }

    private Component progressBar(JsonValue data) {
        progress = new ProgressBar(0, 100);
        progress.addClassName("artifact-progress");
        percent = new Span();
        percent.addClassName("artifact-progress-value");
        setProgress(data);
        HorizontalLayout bar = new HorizontalLayout(progress, percent);
        bar.setWidthFull();
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        bar.expand(progress);
        return bar;
    }

    private void setProgress(JsonValue data) {
        double value = data instanceof JsonNumber n ? Math.max(0, Math.min(100, n.doubleValue())) : 0;
        progress.setValue(value);
        percent.setText(String.format("%.0f%%", value));
    }

    /**
     * Prefect's table: a list of rows (dicts, or lists), or a dict of columns, JSON-encoded in a string; columns from
     * the keys in the order they first appear (a list of lists: numbered).
     */
    private static Component table(JsonValue data) {
        JsonValue table = data instanceof JsonString s ? parseOr(s.getString(), data) : data;
        List<String> columns = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        if (table instanceof JsonArray list) {
            Set<String> keys = new LinkedHashSet<>();
            for (JsonValue item : list) {
                Map<String, String> cells = new HashMap<>();
                if (item instanceof JsonObject o) {
                    o.forEach((k, v) -> cells.put(k, cell(v)));
                    keys.addAll(o.keySet());
                } else if (item instanceof JsonArray values) {
                    for (int i = 0; i < values.size(); i++) {
                        cells.put(String.valueOf(i), cell(values.get(i)));
                        keys.add(String.valueOf(i));
                    }
                }
                rows.add(cells);
            }
            columns.addAll(keys);
        } else if (table instanceof JsonObject byColumn) {
            columns.addAll(byColumn.keySet());
            byColumn.forEach((column, values) -> {
                if (!(values instanceof JsonArray list)) return;
                for (int i = 0; i < list.size(); i++) {
                    while (rows.size() <= i) rows.add(new HashMap<>());
                    rows.get(i).put(column, cell(list.get(i)));
                }
            });
        } else {
            return preview(data);
        }
        Grid<Map<String, String>> grid = new Grid<>();
        grid.addClassName("artifact-table");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        for (String column : columns) {
            grid.addColumn(r -> r.getOrDefault(column, "")).setHeader(column).setAutoWidth(true).setResizable(true);
        }
        grid.setItems(rows);
        if (rows.size() <= 15) grid.setAllRowsVisible(true);
        else grid.setHeight("420px");
        return grid;
    }

    private static String cell(JsonValue v) {
        return v instanceof JsonString s ? s.getString() : v.getValueType() == JsonValue.ValueType.NULL ? "" : v.toString();
    }

    /** Result and unknown types: the data as indented JSON (a string that holds JSON: that JSON), as text. */
    private static Component preview(JsonValue data) {
        JsonValue value = data instanceof JsonString s ? parseOr(s.getString(), data) : data;
        StringWriter out = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            w.write(value);
        }
        String text = out.toString().strip();
        Pre pre = new Pre(text.length() <= MAX_PREVIEW_CHARS ? text : text.substring(0, MAX_PREVIEW_CHARS) + "…");
        pre.addClassName("artifact-preview");
        pre.getStyle().set("max-height", "24em").set("overflow", "auto").set("margin", "0");
        return pre;
    }

    private static JsonValue parseOr(String text, JsonValue fallback) {
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return fallback; // a plain string, not JSON
        }
    }

    private static String text(JsonValue data) {
        return data instanceof JsonString s ? s.getString() : data.getValueType() == JsonValue.ValueType.NULL ? ""
                : data.toString();
    }

    private static Component notShown(String value, String why) {
        Span span = new Span(value + " (" + why + ")");
        span.addClassName("artifact-not-shown");
        return span;
    }

    private static Component runLink(String route, UUID id, String label, String className) {
        Div link = new Div(secondary(label), new Anchor(route + id, id.toString()));
        link.addClassName(className);
        return link;
    }

    private static Span secondary(String text) {
        Span span = new Span(text);
        span.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        return span;
    }
}
