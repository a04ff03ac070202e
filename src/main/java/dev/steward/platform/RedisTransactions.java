package dev.steward.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Redis optimistic transactions with the retry loop Jedis leaves out: an attempt WATCHes the keys it reads, reads
 * them, decides, then MULTI/EXEC its writes; when a watched key changed meanwhile, EXEC aborts and the attempt is
 * decided again from the new values, after a short random pause, at most {@link #MAX_ATTEMPTS} times. Keeping the
 * decision in Java (where it is tested) and watching only the keys it depends on keeps unrelated changes from
 * aborting each other. An attempt may also decide without writing (no MULTI): that ends the loop too.
 */
public final class RedisTransactions {
    /** Attempts before {@link Contention}: enough that only a key changed in a tight loop runs out of them. */
    public static final int MAX_ATTEMPTS = 50;

    private RedisTransactions() {}

    /** One attempt: its connection for WATCH and reads, then its transaction for the writes. */
    public static final class Attempt {
        private final Jedis jedis;
        private Transaction transaction;
        private boolean committed;
        private final List<Runnable> afterCommit = new ArrayList<>();

        private Attempt(Connection connection) {
            this.jedis = new Jedis(connection);
        }

        /** The attempt's connection: WATCH and read through it before {@link #multi}. */
        public Jedis jedis() {
            return jedis;
        }

        /** Starts the writes (MULTI); they are queued until {@link #exec}. */
        public Transaction multi() {
            transaction = jedis.multi();
            return transaction;
        }

        /** The writes started by {@link #multi}. */
        public Transaction transaction() {
            return transaction;
        }

        /** Runs {@code action} on this instance once this attempt's EXEC has committed (never when it aborts). */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        /** EXEC: {@code result} when it committed; when a watched key changed, the attempt is decided again. */
        public <T> T exec(T result) {
            if (transaction.exec() == null) throw Aborted.INSTANCE;
            committed = true;
            return result;
        }

        /** A WATCH not followed by EXEC must not stay on the pooled connection. */
        private void finish() {
            if (transaction == null) jedis.unwatch();
        }
    }

    /** A watched key changed too often: the attempts ran out. */
    public static final class Contention extends RuntimeException {
        private Contention() {
            super("watched keys changed concurrently too often", null, false, false);
        }
    }

    /** A watched key changed between WATCH and EXEC. */
    private static final class Aborted extends RuntimeException {
        static final Aborted INSTANCE = new Aborted();

        private Aborted() {
            super("a watched key changed", null, false, false);
        }
    }

    /**
     * Runs {@code attempt} until its EXEC commits or it decides without one, each time on a fresh pooled connection;
     * a connection left mid-transaction by an error is discarded, not returned to the pool. Then runs the committed
     * attempt's {@link Attempt#afterCommit} actions and answers its result.
     */
    public static <T> T optimistic(Redis redis, Function<Attempt, T> attempt) {
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            Connection c = redis.pool().getPool().getResource();
            Attempt tx = new Attempt(c);
            T result;
            try {
                result = attempt.apply(tx);
                tx.finish();
            } catch (Aborted aborted) {
                c.close();
                pause();
                continue;
            } catch (RuntimeException e) {
                c.setBroken();
                c.close();
                throw e;
            }
            c.close();
            if (tx.committed) tx.afterCommit.forEach(Runnable::run);
            return result;
        }
        throw new Contention();
    }

    private static void pause() {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000, 1_000_000));
    }
}
