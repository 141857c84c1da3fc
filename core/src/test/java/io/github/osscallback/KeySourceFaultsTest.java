package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.INVALID_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key fetching against a real loopback key server: faults, caching, rotation and concurrency. */
class KeySourceFaultsTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);

    private LoopbackKeyServer keyServer;
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
    }

    @AfterEach
    void stop() {
        keyServer.close();
    }

    private CallbackVerifier.Builder verifierFor(String baseUrl) {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(baseUrl + "/oss/").build())
                .clock(clock);
    }

    private CallbackVerifier verifier() {
        return verifierFor(keyServer.baseUrl()).build();
    }

    private CallbackRequest signed(OssCallbackSigner by, String keyUrl) {
        return by.request(keyUrl, "/cb", null, null, BODY).build();
    }

    private CallbackRejectedException.Reason rejection(CallbackVerifier v, CallbackRequest r) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(r)).reason();
    }

    @Test
    void fetchesKeyOnceAndServesLaterCallbacksFromCache() throws Exception {
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        CallbackVerifier v = verifier();
        for (int i = 0; i < 20; i++) {
            v.verify(signed(signer, keyServer.url("/oss/k.pem")));
        }
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void failsClosedWhenKeyHostIsDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + closedPort;
        CallbackVerifier v = verifierFor(base).build();
        assertEquals(KEY_UNAVAILABLE, rejection(v, signed(signer, base + "/oss/k.pem")));
    }

    @Test
    void honoursFetchTimeoutWhenKeyHostIsSlow() {
        keyServer.answer("/oss/k.pem", 200, signer.publicKeyPem(), Duration.ofSeconds(5), Map.of());
        CallbackVerifier v = verifierFor(keyServer.baseUrl())
                .keyFetchConnectTimeout(Duration.ofMillis(200))
                .keyFetchTimeout(Duration.ofMillis(300))
                .build();
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> v.verify(signed(signer, keyServer.url("/oss/k.pem"))));
        assertEquals(KEY_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
    }

    @Test
    void treatsNotFoundAsUnavailable() {
        assertEquals(KEY_UNAVAILABLE, rejection(verifier(), signed(signer, keyServer.url("/oss/missing.pem"))));
    }

    @Test
    void treatsGarbageAsInvalidKey() {
        keyServer.serve("/oss/k.pem", "<html>this is not a key</html>");
        assertEquals(INVALID_KEY, rejection(verifier(), signed(signer, keyServer.url("/oss/k.pem"))));
    }

    @Test
    void treatsCorruptPemAsInvalidKey() {
        keyServer.serve("/oss/k.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertEquals(INVALID_KEY, rejection(verifier(), signed(signer, keyServer.url("/oss/k.pem"))));
    }

    @Test
    void refusesOversizedKeyResponse() {
        keyServer.serve("/oss/k.pem", "A".repeat(RemoteKeySource.MAX_KEY_BYTES + 1));
        assertEquals(INVALID_KEY, rejection(verifier(), signed(signer, keyServer.url("/oss/k.pem"))));
    }

    @Test
    void doesNotFollowRedirects() {
        keyServer.answer("/oss/k.pem", 302, "", Duration.ZERO, Map.of("Location", keyServer.url("/oss/real.pem")));
        keyServer.serve("/oss/real.pem", signer.publicKeyPem());
        assertEquals(KEY_UNAVAILABLE, rejection(verifier(), signed(signer, keyServer.url("/oss/k.pem"))));
        assertEquals(List.of("/oss/k.pem"), keyServer.requests());
    }

    @Test
    void acceptsPkcs1Pem() throws Exception {
        keyServer.serve("/oss/k.pem", pkcs1Pem((RSAPublicKey) signer.publicKey()));
        verifier().verify(signed(signer, keyServer.url("/oss/k.pem")));
    }

    @Test
    void followsRotationToASecondKeyUrl() throws Exception {
        OssCallbackSigner next = OssCallbackSigner.generate();
        keyServer.serve("/oss/v1.pem", signer.publicKeyPem()).serve("/oss/v2.pem", next.publicKeyPem());
        CallbackVerifier v = verifier();
        v.verify(signed(signer, keyServer.url("/oss/v1.pem")));
        v.verify(signed(next, keyServer.url("/oss/v2.pem")));
        v.verify(signed(signer, keyServer.url("/oss/v1.pem")));
        assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH,
                rejection(v, signed(signer, keyServer.url("/oss/v2.pem"))));
        assertEquals(1, keyServer.requestCount("/oss/v1.pem"));
        assertEquals(1, keyServer.requestCount("/oss/v2.pem"));
    }

    @Test
    void hundredConcurrentFirstRequestsMakeOneFetch() throws Exception {
        keyServer.answer("/oss/k.pem", 200, signer.publicKeyPem(), Duration.ofMillis(300), Map.of());
        // A burst of first requests above the default waiter cap: each may wait for the one fetch.
        CallbackVerifier v = verifierFor(keyServer.baseUrl()).maxKeyFetchWaiters(100).build();
        CallbackRequest request = signed(signer, keyServer.url("/oss/k.pem"));
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OssCallback>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Callable<OssCallback> task = () -> {
                    go.await();
                    return v.verify(request);
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            for (Future<OssCallback> f : results) {
                assertEquals("b", f.get().bucket().orElseThrow());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void keepsServingCachedKeyWhileRefreshFailsThenFailsClosedAtMaxAge() throws Exception {
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        CallbackVerifier v = verifierFor(keyServer.baseUrl())
                .keyRefreshInterval(Duration.ofMinutes(10))
                .maxKeyAge(Duration.ofHours(1))
                .keyRefreshExecutor(Runnable::run) // the refresh has ended when verify returns
                .build();
        CallbackRequest request = signed(signer, keyServer.url("/oss/k.pem"));
        v.verify(request);
        keyServer.answer("/oss/k.pem", 500, "down", Duration.ZERO, Map.of());

        clock.advance(Duration.ofMinutes(30));
        v.verify(request); // stale, the refresh fails, the cached key still serves
        assertEquals(2, keyServer.requestCount("/oss/k.pem"));
        clock.advance(Duration.ofMinutes(29));
        v.verify(request);

        clock.advance(Duration.ofMinutes(2)); // past the maximum age
        assertEquals(KEY_UNAVAILABLE, rejection(v, request));
    }

    @Test
    void refreshReplacesKeyAfterTheInterval() throws Exception {
        // An injected fetcher completes at once, so the refresh lands before verify returns.
        OssCallbackSigner rotated = OssCallbackSigner.generate();
        String keyUrl = "http://keys.test/oss/k.pem";
        java.util.concurrent.atomic.AtomicReference<OssCallbackSigner> served = new java.util.concurrent.atomic.AtomicReference<>(signer);
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        CallbackVerifier v = verifierFor("http://keys.test")
                .keyRefreshInterval(Duration.ofMinutes(10))
                .fetcher(uri -> {
                    fetches.incrementAndGet();
                    return java.util.concurrent.CompletableFuture.completedFuture(served.get().publicKey());
                })
                .build();
        v.verify(signed(signer, keyUrl));
        served.set(rotated);
        clock.advance(Duration.ofMinutes(9));
        v.verify(signed(signer, keyUrl));
        assertEquals(1, fetches.get());
        clock.advance(Duration.ofMinutes(2));
        v.verify(signed(signer, keyUrl)); // stale key answers this one; the refresh runs meanwhile
        assertEquals(2, fetches.get());
        v.verify(signed(rotated, keyUrl));
        assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, rejection(v, signed(signer, keyUrl)));
    }

    @Test
    void refreshExecutorThatRefusesWorkStillServesTheCachedKeyAndRefreshes() throws Exception {
        String keyUrl = "http://keys.test/oss/k.pem";
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        CallbackVerifier v = verifierFor("http://keys.test")
                .keyRefreshInterval(Duration.ofMinutes(10))
                .keyRefreshExecutor(task -> {
                    throw new java.util.concurrent.RejectedExecutionException("full");
                })
                .fetcher(uri -> {
                    fetches.incrementAndGet();
                    return java.util.concurrent.CompletableFuture.completedFuture(signer.publicKey());
                })
                .build();
        v.verify(signed(signer, keyUrl));
        clock.advance(Duration.ofMinutes(11));
        v.verify(signed(signer, keyUrl)); // the cached key answers; the refresh starts without the executor
        assertEquals(2, fetches.get());
    }

    @Test
    void recoversByItselfAfterTheBackoff() throws Exception {
        CallbackVerifier v = verifierFor(keyServer.baseUrl()).keyRetryBackoff(Duration.ofSeconds(5)).build();
        CallbackRequest request = signed(signer, keyServer.url("/oss/k.pem"));
        assertEquals(KEY_UNAVAILABLE, rejection(v, request));
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        assertEquals(KEY_UNAVAILABLE, rejection(v, request)); // within back-off: no second fetch
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
        clock.advance(Duration.ofSeconds(6));
        v.verify(request);
        assertEquals(2, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void pinnedKeyIsNeverFetched() throws Exception {
        CallbackVerifier v = verifierFor(keyServer.baseUrl())
                .pinKey(keyServer.url("/oss/k.pem"), signer.publicKeyPem())
                .build();
        v.verify(signed(signer, keyServer.url("/oss/k.pem")));
        assertEquals(List.of(), keyServer.requests());
    }

    @Test
    void prefetchWarmsTheCache() throws Exception {
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        CallbackVerifier v = verifier();
        v.prefetchKey(keyServer.url("/oss/k.pem"));
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
        v.verify(signed(signer, keyServer.url("/oss/k.pem")));
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
    }

    static String pkcs1Pem(RSAPublicKey key) {
        byte[] der = derSequence(derInteger(key.getModulus()), derInteger(key.getPublicExponent()));
        return "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END RSA PUBLIC KEY-----\n";
    }

    private static byte[] derInteger(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] derSequence(byte[] a, byte[] b) {
        byte[] content = new byte[a.length + b.length];
        System.arraycopy(a, 0, content, 0, a.length);
        System.arraycopy(b, 0, content, a.length, b.length);
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        byte[] length = content.length < 128 ? new byte[] {(byte) content.length}
                : content.length < 256 ? new byte[] {(byte) 0x81, (byte) content.length}
                : new byte[] {(byte) 0x82, (byte) (content.length >> 8), (byte) content.length};
        byte[] out = new byte[1 + length.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, content.length);
        return out;
    }
}
