package dev.steward.console.automations;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.steward.access.Role;
import dev.steward.automations.AutomationPageReadModel.ActionOutcome;
import dev.steward.automations.AutomationPageReadModel.Fired;
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
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One automation ({@code automations/<id>}): what it does in words, its enabled switch, and its firings, newest
 * first: when, the event that fired it (a link to the flow run's page when it is about one; any event shown as JSON),
 * and each action's outcome (status, attempts, the reason it failed, when it finished). Developers and above edit and
 * delete it; viewers read. Follows the workspace's automation events live, so a firing and its actions' outcomes
 * appear as they happen.
 */
@Route(value = "automations/:id", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class AutomationView extends WorkspaceView implements BeforeEnterObserver {
    private final AutomationsData data;
    private final Span notFound = new Span("Automation not found in this workspace.");
    private final H2 title = new H2();
    private final Checkbox enabled = new Checkbox("Enabled");
    private final Button edit = new Button("Edit", VaadinIcon.EDIT.create());
    private final Button delete = new Button("Delete", VaadinIcon.TRASH.create());
    private final Div description = line("automation-description-text");
    private final Div when = line("automation-trigger");
    private final Div then = line("automation-actions-text");
    private final Div header = new Div();
    private final Grid<Fired> firings = new Grid<>();
    private final H3 firingsTitle = new H3("Firings");
    private UUID id;
    private WorkspaceChoice workspace;
    private JsonObject automation;

    @Inject
    public AutomationView(ConsoleWorkspaces workspaces, AutomationsData data, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, AutomationsView.EVENT_PREFIX);
        this.data = data;
        addClassName("automation-view");
        setSizeFull();
        configureHeader();
        configureFirings();
        RouterLink back = new RouterLink("← Automations", AutomationsView.class);
        back.setId("back-to-automations");
        add(back, notFound, header, firingsTitle, firings);
    }

    /** Built once and filled on each load, so that a live refresh never replaces a switch the user is about to use. */
    private void configureHeader() {
        notFound.setId("automation-not-found");
        title.setId("automation-title");
        title.getStyle().set("margin", "0");
        enabled.setId("automation-enabled-switch");
        enabled.addValueChangeListener(e -> {
            if (e.isFromClient()) AutomationActions.setEnabled(data, workspace, id, name(), enabled);
        });
        edit.setId("edit-automation");
        edit.addClickListener(e -> AutomationActions.edit(data, workspace, id, saved -> refresh()));
        delete.setId("delete-automation");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        delete.addClickListener(e -> AutomationActions.delete(data, workspace, id, name(),
                () -> getUI().ifPresent(ui -> ui.navigate(AutomationsView.class))));
        HorizontalLayout top = new HorizontalLayout(title, enabled, edit, delete);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.add(top, description, when, then);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        id = event.getRouteParameters().get("id").flatMap(UuidParameters::parse).orElse(null);
    }

    private void configureFirings() {
        firings.setId("firings-grid");
        firings.setSizeFull();
        firings.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        firings.addColumn(f -> Formats.instant(f.triggered())).setHeader("Fired (UTC)").setKey("fired")
                .setAutoWidth(true).setFlexGrow(0);
        firings.addComponentColumn(f -> TriggeringEvent.of(f.triggeringEvent())).setHeader("Triggering event")
                .setKey("event").setFlexGrow(1);
        firings.addComponentColumn(this::outcomes).setHeader("Actions").setKey("actions").setFlexGrow(1);
        firings.setEmptyStateText("It has not fired yet");
        firings.setPageSize(50);
        firings.setItems(this::fetch, this::count);
    }

    /** Each action of a firing: its type, status and attempts, when it finished, and why it failed. */
    private Component outcomes(Fired fired) {
        VerticalLayout list = new VerticalLayout();
        list.setPadding(false);
        list.setSpacing(false);
        for (ActionOutcome a : fired.actions()) {
            String attempts = a.attempts() + (a.attempts() == 1 ? " attempt" : " attempts");
            Span line = new Span(ActionChoice.label(a.type()) + ": " + a.status() + " (" + attempts
                    + (a.finished() == null ? "" : ", " + Formats.instant(a.finished())) + ")");
            line.addClassName("action-outcome");
            line.addClassName("action-" + a.status());
            list.add(line);
            if (a.reason() != null) {
                Span reason = new Span(a.reason());
                reason.addClassName("action-reason");
                reason.getStyle().set("color", "var(--lumo-error-text-color)")
                        .set("font-size", "var(--lumo-font-size-s)");
                list.add(reason);
            }
        }
        return list;
    }

    private Stream<Fired> fetch(Query<Fired, Void> query) {
        int offset = query.getOffset();
        int limit = query.getLimit();
        if (workspace == null || automation == null) return Stream.empty();
        return Problems.orLater(this, () -> data.firings(workspace, id, offset, limit), List.<Fired>of()).stream();
    }

    private int count(Query<Fired, Void> query) {
        if (workspace == null || automation == null) return 0;
        return (int) Math.min(Problems.orLater(this, () -> data.firingCount(workspace, id), 0L), Integer.MAX_VALUE);
    }

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        return load();
    }

    @Override
    protected void refresh() {
        load();
    }

    private boolean load() {
        automation = null;
        if (workspace != null && id != null) {
            try {
                automation = data.read(workspace, id);
            } catch (RuntimeException e) {
                if (!(Problems.api(e) instanceof NotFound)) Problems.show(e);
            }
        }
        showAutomation();
        firingsTitle.setVisible(automation != null);
        firings.setVisible(automation != null);
        firings.getDataProvider().refreshAll();
        return automation != null;
    }

    private void showAutomation() {
        boolean found = automation != null;
        notFound.setVisible(!found);
        header.setVisible(found);
        if (!found) return;
        boolean canEdit = workspace.role().atLeast(Role.DEVELOPER);
        title.setText(name());
        enabled.setValue(automation.getBoolean("enabled"));
        enabled.setReadOnly(!canEdit);
        edit.setVisible(canEdit);
        delete.setVisible(canEdit);
        description.setText(automation.getString("description"));
        description.setVisible(!automation.getString("description").isEmpty());
        when.setText("When: " + TriggerChoice.describe(automation.getJsonObject("trigger")));
        then.setText("Then: "
                + ActionChoice.describe(automation.getJsonArray("actions").getValuesAs(JsonObject.class)));
    }

    private String name() {
        return automation == null ? "" : automation.getString("name");
    }

    private static Div line(String id) {
        Div line = new Div();
        line.setId(id);
        return line;
    }
}
