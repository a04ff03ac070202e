package dev.steward.console.automations;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.steward.access.Role;
import dev.steward.automations.AutomationSort;
import dev.steward.automations.AutomationsPageReadModel.Row;
import dev.steward.console.Actions;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.Problems;
import dev.steward.console.StewardAppShell;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.WorkspaceView;
import dev.steward.platform.Json;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The selected workspace's automations: a lazily paged grid searched by name and sorted by one of Prefect's sorts,
 * each with its trigger and actions in words, an enabled switch and when it last fired; a name opens the automation's
 * page ({@link AutomationView}). Developers and above create, edit and delete; viewers read. Follows the workspace's
 * automation events live (changes, and firings, which move "Last fired").
 */
@Route(value = "automations", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class AutomationsView extends WorkspaceView {
    /** Lifecycle events (prefect.automation.created, ...) and firings (prefect.automation.triggered, action.*). */
    static final String EVENT_PREFIX = "prefect.automation.";
    private static final Map<AutomationSort, String> SORTS = Map.of(AutomationSort.NAME_ASC, "Name, A to Z",
            AutomationSort.NAME_DESC, "Name, Z to A", AutomationSort.CREATED_DESC, "Newest first",
            AutomationSort.UPDATED_DESC, "Recently changed");

    private final AutomationsData data;
    private final Grid<Row> grid = new Grid<>();
    private final TextField search = new TextField();
    private final Select<AutomationSort> sort = new Select<>();
    private final Button newAutomation = new Button("New automation");
    private final Span readOnly = new Span();
    private final Span noWorkspace = new Span("You cannot open any workspace yet.");
    private Grid.Column<Row> rowActions;
    private WorkspaceChoice workspace;

    @Inject
    public AutomationsView(ConsoleWorkspaces workspaces, AutomationsData data, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.data = data;
        addClassName("automations-view");
        setSizeFull();
        configureGrid();
        configureToolbar();
        readOnly.setId("automations-read-only");
        readOnly.getStyle().set("color", "var(--lumo-secondary-text-color)");
        noWorkspace.setId("no-workspace");
        HorizontalLayout toolbar = new HorizontalLayout(search, sort, newAutomation);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        add(new H2("Automations"), toolbar, readOnly, noWorkspace, grid);
    }

    private void configureGrid() {
        grid.setId("automations-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(row -> {
            RouterLink link = new RouterLink(row.name(), AutomationView.class,
                    new RouteParameters("id", row.id().toString()));
            link.addClassName("automation-link");
            return link;
        }).setHeader("Name").setKey("name").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(row -> TriggerChoice.describe(Json.parseObject(row.trigger()))).setHeader("Trigger")
                .setKey("trigger").setFlexGrow(2);
        grid.addColumn(row -> ActionChoice.describe(Json.parse(row.actions()).asJsonArray()
                .getValuesAs(JsonObject.class))).setHeader("Actions").setKey("actions").setFlexGrow(1);
        grid.addComponentColumn(row -> AutomationActions.enabledSwitch(data, workspace, row.id(), row.name(),
                        row.enabled(), canEdit())).setHeader("Enabled").setKey("enabled").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(row -> row.lastFired() == null ? "Never" : Formats.instant(row.lastFired()))
                .setHeader("Last fired (UTC)").setKey("last-fired").setAutoWidth(true).setFlexGrow(0);
        rowActions = grid.addComponentColumn(this::createRowActions).setHeader("").setKey("row-actions")
                .setAutoWidth(true).setFlexGrow(0).setFrozenToEnd(true);
        grid.setEmptyStateText("No automations");
        grid.setPageSize(50);
        grid.setItems(this::fetch, this::count);
    }

    private Component createRowActions(Row row) {
        return Actions.row(
                Actions.rowButton("Edit", "edit-automation-" + row.id(), "edit-automation", "Edit " + row.name(),
                        false, () -> AutomationActions.edit(data, workspace, row.id(), id -> refresh())),
                Actions.rowButton("Delete", "delete-automation-" + row.id(), "delete-automation",
                        "Delete " + row.name(), true,
                        () -> AutomationActions.delete(data, workspace, row.id(), row.name(), this::refresh)));
    }

    private void configureToolbar() {
        search.setId("automations-search");
        search.setPlaceholder("Search by name");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        sort.setId("automations-sort");
        sort.setItems(AutomationSort.NAME_ASC, AutomationSort.NAME_DESC, AutomationSort.CREATED_DESC,
                AutomationSort.UPDATED_DESC);
        sort.setItemLabelGenerator(SORTS::get);
        sort.setValue(AutomationSort.NAME_ASC);
        sort.addValueChangeListener(e -> refresh());
        newAutomation.setId("new-automation");
        newAutomation.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newAutomation.setIcon(VaadinIcon.PLUS.create());
        newAutomation.addClickListener(e -> AutomationActions.edit(data, workspace, null, this::opened));
    }

    private void opened(UUID id) {
        getUI().ifPresent(ui -> ui.navigate(AutomationView.class, new RouteParameters("id", id.toString())));
    }

    private boolean canEdit() {
        return workspace != null && workspace.role().atLeast(Role.DEVELOPER);
    }

    // --- data -----------------------------------------------------------------------------------------------------

    private Stream<Row> fetch(Query<Row, Void> query) {
        int offset = query.getOffset();
        int limit = query.getLimit();
        WorkspaceChoice ws = workspace;
        if (ws == null) return Stream.empty();
        return Problems.orLater(this, () -> data.page(ws, search.getValue(), sort.getValue(), offset, limit),
                List.<Row>of()).stream();
    }

    private int count(Query<Row, Void> query) {
        WorkspaceChoice ws = workspace;
        if (ws == null) return 0;
        return (int) Math.min(Problems.orLater(this, () -> data.count(ws, search.getValue()), 0L), Integer.MAX_VALUE);
    }

    @Override
    protected void refresh() {
        grid.getDataProvider().refreshAll();
    }

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        boolean open = choice != null;
        noWorkspace.setVisible(!open);
        grid.setVisible(open);
        search.setVisible(open);
        sort.setVisible(open);
        newAutomation.setVisible(canEdit());
        rowActions.setVisible(canEdit());
        readOnly.setVisible(open && !canEdit());
        readOnly.setText(open ? "You are a " + choice.role().wireName() + " in " + choice.slug()
                + ": you can read automations and their firings but not change them." : "");
        refresh();
        return open;
    }
}
