package dev.steward.console.cleanup;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.steward.access.Role;
import dev.steward.cleanup.CleanupQueue;
import dev.steward.cleanup.PoolKey;
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
import dev.steward.workers.WorkPools;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiPredicate;

/**
 * The selected workspace's cleanup queues: per work pool the messages waiting (and of them ready now), out with
 * workers, dead-lettered, and the totals; selecting a pool lists its dead letters, newest first, with their reason
 * and delivery history, to redrive or (after confirmation) purge. Needs the admin role, as the operators' API does:
 * redrive makes workers act on infrastructure again. The navigation offers it to admins only; anyone else who opens
 * it sees why not.
 *
 * <p>Queue transitions emit no lifecycle events, so the figures are refreshed by UI polling every
 * {@value #POLL_MILLIS} ms while the page is open (the browser asks; nothing runs for a closed page); live updates
 * follow the workspace's work-pool events, so a new or renamed pool shows at once.
 */
@Route(value = "cleanup-queues", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class CleanupQueuesView extends WorkspaceView {
    static final String EVENT_PREFIX = "prefect.work-pool.";
    static final Role NEEDED = Role.ADMIN;
    static final int POLL_MILLIS = 5000;
    static final int PAGE = 20;

    private final ConsoleWorkspaces workspaces;
    private final CleanupQueue queue;
    private final WorkPools pools;

    private final Grid<PoolRow> poolGrid = new Grid<>();
    private final Grid<DeadLetterRow> deadGrid = new Grid<>();
    private final Button refreshButton = new Button("Refresh");
    private final Span updated = new Span();
    private final Span denied = new Span();
    private final Paragraph intro = new Paragraph("A work pool's cleanup queue holds the teardowns its workers must "
            + "do, such as killing the process of a run stuck in CANCELLING past the timeout. A message a worker "
            + "could not handle in its last attempt becomes a dead letter: redrive it once the cause is fixed, or "
            + "purge it.");
    private final H3 deadTitle = new H3();
    private final Span selectHint = new Span("Select a work pool to see its dead letters.");
    private final Button loadMore = new Button("Load more");
    private final HorizontalLayout toolbar;

    private WorkspaceChoice workspace;
    private UUID selectedPool;
    private int shown = PAGE;
    private List<PoolRow> poolRows = List.of();
    // what each grid shows (null: nothing of this workspace yet): a grid gets items only when they changed
    private List<PoolRow> poolsShown;
    private List<DeadLetterRow> deadShown;
    private Registration polling;

    @Inject
    public CleanupQueuesView(ConsoleWorkspaces workspaces, CleanupQueue queue, WorkPools pools,
                             LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.workspaces = workspaces;
        this.queue = queue;
        this.pools = pools;
        addClassName("cleanup-queues-view");
        setWidthFull();
        configurePoolGrid();
        configureDeadGrid();
        configureNotices();
        toolbar = createToolbar();
        add(new H2("Cleanup queues"), intro, denied, toolbar, poolGrid, deadTitle, selectHint, deadGrid, loadMore);
    }

    /** Whether the navigation offers the page for this workspace. */
    public static boolean offeredTo(WorkspaceChoice choice) {
        return choice != null && choice.role().atLeast(NEEDED);
    }

    private void configurePoolGrid() {
        poolGrid.setId("cleanup-pools-grid");
        poolGrid.setAllRowsVisible(true);
        poolGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        poolGrid.addColumn(PoolRow::name).setHeader("Work pool").setKey("pool").setAutoWidth(true).setFlexGrow(1);
        poolGrid.addColumn(PoolRow::visible).setHeader("Waiting").setKey("visible").setAutoWidth(true)
                .setTooltipGenerator(r -> r.ready() + " ready now, " + (r.visible() - r.ready())
                        + " waiting out a retry backoff");
        poolGrid.addColumn(PoolRow::ready).setHeader("Ready").setKey("ready").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::inFlight).setHeader("In flight").setKey("in_flight").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::dead).setHeader("Dead letters").setKey("dead_letters").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::enqueued).setHeader("Enqueued").setKey("enqueued").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::acked).setHeader("Acked").setKey("acked").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::retries).setHeader("Retries").setKey("retries").setAutoWidth(true);
        poolGrid.addColumn(PoolRow::deadLettered).setHeader("Dead-lettered").setKey("dead_lettered")
                .setAutoWidth(true);
        poolGrid.setEmptyStateText("No cleanup queue in this workspace yet: a work pool gets one when the first "
                + "teardown is queued for its workers.");
        poolGrid.addSelectionListener(e -> {
            if (!e.isFromClient()) return;
            selectedPool = e.getFirstSelectedItem().map(PoolRow::poolId).orElse(null);
            shown = PAGE;
            refreshDeadLetters();
        });
    }

    private void configureDeadGrid() {
        deadGrid.setId("dead-letters-grid");
        deadGrid.setAllRowsVisible(true);
        deadGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        // the id's first block names the row; its details show the whole id
        deadGrid.addColumn(DeadLetterRow::shortId).setHeader("Message").setKey("message").setAutoWidth(true)
                .setFlexGrow(0).setTooltipGenerator(r -> r.id().toString());
        // kind and target, and the reasons, one fact a line, so the row fits beside the navigation
        deadGrid.addComponentColumn(r -> lines(r.kind(), r.target())).setHeader("Kind and target").setKey("target")
                .setWidth("14rem").setFlexGrow(1);
        deadGrid.addComponentColumn(r -> lines(r.reason(),
                        r.lastReleaseReason() == null ? null : "last release: " + r.lastReleaseReason()))
                .setHeader("Reason").setKey("reason").setWidth("12rem").setFlexGrow(1);
        deadGrid.addColumn(DeadLetterRow::deliveries).setHeader("Deliveries").setKey("deliveries")
                .setAutoWidth(true).setFlexGrow(0);
        deadGrid.addColumn(r -> Formats.instant(r.movedAt())).setHeader("Given up (UTC)").setKey("moved")
                .setAutoWidth(true).setFlexGrow(0);
        deadGrid.addComponentColumn(this::createRowActions).setHeader("").setKey("actions").setAutoWidth(true)
                .setFlexGrow(0).setFrozenToEnd(true);
        // a click on a row opens its delivery history
        deadGrid.setItemDetailsRenderer(new ComponentRenderer<>(this::history));
        deadGrid.setEmptyStateText("No dead letters in this pool.");
        loadMore.setId("load-more-dead-letters");
        loadMore.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        loadMore.addClickListener(e -> {
            shown += PAGE;
            refreshDeadLetters();
        });
    }

    /** Lines of text in one cell (nulls left out), broken anywhere: ids and reasons have no spaces to wrap at. */
    private static Component lines(String... texts) {
        Div cell = new Div();
        for (String text : texts) {
            if (text != null) cell.add(new Div(text));
        }
        cell.getStyle().set("overflow-wrap", "anywhere").set("white-space", "normal");
        return cell;
    }

    /** A dead letter's details: its whole id and every delivery it had. */
    private Component history(DeadLetterRow row) {
        Span id = new Span("Message " + row.id() + ", its deliveries:");
        id.setId("dead-letter-" + row.id());
        Grid<DeadLetterRow.Attempt> grid = new Grid<>();
        grid.setId("history-" + row.id());
        grid.addClassName("dead-letter-history");
        grid.setAllRowsVisible(true);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        grid.addColumn(DeadLetterRow.Attempt::attempt).setHeader("Attempt").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(a -> Objects.requireNonNullElse(a.worker(), "")).setHeader("Worker").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(a -> Formats.instant(a.reservedAt())).setHeader("Reserved (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(a -> Formats.instant(a.endedAt())).setHeader("Ended (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(DeadLetterRow.Attempt::outcome).setHeader("Outcome").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(a -> Objects.requireNonNullElse(a.reason(), "")).setHeader("Reason").setFlexGrow(1);
        grid.setEmptyStateText("Never delivered");
        grid.setItems(row.history());
        VerticalLayout details = new VerticalLayout(id, grid);
        details.setPadding(false);
        details.setSpacing(false);
        return details;
    }

    private Component createRowActions(DeadLetterRow row) {
        return Actions.row(
                Actions.rowButton("Redrive", "redrive-" + row.id(), "redrive-dead-letter", "Redrive " + row.id(),
                        false, () -> redrive(row)),
                Actions.rowButton("Purge", "purge-" + row.id(), "purge-dead-letter", "Purge " + row.id(), true,
                        () -> confirmPurge(row)));
    }

    private void configureNotices() {
        denied.setId("cleanup-queues-denied");
        denied.setVisible(false);
        deadTitle.setId("dead-letters-title");
        selectHint.setId("dead-letters-hint");
        selectHint.getStyle().set("color", "var(--lumo-secondary-text-color)");
        updated.setId("cleanup-updated");
        updated.getStyle().set("color", "var(--lumo-secondary-text-color)")
                .set("font-size", "var(--lumo-font-size-s)");
    }

    private HorizontalLayout createToolbar() {
        refreshButton.setId("refresh-cleanup");
        refreshButton.setIcon(VaadinIcon.REFRESH.create());
        refreshButton.addClickListener(e -> refresh());
        HorizontalLayout bar = new HorizontalLayout(refreshButton, updated);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        return bar;
    }

    // --- data -----------------------------------------------------------------------------------------------------

    @Override
    protected void refresh() {
        WorkspaceChoice ws = workspace;
        if (!offeredTo(ws)) {
            refreshDeadLetters();
            return;
        }
        List<PoolRow> rows;
        try {
            rows = workspaces.call(ws, NEEDED, () -> poolRows(ws.id()));
        } catch (RuntimeException e) {
            Problems.show(e);
            return;
        }
        poolRows = rows;
        if (!rows.equals(poolsShown)) {
            // replaced only when a figure changed, so the selection and open rows are not reset every few seconds
            poolsShown = rows;
            poolGrid.setItems(rows);
            rows.stream().filter(r -> r.poolId().equals(selectedPool)).findFirst()
                    .ifPresentOrElse(poolGrid::select, () -> selectedPool = null);
        }
        updated.setText("Updated " + Formats.instant(Instant.now()) + " UTC");
        refreshDeadLetters();
    }

    /** The workspace's pools that have a queue, by name (the queue knows pools by id; deleted pools are left out). */
    private List<PoolRow> poolRows(UUID workspaceId) {
        return queue.pools().stream().filter(k -> k.workspaceId().equals(workspaceId))
                .flatMap(k -> pools.get(k.workPoolId()).map(p -> PoolRow.of(p, queue.stats(k))).stream())
                .sorted(Comparator.comparing(PoolRow::name)).toList();
    }

    private void refreshDeadLetters() {
        PoolRow pool = selected();
        boolean open = pool != null;
        deadTitle.setVisible(open);
        deadGrid.setVisible(open);
        selectHint.setVisible(!open && !poolRows.isEmpty());
        if (!open) {
            loadMore.setVisible(false);
            return;
        }
        deadTitle.setText("Dead letters of " + pool.name());
        WorkspaceChoice ws = workspace;
        List<DeadLetterRow> page;
        try {
            // one more than shown tells whether "Load more" has anything to load
            page = workspaces.call(ws, NEEDED, () -> queue.deadLetters(key(ws, pool), 0, shown + 1).stream()
                    .map(DeadLetterRow::of).toList());
        } catch (RuntimeException e) {
            Problems.show(e);
            return;
        }
        loadMore.setVisible(page.size() > shown);
        List<DeadLetterRow> rows = page.subList(0, Math.min(shown, page.size()));
        if (!rows.equals(deadShown)) {
            deadShown = rows;
            deadGrid.setItems(rows);
        }
    }

    private PoolRow selected() {
        return poolRows.stream().filter(r -> r.poolId().equals(selectedPool)).findFirst().orElse(null);
    }

    private static PoolKey key(WorkspaceChoice ws, PoolRow pool) {
        return new PoolKey(ws.id(), pool.poolId());
    }

    // --- actions --------------------------------------------------------------------------------------------------

    private void redrive(DeadLetterRow row) {
        act(row, queue::redrive, "Message " + row.id() + " redriven: it waits for a worker again");
    }

    private void confirmPurge(DeadLetterRow row) {
        Actions.confirm("confirm-purge-dead-letter", "Purge dead letter " + row.id() + "?",
                "The message and its delivery history are deleted for good, and its idempotency key is freed: a "
                        + "producer may enqueue the same cleanup again. This cannot be undone.", "Purge",
                () -> act(row, queue::purge, "Dead letter " + row.id() + " purged"));
    }

    /** Runs a dead-letter operation of the queue on the selected pool (false: no such dead letter any more). */
    private void act(DeadLetterRow row, BiPredicate<PoolKey, UUID> operation, String done) {
        WorkspaceChoice ws = workspace;
        PoolRow pool = selected();
        if (pool == null) return;
        try {
            workspaces.run(ws, NEEDED, () -> {
                if (!operation.test(key(ws, pool), row.id())) throw new NotFound("Dead letter not found");
            });
            Problems.success(done);
        } catch (RuntimeException e) {
            Problems.show(e);
        }
        refresh();
    }

    // --- workspace, polling and live updates ----------------------------------------------------------------------

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        selectedPool = null;
        poolRows = List.of();
        poolsShown = null;
        deadShown = null;
        boolean allowed = offeredTo(choice);
        intro.setVisible(allowed);
        toolbar.setVisible(allowed);
        poolGrid.setVisible(allowed);
        denied.setVisible(!allowed);
        denied.setText(choice == null
                ? "You cannot open any workspace yet."
                : "The cleanup queues need the admin role in " + choice.slug() + "; you are a "
                        + choice.role().wireName() + ".");
        getUI().ifPresent(ui -> poll(ui, allowed));
        refresh();
        return allowed;
    }

    private void poll(UI ui, boolean on) {
        if (polling != null) {
            polling.remove();
            polling = null;
        }
        ui.setPollInterval(on ? POLL_MILLIS : -1);
        if (on) polling = ui.addPollListener(e -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        poll(detachEvent.getUI(), false);
        super.onDetach(detachEvent);
    }
}
