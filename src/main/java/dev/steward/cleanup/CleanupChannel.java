package dev.steward.cleanup;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.workers.ChannelFrames;
import dev.steward.workers.ChannelHandler;
import dev.steward.workers.ConnectedWorker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Cleanup delivery over the worker channel (Prefect 3.9.1's client/schemas/worker_channel.py): a worker whose hello
 * asked for {@code cleanup_delivery.v1} with kinds to handle is registered with the {@link CleanupDispatcher} once it
 * is ready, and sent {@code cleanup.message.v1} for messages of its pool and kinds, within its
 * {@code max_cleanup_concurrency}. Its {@code cleanup.ack|release|renew.v1} are applied to the queue and answered with
 * {@code cleanup.operation_result.v1}; other workers' operations are answered {@code unauthorized}
 * ({@code cleanup_delivery_not_accepted}), as Prefect's server does.
 */
@ApplicationScoped
public class CleanupChannel implements ChannelHandler {
    private static final Set<String> OPERATIONS = Set.of("cleanup.ack.v1", "cleanup.release.v1", "cleanup.renew.v1");

    @Inject
    CleanupDispatcher dispatcher;

    /** An ack, release or renew: the message, the delivery's token, and a release's reason. */
    record Operation(String operation, UUID messageId, String token, String reason) {}

    @Override
    public Set<String> frameTypes() {
        return OPERATIONS;
    }

    @Override
    public Connection connect(ConnectedWorker worker) {
        Delivery delivery = worker.acceptsCleanup() ? new Delivery(worker) : null;
        CleanupDispatcher.Registration registration = delivery == null ? null : dispatcher.register(delivery);
        return new Connection() {
            @Override
            public void receive(ChannelFrames.Frame frame) throws ChannelFrames.Violation {
                Operation op = operation(frame);
                JsonObject answer;
                if (delivery == null) {
                    answer = result(frame.id(), op, "unauthorized", "cleanup_delivery_not_accepted", null);
                } else {
                    OperationResult r = dispatcher.operate(delivery, op.operation(), op.messageId(), op.token(),
                            op.reason());
                    answer = result(frame.id(), op, r.status().wire(), r.reason(), r.leaseExpiresAt());
                }
                worker.send(answer);
            }

            @Override
            public void close() {
                // deliveries in flight stay reserved: the worker may still ack them, else their leases expire
                if (registration != null) registration.close();
            }
        };
    }

    /** A connected worker as the dispatcher sees it. */
    private static final class Delivery implements CleanupDispatcher.Worker {
        private final ConnectedWorker worker;
        private final PoolKey pool;

        Delivery(ConnectedWorker worker) {
            this.worker = worker;
            this.pool = new PoolKey(worker.workspaceId(), worker.poolId());
        }

        @Override
        public String toString() {
            return "worker '" + worker.name() + "' of pool " + pool.workPoolId();
        }

        public PoolKey pool() { return pool; }
        public String name() { return worker.name(); }
        public Set<String> kinds() { return worker.cleanupKinds(); }
        public Set<UUID> queueIds() { return Set.copyOf(worker.queueIds()); }
        public int maxConcurrency() { return worker.maxCleanupConcurrency(); }

        public boolean deliver(CleanupMessage reserved) {
            return worker.send(message(reserved));
        }
    }

    /** A cleanup operation's payload (ack, release, renew), as strictly as Prefect's models check it. */
    static Operation operation(ChannelFrames.Frame f) throws ChannelFrames.Violation {
        return ChannelFrames.check(() -> {
            Body p = f.payload();
            boolean release = f.type().equals("cleanup.release.v1");
            p.rejectUnknown(release ? List.of("message_id", "reservation_token", "reason")
                    : List.of("message_id", "reservation_token"));
            String token = ChannelFrames.nonEmpty(p, "reservation_token");
            String reason = release ? ChannelFrames.nonEmpty(p, "reason") : null;
            String operation = f.type().substring("cleanup.".length(), f.type().length() - ".v1".length());
            return new Operation(operation, p.requiredUuid("message_id"), token, reason);
        });
    }

    /** {@code cleanup.message.v1} for a reserved message (CleanupMessageFrame). */
    static JsonObject message(CleanupMessage m) {
        return ChannelFrames.envelope("cleanup.message.v1", Json.createObjectBuilder()
                .add("message_id", m.messageId().toString())
                .add("reservation_token", m.reservationToken())
                .add("lease_expires_at", m.leaseExpiresAt().toString())
                .add("delivery_count", m.deliveryCount())
                .add("work_queue_id", Json.orNull(m.workQueueId()))
                .add("data", m.data())
                .add("kind", m.kind())
                .add("target", m.target())
                .build());
    }

    /** {@code cleanup.operation_result.v1} answering the frame {@code requestId}. */
    static JsonObject result(UUID requestId, Operation op, String status, String reason, Instant leaseExpiresAt) {
        return ChannelFrames.envelope("cleanup.operation_result.v1", Json.createObjectBuilder()
                .add("request_frame_id", requestId.toString()).add("message_id", op.messageId().toString())
                .add("operation", op.operation()).add("status", status)
                .add("lease_expires_at", Json.orNull(leaseExpiresAt))
                .add("reason", Json.orNull(reason))
                .addNull("detail")
                .build());
    }
}
