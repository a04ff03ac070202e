package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.steward.devstack.TestStack;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The Artifacts page, a key's history and the run pages' Artifacts tab in real Chromium (it/browser/artifacts.test.mjs)
 * on artifacts the real prefect 3.9 client makes (it/browser/artifact_flows.py): every type, in a flow and a task,
 * markdown that tries script, an onerror image, a javascript: link and an iframe, and a progress artifact that moves
 * while the browser watches the running flow. The image artifact points at a PNG this test serves on 127.0.0.1 (these
 * machines reach no web site). Screenshots 50-53 under it/screenshots/.
 */
class ArtifactsBrowserIT {
    @Test
    void artifactsRenderSafelyInChromium() throws Exception {
        // the realm's groups give alice (owner) and bob (viewer) roles in the workspace "default"
        int status = Workspaces.admin().post("/workspaces", "{\"slug\":\"default\",\"name\":\"Default workspace\"}").status();
        if (status != 201 && status != 409) throw new AssertionError("could not create workspace default: " + status);
        String key = Workspaces.issueKey("default", "developer");
        Path work = Files.createTempDirectory("artifacts-it");
        Path watch = work.resolve("watching");
        Path release = work.resolve("release");
        Path runId = work.resolve("run.id");
        HttpServer images = imageServer();
        String imageUrl = "http://127.0.0.1:" + images.getAddress().getPort() + "/chart.png";

        Map<String, String> env = new HashMap<>(Map.of(
                "PREFECT_API_URL", TestStack.get().appUrl() + "/api/workspaces/default",
                "PREFECT_API_AUTH_STRING", key,
                "PREFECT_HOME", work.resolve("prefect-home").toString(),
                "PYTHONDONTWRITEBYTECODE", "1",
                "STEWARD_RUN_ID_FILE", runId.toString()));
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c",
                "exec \"$(bash it/prefect/run.sh --venv-only)/bin/python\" it/browser/artifact_flows.py \"$@\"",
                "artifacts", imageUrl, watch.toString(), release.toString()))
                .directory(new File(System.getProperty("steward.basedir", ".")))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("flow.log").toFile());
        pb.environment().putAll(env);
        Process flow = pb.start();
        try {
            for (int i = 0; i < 900 && !Files.exists(runId); i++) Thread.sleep(100);
            assertTrue(Files.exists(runId), "the artifacts flow did not start: " + Files.readString(work.resolve("flow.log")));
            String run = Files.readString(runId).strip();

            int exit = Processes.run(List.of("bash", "it/browser/run.sh", "artifacts.test.mjs"), Map.of(
                    "STEWARD_URL", TestStack.get().appUrl(),
                    "STEWARD_WORKSPACE", "default",
                    "RUN_ID", run,
                    "IMAGE_URL", imageUrl,
                    "WATCH_FILE", watch.toString(),
                    "RELEASE_FILE", release.toString()), 10);
            assertEquals(0, exit, "the browser test failed: see its output above");

            assertTrue(flow.waitFor(2, TimeUnit.MINUTES), "the artifacts flow did not end after its release");
            assertEquals(0, flow.exitValue(), Files.readString(work.resolve("flow.log")));
        } finally {
            Files.writeString(watch, "watching");
            Files.writeString(release, "released");
            if (!flow.waitFor(30, TimeUnit.SECONDS)) {
                flow.descendants().forEach(ProcessHandle::destroy);
                flow.destroyForcibly();
            }
            images.stop(0);
        }
    }

    /** A small bar chart as PNG at /chart.png, on a free port of 127.0.0.1. */
    private static HttpServer imageServer() throws Exception {
        BufferedImage chart = new BufferedImage(240, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = chart.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 240, 120);
        g.setColor(new Color(0x2f7de1));
        int[] heights = {40, 90, 60, 100, 75};
        for (int i = 0; i < heights.length; i++) g.fillRect(20 + i * 44, 110 - heights[i], 30, heights[i]);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(chart, "png", png);
        byte[] bytes = png.toByteArray();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/chart.png", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
