package dev.steward.devstack;

/**
 * The one stack of an integration-test JVM. Failsafe runs every {@code *IT} class in the same JVM: the first
 * {@link #get()} starts the stack under {@code target/it/} (free ports, empty database, freshly imported realm,
 * 30-120 s), later calls return it at once, and a shutdown hook stops it when the JVM ends.
 *
 * <pre>{@code
 * TestStack stack = TestStack.get();
 * String url = stack.appUrl() + "/api/admin/workspaces";
 * String token = stack.accessToken("alice");    // realm users: alice (steward-admin, owner of default), bob (viewer)
 * }</pre>
 *
 * If the start fails, every later {@code get()} fails at once with the same cause instead of trying again.
 */
public final class TestStack {
    /** WebSocket limits set short or small, so that the tests can watch them act: the auth timeout... */
    public static final int WS_AUTH_TIMEOUT_SECONDS = 5;
    /** ...the idle timeout (over twice the 20 s at which Prefect's client pings, as PrefectClientIT needs)... */
    public static final int WS_IDLE_TIMEOUT_SECONDS = 45;
    /** ...the /events/out subscribers per API key and per instance, and how far one may fall behind. */
    public static final int EVENTS_OUT_MAX_PER_KEY = 16;
    public static final int EVENTS_OUT_MAX_PER_INSTANCE = 40;
    public static final int EVENTS_OUT_MAX_BACKLOG = 200;

    private static TestStack instance;
    private static RuntimeException startFailure;

    private final Stack stack;
    private final KeycloakTokens tokens;
    private final String previousSecretsKey;

    private TestStack(Stack stack, String previousSecretsKey) {
        this.stack = stack;
        this.tokens = new KeycloakTokens(stack.endpoints());
        this.previousSecretsKey = previousSecretsKey;
    }

    public static synchronized TestStack get() {
        if (startFailure != null) {
            throw new IllegalStateException("The test stack failed to start earlier: " + startFailure.getMessage(),
                    startFailure);
        }
        if (instance == null) {
            DevstackConfig config = DevstackConfig.load();
            String previousSecretsKey = SecretsKeyFile.generate();
            Stack stack = Stack.builder(Stack.Mode.TEST, config.basedir().resolve("target/it")).config(config)
                    // concurrency leases as short as 1 s, swept every second: expiry is watched without waiting minutes
                    .appEnv("STEWARD_CONCURRENCY_LEASE_MIN_SECONDS", "1")
                    .appEnv("STEWARD_CONCURRENCY_LEASE_SWEEP_SECONDS", "1")
                    .appEnv("STEWARD_SCHEDULER_LOOP_SECONDS", "1")
                    // queues and deployments NOT_READY 10 s after their last poll, noticed within a second
                    .appEnv("STEWARD_WORKERS_POLL_TIMEOUT_SECONDS", "10")
                    .appEnv("STEWARD_WORKERS_STATUS_LOOP_SECONDS", "1")
                    // a run stuck in CANCELLING is torn down after 10 s, not Prefect's 5 minutes
                    .appEnv("STEWARD_CLEANUP_CANCELLING_TIMEOUT_SECONDS", "10")
                    .appEnv("STEWARD_CLEANUP_CANCELLING_LOOP_SECONDS", "1")
                    // ClientAddressIT: only a client bound to 127.0.0.2 is a trusted proxy, 127.0.0.1 is not
                    .appEnv("STEWARD_TRUSTED_PROXIES", "127.0.0.2/32")
                    .appEnv("STEWARD_WS_AUTH_TIMEOUT_SECONDS", String.valueOf(WS_AUTH_TIMEOUT_SECONDS))
                    .appEnv("STEWARD_WS_IDLE_TIMEOUT_SECONDS", String.valueOf(WS_IDLE_TIMEOUT_SECONDS))
                    .appEnv("STEWARD_WS_EVENTS_OUT_MAX_PER_KEY", String.valueOf(EVENTS_OUT_MAX_PER_KEY))
                    .appEnv("STEWARD_WS_EVENTS_OUT_MAX_PER_INSTANCE", String.valueOf(EVENTS_OUT_MAX_PER_INSTANCE))
                    .appEnv("STEWARD_WS_EVENTS_OUT_MAX_BACKLOG", String.valueOf(EVENTS_OUT_MAX_BACKLOG))
                    // an older master key the app still reads, so that a test can rotate away from it
                    .appEnv("STEWARD_SECRETS_PREVIOUS_KEYS", previousSecretsKey)
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "test-stack-stop"));
            try {
                stack.start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            instance = new TestStack(stack, previousSecretsKey);
        }
        return instance;
    }

    public Endpoints endpoints() {
        return stack.endpoints();
    }

    /** e.g. {@code http://127.0.0.1:21080}, no trailing slash. */
    public String appUrl() {
        return stack.endpoints().appUrl();
    }

    public KeycloakTokens tokens() {
        return tokens;
    }

    /** An access token of a realm user whose password equals the user name (alice, bob). */
    public String accessToken(String user) {
        return tokens.accessToken(user, user);
    }

    public String accessToken(String user, String password) {
        return tokens.accessToken(user, password);
    }

    /**
     * The app's master key for secrets at rest ({@code STEWARD_SECRETS_KEY}), new for each test run: a test may seal
     * or open a value as the server does, or check that a key never appears in an answer.
     */
    public String secretsKey() {
        return stack.secretsKey();
    }

    /** The older master key the app is given in {@code STEWARD_SECRETS_PREVIOUS_KEYS}, also new for each run. */
    public String previousSecretsKey() {
        return previousSecretsKey;
    }

    /** The underlying stack, e.g. for {@link Stack#logDir()} or {@link Stack#rssKb()}. */
    public Stack stack() {
        return stack;
    }
}
