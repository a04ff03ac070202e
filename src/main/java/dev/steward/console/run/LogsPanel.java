package dev.steward.console.run;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.steward.access.Role;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.Problems;
import dev.steward.console.WorkspaceChoice;
import dev.steward.orchestration.LogEntry;
import dev.steward.orchestration.RunPageReadModel;
import dev.steward.platform.Json;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A run's logs: a lazily paged grid (the database pages them, so a run of millions of lines costs one page at a
 * time) with a level filter, a search, oldest or newest first, following live (the page calls {@link #refresh} while
 * the run goes on; the grid then shows the newest lines) and downloads of the filtered lines as text or JSON lines,
 * written page by page to the response.
 */
class LogsPanel extends VerticalLayout {
    private static final int DOWNLOAD_PAGE = 5_000;
    private static final Map<Integer, String> LEVELS = Map.of(0, "All levels", 10, "Debug and above", 20,
            "Info and above", 30, "Warning and above", 40, "Error and above", 50, "Critical");

    private final ConsoleWorkspaces workspaces;
    private final RunPageReadModel reads;
    private final WorkspaceChoice workspace;
    private final UUID flowRunId;
    private final UUID taskRunId;
    private final Grid<LogEntry> grid = new Grid<>();
    private final Select<Integer> level = new Select<>();
    private final Select<String> order = new Select<>();
    private final TextField search = new TextField();
    private final Checkbox follow = new Checkbox("Follow");
    private final Span count = new Span();
    /** The filter as set on screen; read by downloads, which run outside the UI's lock. */
    private volatile RunPageReadModel.LogQuery query;

    /** Logs of a flow run (taskRunId null: with its task runs' logs) or of one task run. */
    LogsPanel(ConsoleWorkspaces workspaces, RunPageReadModel reads, WorkspaceChoice workspace, UUID flowRunId, UUID taskRunId,
              String fileName) {
        this.workspaces = workspaces;
        this.reads = reads;
        this.workspace = workspace;
        this.flowRunId = flowRunId;
        this.taskRunId = taskRunId;
        setPadding(false);
        setSizeFull();
        level.setId("logs-level");
        level.setLabel("Level");
        level.setItems(0, 10, 20, 30, 40, 50);
        level.setItemLabelGenerator(LEVELS::get);
        level.setValue(0);
        order.setId("logs-order");
        order.setLabel("Order");
        order.setItems("Oldest first", "Newest first");
        order.setValue("Oldest first");
        search.setId("logs-search");
        search.setLabel("Search");
        search.setClearButtonVisible(true);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setValueChangeMode(ValueChangeMode.LAZY);
        follow.setId("logs-follow");
        follow.setValue(true);
        count.setId("logs-count");
        level.addValueChangeListener(e -> filterChanged());
        order.addValueChangeListener(e -> filterChanged());
        search.addValueChangeListener(e -> filterChanged());
        Anchor text = download(fileName + ".log", "text/plain", false, "Download .log", "logs-download-text");
        Anchor lines = download(fileName + ".jsonl", "application/x-ndjson", true, "Download .jsonl",
                "logs-download-jsonl");
        HorizontalLayout toolbar = new HorizontalLayout(level, order, search, follow, count, text, lines);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        toolbar.getStyle().set("flex-wrap", "wrap");

        grid.setId("logs-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(l -> Formats.instant(l.getTimestamp())).setHeader("Time (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(l -> levelName(l.getLevel())).setHeader("Level").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(LogEntry::getName).setHeader("Logger").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(LogEntry::getMessage).setHeader("Message").setFlexGrow(1).setTooltipGenerator(LogEntry::getMessage);
        grid.setPageSize(200);
        grid.setEmptyStateText("No logs");
        grid.setSizeFull();
        grid.setMinHeight("400px");
        query = currentQuery();
        grid.setItems(q -> fetch(q.getOffset(), q.getLimit()), q -> count());
        add(toolbar, grid);
    }

    /** New lines while the run goes on: reloads, and with Follow on shows the newest. */
    void refresh() {
        grid.getDataProvider().refreshAll();
        if (follow.getValue()) {
            if (query.newestFirst()) grid.scrollToStart(); else grid.scrollToEnd();
        }
    }

    private void filterChanged() {
        query = currentQuery();
        refresh();
    }

    private RunPageReadModel.LogQuery currentQuery() {
        return new RunPageReadModel.LogQuery(flowRunId, taskRunId, level.getValue() == null ? 0 : level.getValue(),
                search.getValue(), "Newest first".equals(order.getValue()));
    }

    private Stream<LogEntry> fetch(int offset, int limit) {
        RunPageReadModel.LogQuery q = query;
        try {
            return workspaces.call(workspace, Role.VIEWER, () -> reads.logs(q, offset, limit)).stream();
        } catch (RuntimeException e) {
            getUI().ifPresent(ui -> ui.access(() -> Problems.show(e)));
            return Stream.empty();
        }
    }

    private int count() {
        RunPageReadModel.LogQuery q = query;
        try {
            long n = workspaces.call(workspace, Role.VIEWER, () -> reads.countLogs(q));
            getUI().ifPresent(ui -> ui.access(() -> count.setText(n + (n == 1 ? " line" : " lines"))));
            return (int) Math.min(n, Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private Anchor download(String name, String type, boolean jsonLines, String label, String id) {
        DownloadHandler handler = event -> {
            event.setFileName(name);
            event.setContentType(type + "; charset=utf-8");
            RunPageReadModel.LogQuery q = query;
            Writer out = new BufferedWriter(new OutputStreamWriter(event.getOutputStream(), StandardCharsets.UTF_8));
            for (int offset = 0; ; offset += DOWNLOAD_PAGE) {
                int from = offset;
                List<LogEntry> page = workspaces.call(workspace, Role.VIEWER, () -> reads.logs(q, from, DOWNLOAD_PAGE));
                for (LogEntry l : page) out.write(jsonLines ? jsonLine(l) : textLine(l));
                if (page.size() < DOWNLOAD_PAGE) break;
            }
            out.flush();
        };
        Anchor anchor = new Anchor(handler, AttachmentType.DOWNLOAD, label);
        anchor.setId(id);
        return anchor;
    }

    private static String textLine(LogEntry l) {
        return l.getTimestamp() + " " + levelName(l.getLevel()) + " " + l.getName() + " - " + l.getMessage() + "\n";
    }

    private static String jsonLine(LogEntry l) {
        return Json.createObjectBuilder().add("timestamp", l.getTimestamp().toString()).add("level", l.getLevel())
                .add("name", l.getName()).add("message", l.getMessage())
                .add("flow_run_id", String.valueOf(l.getFlowRunId()))
                .add("task_run_id", l.getTaskRunId() == null ? "" : l.getTaskRunId().toString())
                .build() + "\n";
    }

    static String levelName(int level) {
        if (level >= 50) return "CRITICAL";
        if (level >= 40) return "ERROR";
        if (level >= 30) return "WARNING";
        if (level >= 20) return "INFO";
        if (level >= 10) return "DEBUG";
        return "NOTSET";
    }
}
