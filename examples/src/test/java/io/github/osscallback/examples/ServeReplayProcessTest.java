package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.fixtures.RedisServer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
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
    void replayWindowProtectsTheUploadCallbackToo() throws Exception {
        ServeProcess serve = serve(command -> {
            command.environment().put("OSS_ACCESS_KEY_ID", "LTAI5tServe");
            command.environment().put("OSS_ACCESS_KEY_SECRET", "serveReplaySecret0123456789abcdef");
        }, "--replay-window", "60", "--upload-url", "http://127.0.0.1:9/demo-bucket");
        JsonNode policy = PolicyCallback.policy(http, serve);
        String body = PolicyCallback.body(policy, "demo-bucket", policy.get("keyPrefix").asText() + "cat.jpg", "2048",
                "image/jpeg");
        String keyUrl = keyServer.url("/oss/key.pem");
        assertEquals(200, PolicyCallback.post(http, serve, signer, keyUrl, "/upload/callback", body).statusCode());
        // The same signed callback again: refused by the replay window, before its token is even considered.
        assertRejected(PolicyCallback.post(http, serve, signer, keyUrl, "/upload/callback", body), 409, "replayed");
        assertRejected(PolicyCallback.post(http, serve, signer, keyUrl, "/upload/callback", body), 409, "replayed");
    }

    @Test
    void aCopiedUploadTokenIsRefusedWithUsedTokensKeptOnRedis() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ServeProcess serve = serve(command -> {
                command.environment().put("OSS_ACCESS_KEY_ID", "LTAI5tServe");
                command.environment().put("OSS_ACCESS_KEY_SECRET", "serveReplaySecret0123456789abcdef");
            }, "--replay-window", "60", "--replay-redis", redis.uri(), "--replay-redis-timeout", "4000",
                    "--upload-url", "http://127.0.0.1:9/demo-bucket");
            JsonNode policy = PolicyCallback.policy(http, serve);
            String folder = policy.get("keyPrefix").asText();
            String keyUrl = keyServer.url("/oss/key.pem");
            assertEquals(200, PolicyCallback.post(http, serve, signer, keyUrl, "/upload/callback",
                    PolicyCallback.body(policy, "demo-bucket", folder + "cat.jpg", "2048", "image/jpeg")).statusCode());
            // A new signature (another object), the same copied token: the replay window does not know it, Redis does.
            assertRejected(PolicyCallback.post(http, serve, signer, keyUrl, "/upload/callback",
                    PolicyCallback.body(policy, "demo-bucket", folder + "never-uploaded.exe", "1", "text/plain")),
                    409, "upload_token_used");
        }
    }

    @Test
    void twoServeProcessesSharingRedisAcceptEachCallbackOnce() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            String uri = redis.uri();
            // A generous Redis timeout: this test is about sharing, and a loaded machine must not turn it into 503s.
            ServeProcess nodeA = serve("--replay-window", "60", "--replay-redis", uri, "--replay-redis-timeout", "4000");
            ServeProcess nodeB = serve("--replay-window", "60", "--replay-redis", uri, "--replay-redis-timeout", "4000");
            assertEquals("replay protection: 60 s, shared on Redis", nodeA.startLines.get(0));

            String captured = body();
            assertEquals(200, post(nodeA, "/servlet/cb", captured).statusCode());
            assertRejected(post(nodeB, "/servlet/cb", captured), 409, "replayed");
            assertEquals(200, post(nodeB, "/jaxrs/cb", body()).statusCode());
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
        return serve(command -> { }, options);
    }

    private ServeProcess serve(Consumer<ProcessBuilder> configure, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--allow-key-url-prefix", keyServer.baseUrl() + "/oss/"));
        args.addAll(List.of(options));
        ServeProcess serve = ServeProcess.start(configure, args.toArray(String[]::new));
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
}
