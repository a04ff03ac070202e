package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefect's WorkerFilter: last_heartbeat_time {before_, after_} and status {any_, not_any_}, joined by the filter's
 * operator. Applied to a pool's workers in memory: their status is computed from the heartbeat, not stored.
 */
final class WorkerFilter {
    private final boolean or;
    private final boolean byHeartbeat;
    private final boolean byStatus;
    private final Instant before;
    private final Instant after;
    private final List<String> any;
    private final List<String> notAny;

    WorkerFilter(Body filter) {
        filter.rejectUnknown(List.of("operator", "last_heartbeat_time", "status"));
        String operator = filter.optionalString("operator").orElse("and_");
        if (!List.of("and_", "or_").contains(operator)) {
            throw InvalidInput.field(filter.location("operator"), "Input should be 'and_' or 'or_'");
        }
        or = operator.equals("or_");
        Body heartbeat = filter.object("last_heartbeat_time");
        heartbeat.rejectUnknown(List.of("before_", "after_"));
        before = heartbeat.optionalInstant("before_").orElse(null);
        after = heartbeat.optionalInstant("after_").orElse(null);
        Body status = filter.object("status");
        status.rejectUnknown(List.of("any_", "not_any_"));
        any = statuses(status, "any_");
        notAny = statuses(status, "not_any_");
        byHeartbeat = filter.has("last_heartbeat_time");
        byStatus = filter.has("status");
    }

    /** Whether the worker, whose status is {@code status}, passes the filter. */
    boolean matches(Worker w, String status) {
        List<Boolean> parts = new ArrayList<>();
        if (byHeartbeat) {
            parts.add((before == null || !w.getLastHeartbeatTime().isAfter(before))
                    && (after == null || !w.getLastHeartbeatTime().isBefore(after)));
        }
        if (byStatus) parts.add((any == null || any.contains(status)) && (notAny == null || !notAny.contains(status)));
        return parts.isEmpty() || (or ? parts.contains(true) : !parts.contains(false));
    }

    private static List<String> statuses(Body status, String field) {
        List<String> values = status.optionalStrings(field).orElse(null);
        if (values != null) {
            for (String v : values) {
                if (!v.equals("ONLINE") && !v.equals("OFFLINE")) {
                    throw InvalidInput.field(status.location(field), "Input should be 'ONLINE' or 'OFFLINE'");
                }
            }
        }
        return values;
    }
}
