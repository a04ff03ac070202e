package dev.steward.console.artifacts;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.Problems;
import dev.steward.console.StewardAppShell;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.WorkspaceView;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.util.List;
import java.util.stream.Stream;

/**
 * The selected workspace's artifact keys, each with its latest version (Prefect's artifact collections), most recently
 * changed first, searchable by key; a key opens its history ({@link ArtifactKeyView}). Follows artifact events live.
 */
@Route(value = "artifacts", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class ArtifactsView extends WorkspaceView {
    /** prefect.artifact.* (from clients) and prefect.artifact-collection.* (from the server) */
    static final String EVENT_PREFIX = "prefect.artifact";

    private final ArtifactReads reads;
    private final Grid<ArtifactRow> grid = new Grid<>();
    private final TextField search = new TextField();
    private final Span noWorkspace = new Span("You cannot open any workspace yet.");
    private WorkspaceChoice workspace;

    @Inject
    public ArtifactsView(ConsoleWorkspaces workspaces, ArtifactReads reads, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.reads = reads;
        addClassName("artifacts-view");
        setSizeFull();
        search.setId("artifacts-search");
        search.setPlaceholder("Search by key");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        noWorkspace.setId("no-workspace");
        configureGrid();
        add(new H2("Artifacts"), search, noWorkspace, grid);
    }

    private void configureGrid() {
        grid.setId("artifacts-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(r -> new Anchor("artifacts/" + r.key(), r.key())).setHeader("Key").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(r -> r.type() == null ? "" : r.type()).setHeader("Type").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.description() == null ? "" : r.description()).setHeader("Description").setFlexGrow(1)
                .setTooltipGenerator(r -> r.description() == null ? "" : r.description());
        grid.addColumn(r -> Formats.instant(r.updated())).setHeader("Updated (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(r -> r.flowRunId() == null ? new Span("")
                        : new Anchor("flow-runs/" + r.flowRunId(), r.flowRunId().toString()))
                .setHeader("Flow run").setAutoWidth(true).setFlexGrow(0);
        grid.setEmptyStateText("No artifacts with a key");
        grid.setPageSize(50);
        grid.setItems(this::fetch, this::count);
    }

    private Stream<ArtifactRow> fetch(Query<ArtifactRow, Void> query) {
        WorkspaceChoice ws = workspace;
        if (ws == null) return Stream.empty();
        return Problems.orLater(this, () -> reads.latest(ws, search.getValue(), query.getOffset(), query.getLimit()),
                List.<ArtifactRow>of()).stream();
    }

    private int count(Query<ArtifactRow, Void> query) {
        WorkspaceChoice ws = workspace;
        if (ws == null) return 0;
        return (int) Math.min(Integer.MAX_VALUE, Problems.orLater(this, () -> reads.countLatest(ws, search.getValue()), 0L));
    }

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        noWorkspace.setVisible(choice == null);
        grid.setVisible(choice != null);
        search.setVisible(choice != null);
        refresh();
        return choice != null;
    }

    @Override
    protected void refresh() {
        grid.getDataProvider().refreshAll();
    }
}
