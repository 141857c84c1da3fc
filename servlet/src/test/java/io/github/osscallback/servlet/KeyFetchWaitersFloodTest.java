package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.HangingKeyHost;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The one-URL key-fetch flood: unauthenticated requests all naming ONE key URL on a trusted key
 * host that hangs. One fetch starts; {@code maxKeyFetchWaiters} requests wait for it and every
 * other one is refused at once (503 {@code key_unavailable}) while the fetch still hangs, so Jetty's
 * threads stay free and a genuine callback with a pinned key is answered at once. Without the
 * cap, every request would hold a Jetty thread for the whole fetch timeout.
 */
@Tag("jetty")
class KeyFetchWaitersFloodTest {

    private static final int WAITERS = CallbackVerifier.DEFAULT_MAX_KEY_FETCH_WAITERS;
    private static final int FLOOD = 300;
    /** The request that starts the fetch and those that may wait for it: held until the host closes. */
    private static final int HELD = 1 + WAITERS;
    private static final String BODY = "bucket=b&object=o";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** OSS's side: its own client, not queued behind the attacker's connections in ours. */
    private final HttpClient ossHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final OssCallbackSigner attacker = OssCallbackSigner.generate();
    private LogCapture.Recorder log;
    private List<LogRecord> logged;
    private HangingKeyHost hanging;
    private JettyFixture jetty;
    private String base;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture.Recorder("");
        logged = log.records();
        hanging = new HangingKeyHost(1);
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(hanging.baseUrl() + "/keys/").build())
                .pinKey(hanging.baseUrl() + "/keys/pinned.pem", oss.publicKeyPem())
                // Longer than the test: the one fetch hangs until the host is closed.
                .keyFetchTimeout(Duration.ofSeconds(60))
                .build();
        jetty = new JettyFixture();
        base = jetty.startAnsweringOk(verifier);
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        hanging.close();
        jetty.close();
    }

    private HttpRequest callback(OssCallbackSigner signer, String keyUrl) {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(base + "/cb/x"))
                .header("authorization", signer.sign("/cb/x", null, body))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private long genuinePinned() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = ossHttp.send(callback(oss, hanging.baseUrl() + "/keys/pinned.pem"),
                HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, response.statusCode(), response.body());
        return millis;
    }

    private static void assertKeyUnavailable(HttpResponse<String> response) {
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("key_unavailable"), response.body());
    }

    /** The adapter's rejection lines saying the waiter cap was full. */
    private long waiterRefusalsLogged() {
        String adapter = OssCallbackFilter.class.getName();
        String refusal = "requests are already waiting for key fetches";
        return logged.stream()
                .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith(adapter))
                .filter(r -> r.getParameters() != null && r.getParameters().length > 5
                        && String.valueOf(r.getParameters()[5]).contains(refusal))
                .count();
    }

    @Test
    void floodNamingOneUrlOnAHangingHostIsRefusedBeyondTheCapAndPinnedCallbacksAreAnswered() throws Exception {
        genuinePinned(); // before the flood: OSS's connection is open
        String oneUrl = hanging.baseUrl() + "/keys/one.pem";
        CountDownLatch answered = new CountDownLatch(FLOOD - HELD);
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            flood.add(http.sendAsync(callback(attacker, oneUrl), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> answered.countDown()));
        }
        assertTrue(hanging.awaitConnections(30), "the fetch of the one URL started");
        // Every request beyond the starter and the waiters is answered while the fetch hangs.
        // Safety net shorter than the fetch timeout, so only refusals can count the latch down.
        assertTrue(answered.await(30, TimeUnit.SECONDS), (FLOOD - HELD - answered.getCount()) + " of "
                + (FLOOD - HELD) + " requests beyond the waiter cap were answered while the fetch hangs");

        long pinnedMillis = genuinePinned();
        // Generous: with the waiters capped, nothing holds the threads this callback needs.
        assertTrue(pinnedMillis < 3000, "pinned-key callback took " + pinnedMillis + " ms during the flood");

        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            if (f.isDone()) {
                assertKeyUnavailable(f.get());
            } else {
                held.add(f);
            }
        }
        assertEquals(HELD, held.size(), "requests still waiting for the hanging fetch");
        assertEquals(1, hanging.connections(), "one fetch for one URL");
        assertEquals(FLOOD - HELD, waiterRefusalsLogged(), "one adapter line per refusal");
        assertEquals(0, logged.stream().filter(r -> r.getLoggerName() != null
                && r.getLoggerName().startsWith("io.github.osscallback.CachingKeySource")).count(),
                "no log line of the key source's own while the fetch hangs");

        hanging.close(); // the held fetch fails now, and the requests waiting for it are answered
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertKeyUnavailable(f.get(60, TimeUnit.SECONDS));
        }
        System.out.printf("key-fetch waiters flood: %d requests naming one key URL on a hanging host, %d held"
                        + " (cap %d waiters), %d refused at once; pinned-key callback during the flood %d ms%n",
                FLOOD, HELD, WAITERS, FLOOD - HELD, pinnedMillis);
        for (LogRecord r : logged) {
            assertEquals(null, r.getThrown(), "logged with a stack trace: " + r.getLoggerName() + " " + r.getMessage());
        }
    }
}
