package dev.steward.console.automations;

import dev.steward.access.Role;
import dev.steward.automations.AutomationBacktest;
import dev.steward.automations.AutomationDocument;
import dev.steward.automations.AutomationPageReadModel;
import dev.steward.automations.AutomationService;
import dev.steward.automations.AutomationSort;
import dev.steward.automations.AutomationsPageReadModel;
import dev.steward.automations.Notifications;
import dev.steward.blocks.BlockDocumentSort;
import dev.steward.blocks.BlockDocuments;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.automations.Picks.Kind;
import dev.steward.console.automations.Picks.Pick;
import dev.steward.orchestration.RunsPageReadModel;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.workers.WorkPool;
import dev.steward.workers.WorkPoolFilter;
import dev.steward.workers.WorkPools;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every call the automations pages make, each through {@link ConsoleWorkspaces#call} with the role the REST API asks
 * for the same: reading (the lists, an automation, its firings, the pickers, a backtest, which changes nothing) needs
 * viewer; creating, replacing, enabling and deleting need developer. Bodies are read by {@link AutomationDocument}, as
 * the REST API reads them.
 */
@ApplicationScoped
public class AutomationsData {
    /** How many objects a picker offers at most. */
    static final int PICKS = 1_000;

    @Inject
    ConsoleWorkspaces workspaces;

    @Inject
    AutomationService automations;

    @Inject
    AutomationsPageReadModel list;

    @Inject
    AutomationPageReadModel page;

    @Inject
    AutomationBacktest backtest;

    @Inject
    RunsPageReadModel runs;

    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    BlockDocuments blocks;

    List<AutomationsPageReadModel.Row> page(WorkspaceChoice ws, String search, AutomationSort sort, int offset,
                                            int limit) {
        return workspaces.call(ws, Role.VIEWER, () -> list.page(search, sort, offset, limit));
    }

    long count(WorkspaceChoice ws, String search) {
        return workspaces.call(ws, Role.VIEWER, () -> list.count(search));
    }

    /** Prefect's Automation object. */
    JsonObject read(WorkspaceChoice ws, UUID id) {
        return workspaces.call(ws, Role.VIEWER, () -> AutomationDocument.write(automations.get(id)));
    }

    List<AutomationPageReadModel.Fired> firings(WorkspaceChoice ws, UUID id, int offset, int limit) {
        return workspaces.call(ws, Role.VIEWER, () -> page.firings(id, offset, limit));
    }

    long firingCount(WorkspaceChoice ws, UUID id) {
        return workspaces.call(ws, Role.VIEWER, () -> page.count(id));
    }

    /** Which events of the last 24 hours would have fired the body's automation, read as a replace is read. */
    AutomationBacktest.Result backtest(WorkspaceChoice ws, JsonObject body) {
        return workspaces.call(ws, Role.VIEWER,
                () -> backtest.run(AutomationDocument.readUpdate(Body.of(body)), Instant.now()));
    }

    UUID create(WorkspaceChoice ws, JsonObject body) {
        return workspaces.call(ws, Role.DEVELOPER,
                () -> automations.create(AutomationDocument.readCreate(Body.of(body))).getId());
    }

    void replace(WorkspaceChoice ws, UUID id, JsonObject body) {
        workspaces.run(ws, Role.DEVELOPER, () -> automations.replace(id, AutomationDocument.readUpdate(Body.of(body))));
    }

    void setEnabled(WorkspaceChoice ws, UUID id, boolean enabled) {
        workspaces.run(ws, Role.DEVELOPER, () -> automations.setEnabled(id, enabled));
    }

    void delete(WorkspaceChoice ws, UUID id) {
        workspaces.run(ws, Role.DEVELOPER, () -> automations.delete(id));
    }

    /** What a picker offers: the first {@link #PICKS} objects of the kind, by name. */
    List<Pick> picks(WorkspaceChoice ws, Kind kind) {
        return workspaces.call(ws, Role.VIEWER, () -> switch (kind) {
            case FLOW -> runs.flows("", 0, PICKS).stream().map(c -> new Pick(c.id(), c.name())).toList();
            case DEPLOYMENT -> runs.deployments("", 0, PICKS).stream().map(c -> new Pick(c.id(), c.name())).toList();
            case WORK_POOL -> pools.list(WorkPoolFilter.pools(Body.of(JsonValue.EMPTY_JSON_OBJECT)), 0, PICKS).stream()
                    .map(p -> new Pick(p.getId(), p.getName())).toList();
            case WORK_QUEUE -> {
                Map<UUID, String> poolNames = new HashMap<>();
                pools.list(WorkPoolFilter.pools(Body.of(JsonValue.EMPTY_JSON_OBJECT)), 0, PICKS)
                        .forEach((WorkPool p) -> poolNames.put(p.getId(), p.getName()));
                yield queues.list(null, WorkPoolFilter.queues(Body.of(JsonValue.EMPTY_JSON_OBJECT)), 0, PICKS)
                        .stream().map(q -> new Pick(q.getId(),
                                poolNames.getOrDefault(q.getWorkPoolId(), "?") + " / " + q.getName())).toList();
            }
            case AUTOMATION -> automations.list(new AutomationService.Page(JsonValue.EMPTY_JSON_OBJECT,
                    AutomationSort.NAME_ASC, 0, PICKS)).stream().map(a -> new Pick(a.getId(), a.getName())).toList();
            case NOTIFICATION_BLOCK ->
                    blocksOf(List.of(Notifications.SLACK, Notifications.TEAMS, Notifications.CUSTOM));
            case WEBHOOK_BLOCK -> blocksOf(List.of(Notifications.WEBHOOK));
        });
    }

    /** The named block documents of these types, labelled with their type. */
    private List<Pick> blocksOf(List<String> typeSlugs) {
        JsonObject types = Json.createObjectBuilder().add("slug", Json.createObjectBuilder()
                .add("any_", Json.createArrayBuilder(typeSlugs))).build();
        return blocks.list(new BlockDocuments.Page(JsonValue.EMPTY_JSON_OBJECT, types, JsonValue.EMPTY_JSON_OBJECT,
                        BlockDocumentSort.NAME_ASC, 0, PICKS), false).stream()
                .map(d -> new Pick(UUID.fromString(d.getString("id")),
                        d.getString("name") + " (" + d.getString("block_type_name") + ")")).toList();
    }
}
