package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RedisServer;
import io.github.osscallback.testapps.solonhooks.HooksApplication;
import io.github.osscallback.testapps.solonown.OwnVerifierApplication;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application's own beans in a real Solon application, each started as its own process (Solon
 * runs one application per JVM) on smart-http: a {@code ReplayStore} bean on a real redis-server and
 * the micrometer module's listener as a {@code CallbackListener} bean, and an application's own
 * {@code CallbackVerifier} bean, beside which verifier properties stop start-up.
 */
class SolonBeansTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();

    private static LoopbackKeyServer keys;
    private static RedisServer redis;

    @BeforeAll
    static void startKeyHostAndRedis() throws Exception {
        keys = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (keys != null) {
            keys.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** An application process, its output so far, and the port it was told to listen on. */
    private static final class App implements AutoCloseable {
        final Process process;
        final int port;
        final List<String> output = new ArrayList<>();
        final CompletableFuture<Boolean> started = new CompletableFuture<>();

        App(Class<?> main, String... arguments) throws IOException {
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(
                    System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                    "-cp", System.getProperty("java.class.path"), main.getName(),
                    "--server.port=" + port, "--server.host=127.0.0.1"));
            command.addAll(List.of(arguments));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (output) {
                            output.add(line);
                        }
                        if (line.equals("STARTED")) {
                            started.complete(true);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                started.complete(false);
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Whether the application started (rather than ended); a safety net of 120 s, never reached when it works. */
        boolean awaitStart() throws Exception {
            return started.get(120, TimeUnit.SECONDS);
        }

        String output() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }

        RawHttp.Response callback(String path, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            return RawHttp.post(port, path, OSS.headers(keys.url("/oss/key.pem"), path, null, FORM, bytes), bytes);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aReplayStoreBeanOnRedisAndAMetersListenerBeanAreUsed() throws Exception {
        try (App app = new App(HooksApplication.class, "--oss.callback.key-url-prefixes=" + keys.baseUrl() + "/oss/",
                "--oss.callback.replay-window-seconds=600", "--test.redis-uri=" + redis.uri())) {
            assertTrue(app.awaitStart(), app.output());
            RawHttp.Response first = app.callback("/oss/callback/stored", "bucket=photos&object=a.jpg");
            assertEquals(200, first.status(), first.body());
            assertEquals("{\"object\":\"a.jpg\"}", first.body());
            RawHttp.Response again = app.callback("/oss/callback/stored", "bucket=photos&object=a.jpg");
            assertEquals(409, again.status(), again.body());
            assertTrue(again.body().contains("\"replayed\""), again.body());
            // Remembered in Redis, not in the application's memory.
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertEquals(1, connection.sync().keys("oss-callback:replay:*").size());
            } finally {
                client.shutdown();
            }
            HttpResponse<String> meters = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port + "/meters")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"accepted none\":1.0,\"rejected replayed\":1.0}", meters.body());
        }
    }

    @Test
    void aReplayStoreBeanWithoutAReplayWindowStopsStartUp() throws Exception {
        try (App app = new App(HooksApplication.class, "--oss.callback.key-url-prefixes=" + keys.baseUrl() + "/oss/",
                "--test.redis-uri=" + redis.uri())) {
            assertFalse(app.awaitStart(), app.output());
            assertTrue(app.output().contains("OssCallbackPlugin: the application has a ReplayStore bean"
                    + " (io.github.osscallback.redis.RedisReplayStore), which remembers callbacks for replay protection:"
                    + " set oss.callback.replay-window-seconds"), app.output());
        }
    }

    @Test
    void anOwnVerifierBeanIsUsedInsteadOfProperties() throws Exception {
        // No oss.callback property trusts the key host: only the application's verifier does.
        try (App app = new App(OwnVerifierApplication.class, "--test.key-url-prefix=" + keys.baseUrl() + "/oss/")) {
            assertTrue(app.awaitStart(), app.output());
            RawHttp.Response response = app.callback("/oss/callback/own", "bucket=photos&object=b.jpg");
            assertEquals(200, response.status(), response.body());
            assertEquals("{\"object\":\"b.jpg\"}", response.body());
            byte[] signed = "bucket=photos&object=b.jpg".getBytes(StandardCharsets.UTF_8);
            RawHttp.Response forged = RawHttp.post(app.port, "/oss/callback/own", OSS.headers(keys.url("/oss/key.pem"),
                    "/oss/callback/own", null, FORM, signed), "bucket=photos&object=c.jpg".getBytes(StandardCharsets.UTF_8));
            assertEquals(403, forged.status(), forged.body());
            assertTrue(forged.body().contains("\"signature_mismatch\""), forged.body());
        }
    }

    @Test
    void verifierPropertiesBesideAnOwnVerifierBeanStopStartUp() throws Exception {
        try (App app = new App(OwnVerifierApplication.class, "--test.key-url-prefix=" + keys.baseUrl() + "/oss/",
                "--oss.callback.replay-window-seconds=60")) {
            assertFalse(app.awaitStart(), app.output());
            assertTrue(app.output().contains("OssCallbackPlugin: oss.callback.replay-window-seconds is set, but the"
                    + " application has its own CallbackVerifier bean, which oss.callback properties do not configure:"
                    + " they would be ignored"), app.output());
        }
    }
}
