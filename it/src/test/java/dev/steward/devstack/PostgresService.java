package dev.steward.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Embedded PostgreSQL (zonky) with a database {@code steward} owned by a login role {@code steward}. */
final class PostgresService {
    static final String DATABASE = "steward";
    static final String USER = "steward";
    static final String PASSWORD = "steward";

    // zonky logs every step at INFO through java.util.logging; its own log file says enough. Held in a field: JUL
    // keeps loggers only weakly, and a collected logger would forget the level.
    private static final Logger ZONKY_LOG = Logger.getLogger("io.zonky");

    static {
        ZONKY_LOG.setLevel(Level.WARNING);
    }

    private EmbeddedPostgres postgres;
    private Path dataDir;
    private boolean stopped;

    /**
     * @param keepData true: reuse {@code dataDir} across restarts (dev); false: a fresh cluster, deleted on stop
     *                 (tests)
     */
    synchronized void start(int port, Path dataDir, boolean keepData, Path log) {
        if (stopped) {
            throw new StackException("the stack is stopping");
        }
        this.dataDir = dataDir;
        try {
            if (!keepData) {
                FileTree.delete(dataDir); // zonky runs initdb, which wants an empty directory
            }
            Files.createDirectories(dataDir);
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(!keepData)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // the default 128MB keeps little of the event table's indexes; the machine has plenty of memory
                    .setServerConfig("shared_buffers", "1GB")
                    // event ingest writes about 4 KB of WAL per event, 40 MB a second: at the default 1 GB
                    // checkpoints came within half a minute of each other and rewrote pages just written, and each
                    // page's first change after one logs the whole page
                    .setServerConfig("max_wal_size", "8GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .setRegisterShutdownHook(false) // Stack stops it, after the app that uses it
                    .setOutputRedirector(Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(Redirect.appendTo(log.toFile()))
                    .start();
            createDatabase(port);
        } catch (IOException e) {
            throw new StackException("PostgreSQL did not start on port " + port + " (log: " + log + "): " + e, e);
        }
    }

    String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The postmaster's PID (from postmaster.pid), 0 when not running. */
    long pid() {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            return Files.exists(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // synchronized with start(): a stop that arrives mid-start waits for it, so no server outlives the JVM
    synchronized void stop() {
        stopped = true;
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping PostgreSQL: " + e, e);
        } finally {
            postgres = null;
        }
    }

    // idempotent: on a kept data directory both already exist from the first start
    private static void createDatabase(int port) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement()) {
            if (!exists(s, "select 1 from pg_roles where rolname = '" + USER + "'")) {
                s.execute("create role " + USER + " login password '" + PASSWORD + "'");
            }
            if (!exists(s, "select 1 from pg_database where datname = '" + DATABASE + "'")) {
                s.execute("create database " + DATABASE + " owner " + USER);
            }
        } catch (SQLException e) {
            throw new StackException("cannot create database " + DATABASE + ": " + e, e);
        }
    }

    private static boolean exists(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            return rs.next();
        }
    }
}
