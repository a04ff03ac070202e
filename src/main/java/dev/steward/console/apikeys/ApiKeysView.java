package dev.steward.console.apikeys;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.steward.access.ApiKeyService;
import dev.steward.access.Caller;
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
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotAuthenticated;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;

/**
 * The selected workspace's API keys: list, issue (the secret is shown once), revoke after confirmation. Needs the
 * admin role in the workspace (or owner); everyone else sees why not. Updates live when a key is issued or revoked
 * elsewhere.
 */
@Route(value = "api-keys", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class ApiKeysView extends WorkspaceView {
    static final String EVENT_PREFIX = "steward.api-key.";
    static final Role NEEDED = Role.ADMIN;

    private final ConsoleWorkspaces workspaces;
    private final ApiKeyService apiKeys;

    private final Grid<ApiKeyRow> grid = new Grid<>();
    private final Button newKey = new Button("New API key");
    private final Span denied = new Span();

    private WorkspaceChoice workspace;

    @Inject
    public ApiKeysView(ConsoleWorkspaces workspaces, ApiKeyService apiKeys, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.workspaces = workspaces;
        this.apiKeys = apiKeys;
        addClassName("api-keys-view");
        setSizeFull();
        configureGrid();
        configureToolbar();
        configureNotice();
        add(new H2("API keys"), new HorizontalLayout(newKey), denied, grid);
    }

    private void configureGrid() {
        grid.setId("api-keys-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(ApiKeyRow::name).setHeader("Name").setKey("name").setFlexGrow(1).setWidth("9rem")
                .setTooltipGenerator(ApiKeyRow::name);
        grid.addColumn(ApiKeyRow::prefix).setHeader("Prefix").setKey("prefix").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(k -> k.role().wireName()).setHeader("Role").setKey("role").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(ApiKeyRow::owner).setHeader("Owner").setKey("owner").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(k -> Formats.minute(k.created())).setHeader("Created (UTC)").setKey("created").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(this::expiry).setHeader("Expires (UTC)").setKey("expires").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(k -> Formats.minute(k.revokedAt())).setHeader("Revoked (UTC)").setKey("revoked").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addComponentColumn(this::createRowActions).setHeader("").setKey("actions").setAutoWidth(true)
                .setFlexGrow(0).setFrozenToEnd(true);
        grid.setEmptyStateText("No API keys");
    }

    private String expiry(ApiKeyRow k) {
        if (k.expiresAt() == null) return "never";
        return Formats.minute(k.expiresAt()) + (k.expired(Instant.now()) ? " (expired)" : "");
    }

    private Component createRowActions(ApiKeyRow row) {
        Button revoke = Actions.rowButton("Revoke", "revoke-api-key-" + row.prefix(), "revoke-api-key",
                "Revoke " + row.name(), true, () -> confirmRevoke(row));
        revoke.setEnabled(!row.revoked());
        return revoke;
    }

    private void configureToolbar() {
        newKey.setId("new-api-key");
        newKey.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newKey.setIcon(VaadinIcon.PLUS.create());
        newKey.addClickListener(e -> openForm());
    }

    private void configureNotice() {
        denied.setId("api-keys-denied");
        denied.setVisible(false);
    }

    // --- data -----------------------------------------------------------------------------------------------------

    @Override
    protected void refresh() {
        WorkspaceChoice ws = workspace;
        if (ws == null || !ws.role().atLeast(NEEDED)) {
            grid.setItems(List.of());
            return;
        }
        try {
            grid.setItems(workspaces.call(ws, NEEDED,
                    () -> apiKeys.list(ws.id()).stream().map(ApiKeyRow::of).toList()));
            grid.recalculateColumnWidths();
        } catch (RuntimeException e) {
            grid.setItems(List.of());
            Problems.show(e);
        }
    }

    // --- actions --------------------------------------------------------------------------------------------------

    private void openForm() {
        WorkspaceChoice ws = workspace;
        if (ws == null || !ws.role().atLeast(NEEDED)) return;
        ApiKeyForm form = new ApiKeyForm(ws.role());
        form.addCreateListener(e -> create(form, e));
        form.open();
        form.focusName();
    }

    private void create(ApiKeyForm form, ApiKeyForm.CreateEvent e) {
        WorkspaceChoice ws = workspace;
        ApiKeyService.IssuedKey issued;
        try {
            String owner = workspaces.caller().map(Caller::name)
                    .orElseThrow(() -> new NotAuthenticated("Not logged in"));
            // issuing a key with a role needs that role too (and admin in any case), as in the admin API
            issued = workspaces.call(ws, Role.max(NEEDED, e.role()),
                    () -> apiKeys.issue(ws.id(), e.name(), e.role(), owner, e.expiresAt()));
        } catch (RuntimeException failure) {
            Problem api = Problems.api(failure);
            if (api instanceof InvalidInput) {
                form.showProblem(api);
            } else {
                Problems.show(failure);
            }
            return;
        }
        form.close();
        refresh();
        new ApiKeySecretDialog(issued.key().getName(), issued.secret()).open();
    }

    private void confirmRevoke(ApiKeyRow row) {
        Actions.confirm("confirm-revoke-api-key", "Revoke API key " + row.name() + "?",
                "Clients using " + row.prefix() + "… are refused from now on. This cannot be undone.", "Revoke",
                () -> revoke(row));
    }

    private void revoke(ApiKeyRow row) {
        WorkspaceChoice ws = workspace;
        try {
            workspaces.call(ws, NEEDED, () -> apiKeys.revoke(ws.id(), row.id()));
            Problems.success("API key " + row.name() + " revoked");
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        refresh();
    }

    // --- workspace and live updates -------------------------------------------------------------------------------

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        boolean allowed = choice != null && choice.role().atLeast(NEEDED);
        newKey.setVisible(allowed);
        grid.setVisible(allowed);
        denied.setVisible(!allowed);
        denied.setText(choice == null
                ? "You cannot open any workspace yet."
                : "Managing API keys needs the admin role in " + choice.slug() + "; you are a "
                        + choice.role().wireName() + ".");
        refresh();
        return allowed;
    }
}
