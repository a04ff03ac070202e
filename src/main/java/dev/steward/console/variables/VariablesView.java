package dev.steward.console.variables;

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
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import dev.steward.access.Role;
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
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.variables.VariableService;
import dev.steward.variables.VariableSort;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.stream.Stream;

/**
 * The selected workspace's variables: a lazily paged grid filtered by name, create and edit in a dialog, delete
 * after confirmation, and live updates when any client changes a variable. Viewers see it read-only; developers and
 * above edit. The default view of the console.
 */
@Route(value = "variables", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class VariablesView extends WorkspaceView {
    static final String EVENT_PREFIX = "prefect.variable.";

    private final ConsoleWorkspaces workspaces;
    private final VariableService variables;

    private final Grid<VariableRow> grid = new Grid<>();
    private final TextField filter = new TextField();
    private final Button newVariable = new Button("New variable");
    private final Span readOnly = new Span();
    private final Span noWorkspace = new Span(
            "You cannot open any workspace yet. Ask a workspace admin to add you, or a platform admin to create one.");
    private Grid.Column<VariableRow> actions;

    private WorkspaceChoice workspace;

    @Inject
    public VariablesView(ConsoleWorkspaces workspaces, VariableService variables, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.workspaces = workspaces;
        this.variables = variables;
        addClassName("variables-view");
        setSizeFull();
        configureGrid();
        configureFilter();
        configureNotices();
        add(new H2("Variables"), createToolbar(), readOnly, noWorkspace, grid);
    }

    private void configureGrid() {
        grid.setId("variables-grid");
        grid.addClassName("variables-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(VariableRow::name).setHeader("Name").setKey("name").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(VariableRow::value).setHeader("Value").setKey("value").setFlexGrow(1)
                .setTooltipGenerator(VariableRow::value);
        grid.addColumn(VariableRow::tagText).setHeader("Tags").setKey("tags").setAutoWidth(true);
        grid.addColumn(row -> Formats.instant(row.updated())).setHeader("Updated (UTC)").setKey("updated").setAutoWidth(true)
                .setFlexGrow(0);
        actions = grid.addComponentColumn(this::createRowActions).setHeader("").setKey("actions").setAutoWidth(true)
                .setFlexGrow(0).setFrozenToEnd(true);
        grid.setEmptyStateText("No variables");
        grid.setPageSize(50);
        grid.setItems(this::fetch, this::count);
    }

    private Component createRowActions(VariableRow row) {
        return Actions.row(
                Actions.rowButton("Edit", "edit-variable-" + row.name(), "edit-variable", "Edit " + row.name(), false,
                        () -> openForm(row)),
                Actions.rowButton("Delete", "delete-variable-" + row.name(), "delete-variable", "Delete " + row.name(),
                        true, () -> confirmDelete(row)));
    }

    private void configureFilter() {
        filter.setId("variables-filter");
        filter.setPlaceholder("Filter by name");
        filter.setPrefixComponent(VaadinIcon.SEARCH.create());
        filter.setClearButtonVisible(true);
        filter.setValueChangeMode(ValueChangeMode.LAZY);
        filter.addValueChangeListener(e -> refresh());
    }

    private void configureNotices() {
        readOnly.setId("variables-read-only");
        readOnly.getStyle().set("color", "var(--lumo-secondary-text-color)");
        readOnly.setVisible(false);
        noWorkspace.setId("no-workspace");
        noWorkspace.setVisible(false);
    }

    private HorizontalLayout createToolbar() {
        newVariable.setId("new-variable");
        newVariable.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newVariable.setIcon(VaadinIcon.PLUS.create());
        newVariable.addClickListener(e -> openForm(null));
        HorizontalLayout toolbar = new HorizontalLayout(filter, newVariable);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        toolbar.addClassName("toolbar");
        return toolbar;
    }

    // --- data -----------------------------------------------------------------------------------------------------

    /** The filter as Prefect's VariableFilter: {"name": {"like_": text}} (contains, case-insensitive). */
    private JsonObject filterJson() {
        String text = filter.getValue() == null ? "" : filter.getValue().strip();
        return text.isEmpty() ? JsonValue.EMPTY_JSON_OBJECT
                : Json.createObjectBuilder().add("name", Json.createObjectBuilder().add("like_", text)).build();
    }

    private Stream<VariableRow> fetch(Query<VariableRow, Void> query) {
        int offset = query.getOffset();
        int limit = query.getLimit();
        WorkspaceChoice ws = workspace;
        if (ws == null) return Stream.empty();
        JsonObject filterJson = filterJson();
        return Problems.orLater(this, () -> workspaces.call(ws, Role.VIEWER, () -> variables
                .list(new VariableService.Page(filterJson, VariableSort.NAME_ASC, offset, limit))
                .stream().map(VariableRow::of).toList()), List.<VariableRow>of()).stream();
    }

    private int count(Query<VariableRow, Void> query) {
        WorkspaceChoice ws = workspace;
        if (ws == null) return 0;
        JsonObject filterJson = filterJson();
        long count = Problems.orLater(this, () -> workspaces.call(ws, Role.VIEWER, () -> variables.count(filterJson)), 0L);
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    @Override
    protected void refresh() {
        grid.getDataProvider().refreshAll();
    }

    // --- actions --------------------------------------------------------------------------------------------------

    private void openForm(VariableRow existing) {
        if (workspace == null) return;
        VariableForm form = new VariableForm(existing);
        form.addSaveListener(e -> save(form, existing, e));
        form.open();
        if (existing == null) form.focusName();
    }

    private void save(VariableForm form, VariableRow existing, VariableForm.SaveEvent e) {
        WorkspaceChoice ws = workspace;
        try {
            workspaces.run(ws, Role.DEVELOPER, () -> {
                if (existing == null) {
                    variables.create(e.name(), e.value(), e.tags());
                } else {
                    variables.update(variables.get(existing.id()),
                            new VariableService.Update(e.name(), e.value(), e.tags()));
                }
            });
        } catch (RuntimeException failure) {
            Problem api = Problems.api(failure);
            if (api instanceof InvalidInput || api instanceof Conflict) {
                form.showProblem(api);
                return;
            }
            Problems.show(failure);
            if (api instanceof NotFound) {
                form.close();
                refresh();
            }
            return;
        }
        form.close();
        refresh();
        Problems.success("Variable " + e.name() + (existing == null ? " created" : " saved"));
    }

    private void confirmDelete(VariableRow row) {
        Actions.confirm("confirm-delete-variable", "Delete variable " + row.name() + "?",
                "Flows that read it will no longer find it. This cannot be undone.", "Delete", () -> delete(row));
    }

    private void delete(VariableRow row) {
        WorkspaceChoice ws = workspace;
        try {
            workspaces.run(ws, Role.DEVELOPER, () -> variables.delete(variables.get(row.id())));
            Problems.success("Variable " + row.name() + " deleted");
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        refresh();
    }

    // --- workspace and live updates -------------------------------------------------------------------------------

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        boolean open = choice != null;
        boolean canEdit = open && choice.role().atLeast(Role.DEVELOPER);
        noWorkspace.setVisible(!open);
        grid.setVisible(open);
        filter.setVisible(open);
        newVariable.setVisible(canEdit);
        actions.setVisible(canEdit);
        readOnly.setVisible(open && !canEdit);
        readOnly.setText(open ? "You are a " + choice.role().wireName() + " in " + choice.slug()
                + ": you can read variables but not change them." : "");
        refresh();
        return open;
    }
}
