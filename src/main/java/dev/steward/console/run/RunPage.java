package dev.steward.console.run;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import dev.steward.access.Role;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.LiveUpdates;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.WorkspaceView;
import dev.steward.orchestration.RunPageReadModel;
import dev.steward.platform.Json;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A page of one run ({@code <route>/:id/:tab?}): reads the run's document for the selected workspace when shown, says
 * so when the workspace has no such run, and otherwise lets the page build its header and tabs.
 */
abstract class RunPage extends WorkspaceView implements BeforeEnterObserver {
    protected final ConsoleWorkspaces workspaces;
    protected final RunPageReadModel reads;
    protected final ResultPreviews previews;
    protected UUID runId;
    protected String requestedTab;
    protected WorkspaceChoice workspace;
    protected JsonObject run;

    protected RunPage(ConsoleWorkspaces workspaces, RunPageReadModel reads, ResultPreviews previews, LiveUpdates liveUpdates,
                      String eventPrefix) {
        super(workspaces, liveUpdates, eventPrefix);
        this.workspaces = workspaces;
        this.reads = reads;
        this.previews = previews;
        setSizeFull();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        runId = event.getRouteParameters().get("id").flatMap(UuidParameters::parse).orElse(null);
        requestedTab = RunTabs.requested(event);
    }

    /** The run's document, read for the workspace ({@code read}: by id), or null. */
    protected abstract String read(UUID id);

    /** Builds the page for {@link #run}; whether it follows the workspace's events. */
    protected abstract boolean build();

    @Override
    protected final boolean show(WorkspaceChoice choice) {
        workspace = choice;
        removeAll();
        String doc = choice == null || runId == null ? null : workspaces.call(choice, Role.VIEWER, () -> read(runId));
        run = doc == null ? null : Json.parseObject(doc);
        if (run == null) {
            Span missing = new Span("Run not found in this workspace.");
            missing.setId("run-not-found");
            add(missing);
            return false;
        }
        return build();
    }

    /** The run's name and its state badge. */
    protected Component title() {
        H2 name = new H2(RunPages.text(run, "name"));
        name.setId("run-name");
        name.getStyle().set("margin", "0");
        Span badge = RunPages.badge(RunPages.text(run, "state_type"), RunPages.text(run, "state_name"));
        badge.setId("run-state");
        HorizontalLayout title = new HorizontalLayout(name, badge);
        title.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        return title;
    }

    /** The header's start, end, duration and run count. */
    protected List<Component> timing() {
        Instant start = RunPages.instant(run, "start_time");
        Instant end = RunPages.instant(run, "end_time");
        return List.of(
                RunPages.field("Start (UTC)", Formats.instant(start), "run-start"),
                RunPages.field("End (UTC)", Formats.instant(end), "run-end"),
                RunPages.field("Duration", RunPages.duration(start, end), "run-duration"),
                RunPages.field("Run count", String.valueOf(run.getInt("run_count", 0)), "run-count"));
    }

    /** The Details tab: the run's fields, then what the page adds. */
    protected VerticalLayout details(Component... fields) {
        VerticalLayout tab = new VerticalLayout(RunPages.fields(fields));
        tab.setPadding(false);
        tab.setId("run-details");
        return tab;
    }

    /** What the run's current state carries as its result, or null. */
    protected JsonValue stateData() {
        JsonValue data = run.get("state") instanceof JsonObject state ? state.get("data") : null;
        return data == null || data.getValueType() == JsonValue.ValueType.NULL ? null : data;
    }

    /** A read of the run page's data for the workspace, with the viewer role the pages need. */
    protected <T> T call(Function<RunPageReadModel, T> read) {
        return workspaces.call(workspace, Role.VIEWER, () -> read.apply(reads));
    }
}
