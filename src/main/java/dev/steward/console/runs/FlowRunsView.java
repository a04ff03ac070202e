package dev.steward.console.runs;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.steward.access.Role;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.Formats;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.Problems;
import dev.steward.console.Shortcuts;
import dev.steward.console.StewardAppShell;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.WorkspaceView;
import dev.steward.orchestration.RunsPageReadModel;
import dev.steward.orchestration.RunsPageReadModel.Row;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The selected workspace's flow runs, newest expected start first: a lazily paged grid (the server reads one page at
 * a time), filters kept in the URL ({@link RunsFilter}), the runs counted per state (a click on a count filters by
 * that state) and drawn over time ({@link RunsChart}). Counts and chart leave the state filter out, so they show
 * what choosing another state would give; the grid's total is the chosen states' sum. Every role reads it.
 */
@Route(value = "flow-runs", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class FlowRunsView extends WorkspaceView implements BeforeEnterObserver {
    static final String EVENT_PREFIX = "prefect.flow-run.";
    private static final int PAGE_SIZE = 50;

    private final ConsoleWorkspaces workspaces;
    private final RunsPageReadModel listing;

    private final MultiSelectComboBox<String> states = new MultiSelectComboBox<>("State");
    private final ComboBox<RunsPageReadModel.Choice> flow = new ComboBox<>("Flow");
    private final ComboBox<RunsPageReadModel.Choice> deployment = new ComboBox<>("Deployment");
    private final TextField tag = new TextField("Tag");
    private final TextField name = new TextField("Name");
    private final Select<RunsFilter.Range> range = new Select<>();
    private final DateTimePicker from = new DateTimePicker("From (UTC)");
    private final DateTimePicker to = new DateTimePicker("To (UTC)");
    private final FlexLayout counts = new FlexLayout();
    private final Span total = new Span();
    private final Map<String, Span> countChips = new HashMap<>();
    private final RunsChart chart = new RunsChart();
    private final Grid<Row> grid = new Grid<>();
    private final Span noWorkspace = new Span("You cannot open any workspace yet.");

    private WorkspaceChoice workspace;
    private RunsFilter filter = RunsFilter.NONE;
    /** The search as of the last refresh: the grid's pages use the same "now" as the counts. */
    private RunsPageReadModel.Search search = RunsFilter.NONE.search(Instant.now());
    private long matching;
    /** While the fields are set from the URL, their change events do not write the URL back. */
    private boolean restoring;
    private List<Registration> shortcuts = List.of();

    @Inject
    public FlowRunsView(ConsoleWorkspaces workspaces, RunsPageReadModel listing, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, EVENT_PREFIX);
        this.workspaces = workspaces;
        this.listing = listing;
        addClassName("flow-runs-view");
        setSizeFull();
        configureFilters();
        configureCounts();
        configureGrid();
        noWorkspace.setId("no-workspace");
        noWorkspace.setVisible(false);
        add(new H2("Flow runs"), createFilterBar(), counts, chart, noWorkspace, grid);
    }

    private void configureFilters() {
        states.setId("runs-state");
        states.setItems(RunsFilter.STATE_TYPES);
        states.setItemLabelGenerator(FlowRunsView::label);
        states.setPlaceholder("Any state");
        flow.setId("runs-flow");
        flow.setItemLabelGenerator(RunsPageReadModel.Choice::name);
        flow.setItems(q -> choices(() -> listing.flows(q.getFilter().orElse(""), q.getOffset(), q.getLimit())));
        flow.setPlaceholder("Any flow");
        flow.setClearButtonVisible(true);
        deployment.setId("runs-deployment");
        deployment.setItemLabelGenerator(RunsPageReadModel.Choice::name);
        deployment.setItems(q -> choices(() -> listing.deployments(q.getFilter().orElse(""), q.getOffset(), q.getLimit())));
        deployment.setPlaceholder("Any deployment");
        deployment.setClearButtonVisible(true);
        for (TextField field : List.of(tag, name)) {
            field.setClearButtonVisible(true);
            field.setValueChangeMode(ValueChangeMode.LAZY);
        }
        tag.setId("runs-tag");
        tag.setPlaceholder("Any tag");
        name.setId("runs-search");
        name.setPlaceholder("Name contains");
        name.setPrefixComponent(VaadinIcon.SEARCH.create());
        // "/" focuses the page's search (frontend/src/shortcuts)
        name.getElement().setAttribute("data-shortcut-search", "");
        range.setId("runs-range");
        range.setLabel("Expected start");
        range.setItems(RunsFilter.Range.values());
        range.setItemLabelGenerator(r -> r.label);
        range.setValue(RunsFilter.Range.ALL);
        from.setId("runs-from");
        to.setId("runs-to");
        from.setVisible(false);
        to.setVisible(false);
        states.addValueChangeListener(e -> filtersChanged());
        flow.addValueChangeListener(e -> filtersChanged());
        deployment.addValueChangeListener(e -> filtersChanged());
        tag.addValueChangeListener(e -> filtersChanged());
        name.addValueChangeListener(e -> filtersChanged());
        range.addValueChangeListener(e -> filtersChanged());
        from.addValueChangeListener(e -> filtersChanged());
        to.addValueChangeListener(e -> filtersChanged());
    }

    private Component createFilterBar() {
        HorizontalLayout bar = new HorizontalLayout(name, states, flow, deployment, tag, range, from, to);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("flex-wrap", "wrap");
        bar.addClassName("toolbar");
        return bar;
    }

    private void configureCounts() {
        counts.setId("runs-counts");
        counts.addClassName("runs-counts");
        total.setId("runs-total");
        total.addClassName("runs-total");
        counts.add(total);
        for (String state : RunsFilter.STATE_TYPES) {
            Span chip = new Span();
            chip.setId("count-" + state);
            chip.addClassNames("state-badge", "state-" + state, "count-chip");
            chip.getElement().setAttribute("role", "button");
            chip.getElement().setAttribute("title", "Show only " + label(state) + " runs");
            chip.addClickListener(e -> states.setValue(Set.of(state)));
            countChips.put(state, chip);
            counts.add(chip);
        }
    }

    private void configureGrid() {
        grid.setId("runs-grid");
        grid.setSizeFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(LitRenderer.<Row>of("<a href=\"flow-runs/${item.id}\" class=\"run-link\">${item.name}</a>")
                .withProperty("id", r -> r.id().toString()).withProperty("name", Row::name))
                .setHeader("Name").setKey("name").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(Row::flow).setHeader("Flow").setKey("flow").setAutoWidth(true);
        grid.addColumn(r -> r.deployment() == null ? "" : r.deployment()).setHeader("Deployment").setKey("deployment")
                .setAutoWidth(true);
        grid.addColumn(LitRenderer.<Row>of("<span class=\"state-badge state-${item.type}\">${item.state}</span>")
                .withProperty("type", r -> r.stateType() == null ? "NONE" : r.stateType())
                .withProperty("state", r -> r.stateName() == null ? "" : r.stateName()))
                .setHeader("State").setKey("state").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.start() != null ? Formats.instant(r.start()) : Formats.instant(r.expectedStart()) + " (expected)")
                .setHeader("Start (UTC)").setKey("start").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(this::duration).setHeader("Duration").setKey("duration").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> String.join(", ", r.tags())).setHeader("Tags").setKey("tags").setAutoWidth(true);
        grid.setEmptyStateText("No flow runs");
        grid.setPageSize(PAGE_SIZE);
        grid.setItems(this::fetch, q -> (int) Math.min(matching, Integer.MAX_VALUE));
    }

    private String duration(Row r) {
        if (r.start() == null) return "";
        Instant end = r.end() != null ? r.end() : "RUNNING".equals(r.stateType()) ? Instant.now() : null;
        if (end == null) return "";
        long s = Math.max(0, Duration.between(r.start(), end).getSeconds());
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m " + s % 60 + "s" : s / 3600 + "h " + s % 3600 / 60 + "m";
    }

    private static String label(String stateType) {
        return stateType.charAt(0) + stateType.substring(1).toLowerCase();
    }

    // --- URL and filters ------------------------------------------------------------------------------------------

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        RunsFilter f = RunsFilter.parse(event.getLocation().getQueryParameters());
        restoring = true;
        try {
            states.setValue(f.states());
            tag.setValue(f.tag());
            name.setValue(f.name());
            range.setValue(f.range());
            from.setValue(f.from() == null ? null : LocalDateTime.ofInstant(f.from(), ZoneOffset.UTC));
            to.setValue(f.to() == null ? null : LocalDateTime.ofInstant(f.to(), ZoneOffset.UTC));
            // the flow's and deployment's names are read when the workspace is shown (show)
            filter = f;
        } finally {
            restoring = false;
        }
        // a link to this page from this page (another filter) keeps the view: show the new filter
        if (isAttached()) show(workspace);
    }

    private void filtersChanged() {
        boolean custom = range.getValue() == RunsFilter.Range.CUSTOM;
        from.setVisible(custom);
        to.setVisible(custom);
        if (restoring) return;
        filter = new RunsFilter(new TreeSet<>(states.getValue()),
                flow.getValue() == null ? null : flow.getValue().id(),
                deployment.getValue() == null ? null : deployment.getValue().id(),
                tag.getValue(), name.getValue(), range.getValue() == null ? RunsFilter.Range.ALL : range.getValue(),
                custom && from.getValue() != null ? from.getValue().toInstant(ZoneOffset.UTC) : null,
                custom && to.getValue() != null ? to.getValue().toInstant(ZoneOffset.UTC) : null);
        getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null, new Location("flow-runs", filter.toQuery())));
        refresh();
    }

    // --- data -----------------------------------------------------------------------------------------------------

    private Stream<Row> fetch(Query<Row, Void> query) {
        WorkspaceChoice ws = workspace;
        RunsPageReadModel.Search s = search;
        if (ws == null) return Stream.empty();
        int offset = query.getOffset();
        int limit = query.getLimit();
        return read(() -> listing.page(s, offset, limit), List.<Row>of()).stream();
    }

    private <T> Stream<T> choices(Supplier<List<T>> work) {
        return workspace == null ? Stream.empty() : read(work, List.<T>of()).stream();
    }

    private <T> T read(Supplier<T> work, T fallback) {
        return Problems.orLater(this, () -> workspaces.call(workspace, Role.VIEWER, work), fallback);
    }

    /** Counts and chart for the filter (one query), then the grid from its first page. */
    @Override
    protected void refresh() {
        if (workspace == null) return;
        search = filter.search(Instant.now());
        RunsPageReadModel.Search s = search;
        record Counted(RunsChart.Buckets range, List<RunsPageReadModel.Bucket> buckets) {}
        Counted counted = read(() -> {
            Instant start = s.from();
            Instant end = s.to();
            if (start == null || end == null) {
                RunsPageReadModel.Span span = listing.span();
                Instant now = Instant.now();
                if (start == null) start = span.first() == null ? now : span.first();
                if (end == null) end = span.last() == null ? now : span.last().plusSeconds(1);
            }
            RunsChart.Buckets range = RunsChart.Buckets.over(start, end);
            return new Counted(range, listing.buckets(s.withoutStates(), range.origin(), range.seconds()));
        }, null);
        Map<String, Long> perState = new HashMap<>();
        if (counted != null) {
            counted.buckets().forEach(b -> perState.merge(b.stateType(), b.count(), Long::sum));
            chart.show(counted.range(), counted.buckets());
        }
        matching = perState.entrySet().stream().filter(e -> s.states().isEmpty() || s.states().contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        total.setText(String.format("%,d runs", matching));
        for (String state : RunsFilter.STATE_TYPES) {
            long n = perState.getOrDefault(state, 0L);
            Span chip = countChips.get(state);
            chip.setText(label(state) + " " + String.format("%,d", n));
            chip.getElement().setAttribute("data-count", Long.toString(n));
            chip.setVisible(n > 0);
            chip.getElement().getClassList().set("selected", s.states().contains(state));
        }
        grid.getDataProvider().refreshAll();
    }

    // --- shortcuts ------------------------------------------------------------------------------------------------

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        Shortcuts.around(this).ifPresent(s -> shortcuts = List.of(
                s.add("f", "Flow runs: only failed and crashed runs", () -> states.setValue(Set.of("FAILED", "CRASHED"))),
                s.add("c", "Flow runs: clear the filters", this::clearFilters)));
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        shortcuts.forEach(Registration::remove);
        shortcuts = List.of();
        super.onDetach(detachEvent);
    }

    private void clearFilters() {
        restoring = true;
        try {
            states.clear();
            flow.clear();
            deployment.clear();
            tag.clear();
            name.clear();
            range.setValue(RunsFilter.Range.ALL);
        } finally {
            restoring = false;
        }
        filtersChanged();
    }

    // --- workspace ------------------------------------------------------------------------------------------------

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        boolean open = choice != null;
        noWorkspace.setVisible(!open);
        grid.setVisible(open);
        counts.setVisible(open);
        chart.setVisible(open);
        if (open) {
            restoring = true;
            try {
                // the flow and deployment of the URL, when this workspace has them
                flow.setValue(filter.flowId() == null ? null : read(() -> listing.flow(filter.flowId()), Optional.<RunsPageReadModel.Choice>empty()).orElse(null));
                deployment.setValue(filter.deploymentId() == null ? null
                        : read(() -> listing.deployment(filter.deploymentId()), Optional.<RunsPageReadModel.Choice>empty()).orElse(null));
            } finally {
                restoring = false;
            }
            filtersChanged();
        }
        return open;
    }
}
