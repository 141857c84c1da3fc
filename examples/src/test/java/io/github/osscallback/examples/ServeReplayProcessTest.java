package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --replay-window} and {@code --replay-redis} as separate processes: the README's two
 * nodes behind a load balancer, sharing one real redis-server.
 */
class ServeReplayProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Process> processes = new ArrayList<>();
    private LoopbackKeyServer keyServer;

    @BeforeEach
    void startKeyServer() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        keyServer.close();
    }

    @Test
    void replayWindowRefusesAReplayToTheSameProcess() throws Exception {
        ServeProcess serve = serve("--replay-window", "60");
        assertEquals("replay protection: 60 s, in this process", serve.startLines.get(0));
        String body = body();
        assertEquals(200, post(serve, "/servlet/cb", body).statusCode());
        assertRejected(post(serve, "/servlet/cb", body), 409, "replayed");
        // Another path is another signature: not a replay.
        assertEquals(200, post(serve, "/jaxrs/cb", body).statusCode());
    }

    @Test
    void twoServeProcessesSharingRedisAcceptEachCallbackOnce() throws Exception {
        Path redisDir = Files.createTempDirectory("serve-redis");
        int redisPort = ServeProcess.freePort();
        Process redis = startRedis(redisPort, redisDir);
        try {
            String uri = "redis://127.0.0.1:" + redisPort;
            // A generous Redis timeout: this test is about sharing, and a loaded machine must not turn it into 503s.
            ServeProcess nodeA = serve("--replay-window", "60", "--replay-redis", uri, "--replay-redis-timeout", "4000");
            ServeProcess nodeB = serve("--replay-window", "60", "--replay-redis", uri, "--replay-redis-timeout", "4000");
            assertEquals("replay protection: 60 s, shared on Redis", nodeA.startLines.get(0));

            String captured = body();
            assertEquals(200, post(nodeA, "/servlet/cb", captured).statusCode());
            assertRejected(post(nodeB, "/servlet/cb", captured), 409, "replayed");
            assertEquals(200, post(nodeB, "/jaxrs/cb", body()).statusCode());
        } finally {
            redis.destroy();
            redis.waitFor(30, TimeUnit.SECONDS);
            try (var files = Files.walk(redisDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void replayRedisWithoutAWindowIsRefused() throws Exception {
        Finished result = run("serve", "--replay-redis", "redis://127.0.0.1:6379");
        assertEquals(2, result.exitCode);
        assertTrue(result.output.contains("--replay-redis requires --replay-window"), result.output);
    }

    @Test
    void unreachableRedisIsReportedAtStart() throws Exception {
        Finished result = run("serve", "--replay-window", "60", "--replay-redis", "redis://127.0.0.1:" + ServeProcess.freePort());
        assertEquals(2, result.exitCode);
        assertTrue(result.output.contains("--replay-redis: cannot reach Redis"), result.output);
    }

    private record Finished(int exitCode, String output) {
    }

    private ServeProcess serve(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--allow-key-url-prefix", keyServer.baseUrl() + "/oss/"));
        args.addAll(List.of(options));
        ServeProcess serve = ServeProcess.start(args.toArray(String[]::new));
        processes.add(serve.process);
        return serve;
    }

    private Finished run(String... args) throws Exception {
        Process process = ServeProcess.main(args).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Finished(process.exitValue(), text);
    }

    private String body() {
        return "bucket=b&object=o" + sequence.incrementAndGet() + "&size=5";
    }

    private HttpResponse<String> post(ServeProcess serve, String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serve.base() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signer.headers(keyServer.url("/oss/key.pem"), path, null, "application/x-www-form-urlencoded", bytes)
                .forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reason) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, JSON.readTree(response.body()).get("reason").asText(), response.body());
    }

    /** A real redis-server; skipped without one, except on CI, where .ci/run installs it. */
    private static Process startRedis(int port, Path dir) throws Exception {
        Path binary = null;
        for (String entry : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin"
                + File.pathSeparator + "/usr/local/bin").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) {
                binary = Path.of(entry, "redis-server");
                break;
            }
        }
        if (binary == null) {
            String message = "no redis-server binary on PATH, /usr/bin or /usr/local/bin";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; on CI the Redis tests must run, not be skipped");
            }
            Assumptions.abort(message + "; skipping");
        }
        Process redis = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
        // redis-server prints this line once it accepts connections.
        BufferedReader lines = new BufferedReader(new InputStreamReader(redis.getInputStream(), StandardCharsets.UTF_8));
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "redis-output");
        boolean ready = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains("Ready to accept connections")) {
                    return true;
                }
            }
            return false;
        }, "redis-server did not become ready");
        assertTrue(ready, "redis-server ended before accepting connections");
        drain.setDaemon(true);
        drain.start();
        return redis;
    }
}
