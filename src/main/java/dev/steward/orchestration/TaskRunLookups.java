package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.Session;

/** {@link TaskRunRules.Lookups} in the request's transaction: one query each, made only when a rule asks. */
final class TaskRunLookups implements TaskRunRules.Lookups {
    private static final String FLOW_RUN = """
            select (body ->> 'run_count')::int, body -> 'state' from flow_run where workspace_id = ? and id = ?""";

    private final Session session;
    private final UUID flowRunId;

    TaskRunLookups(Session session, UUID flowRunId) {
        this.session = session;
        this.flowRunId = flowRunId;
    }

    @Override
    public JsonObject cachedState(String cacheKey, Instant now) {
        return session.doReturningWork(c -> TaskRunCache.find(c, TenantScope.workspaceId(), cacheKey, now));
    }

    @Override
    public TaskRunRules.FlowRunView flowRun() {
        if (flowRunId == null) return null;
        return session.doReturningWork(c -> {
            try (PreparedStatement read = c.prepareStatement(FLOW_RUN)) {
                read.setObject(1, TenantScope.workspaceId());
                read.setObject(2, flowRunId);
                try (ResultSet rs = read.executeQuery()) {
                    if (!rs.next()) return null;
                    String state = rs.getString(2);
                    return new TaskRunRules.FlowRunView(flowRunId, rs.getInt(1),
                            state == null || state.equals("null") ? null : Json.parseObject(state));
                }
            }
        });
    }

    /** CacheInsertion's write, after the state's row (it refers to it). */
    void cache(JsonObject state, Instant now) {
        session.doWork(c -> TaskRunCache.insert(c, TenantScope.workspaceId(), state, now));
    }
}
