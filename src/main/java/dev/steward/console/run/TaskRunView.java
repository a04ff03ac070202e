package dev.steward.console.run;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.StewardAppShell;
import dev.steward.console.artifacts.ArtifactReads;
import dev.steward.console.artifacts.RunArtifactsPanel;
import dev.steward.orchestration.RunPageReadModel;
import dev.steward.platform.Json;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task run: header with its state and timing, and the tabs Logs, Results (its own result), Artifacts and Details
 * (inputs with the upstream task runs as links, state history, cache key, tags), each with a deep link
 * ({@code task-runs/{id}/logs} … or {@code ?tab=}).
 */
@Route(value = "task-runs/:id/:tab?", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class TaskRunView extends RunPage {
    private final ArtifactReads artifacts;
    private RunTabs tabs;

    @Inject
    public TaskRunView(ConsoleWorkspaces workspaces, RunPageReadModel reads, ResultPreviews previews,
                       ArtifactReads artifacts, LiveUpdates liveUpdates) {
        super(workspaces, reads, previews, liveUpdates, "prefect.task-run.");
        this.artifacts = artifacts;
        addClassName("task-run-view");
    }

    @Override
    protected String read(UUID id) {
        return reads.taskRun(id);
    }

    @Override
    protected boolean build() {
        add(header());
        tabs = new RunTabs("task-runs/" + runId);
        UUID flowRunId = RunPages.text(run, "flow_run_id") == null ? null
                : UUID.fromString(RunPages.text(run, "flow_run_id"));
        tabs.add("logs", "Logs", () -> new LogsPanel(workspaces, reads, workspace, flowRunId, runId,
                "task-run-" + runId));
        tabs.add("results", "Results", this::resultsTab);
        tabs.add("artifacts", "Artifacts", () -> new RunArtifactsPanel(artifacts, workspace, flowRunId, runId));
        tabs.add("details", "Details", this::detailsTab);
        add(tabs);
        setFlexGrow(1, tabs);
        tabs.select(requestedTab);
        return true;
    }

    /**
     * Task-run events of the workspace: the page is shown again when this run's state changed, else its artifacts
     * (when shown) are brought up to date.
     */
    @Override
    protected void refresh() {
        if (workspace == null || run == null) return;
        String doc = call(r -> r.taskRun(runId));
        if (doc != null && !String.valueOf(Json.parseObject(doc).get("state")).equals(String.valueOf(run.get("state")))) {
            show(workspace);
            return;
        }
        RunArtifactsPanel runArtifacts = tabs.builtOf("artifacts");
        if (runArtifacts != null) runArtifacts.refresh();
    }

    private Component header() {
        String flowRun = RunPages.text(run, "flow_run_id");
        Component flowRunLink = flowRun == null ? RunPages.field("Flow run", null, null)
                : new Div(new Span("Flow run "), new Anchor("flow-runs/" + flowRun, flowRun));
        List<Component> fields = new ArrayList<>(List.of(RunPages.field("Task key", RunPages.text(run, "task_key"),
                "run-task-key")));
        fields.addAll(timing());
        fields.add(flowRunLink);
        return new Div(title(), RunPages.fields(fields.toArray(Component[]::new)));
    }

    private Component resultsTab() {
        ResultsGrid grid = new ResultsGrid("results-grid");
        JsonValue data = stateData();
        grid.setItems(data == null ? List.of()
                : List.of(new ResultsGrid.Row(RunPages.text(run, "name"), null, RunPages.text(run, "task_key"),
                previews.describe(data.toString()))));
        return grid;
    }

    private Component detailsTab() {
        VerticalLayout tab = details(
                RunPages.field("Task run id", runId.toString(), "details-id"),
                RunPages.field("Dynamic key", RunPages.text(run, "dynamic_key"), "details-dynamic-key"),
                RunPages.field("Cache key", RunPages.text(run, "cache_key"), "details-cache-key"),
                RunPages.field("Cache expiration", RunPages.text(run, "cache_expiration"), "details-cache-expiration"),
                RunPages.field("Tags", run.getOrDefault("tags", JsonValue.EMPTY_JSON_ARRAY).toString(), "details-tags"));
        tab.add(new H3("Inputs"), inputs());
        tab.add(new H3("State history"),
                RunPages.stateHistory(call(r -> r.states(false, runId)),
                        "state-history"));
        return tab;
    }

    /** Prefect's task_inputs: per parameter, the runs it came from ({@code input_type} task_run) or other inputs. */
    private Component inputs() {
        Div list = new Div();
        list.setId("details-inputs");
        JsonObject inputs = run.get("task_inputs") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        if (inputs.isEmpty()) list.add(new Span("No inputs from other runs"));
        for (Map.Entry<String, JsonValue> input : inputs.entrySet()) {
            Div line = new Div(new Span(input.getKey() + ": "));
            if (input.getValue() instanceof JsonArray refs) {
                for (JsonValue ref : refs) {
                    if (!(ref instanceof JsonObject r)) continue;
                    String type = r.getString("input_type", "");
                    String id = RunPages.text(r, "id");
                    line.add("task_run".equals(type) && id != null ? new Anchor("task-runs/" + id, "task run " + id)
                            : new Span(r.toString()));
                    line.add(new Span(" "));
                }
            }
            line.addClassName("task-input");
            list.add(line);
        }
        return list;
    }
}
