package dev.steward.console.blocks;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
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
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.router.RouteParameters;
import dev.steward.access.Role;
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
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The selected workspace's block documents, ordered by type and name (anonymous ones, which blocks nest, left out):
 * filtered by type and by name, a row opening the document ({@link BlockDocumentView}). Developers and above create
 * documents from a type's newest schema; viewers read. Follows the workspace's block-document events live.
 */
@Route(value = "blocks", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class BlocksView extends WorkspaceView {
    static final String EVENT_PREFIX = "prefect.block-document.";

    private final BlocksData blocks;
    private final Grid<BlockRow> grid = new Grid<>();
    private final ComboBox<BlockTypeChoice> type = new ComboBox<>();
    private final TextField search = new TextField();
    private final Button newBlock = new Button("New block");
    private final Span readOnly = new Span();
    private final Span noWorkspace = new Span("You cannot open any workspace yet.");
    private WorkspaceChoice workspace;

    @Inject
    public BlocksView(ConsoleWorkspaces workspaces, BlocksData blocks, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.blocks = blocks;
        addClassName("blocks-view");
        setSizeFull();
        configureGrid();
        configureToolbar();
        readOnly.setId("blocks-read-only");
        readOnly.getStyle().set("color", "var(--lumo-secondary-text-color)");
        noWorkspace.setId("no-workspace");
        HorizontalLayout toolbar = new HorizontalLayout(type, search, newBlock);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        add(new H2("Blocks"), toolbar, readOnly, noWorkspace, grid);
    }

    private void configureGrid() {
        grid.setId("blocks-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(row -> {
            RouterLink link = new RouterLink(row.name(), BlockDocumentView.class,
                    new RouteParameters("id", row.id().toString()));
            link.addClassName("block-link");
            return link;
        }).setHeader("Name").setKey("name").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(BlockRow::typeName).setHeader("Type").setKey("type").setAutoWidth(true);
        grid.addColumn(row -> Formats.instant(row.updated())).setHeader("Updated (UTC)").setKey("updated")
                .setAutoWidth(true).setFlexGrow(0);
        grid.setEmptyStateText("No blocks");
        grid.setPageSize(50);
        grid.setItems(this::fetch, this::count);
    }

    private void configureToolbar() {
        type.setId("blocks-type");
        type.setPlaceholder("Every type");
        type.setClearButtonVisible(true);
        type.setItemLabelGenerator(BlockTypeChoice::name);
        type.addValueChangeListener(e -> refresh());
        search.setId("blocks-search");
        search.setPlaceholder("Search by name");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        newBlock.setId("new-block");
        newBlock.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newBlock.setIcon(VaadinIcon.PLUS.create());
        newBlock.addClickListener(e -> openForm());
    }

    // --- data -----------------------------------------------------------------------------------------------------

    private BlocksData.Filter filter() {
        BlockTypeChoice t = type.getValue();
        return new BlocksData.Filter(t == null ? null : t.id(), search.getValue() == null ? "" : search.getValue());
    }

    private Stream<BlockRow> fetch(Query<BlockRow, Void> query) {
        int offset = query.getOffset();
        int limit = query.getLimit();
        if (workspace == null) return Stream.empty();
        return Problems.orLater(this, () -> blocks.page(workspace, filter(), offset, limit), List.<BlockRow>of()).stream();
    }

    private int count(Query<BlockRow, Void> query) {
        if (workspace == null) return 0;
        return (int) Math.min(Problems.orLater(this, () -> blocks.count(workspace, filter()), 0L), Integer.MAX_VALUE);
    }

    @Override
    protected void refresh() {
        grid.getDataProvider().refreshAll();
    }

    // --- create ---------------------------------------------------------------------------------------------------

    private void openForm() {
        WorkspaceChoice ws = workspace;
        if (ws == null) return;
        List<BlockTypeChoice> types;
        try {
            types = blocks.types(ws);
        } catch (RuntimeException e) {
            Problems.show(e);
            return;
        }
        BlockForm form = BlockForm.create(BlockDocumentView.source(blocks, ws), types, type.getValue());
        form.addSaveListener(e -> save(ws, form, e));
        form.open();
    }

    private void save(WorkspaceChoice ws, BlockForm form, BlockForm.SaveEvent e) {
        JsonObject body = Json.createObjectBuilder()
                .add("name", e.name())
                .add("block_type_id", e.type().id().toString())
                .add("block_schema_id", e.schemaId().toString())
                .add("data", e.data())
                .build();
        UUID id;
        try {
            id = blocks.create(ws, body);
        } catch (RuntimeException failure) {
            if (!form.showFailure(failure)) Problems.show(failure);
            return;
        }
        form.close();
        Problems.success("Block " + e.name() + " created");
        getUI().ifPresent(ui -> ui.navigate(BlockDocumentView.class, new RouteParameters("id", id.toString())));
    }

    // --- workspace ------------------------------------------------------------------------------------------------

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        boolean open = choice != null;
        boolean canEdit = open && choice.role().atLeast(Role.DEVELOPER);
        noWorkspace.setVisible(!open);
        grid.setVisible(open);
        type.setVisible(open);
        search.setVisible(open);
        newBlock.setVisible(canEdit);
        readOnly.setVisible(open && !canEdit);
        readOnly.setText(open ? "You are a " + choice.role().wireName() + " in " + choice.slug()
                + ": you can read blocks (secrets masked) but not change them." : "");
        type.clear();
        try {
            type.setItems(open ? blocks.types(choice) : List.of());
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        refresh();
        return open;
    }
}
