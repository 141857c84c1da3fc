package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.fixtures.RedisServer;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.servlet.OssCallbackServlet;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two application nodes behind a load balancer, each a Jetty server with the servlet filter and
 * its own verifier, sharing one real Redis: an attacker replaying a captured callback to the node
 * that did not see it is refused, and every distinct genuine callback is accepted exactly once.
 */
class TwoNodeReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofMinutes(10);
    /** OSS waits 5 s for an answer; a store that is not connected refuses at once, so this is only a safety net. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(4);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private RedisServer redis;
    private LoopbackKeyServer keyServer;
    private String keyUrl;
    private Node nodeA;
    private Node nodeB;
    private final List<RedisReplayStore> stores = new ArrayList<>();

    @BeforeAll
    static void quietRejectionLog() {
        // Every rejection is logged once at INFO; the outage test provokes many.
        Logger.getLogger("io.github.osscallback").setLevel(Level.WARNING);
    }

    @BeforeEach
    void startCluster() throws Exception {
        redis = RedisServer.start();
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        nodeA = Node.start(verifier(), handled);
        nodeB = Node.start(verifier(), handled);
    }

    @AfterEach
    void stopCluster() throws Exception {
        nodeA.close();
        nodeB.close();
        stores.forEach(RedisReplayStore::close);
        keyServer.close();
        redis.close();
    }

    /** One node's verifier, with its own Redis connection, as a separate JVM would have. */
    private CallbackVerifier verifier() {
        RedisReplayStore store = RedisReplayStore.builder().uri(redis.uri())
                .commandTimeout(RedisReplayStoreTest.UNHURRIED).build();
        stores.add(store);
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .pinKey(keyUrl, oss.publicKeyPem())
                .replayProtection(WINDOW, store)
                .build();
    }

    @Test
    void callbackAcceptedByOneNodeIsRefusedAsReplayByTheOther() throws Exception {
        Callback upload = callback("/cb/upload");
        assertEquals(200, send(nodeA, upload).statusCode());
        assertRejected(send(nodeB, upload), 409, "replayed");
        assertRejected(send(nodeA, upload), 409, "replayed");
        assertEquals(1, handled.get());
    }

    @Test
    void everyDistinctCallbackIsAcceptedExactlyOnceAcrossTheNodes() throws Exception {
        int accepted = 0;
        int replayed = 0;
        for (int i = 0; i < 20; i++) {
            Callback upload = callback("/cb/upload");
            Node first = i % 2 == 0 ? nodeA : nodeB;
            Node second = first == nodeA ? nodeB : nodeA;
            for (Node node : List.of(first, second, first)) {
                int status = send(node, upload).statusCode();
                if (status == 200) {
                    accepted++;
                } else if (status == 409) {
                    replayed++;
                }
            }
        }
        assertEquals(20, accepted);
        assertEquals(40, replayed);
        assertEquals(20, handled.get());
    }

    @Test
    void fallbackDeliveryToAnotherCallbackUrlIsNotAReplay() throws Exception {
        // OSS delivers to the second callback URL when the first fails: same body, another path, another signature.
        String body = body();
        assertEquals(200, send(nodeA, signed("/cb/primary", body)).statusCode());
        assertEquals(200, send(nodeB, signed("/cb/fallback", body)).statusCode());
        assertRejected(send(nodeA, signed("/cb/fallback", body)), 409, "replayed");
        assertEquals(2, handled.get());
    }

    @Test
    void acceptedCallbackIsRememberedOnRedisForTheWindow() throws Exception {
        assertEquals(200, send(nodeA, callback("/cb/upload")).statusCode());
        RedisClient client = RedisClient.create(redis.uri());
        try {
            RedisCommands<String, String> redisCommands = client.connect().sync();
            List<String> keys = redisCommands.keys(RedisReplayStore.DEFAULT_KEY_PREFIX + "*");
            assertEquals(1, keys.size(), keys.toString());
            long pttl = redisCommands.pttl(keys.get(0));
            assertTrue(pttl > 0 && pttl <= WINDOW.toMillis(), "PTTL " + pttl + " ms for a window of " + WINDOW);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void redisDownAnswers503InTimeAndBothNodesRecoverWhenItReturns() throws Exception {
        assertEquals(200, send(nodeA, callback("/cb/upload")).statusCode());
        redis.stop();
        for (Node node : List.of(nodeA, nodeB)) {
            HttpResponse<String> refused = assertTimeoutPreemptively(ANSWER_BOUND.plusSeconds(1),
                    () -> send(node, callback("/cb/upload"), ANSWER_BOUND));
            assertRejected(refused, 503, "replay_store_unavailable");
        }
        int handledWhileDown = handled.get();
        assertEquals(1, handledWhileDown);

        redis.restart();
        // No restart of ours: each node's connection comes back by itself. The loop ends as soon as a
        // node answers 200; the deadline is only a safety net.
        for (Node node : List.of(nodeA, nodeB)) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                while (true) {
                    HttpResponse<String> response = send(node, callback("/cb/upload"));
                    if (response.statusCode() == 200) {
                        return;
                    }
                    assertRejected(response, 503, "replay_store_unavailable");
                }
            });
        }
        Callback afterOutage = callback("/cb/upload");
        assertEquals(200, send(nodeB, afterOutage).statusCode());
        assertRejected(send(nodeA, afterOutage), 409, "replayed");
    }

    @Test
    void concurrentBurstOfOneCallbackToBothNodesLetsExactlyOneThrough() throws Exception {
        Callback captured = callback("/cb/upload");
        int senders = 16;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch ready = new CountDownLatch(senders);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                Node node = i % 2 == 0 ? nodeA : nodeB;
                statuses.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return send(node, captured).statusCode();
                }));
            }
            ready.await();
            go.countDown();
            int ok = 0;
            int replayed = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                ok += code == 200 ? 1 : 0;
                replayed += code == 409 ? 1 : 0;
            }
            assertEquals(1, ok);
            assertEquals(senders - 1, replayed);
            assertEquals(1, handled.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private record Callback(String path, byte[] body, Map<String, String> headers) {
    }

    private String body() {
        return "bucket=b&object=photos%2F" + sequence.incrementAndGet() + ".jpg&size=42";
    }

    private Callback callback(String path) {
        return signed(path, body());
    }

    private Callback signed(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Callback(path, bytes, oss.headers(keyUrl, path, null, "application/x-www-form-urlencoded", bytes));
    }

    private HttpResponse<String> send(Node node, Callback callback) throws Exception {
        return send(node, callback, Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(Node node, Callback callback, Duration timeout) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.base + callback.path()))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(callback.body()));
        callback.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reason) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, JSON.readTree(response.body()).get("reason").asText(), response.body());
    }

    /** One application node: Jetty with the filter in front of an endpoint that counts what it handles. */
    private static final class Node implements AutoCloseable {
        private final Server server;
        private final String base;

        private Node(Server server, String base) {
            this.server = server;
            this.base = base;
        }

        static Node start(CallbackVerifier verifier, AtomicInteger handled) throws Exception {
            Server server = new Server();
            ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addFilter(new FilterHolder(new OssCallbackFilter(verifier)), "/cb/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new OssCallbackServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                    handled.incrementAndGet();
                    return CallbackReply.json(Map.of("Status", "OK"));
                }
            }), "/cb/*");
            server.setHandler(context);
            server.start();
            return new Node(server, "http://127.0.0.1:" + connector.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
