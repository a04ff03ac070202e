package dev.steward.console.blocks;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
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
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.UuidParameters;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One block document ({@code blocks/<id>}): its type, schema version and fields, secret values masked as the service
 * answers them. Developers and above may Reveal them (the service opens them and writes an audit record), edit the
 * document in {@link BlockForm} and delete it after confirmation; a viewer gets none of these buttons, and the
 * service would refuse them anyway. Until Reveal the page holds only the masked document, so no secret reaches the
 * browser before the user asks for it.
 */
@Route(value = "blocks/:id", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class BlockDocumentView extends WorkspaceView implements BeforeEnterObserver {
    private final BlocksData blocks;
    private UUID id;
    private WorkspaceChoice workspace;
    /** The document on screen: masked, or revealed after Reveal. */
    private JsonObject document;
    private boolean revealed;

    @Inject
    public BlockDocumentView(ConsoleWorkspaces workspaces, BlocksData blocks, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, BlocksView.EVENT_PREFIX);
        this.blocks = blocks;
        addClassName("block-document-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        id = event.getRouteParameters().get("id").flatMap(UuidParameters::parse).orElse(null);
    }

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        revealed = false;
        return load();
    }

    /** Any block document changing in the workspace shows this one again, masked: a revealed secret does not linger. */
    @Override
    protected void refresh() {
        revealed = false;
        load();
    }

    private boolean load() {
        document = null;
        if (workspace != null && id != null) {
            try {
                document = blocks.read(workspace, id);
            } catch (RuntimeException e) {
                if (!(Problems.api(e) instanceof NotFound)) Problems.show(e);
            }
        }
        render();
        return document != null;
    }

    private void render() {
        removeAll();
        RouterLink back = new RouterLink("← Blocks", BlocksView.class);
        back.setId("back-to-blocks");
        add(back);
        if (document == null) {
            Span missing = new Span("Block not found in this workspace.");
            missing.setId("block-not-found");
            add(missing);
            return;
        }
        H2 name = new H2(document.getString("name"));
        name.setId("block-document-name");
        name.getStyle().set("margin", "0");
        HorizontalLayout title = new HorizontalLayout(name, actions());
        title.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        add(title, field("Type", document.getString("block_type_name"), "block-type-name"),
                field("Schema version", document.getJsonObject("block_schema").getString("version", ""),
                        "block-schema-version"),
                field("Updated (UTC)", Formats.instant(Instant.parse(document.getString("updated"))), "block-updated"));
        Div data = new Div();
        data.setId("block-data");
        JsonObject references = document.getJsonObject("block_document_references");
        // labelled with the schema's titles; a field the schema does not list keeps its key
        Map<String, String> labels = new HashMap<>();
        BlockField.of(document.getJsonObject("block_schema").getJsonObject("fields"))
                .forEach(f -> labels.put(f.key(), f.label()));
        document.getJsonObject("data").forEach((key, value) -> {
            String label = labels.getOrDefault(key, key);
            data.add(references.get(key) instanceof JsonObject ref
                    ? reference(label, key, ref.getJsonObject("block_document"))
                    : field(label, text(value), "block-value-" + key));
        });
        add(data);
    }

    private Component actions() {
        HorizontalLayout buttons = new HorizontalLayout();
        if (workspace == null || !workspace.role().atLeast(Role.DEVELOPER)) return buttons;
        Button reveal = new Button(revealed ? "Hide" : "Reveal",
                (revealed ? VaadinIcon.EYE_SLASH : VaadinIcon.EYE).create(), e -> toggleReveal());
        reveal.setId("reveal-block");
        reveal.setTooltipText("Show the secret values (recorded in the audit trail)");
        Button edit = new Button("Edit", VaadinIcon.EDIT.create(), e -> openForm());
        edit.setId("edit-block");
        Button delete = new Button("Delete", VaadinIcon.TRASH.create(), e -> confirmDelete());
        delete.setId("delete-block");
        delete.setAriaLabel("Delete block " + document.getString("name"));
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        buttons.add(reveal, edit, delete);
        return buttons;
    }

    private static Component field(String label, String value, String id) {
        Span l = new Span(label);
        l.getStyle().set("color", "var(--lumo-secondary-text-color)").set("min-width", "10rem");
        Span v = new Span(value);
        v.setId(id);
        v.addClassName("block-value");
        v.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)").set("white-space", "pre-wrap")
                .set("word-break", "break-all");
        HorizontalLayout row = new HorizontalLayout(l, v);
        row.setSpacing(true);
        return row;
    }

    /** A nested block: a link to its own page, where its values are shown (and revealed) with its own audit. */
    private static Component reference(String label, String key, JsonObject target) {
        RouterLink link = new RouterLink(target.getString("name") + " (" + target.getJsonObject("block_type")
                .getString("name") + ")", BlockDocumentView.class, new RouteParameters("id", target.getString("id")));
        link.setId("block-ref-" + key);
        Span l = new Span(label);
        l.getStyle().set("color", "var(--lumo-secondary-text-color)").set("min-width", "10rem");
        return new HorizontalLayout(l, link);
    }

    /** A value as the page shows it: a string bare, anything else as compact JSON. */
    private static String text(JsonValue value) {
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    // --- actions --------------------------------------------------------------------------------------------------

    private void toggleReveal() {
        try {
            document = revealed ? blocks.read(workspace, id) : blocks.reveal(workspace, id);
            revealed = !revealed;
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        render();
    }

    private void openForm() {
        WorkspaceChoice ws = workspace;
        JsonObject masked;
        try {
            // the form starts from the masked document even when the page shows the values
            masked = blocks.read(ws, id);
        } catch (RuntimeException e) {
            Problems.show(e);
            return;
        }
        BlockForm form = BlockForm.edit(source(blocks, ws), masked);
        form.addSaveListener(e -> {
            try {
                blocks.update(ws, id, e.data());
            } catch (RuntimeException failure) {
                if (!form.showFailure(failure)) {
                    Problems.show(failure);
                    form.close();
                }
                return;
            }
            form.close();
            Problems.success("Block " + masked.getString("name") + " saved");
            refresh();
        });
        form.open();
    }

    private void confirmDelete() {
        String name = document.getString("name");
        Actions.confirm("confirm-delete-block", "Delete block " + name + "?",
                "Flows that load it will no longer find it, and blocks that nest it lose the reference. "
                        + "This cannot be undone.",
                "Delete", () -> {
                    try {
                        blocks.delete(workspace, id);
                        Problems.success("Block " + name + " deleted");
                        getUI().ifPresent(ui -> ui.navigate(BlocksView.class));
                    } catch (RuntimeException e) {
                        Problems.show(e);
                    }
                });
    }

    /** What a form reads from the workspace, failures shown and read as "nothing". */
    static BlockForm.Source source(BlocksData blocks, WorkspaceChoice ws) {
        return new BlockForm.Source() {
            @Override
            public SchemaChoice newestSchema(BlockTypeChoice type) {
                try {
                    return blocks.newestSchema(ws, type.id());
                } catch (RuntimeException e) {
                    Problems.show(e);
                    return null;
                }
            }

            @Override
            public List<BlockRow> documentsOf(List<String> slugs) {
                try {
                    return blocks.documentsOf(ws, slugs);
                } catch (RuntimeException e) {
                    Problems.show(e);
                    return List.of();
                }
            }
        };
    }
}
