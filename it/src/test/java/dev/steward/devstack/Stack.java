package dev.steward.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * PostgreSQL, Redis, Keycloak and Payara Micro (running the Steward WAR), on 127.0.0.1.
 *
 * <pre>{@code
 * Stack stack = Stack.builder(Stack.Mode.TEST, Path.of("target/it")).build();
 * Endpoints e = stack.start();   // blocks until every piece is ready
 * ...
 * stack.stop();                  // Payara, Keycloak, Redis, PostgreSQL
 * }</pre>
 *
 * Everything lives under the state directory: {@code logs/<name>.log}, {@code keycloak/} (unpacked once, kept),
 * {@code postgres/}, {@code redis/}, {@code payara/}. {@link Mode#DEV} keeps the data of PostgreSQL, Redis and
 * Keycloak across restarts; {@link Mode#TEST} starts from empty ones. A Stack starts once: build a new one to start
 * again.
 */
public final class Stack implements AutoCloseable {

    public enum Mode { DEV, TEST }

    static final String SECRETS_KEY_ENV = "STEWARD_SECRETS_KEY";
    private static final Duration KEYCLOAK_TIMEOUT = Duration.ofSeconds(480); // first start builds: ~75 s alone
    private static final Duration PAYARA_TIMEOUT = Duration.ofSeconds(480); // ~100 s alone; a busy machine takes longer

    private final Mode mode;
    private final Path stateDir;
    private final StackPorts ports;
    private final DevstackConfig config;
    private final Map<String, String> extraAppEnv;
    private final Progress progress;
    private final Endpoints endpoints;

    private final PostgresService postgres = new PostgresService();
    private final RedisService redis = new RedisService();
    private final KeycloakService keycloak;
    private final PayaraService payara = new PayaraService();
    private final PayaraService secondPayara = new PayaraService();
    private volatile int secondAppPort;
    private volatile boolean stopped;
    private String secretsKey;

    private Stack(Builder b) {
        this.mode = b.mode;
        this.stateDir = b.stateDir.toAbsolutePath().normalize();
        this.ports = b.ports != null ? b.ports : StackPorts.pickEphemeral();
        this.config = b.config != null ? b.config : DevstackConfig.load();
        this.extraAppEnv = Map.copyOf(b.appEnv);
        this.progress = new Progress(b.out);
        this.keycloak = new KeycloakService(stateDir.resolve("keycloak"));
        this.endpoints = new Endpoints("http://127.0.0.1:" + ports.app(), "http://127.0.0.1:" + ports.keycloak(),
                KeycloakService.REALM, KeycloakService.CLIENT_ID, KeycloakService.CLIENT_SECRET,
                postgres.jdbcUrl(ports.postgres()), PostgresService.USER, PostgresService.PASSWORD,
                "redis://127.0.0.1:" + ports.redis());
    }

    /** @param stateDir where data and logs go: {@code .steward} for dev, {@code target/it} for tests */
    public static Builder builder(Mode mode, Path stateDir) {
        return new Builder(mode, stateDir);
    }

    /** Known before {@link #start()}: the ports are fixed when the stack is built. */
    public Endpoints endpoints() {
        return endpoints;
    }

    public StackPorts ports() {
        return ports;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** For DevMain, so its lines continue the start's timeline. */
    Progress progress() {
        return progress;
    }

    public Path logDir() {
        return stateDir.resolve("logs");
    }

    /**
     * The master key the app seals secrets with ({@code STEWARD_SECRETS_KEY}, base64 of 32 bytes). {@link Mode#DEV}
     * makes it once into {@code secrets.key} (mode 600) and keeps it, as the database's data needs it;
     * {@link Mode#TEST} makes a new one per stack, in memory. An {@link Builder#appEnv} of the same name wins.
     */
    public synchronized String secretsKey() {
        if (secretsKey == null) {
            String given = extraAppEnv.get(SECRETS_KEY_ENV);
            secretsKey = given != null ? given : mode == Mode.DEV ? SecretsKeyFile.readOrCreate(secretsKeyFile())
                    : SecretsKeyFile.generate();
        }
        return secretsKey;
    }

    /** Where {@link Mode#DEV} keeps its master key. */
    public Path secretsKeyFile() {
        return stateDir.resolve("secrets.key");
    }

    /**
     * Starts everything and waits until it is ready. Keycloak (slowest) starts at once in its own thread; Payara
     * starts as soon as PostgreSQL and Redis are up, in parallel with Keycloak. On failure everything started is
     * stopped again and the exception says what failed, with the tail of its log.
     */
    public Endpoints start() {
        config.requireFiles();
        progress.say("Starting the Steward stack (%s mode) in %s", mode.name().toLowerCase(), stateDir);
        try {
            prepareLogDir();
            CompletableFuture<Void> keycloakReady = inThread("keycloak-start", this::startKeycloak);
            startPostgres();
            startRedis();
            CompletableFuture<Void> payaraReady = inThread("payara-start", this::startPayara);
            awaitBoth(keycloakReady, payaraReady);
            progress.say("Stack ready in %.1f s: %s", progress.seconds(), endpoints.appUrl() + "/");
            progress.say("Memory (RSS): %s", memorySummary());
            return endpoints;
        } catch (RuntimeException e) {
            progress.say("Start failed; stopping what was started");
            stop();
            throw e;
        }
    }

    /**
     * Kills the app server with SIGKILL, as a crash would, then starts it again on the same port against the same
     * PostgreSQL and Redis: what the server had committed must still be there.
     */
    public void crashAndRestartApp() {
        progress.say("Killing Payara Micro (SIGKILL) to simulate a crash");
        payara.kill();
        startPayara();
    }

    /**
     * Starts a second instance of the app on a free port, sharing this stack's PostgreSQL, Redis and Keycloak (as two
     * servers behind one load balancer would), once; later calls return its URL. It stops with the stack.
     */
    public synchronized String secondApp() {
        if (secondAppPort == 0) {
            int port = StackPorts.pickEphemeral().app();
            progress.say("Payara Micro (second instance) starting on 127.0.0.1:%d (log %s)", port, log("payara-2"));
            secondPayara.launch(config.payaraJar(), config.war(), port, stateDir.resolve("payara-2"), appEnvironment(),
                    log("payara-2"));
            secondPayara.awaitReady(port, PAYARA_TIMEOUT, progress);
            secondAppPort = port;
            progress.say("Payara Micro (second instance) ready on 127.0.0.1:%d", port);
        }
        return "http://127.0.0.1:" + secondAppPort;
    }

    /** Kills the second instance with SIGKILL, as a crash would; a later {@link #secondApp} starts a new one. */
    public synchronized void killSecondApp() {
        progress.say("Killing the second Payara Micro (SIGKILL) to simulate a crash");
        secondPayara.kill();
        secondAppPort = 0;
    }

    /**
     * Restarts Redis as an operator would (SIGTERM, so it writes its append-only file out), with {@code down}
     * between the stop and the start, on the same port and data.
     */
    public void restartRedis(java.time.Duration down) throws InterruptedException {
        progress.say("Restarting Redis (down for %d ms)", down.toMillis());
        redis.restart(down);
        progress.say("Redis ready again on 127.0.0.1:%d", ports.redis());
    }

    /**
     * Stops in reverse order: Payara (the app first, so it does not log lost connections), Keycloak, Redis,
     * PostgreSQL. Safe to call more than once.
     */
    public void stop() {
        boolean first = !stopped;
        stopped = true;
        if (first) {
            progress.say("Stopping the Steward stack");
        }
        stopQuietly("Payara Micro", payara::stop);
        stopQuietly("Payara Micro (second instance)", secondPayara::stop);
        stopQuietly("Keycloak", keycloak::stop);
        stopQuietly("Redis", redis::stop);
        stopQuietly("PostgreSQL", postgres::stop);
        if (first) {
            progress.say("Stack stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** PID of each running piece (Keycloak: the kc.sh script, whose child is the JVM). */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("PostgreSQL", postgres.pid());
        pids.put("Redis", redis.pid());
        pids.put("Keycloak", keycloak.process() == null ? 0 : keycloak.process().pid());
        pids.put("Payara Micro", payara.process() == null ? 0 : payara.process().pid());
        return pids;
    }

    /** Resident memory of each piece in kB, child processes included (PostgreSQL backends, Keycloak's JVM). */
    public Map<String, Long> rssKb() {
        Map<String, Long> rss = new LinkedHashMap<>();
        pids().forEach((name, pid) -> rss.put(name, pid == 0 ? 0 : Rss.ofTreeKb(pid)));
        return rss;
    }

    /** e.g. {@code PostgreSQL 201 MB, Redis 8 MB, Keycloak 545 MB, Payara Micro 707 MB} */
    public String memorySummary() {
        StringBuilder s = new StringBuilder();
        rssKb().forEach((name, kb) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(kb / 1024).append(" MB"));
        return s.toString();
    }

    /** Names of pieces whose process has ended although the stack was started (for DevMain's watch). */
    public String deadProcess() {
        if (stopped) {
            return null; // stopping on purpose
        }
        if (payara.process() != null && !payara.process().isAlive()) {
            return "Payara Micro (" + payara.process().log() + ")";
        }
        if (keycloak.process() != null && !keycloak.process().isAlive()) {
            return "Keycloak (" + keycloak.process().log() + ")";
        }
        return null;
    }

    private void startPostgres() {
        boolean keep = mode == Mode.DEV;
        postgres.start(ports.postgres(), stateDir.resolve("postgres"), keep, log("postgres"));
        progress.say("PostgreSQL ready on 127.0.0.1:%d (database %s%s)", ports.postgres(), PostgresService.DATABASE,
                keep ? ", data in " + stateDir.resolve("postgres") : "");
    }

    private void startRedis() {
        redis.start(ports.redis(), stateDir.resolve("redis"), log("redis"));
        progress.say("Redis ready on 127.0.0.1:%d", ports.redis());
    }

    private void startKeycloak() {
        keycloak.prepare(config.keycloakZip(), config.realmTemplate(), endpoints.appUrl(), mode == Mode.TEST, progress);
        keycloak.launch(ports.keycloak(), ports.keycloakManagement(), log("keycloak"));
        progress.say("Keycloak starting on 127.0.0.1:%d (log %s)", ports.keycloak(), log("keycloak"));
        keycloak.awaitReady(ports.keycloak(), ports.keycloakManagement(), KEYCLOAK_TIMEOUT);
        progress.say("Keycloak ready on 127.0.0.1:%d (realm %s)", ports.keycloak(), KeycloakService.REALM);
    }

    private void startPayara() {
        payara.launch(config.payaraJar(), config.war(), ports.app(), stateDir.resolve("payara"), appEnvironment(),
                log("payara"));
        progress.say("Payara Micro starting on 127.0.0.1:%d with %s (log %s)", ports.app(),
                config.war().getFileName(), log("payara"));
        payara.awaitReady(ports.app(), PAYARA_TIMEOUT, progress);
        progress.say("Payara Micro ready on 127.0.0.1:%d (context root /)", ports.app());
    }

    /** The app's whole configuration: MicroProfile Config reads these environment variables. */
    private Map<String, String> appEnvironment() {
        Endpoints e = endpoints;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STEWARD_PROFILE", "dev"); // shipped defaults are this stack's own; anywhere else the server refuses them
        env.put("STEWARD_DB_URL", e.jdbcUrl());
        env.put("STEWARD_DB_USER", e.dbUser());
        env.put("STEWARD_DB_PASSWORD", e.dbPassword());
        env.put("STEWARD_REDIS_URL", e.redisUrl());
        env.put("STEWARD_OIDC_PROVIDER_URI", e.issuer());
        env.put("STEWARD_OIDC_CLIENT_ID", e.clientId());
        env.put("STEWARD_OIDC_CLIENT_SECRET", e.clientSecret());
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", e.jwksUrl());
        env.put("MP_JWT_VERIFY_ISSUER", e.issuer());
        env.put("MP_JWT_VERIFY_AUDIENCES", e.clientId());
        // the stack's clients run on this machine: the console may preview the results they persist locally
        env.put("STEWARD_RESULTS_LOCAL_STORAGE", System.getProperty("user.home") + "/.prefect/storage");
        // the app starts in no profile without a master key for secrets at rest
        env.put(SECRETS_KEY_ENV, secretsKey());
        env.put("STEWARD_WEBHOOKS_ALLOW_PRIVATE", "true"); // this stack's webhooks (its tests' receivers) are local
        env.putAll(extraAppEnv);
        return env;
    }

    private Path log(String name) {
        return logDir().resolve(name + ".log");
    }

    // each start gets fresh logs, so a log shows this run only
    private void prepareLogDir() {
        try {
            Files.createDirectories(logDir());
            for (String name : new String[] {"postgres", "redis", "keycloak", "payara", "payara-2"}) {
                Files.deleteIfExists(log(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopQuietly(String name, Runnable stop) {
        try {
            stop.run();
        } catch (RuntimeException e) {
            progress.say("%s: stop failed: %s", name, e.getMessage());
        }
    }

    private static CompletableFuture<Void> inThread(String name, Runnable task) {
        return CompletableFuture.runAsync(task, runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true); // never keeps the JVM alive
            t.start();
        });
    }

    /** Waits for both, but returns at the first failure: the other one is cut short by {@link #stop()}. */
    private static void awaitBoth(CompletableFuture<Void> a, CompletableFuture<Void> b) {
        CompletableFuture<Void> both = CompletableFuture.allOf(a, b);
        a.whenComplete((ok, failure) -> failFast(both, failure));
        b.whenComplete((ok, failure) -> failFast(both, failure));
        try {
            both.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new StackException(String.valueOf(cause), cause);
        }
    }

    private static void failFast(CompletableFuture<Void> both, Throwable failure) {
        if (failure != null) {
            both.completeExceptionally(failure instanceof CompletionException c ? c.getCause() : failure);
        }
    }

    /** Options beyond mode and state directory; all have defaults. */
    public static final class Builder {
        private final Mode mode;
        private final Path stateDir;
        private StackPorts ports;
        private DevstackConfig config;
        private final Map<String, String> appEnv = new LinkedHashMap<>();
        private PrintStream out = System.out;

        private Builder(Mode mode, Path stateDir) {
            this.mode = mode;
            this.stateDir = stateDir;
        }

        /** Default: five free ports from the kernel ({@link StackPorts#pickEphemeral()}). */
        public Builder ports(StackPorts ports) {
            this.ports = ports;
            return this;
        }

        /** Default: {@link DevstackConfig#load()} (what the build left in target/). */
        public Builder config(DevstackConfig config) {
            this.config = config;
            return this;
        }

        /** An extra environment variable for the app (MicroProfile Config), e.g. a feature switch in a test. */
        public Builder appEnv(String name, String value) {
            appEnv.put(name, value);
            return this;
        }

        /** Where progress lines go; default System.out. */
        public Builder output(PrintStream out) {
            this.out = out;
            return this;
        }

        public Stack build() {
            return new Stack(this);
        }
    }
}
