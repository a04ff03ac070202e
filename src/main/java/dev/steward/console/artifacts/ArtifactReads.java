package dev.steward.console.artifacts;

import dev.steward.access.Role;
import dev.steward.artifacts.ArtifactService;
import dev.steward.artifacts.ArtifactSort;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.WorkspaceChoice;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The console's artifact reads: the service the REST API uses, given Prefect's filter bodies, for the selected
 * workspace through {@link ConsoleWorkspaces#call} (viewers may read artifacts).
 */
@ApplicationScoped
public class ArtifactReads {
    /** The most versions a page shows at once (a run's, or a key's history). */
    static final int MAX_VERSIONS = 200;

    @Inject
    ConsoleWorkspaces workspaces;

    @Inject
    ArtifactService artifacts;

    /** The latest version of each key whose key contains {@code search} (all keys for blank), newest change first. */
    List<ArtifactRow> latest(WorkspaceChoice ws, String search, int offset, int limit) {
        Body filter = keyFilter(search);
        return workspaces.call(ws, Role.VIEWER, () -> artifacts.latest(filter, ArtifactSort.UPDATED_DESC, offset, limit)
                .stream().map(ArtifactRow::latest).toList());
    }

    long countLatest(WorkspaceChoice ws, String search) {
        Body filter = keyFilter(search);
        return workspaces.call(ws, Role.VIEWER, () -> artifacts.countLatest(filter));
    }

    /** A key's versions, newest first. */
    List<ArtifactRow> history(WorkspaceChoice ws, String key) {
        return versions(ws, keyIs(key));
    }

    long countHistory(WorkspaceChoice ws, String key) {
        Body filter = keyIs(key);
        return workspaces.call(ws, Role.VIEWER, () -> artifacts.countVersions(filter));
    }

    /** A flow run's artifacts (its tasks' included, as Prefect records both ids) or a task run's, newest first. */
    List<ArtifactRow> ofRun(WorkspaceChoice ws, UUID flowRunId, UUID taskRunId) {
        String field = taskRunId != null ? "task_run_id" : "flow_run_id";
        UUID id = taskRunId != null ? taskRunId : flowRunId;
        return versions(ws, criterion(field, Json.createObjectBuilder()
                .add("any_", Json.createArrayBuilder().add(id.toString())).build()));
    }

    private List<ArtifactRow> versions(WorkspaceChoice ws, Body filter) {
        return workspaces.call(ws, Role.VIEWER, () -> artifacts.versions(filter, ArtifactSort.CREATED_DESC, 0,
                MAX_VERSIONS).stream().map(ArtifactRow::of).toList());
    }

    /** Prefect's ArtifactFilter {@code {"key": {"like_": search}}}: contains, case-insensitively. */
    private static Body keyFilter(String search) {
        String text = search == null ? "" : search.strip();
        return text.isEmpty() ? Body.of(JsonObject.EMPTY_JSON_OBJECT)
                : criterion("key", Json.createObjectBuilder().add("like_", text).build());
    }

    private static Body keyIs(String key) {
        return criterion("key", Json.createObjectBuilder().add("any_", Json.strings(List.of(key))).build());
    }

    /** A body {@code {"artifacts": {field: criterion}}}. */
    private static Body criterion(String field, JsonObject criterion) {
        return Body.of(Json.createObjectBuilder()
                .add("artifacts", Json.createObjectBuilder().add(field, criterion)).build());
    }
}
