package dev.steward.console.run;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.Problems;
import dev.steward.console.StewardAppShell;
import dev.steward.console.artifacts.ArtifactReads;
import dev.steward.console.artifacts.RunArtifactsPanel;
import dev.steward.orchestration.RunPageReadModel;
import dev.steward.platform.Json;
import elemental.json.JsonArray;
import elemental.json.JsonObject;
import elemental.json.JsonType;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A flow run: its header (name, flow, state, timing, parameters) and the tabs Graph (both layouts, search, the
 * selected node's details, subflows expanded in place), Task runs, Logs, Results, Artifacts and Details, each with a
 * deep link ({@code flow-runs/{id}/graph} … or {@code ?tab=}). While the run is not final (and 15 s after) the page polls every 1.5 s and
 * brings the header, the graph (keeping the view), the task runs, the logs and the artifacts up to date.
 */
@Route(value = "flow-runs/:id/:tab?", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class FlowRunView extends RunPage {
    static final int POLL_MS = 1_500;
    /**
     * How long the page keeps polling after it first sees the run final: task runs report their states as events,
     * which may be recorded after the flow run's own final state, so the graph and task runs still change then.
     */
    static final java.time.Duration AFTER_FINAL = java.time.Duration.ofSeconds(15);

    private String graphJson;
    /** Expanded subflows: graph node key to the subflow run's id. */
    private final Map<String, UUID> subflows = new LinkedHashMap<>();
    private final Div header = new Div();
    private RunTabs tabs;
    private Registration poll;
    private Instant seenFinal;

    private final ArtifactReads artifacts;

    @Inject
    public FlowRunView(ConsoleWorkspaces workspaces, RunPageReadModel reads, ResultPreviews previews,
                       ArtifactReads artifacts, LiveUpdates liveUpdates) {
        super(workspaces, reads, previews, liveUpdates, "prefect.flow-run.");
        this.artifacts = artifacts;
        addClassName("flow-run-view");
    }

    @Override
    protected String read(UUID id) {
        return reads.flowRun(id);
    }

    @Override
    protected boolean build() {
        subflows.clear();
        graphJson = null;
        graph = null;
        taskRunsGrid = null;
        header.setId("run-header");
        add(header);
        fillHeader();
        tabs = new RunTabs("flow-runs/" + runId);
        tabs.add("graph", "Graph", this::graphTab);
        tabs.add("task-runs", "Task runs", this::taskRunsTab);
        tabs.add("logs", "Logs", () -> new LogsPanel(workspaces, reads, workspace, runId, null,
                "flow-run-" + runId));
        tabs.add("results", "Results", this::resultsTab);
        tabs.add("artifacts", "Artifacts", () -> new RunArtifactsPanel(artifacts, workspace, runId, null));
        tabs.add("details", "Details", this::detailsTab);
        add(tabs);
        setFlexGrow(1, tabs);
        tabs.select(requestedTab);
        followWhileRunning();
        return true;
    }

    // --- header ---------------------------------------------------------------------------------------------------

    private void fillHeader() {
        header.removeAll();
        String flowId = RunPages.text(run, "flow_id");
        String flowName = flowId == null ? null : call(r -> r.flowName(UUID.fromString(flowId)));
        List<Component> fields = new ArrayList<>(List.of(RunPages.field("Flow", flowName, "run-flow"),
                RunPages.field("Expected start (UTC)", Formats.instant(RunPages.instant(run, "expected_start_time")),
                        "run-expected")));
        fields.addAll(timing());
        fields.add(RunPages.field("Parameters", run.getOrDefault("parameters", jakarta.json.JsonValue.EMPTY_JSON_OBJECT)
                .toString(), "run-parameters"));
        header.add(title(), RunPages.fields(fields.toArray(Component[]::new)));
    }

    // --- graph ----------------------------------------------------------------------------------------------------

    private RunGraphView graph;
    private final Div nodeDetails = new Div();

    private Component graphTab() {
        graph = new RunGraphView();
        graph.setId("run-graph");
        graph.getStyle().set("flex", "1").set("height", "600px").set("border", "1px solid var(--lumo-contrast-10pct)");
        RadioButtonGroup<String> layout = new RadioButtonGroup<>();
        layout.setId("graph-layout");
        layout.setItems("Dependencies", "Timeline");
        layout.setValue("Dependencies");
        layout.addValueChangeListener(e -> graph.setLayout(e.getValue().toLowerCase()));
        TextField search = new TextField();
        search.setId("graph-search");
        search.setPlaceholder("Find a run by name");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        Span hits = new Span();
        hits.setId("graph-search-hits");
        search.addValueChangeListener(e -> graph.search(e.getValue(),
                n -> hits.setText(e.getValue().isBlank() ? "" : n + (n == 1 ? " match" : " matches"))));
        Button fit = new Button("Fit", e -> graph.fit());
        fit.setId("graph-fit");
        Span hint = new Span("Click a group to expand its mapped runs; double-click a subflow to expand it.");
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        HorizontalLayout toolbar = new HorizontalLayout(layout, search, hits, fit, hint);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        nodeDetails.setId("node-details");
        nodeDetails.setWidth("340px");
        nodeDetails.getStyle().set("flex", "none").set("overflow", "auto");
        nodeDetails.add(new Span("Select a run in the graph for its details."));
        graph.onNodeSelect(this::showNode);
        graph.onSubflowToggle(detail -> expandSubflow(detail.getString("key"), detail.getString("runId")));
        HorizontalLayout body = new HorizontalLayout(graph, nodeDetails);
        body.setWidthFull();
        VerticalLayout tab = new VerticalLayout(toolbar, body);
        tab.setPadding(false);
        tab.setSizeFull();
        graphJson = call(r -> r.graph(runId));
        graph.setGraph(graphJson, false);
        return tab;
    }

    private void expandSubflow(String key, String subflowRunId) {
        UUID id = UUID.fromString(subflowRunId);
        subflows.put(key, id);
        graph.setSubgraph(key, call(r -> r.graph(id)));
    }

    private void showNode(JsonObject node) {
        nodeDetails.removeAll();
        String kind = node.getString("kind");
        String nodeRun = node.hasKey("runId") ? node.getString("runId") : "";
        H4 label = new H4(node.getString("label"));
        label.setId("node-label");
        label.getStyle().set("margin", "0 0 var(--lumo-space-s) 0");
        String state = node.get("state") == null || node.get("state").getType() == JsonType.NULL ? null
                : node.getString("state");
        Span badge = RunPages.badge(state, state);
        badge.setId("node-state");
        nodeDetails.add(label, badge, RunPages.fields(
                RunPages.field("Kind", kind, "node-kind"),
                RunPages.field("Start (UTC)", Formats.instant(epoch(node, "start")), "node-start"),
                RunPages.field("End (UTC)", Formats.instant(epoch(node, "end")), "node-end")));
        if (node.hasKey("counts") && node.get("counts").getType() == JsonType.OBJECT) {
            JsonObject counts = node.getObject("counts");
            List<String> parts = new ArrayList<>();
            for (String s : counts.keys()) parts.add(s + ": " + (long) counts.getNumber(s));
            nodeDetails.add(RunPages.field("Runs per state", String.join(", ", parts), "node-counts"));
        }
        Div upstream = new Div();
        upstream.setId("node-upstream");
        JsonArray ups = node.hasKey("upstream") ? node.getArray("upstream") : null;
        H4 upTitle = new H4(ups == null || ups.length() == 0 ? "Waits for nothing" : "Waits for (upstream)");
        upTitle.getStyle().set("margin", "var(--lumo-space-m) 0 var(--lumo-space-xs) 0");
        for (int i = 0; ups != null && i < ups.length(); i++) {
            JsonObject up = ups.getObject(i);
            String upState = up.get("state") == null || up.get("state").getType() == JsonType.NULL ? "not started"
                    : up.getString("state");
            String upRun = up.hasKey("runId") ? up.getString("runId") : "";
            Div line = new Div(upRun.isEmpty() ? new Span(up.getString("label"))
                    : new Anchor("task-runs/" + upRun, up.getString("label")), new Span(" · " + upState));
            line.addClassName("upstream-run");
            upstream.add(line);
        }
        nodeDetails.add(upTitle, upstream);
        if (!nodeRun.isEmpty()) {
            Anchor open = "flow-run".equals(kind) ? new Anchor("flow-runs/" + nodeRun, "Open subflow run")
                    : new Anchor("task-runs/" + nodeRun, "Open task run");
            open.setId("node-open");
            nodeDetails.add(new Div(open));
        }
    }

    private static Instant epoch(JsonObject node, String name) {
        return node.hasKey(name) && node.get(name).getType() == JsonType.NUMBER
                ? Instant.ofEpochMilli((long) node.getNumber(name)) : null;
    }

    // --- task runs ------------------------------------------------------------------------------------------------

    private Grid<TaskRunRow> taskRunsGrid;

    private Component taskRunsTab() {
        taskRunsGrid = new Grid<>();
        taskRunsGrid.setId("task-runs-grid");
        taskRunsGrid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        taskRunsGrid.addComponentColumn(r -> new Anchor("task-runs/" + r.id(), r.name())).setHeader("Name")
                .setAutoWidth(true);
        taskRunsGrid.addColumn(TaskRunRow::taskKey).setHeader("Task key").setAutoWidth(true);
        taskRunsGrid.addComponentColumn(r -> RunPages.badge(r.stateType(), r.stateName())).setHeader("State")
                .setAutoWidth(true).setFlexGrow(0);
        taskRunsGrid.addColumn(r -> Formats.instant(r.start())).setHeader("Start (UTC)").setAutoWidth(true).setFlexGrow(0);
        taskRunsGrid.addColumn(r -> RunPages.duration(r.start(), r.end())).setHeader("Duration").setAutoWidth(true)
                .setFlexGrow(0);
        taskRunsGrid.setPageSize(100);
        taskRunsGrid.setSizeFull();
        taskRunsGrid.setMinHeight("400px");
        taskRunsGrid.setEmptyStateText("No task runs");
        taskRunsGrid.setItems(q -> call(r -> r.taskRuns(runId, q.getOffset(), q.getLimit())).stream().map(TaskRunRow::of),
                q -> (int) Math.min(Integer.MAX_VALUE, call(r -> r.countTaskRuns(runId)).longValue()));
        return taskRunsGrid;
    }

    // --- results --------------------------------------------------------------------------------------------------

    private Component resultsTab() {
        ResultsGrid grid = new ResultsGrid("results-grid");
        List<ResultsGrid.Row> rows = new ArrayList<>();
        jakarta.json.JsonValue flowData = stateData();
        if (flowData != null) {
            rows.add(new ResultsGrid.Row(RunPages.text(run, "name") + " (this flow run)", null, null,
                    previews.describe(flowData.toString())));
        }
        for (RunPageReadModel.Result r : call(x -> x.taskResults(runId))) {
            rows.add(new ResultsGrid.Row(r.runName(), "task-runs/" + r.taskRunId(), r.taskKey(),
                    previews.describe(r.data())));
        }
        grid.setItems(rows);
        Span summary = new Span(rows.size() + (rows.size() == 1 ? " result" : " results"));
        summary.setId("results-count");
        VerticalLayout tab = new VerticalLayout(summary, grid);
        tab.setPadding(false);
        tab.setSizeFull();
        return tab;
    }

    // --- details --------------------------------------------------------------------------------------------------

    private Component detailsTab() {
        VerticalLayout tab = details(
                RunPages.field("Flow run id", runId.toString(), "details-id"),
                RunPages.field("Flow id", RunPages.text(run, "flow_id"), "details-flow-id"),
                RunPages.field("Deployment id", RunPages.text(run, "deployment_id"), "details-deployment"),
                RunPages.field("Work pool", RunPages.text(run, "work_pool_name"), "details-work-pool"),
                RunPages.field("Work queue", RunPages.text(run, "work_queue_name"), "details-work-queue"),
                RunPages.field("Infrastructure pid", RunPages.text(run, "infrastructure_pid"), "details-infra-pid"),
                RunPages.field("Parent task run", RunPages.text(run, "parent_task_run_id"), "details-parent"),
                RunPages.field("Tags", run.getOrDefault("tags", jakarta.json.JsonValue.EMPTY_JSON_ARRAY).toString(),
                        "details-tags"),
                RunPages.field("Created (UTC)", Formats.instant(RunPages.instant(run, "created")), "details-created"));
        tab.add(new H3("Labels"), RunPages.json(run.get("labels"), "details-labels"));
        tab.add(new H3("State history"),
                RunPages.stateHistory(call(r -> r.states(true, runId)),
                        "state-history"));
        tab.add(new H3("Parameters"), RunPages.json(run.get("parameters"), "details-parameters"));
        return tab;
    }

    // --- live updates ---------------------------------------------------------------------------------------------

    /** Polls while the run is not final, and for {@link #AFTER_FINAL} after, for the task runs' last states. */
    private void followWhileRunning() {
        if (RunPages.isFinal(RunPages.text(run, "state_type")) || poll != null) return;
        getUI().ifPresent(ui -> {
            ui.setPollInterval(POLL_MS);
            poll = ui.addPollListener(e -> refresh());
        });
    }

    private void stopPolling() {
        if (poll == null) return;
        poll.remove();
        poll = null;
        getUI().ifPresent(ui -> ui.setPollInterval(-1));
    }

    @Override
    protected void refresh() {
        if (workspace == null || run == null) return;
        try {
            String doc = call(r -> r.flowRun(runId));
            if (doc == null) return;
            run = Json.parseObject(doc);
            fillHeader();
            if (graph != null) {
                String next = call(r -> r.graph(runId));
                if (!next.equals(graphJson)) graph.setGraph(graphJson = next, true);
                subflows.forEach((key, id) -> graph.updateSubgraph(key,
                        call(r -> r.graph(id))));
            }
            if (taskRunsGrid != null) taskRunsGrid.getDataProvider().refreshAll();
            LogsPanel logs = tabs.builtOf("logs");
            if (logs != null) logs.refresh();
            RunArtifactsPanel runArtifacts = tabs.builtOf("artifacts");
            if (runArtifacts != null) runArtifacts.refresh();
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        if (RunPages.isFinal(RunPages.text(run, "state_type"))) {
            if (seenFinal == null) seenFinal = Instant.now();
            if (Instant.now().isAfter(seenFinal.plus(AFTER_FINAL))) stopPolling();
        } else {
            seenFinal = null;
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        followWhileRunning();
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        stopPolling();
        super.onDetach(detachEvent);
    }

    /** A task run in the grid. */
    record TaskRunRow(String id, String name, String taskKey, String stateType, String stateName, Instant start,
                      Instant end) {
        static TaskRunRow of(String document) {
            jakarta.json.JsonObject t = Json.parseObject(document);
            return new TaskRunRow(RunPages.text(t, "id"), RunPages.text(t, "name"), RunPages.text(t, "task_key"),
                    RunPages.text(t, "state_type"), RunPages.text(t, "state_name"), RunPages.instant(t, "start_time"),
                    RunPages.instant(t, "end_time"));
        }
    }
}
