package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Key host faults seen through the filter on Jetty: a cached key keeps valid callbacks flowing
 * while the host is down or flapping, requests fail closed (503) when no key can be had, and the
 * server recovers by itself. Time moves by an injected clock.
 */
@Tag("jetty")
class KeyHostFaultsTest {

    private static final String BODY = "bucket=b&object=o";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private JettyFixture jetty;
    private String base;

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
        // Fetch timeouts no loopback fetch reaches even on a loaded machine: only the test of the timeout
        // itself has a host slower than its fetch timeout, so no outcome here depends on scheduling.
        startJetty(Duration.ofSeconds(10));
    }

    private void startJetty(Duration fetchTimeout) throws Exception {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .keyRefreshInterval(Duration.ofMinutes(1))
                .maxKeyAge(Duration.ofMinutes(30))
                .keyRetryBackoff(Duration.ofSeconds(5))
                .keyFetchConnectTimeout(fetchTimeout)
                .keyFetchTimeout(fetchTimeout)
                .clock(clock)
                .keyRefreshExecutor(Runnable::run) // a refresh ends before the callback that started it is answered
                .build();
        jetty = new JettyFixture();
        base = jetty.startAnsweringOk(verifier);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        keyServer.close();
    }

    private int post(OssCallbackSigner signer, String keyPath) throws Exception {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/cb/x"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers(keyServer.url(keyPath), "/cb/x", null, null, body).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void cachedKeyKeepsAnsweringWhileKeyHostIsDown() throws Exception {
        keyServer.serve("/oss/k.pem", oss.publicKeyPem());
        assertEquals(200, post(oss, "/oss/k.pem"));
        String keyUrl = keyServer.url("/oss/k.pem");
        keyServer.close(); // connection refused from now on
        for (int minute = 0; minute < 25; minute += 5) {
            clock.advance(Duration.ofMinutes(5)); // stale: background refreshes fail
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/cb/x"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            oss.headers(keyUrl, "/cb/x", null, null, body).forEach(request::header);
            assertEquals(200, http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void failsClosedWithoutKeyThenRecoversByItself() throws Exception {
        keyServer.answer("/oss/k.pem", 500, "down", Duration.ZERO, Map.of());
        assertEquals(503, post(oss, "/oss/k.pem"));
        keyServer.serve("/oss/k.pem", oss.publicKeyPem());
        assertEquals(503, post(oss, "/oss/k.pem")); // within the back-off: answered from memory
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
        clock.advance(Duration.ofSeconds(6));
        assertEquals(200, post(oss, "/oss/k.pem"));
        assertEquals(2, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void failingKeyHostIsNotAskedForOtherPathsUntilTheBackoffEnds() throws Exception {
        keyServer.answer("/oss/k.pem", 500, "down", Duration.ZERO, Map.of());
        keyServer.serve("/oss/fresh.pem", oss.publicKeyPem());
        assertEquals(503, post(oss, "/oss/k.pem"));
        assertEquals(503, post(oss, "/oss/fresh.pem")); // another path, same failing host: no fetch
        assertEquals(List.of("/oss/k.pem"), keyServer.requests());
        clock.advance(Duration.ofSeconds(6));
        assertEquals(200, post(oss, "/oss/fresh.pem"));
        assertEquals(List.of("/oss/k.pem", "/oss/fresh.pem"), keyServer.requests());
    }

    @Test
    void slowKeyHostFailsClosedWithinTheFetchTimeout() throws Exception {
        jetty.close();
        startJetty(Duration.ofSeconds(1));
        // The host answers a valid key only after 20 s: a 200 would mean the 1 s timeout did not end the fetch.
        keyServer.answer("/oss/k.pem", 200, oss.publicKeyPem(), Duration.ofSeconds(20), Map.of());
        assertEquals(503, post(oss, "/oss/k.pem"));
    }

    @Test
    void flappingKeyHostNeverInterruptsCachedKey() throws Exception {
        keyServer.serve("/oss/k.pem", oss.publicKeyPem());
        assertEquals(200, post(oss, "/oss/k.pem"));
        for (int i = 0; i < 10; i++) {
            if (i % 2 == 0) {
                keyServer.answer("/oss/k.pem", 503, "flap", Duration.ZERO, Map.of());
            } else {
                keyServer.serve("/oss/k.pem", oss.publicKeyPem());
            }
            clock.advance(Duration.ofMinutes(2));
            assertEquals(200, post(oss, "/oss/k.pem"), "round " + i);
        }
        assertTrue(keyServer.requestCount("/oss/k.pem") <= 11, "at most one refresh per stale round");
    }

    @Test
    void changedKeyIsPickedUpByTheRefresh() throws Exception {
        OssCallbackSigner rotated = OssCallbackSigner.generate();
        keyServer.serve("/oss/k.pem", oss.publicKeyPem());
        assertEquals(200, post(oss, "/oss/k.pem"));
        assertEquals(403, post(rotated, "/oss/k.pem"));
        keyServer.serve("/oss/k.pem", rotated.publicKeyPem());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(200, post(oss, "/oss/k.pem")); // served from cache; this callback started the refresh
        assertEquals(200, post(rotated, "/oss/k.pem"));
        assertEquals(403, post(oss, "/oss/k.pem"));
    }
}
