package dev.steward.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code .steward/dev.env}: {@code export} lines for a shell ({@code . .steward/dev.env}) so the Prefect CLI and
 * scripts talk to the dev stack. It also remembers the API key between dev starts.
 */
final class DevEnvFile {
    private static final Pattern API_KEY = Pattern.compile("(?m)^export STEWARD_API_KEY='([^']*)'$");

    private DevEnvFile() {
    }

    /** The API key written by an earlier start, or null. */
    static String savedApiKey(Path file) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            Matcher m = API_KEY.matcher(Files.readString(file));
            return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** @param apiKey null when provisioning failed: then the key lines are left out */
    static void write(Path file, Endpoints e, String workspace, String apiKey) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("STEWARD_URL", e.appUrl());
        vars.put("STEWARD_WORKSPACE", workspace);
        if (apiKey != null) {
            vars.put("STEWARD_API_KEY", apiKey);
        }
        vars.put("PREFECT_API_URL", e.workspaceApiUrl(workspace));
        if (apiKey != null) {
            vars.put("PREFECT_API_AUTH_STRING", apiKey);
            vars.put("PREFECT_API_KEY", apiKey);
        }
        // the app's own settings' names; for tools that read the database directly (bench/orchestration.sh)
        vars.put("STEWARD_DB_URL", e.jdbcUrl());
        vars.put("STEWARD_DB_USER", e.dbUser());
        vars.put("STEWARD_DB_PASSWORD", e.dbPassword());
        StringBuilder text = new StringBuilder(
                "# Written by bin/steward dev on every start. Use: . .steward/dev.env\n");
        vars.forEach((name, value) -> text.append("export ").append(name).append("='")
                .append(value.replace("'", "'\\''")).append("'\n"));
        try {
            Files.writeString(file, text);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
