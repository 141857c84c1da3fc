package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.HangingKeyHost;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.testing.LoopbackKeyServer;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The key-fetch flood (issue 11): unauthenticated requests naming fresh key paths on a trusted key
 * host that hangs. Only {@code maxConcurrentKeyFetches} fetches ever start; every other such
 * request is refused at once (503 {@code key_unavailable}) instead of holding a Jetty thread for
 * the fetch timeout, so a genuine callback with a pinned or cached key is answered at once.
 */
@Tag("jetty")
class KeyFetchFloodTest {

    private static final int CAP = CallbackVerifier.DEFAULT_MAX_CONCURRENT_KEY_FETCHES;
    private static final int FIRST_WAVE = 50;
    private static final int SECOND_WAVE = 250;
    private static final String BODY = "bucket=b&object=o";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** OSS's side: its own client, not queued behind the attacker's connections in ours. */
    private final HttpClient ossHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final OssCallbackSigner attacker = OssCallbackSigner.generate();
    private LogCapture.Recorder log;
    private List<LogRecord> logged;
    private HangingKeyHost hanging;
    private LoopbackKeyServer goodKeys;
    private JettyFixture jetty;
    private String base;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture.Recorder("");
        logged = log.records();
        hanging = new HangingKeyHost(CAP);
        goodKeys = LoopbackKeyServer.start();
        goodKeys.serve("/oss/k.pem", oss.publicKeyPem());
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder()
                        .allowPrefix(hanging.baseUrl() + "/keys/")
                        .allowPrefix(goodKeys.baseUrl() + "/oss/")
                        .build())
                .pinKey(hanging.baseUrl() + "/keys/pinned.pem", oss.publicKeyPem())
                // Longer than the test: the fetches that start hang until the host is closed.
                .keyFetchTimeout(Duration.ofSeconds(60))
                .build();
        verifier.prefetchKey(goodKeys.url("/oss/k.pem"));
        jetty = new JettyFixture();
        base = jetty.startAnsweringOk(verifier);
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        hanging.close();
        jetty.close();
        goodKeys.close();
    }

    private HttpRequest callback(OssCallbackSigner signer, String keyUrl) {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/cb/x"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers(keyUrl, "/cb/x", null, null, body).forEach(request::header);
        return request.build();
    }

    private List<CompletableFuture<HttpResponse<String>>> attack(int from, int count, CountDownLatch answered) {
        List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(http.sendAsync(callback(attacker, hanging.baseUrl() + "/keys/fresh-" + i + ".pem"),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> answered.countDown()));
        }
        return out;
    }

    /** Sends a genuine callback and returns its latency in milliseconds, after checking the 200. */
    private long genuine(String keyUrl) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = ossHttp.send(callback(oss, keyUrl), HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, response.statusCode(), keyUrl + ": " + response.body());
        return millis;
    }

    @Test
    void freshKeyPathsOnAHangingHostCostAFewFetchesAndGenuineCallbacksAreAnsweredAtOnce() throws Exception {
        genuine(hanging.baseUrl() + "/keys/pinned.pem"); // before the flood: OSS's connection is open
        genuine(goodKeys.url("/oss/k.pem"));
        // The requests that got a fetch hang until the host closes; all others must be answered.
        CountDownLatch refusedAnswered = new CountDownLatch(FIRST_WAVE + SECOND_WAVE - CAP);
        List<CompletableFuture<HttpResponse<String>>> attacks = new ArrayList<>(attack(0, FIRST_WAVE, refusedAnswered));
        assertTrue(hanging.awaitConnections(30), "the fetch cap filled: " + hanging.connections() + " connections");

        attacks.addAll(attack(FIRST_WAVE, SECOND_WAVE, refusedAnswered));
        long pinnedMillis = genuine(hanging.baseUrl() + "/keys/pinned.pem");
        long cachedMillis = genuine(goodKeys.url("/oss/k.pem"));
        assertTrue(pinnedMillis < 2000, "pinned-key callback took " + pinnedMillis + " ms during the flood");
        assertTrue(cachedMillis < 2000, "cached-key callback took " + cachedMillis + " ms during the flood");

        assertTrue(refusedAnswered.await(60, TimeUnit.SECONDS), "every request without a fetch was answered");
        int connectionsDuringFlood = hanging.connections();
        int requestsDuringFlood = hanging.requests();
        assertTrue(connectionsDuringFlood <= CAP + 2, connectionsDuringFlood + " fetches for "
                + (FIRST_WAVE + SECOND_WAVE) + " fresh key paths");
        assertEquals(1, goodKeys.requestCount("/oss/k.pem"), "the cached key was fetched once, before the flood");

        hanging.close(); // the held fetches fail now, and their requests are answered
        for (CompletableFuture<HttpResponse<String>> f : attacks) {
            HttpResponse<String> response = f.get(60, TimeUnit.SECONDS);
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("key_unavailable"), response.body());
        }
        System.out.printf("key-fetch flood: %d requests with fresh key paths, %d connections / %d requests at the"
                        + " hanging key host (cap %d); genuine callbacks during the flood: pinned key %d ms, cached key %d ms%n",
                FIRST_WAVE + SECOND_WAVE, connectionsDuringFlood, requestsDuringFlood, CAP, pinnedMillis, cachedMillis);

        AtomicInteger caffeine = new AtomicInteger();
        for (LogRecord r : logged) {
            assertEquals(null, r.getThrown(), "logged with a stack trace: " + r.getLoggerName() + " " + r.getMessage());
            if (r.getLoggerName() != null && r.getLoggerName().startsWith("com.github.benmanes.caffeine")) {
                caffeine.incrementAndGet();
            }
        }
        assertEquals(0, caffeine.get(), "Caffeine logged");
    }
}
