package dev.steward.console;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import dev.steward.access.Caller;
import dev.steward.console.apikeys.ApiKeysView;
import dev.steward.console.artifacts.ArtifactsView;
import dev.steward.console.automations.AutomationsView;
import dev.steward.console.blocks.BlocksView;
import dev.steward.console.cleanup.CleanupQueuesView;
import dev.steward.console.runs.FlowRunsView;
import dev.steward.console.variables.VariablesView;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * The console's frame: the app name, the workspace switcher (the workspaces the user may open, the choice
 * remembered in the browser session), the user's role there, the user's name, a logout link, and the navigation.
 * Switching the workspace tells the view on screen ({@link WorkspaceAware}). The light/dark theme toggle and the
 * keyboard shortcuts ({@link Shortcuts}: {@code g r}, {@code g a}, {@code g v}, {@code g b}, {@code g k} go to the
 * pages) live here too.
 */
public class MainLayout extends AppLayout {
    private final ConsoleWorkspaces workspaces;

    private final ComboBox<WorkspaceChoice> switcher = new ComboBox<>();
    private final Span role = new Span();
    private final Span user = new Span();
    // offered for the selected workspace only to those whose role may use it (set with the role)
    private final SideNavItem cleanupQueues =
            new SideNavItem("Cleanup queues", CleanupQueuesView.class, VaadinIcon.RECYCLE.create());

    @Inject
    public MainLayout(ConsoleWorkspaces workspaces) {
        this.workspaces = workspaces;
        setPrimarySection(Section.NAVBAR);
        configureSwitcher();
        configureUser();
        addToNavbar(createHeader());
        addToDrawer(createNavigation());
        addToNavbar(createShortcuts());
    }

    private Shortcuts createShortcuts() {
        Shortcuts shortcuts = new Shortcuts();
        shortcuts.add("g r", "Go to flow runs", () -> getUI().ifPresent(ui -> ui.navigate(FlowRunsView.class)));
        shortcuts.add("g a", "Go to automations", () -> getUI().ifPresent(ui -> ui.navigate(AutomationsView.class)));
        shortcuts.add("g v", "Go to variables", () -> getUI().ifPresent(ui -> ui.navigate(VariablesView.class)));
        shortcuts.add("g b", "Go to blocks", () -> getUI().ifPresent(ui -> ui.navigate(BlocksView.class)));
        shortcuts.add("g k", "Go to API keys", () -> getUI().ifPresent(ui -> ui.navigate(ApiKeysView.class)));
        return shortcuts;
    }

    private void configureSwitcher() {
        switcher.setId("workspace-switcher");
        switcher.setAriaLabel("Workspace");
        switcher.setPlaceholder("No workspace");
        switcher.setItemLabelGenerator(WorkspaceChoice::label);
        switcher.setAllowCustomValue(false);
        switcher.setWidth("16rem");
        List<WorkspaceChoice> choices = workspaces.choices();
        switcher.setItems(choices);
        switcher.setEnabled(!choices.isEmpty());
        Optional<WorkspaceChoice> current = workspaces.restore(choices);
        current.ifPresent(switcher::setValue);
        showRole(current.orElse(null));
        switcher.addValueChangeListener(e -> {
            if (!e.isFromClient()) return;
            if (e.getValue() == null) {
                // the switcher cannot be emptied: a workspace stays selected
                switcher.setValue(e.getOldValue());
                return;
            }
            switchTo(e.getValue());
        });
    }

    private void configureUser() {
        user.setId("current-user");
        user.setText(workspaces.caller().map(Caller::name).orElse(""));
        user.getStyle().set("font-weight", "500");
        role.setId("current-role");
        role.setTitle("Your role in this workspace");
        role.getStyle()
                .set("font-size", "var(--lumo-font-size-s)")
                .set("color", "var(--lumo-secondary-text-color)")
                .set("background", "var(--lumo-contrast-10pct)")
                .set("border-radius", "var(--lumo-border-radius-l)")
                .set("padding", "0 var(--lumo-space-s)");
    }

    private Component createHeader() {
        H1 appName = new H1("Steward");
        appName.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");

        Anchor logout = new Anchor("logout", "Log out");
        logout.setId("logout");
        logout.setRouterIgnore(true);

        // the theme is switched and remembered in the browser (frontend/src/shortcuts/shortcuts.ts), no round trip
        Button theme = new Button(VaadinIcon.ADJUST.create());
        theme.setId("theme-toggle");
        theme.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        theme.setAriaLabel("Toggle dark mode (t)");
        theme.setTooltipText("Toggle dark mode (t)");
        theme.getElement().executeJs("this.addEventListener('click', () => window.stewardToggleTheme())");

        Div spacer = new Div();
        HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), appName, switcher, role, spacer, theme,
                VaadinIcon.USER.create(), user, logout);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.expand(spacer);
        header.setWidthFull();
        header.getStyle().set("padding", "0 var(--lumo-space-m) 0 0");
        return header;
    }

    private Component createNavigation() {
        SideNav nav = new SideNav();
        nav.setId("main-nav");
        SideNavItem runs = new SideNavItem("Flow runs", FlowRunsView.class, VaadinIcon.LIST.create());
        runs.setId("nav-flow-runs");
        nav.addItem(runs);
        SideNavItem artifacts = new SideNavItem("Artifacts", ArtifactsView.class, VaadinIcon.FILE_TEXT_O.create());
        artifacts.setId("nav-artifacts");
        nav.addItem(artifacts);
        SideNavItem automations = new SideNavItem("Automations", AutomationsView.class,
                VaadinIcon.AUTOMATION.create());
        automations.setId("nav-automations");
        nav.addItem(automations);
        nav.addItem(new SideNavItem("Variables", VariablesView.class, VaadinIcon.CODE.create()));
        SideNavItem blocks = new SideNavItem("Blocks", BlocksView.class, VaadinIcon.CUBES.create());
        blocks.setId("nav-blocks");
        nav.addItem(blocks);
        nav.addItem(new SideNavItem("API keys", ApiKeysView.class, VaadinIcon.KEY.create()));
        cleanupQueues.setId("nav-cleanup-queues");
        nav.addItem(cleanupQueues);
        return nav;
    }

    private void switchTo(WorkspaceChoice choice) {
        workspaces.select(choice);
        showRole(choice);
        if (getContent() instanceof WorkspaceAware view) {
            view.workspaceChanged(choice);
        }
    }

    private void showRole(WorkspaceChoice choice) {
        role.setText(choice == null ? "" : choice.role().wireName());
        role.setVisible(choice != null);
        cleanupQueues.setVisible(CleanupQueuesView.offeredTo(choice));
    }
}
