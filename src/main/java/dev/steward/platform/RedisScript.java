package dev.steward.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA-1 (EVALSHA) and sent whole (EVAL) only when Redis does not have it cached, as after a
 * restart: on the hot path each run sends the digest, not the text. Redis runs a script alone, so what it does is
 * atomic. Load scripts once, into constants.
 */
public final class RedisScript {
    private final String text;
    private final String sha;

    private RedisScript(String text) {
        this.text = text;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            this.sha = HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing", e);
        }
    }

    /** A script written in the code. */
    public static RedisScript of(String text) {
        return new RedisScript(text);
    }

    /** A script kept as a resource next to {@code owner} (its package's folder under resources). */
    public static RedisScript load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no resource " + name + " next to " + owner.getName());
            return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Redis script " + name + " not loaded", e);
        }
    }

    /** Runs the script on one pooled connection: what the script returns, as Jedis answers it. */
    public Object run(Redis redis, List<String> keys, List<String> args) {
        try (Connection c = redis.pool().getPool().getResource()) {
            Jedis j = new Jedis(c);
            try {
                return j.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                return j.eval(text, keys, args);
            }
        }
    }
}
