package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound key fetches are bounded: a few at a time over all URLs, refused at once beyond that,
 * and a failing key host is left alone for the back-off, whatever path the next callback names.
 * Pinned keys never cost a fetch, and a failed fetch is one log line of ours, without a trace.
 */
class KeyFetchLimitTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String KEYS = "http://keys.test";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
    private final List<URI> fetched = new CopyOnWriteArrayList<>();
    private final Map<URI, CompletableFuture<PublicKey>> pending = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final LogCapture log = new LogCapture();
    private LoopbackKeyServer keyServer;

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(log);
        pending.values().forEach(f -> f.complete(signer.publicKey()));
        pool.shutdownNow();
        keyServer.close();
    }

    /** A fetcher whose fetches finish only when the test completes them. */
    private Function<URI, CompletableFuture<PublicKey>> heldFetcher(CountDownLatch started) {
        return uri -> {
            fetched.add(uri);
            CompletableFuture<PublicKey> fetch = pending.computeIfAbsent(uri, u -> new CompletableFuture<>());
            started.countDown(); // after the future is in the map, where the test completes it
            return fetch;
        };
    }

    private CallbackRequest signed(String keyUrl) {
        return signer.request(keyUrl, "/cb", null, null, BODY).build();
    }

    private CallbackRejectedException rejected(CallbackVerifier v, String keyUrl) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(signed(keyUrl)));
    }

    private Future<OssCallback> verifyInBackground(CallbackVerifier v, String keyUrl) {
        return pool.submit(() -> v.verify(signed(keyUrl)));
    }

    @Test
    void fetchBeyondTheCapIsRefusedAtOnceAndNotRemembered() throws Exception {
        CountDownLatch capFull = new CountDownLatch(2);
        CallbackVerifier v = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS + "/oss/").build())
                .maxConcurrentKeyFetches(2)
                .fetcher(heldFetcher(capFull))
                .clock(clock)
                .build();
        Future<OssCallback> a = verifyInBackground(v, KEYS + "/oss/a.pem");
        Future<OssCallback> b = verifyInBackground(v, KEYS + "/oss/b.pem");
        assertTrue(capFull.await(10, TimeUnit.SECONDS), "both fetches started");

        CallbackRejectedException refused = rejected(v, KEYS + "/oss/c.pem");
        assertEquals(KEY_UNAVAILABLE, refused.reason());
        assertTrue(refused.getMessage().contains("2 key fetches are already running"), refused.getMessage());
        assertEquals(2, fetched.size(), "the refused URL was not fetched");

        pending.get(URI.create(KEYS + "/oss/a.pem")).complete(signer.publicKey());
        assertEquals("b", a.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        // The refusal was no fetch failure: with a permit free, the same URL is fetched at once.
        pending.computeIfAbsent(URI.create(KEYS + "/oss/c.pem"), u -> new CompletableFuture<>()).complete(signer.publicKey());
        v.verify(signed(KEYS + "/oss/c.pem"));
        assertEquals(3, fetched.size());
        pending.get(URI.create(KEYS + "/oss/b.pem")).complete(signer.publicKey());
        b.get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsForAUrlBeingFetchedWaitForThatFetchEvenWithTheCapFull() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CallbackVerifier v = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS + "/oss/").build())
                .maxConcurrentKeyFetches(1)
                .fetcher(heldFetcher(started))
                .clock(clock)
                .build();
        List<Future<OssCallback>> waiting = new ArrayList<>();
        waiting.add(verifyInBackground(v, KEYS + "/oss/a.pem"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 20; i++) {
            waiting.add(verifyInBackground(v, KEYS + "/oss/a.pem"));
        }
        pending.get(URI.create(KEYS + "/oss/a.pem")).complete(signer.publicKey());
        for (Future<OssCallback> f : waiting) {
            assertEquals("b", f.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        }
        assertEquals(1, fetched.size());
    }

    @Test
    void failingHostIsNotContactedForAnyPathUntilTheBackoffEnds() throws Exception {
        keyServer.answer("/oss/a.pem", 503, "down", Duration.ZERO, Map.of());
        keyServer.serve("/oss/b.pem", signer.publicKeyPem());
        CallbackVerifier v = loopbackVerifier().keyRetryBackoff(Duration.ofSeconds(5)).build();

        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/a.pem")).reason());
        CallbackRejectedException refused = rejected(v, keyServer.url("/oss/b.pem"));
        assertEquals(KEY_UNAVAILABLE, refused.reason());
        assertTrue(refused.getMessage().contains("failed recently"), refused.getMessage());
        assertEquals(List.of("/oss/a.pem"), keyServer.requests());

        clock.advance(Duration.ofSeconds(4));
        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/b.pem")).reason());
        assertEquals(List.of("/oss/a.pem"), keyServer.requests());
        clock.advance(Duration.ofSeconds(2));
        v.verify(signed(keyServer.url("/oss/b.pem")));
        assertEquals(List.of("/oss/a.pem", "/oss/b.pem"), keyServer.requests());
    }

    @Test
    void hostThatTimesOutIsBackedOffToo() throws Exception {
        keyServer.answer("/oss/a.pem", 200, signer.publicKeyPem(), Duration.ofSeconds(5), Map.of());
        keyServer.serve("/oss/b.pem", signer.publicKeyPem());
        CallbackVerifier v = loopbackVerifier()
                .keyFetchConnectTimeout(Duration.ofMillis(200))
                .keyFetchTimeout(Duration.ofMillis(300))
                .build();
        assertTrue(rejected(v, keyServer.url("/oss/a.pem")).getMessage().contains("timed out"));
        assertTrue(rejected(v, keyServer.url("/oss/b.pem")).getMessage().contains("failed recently"));
        // Not "exactly a.pem": on a busy machine the key host may not have taken a.pem's request yet
        // when the fetch gives up, and that is no part of the back-off.
        assertFalse(keyServer.requests().contains("/oss/b.pem"), keyServer.requests().toString());
    }

    @Test
    void hostThatAnswersWithoutAKeyIsNotBackedOff() throws Exception {
        keyServer.serve("/oss/garbage.pem", "not a key");
        keyServer.serve("/oss/b.pem", signer.publicKeyPem());
        CallbackVerifier v = loopbackVerifier().build();
        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/missing.pem")).reason());
        assertEquals(CallbackRejectedException.Reason.INVALID_KEY, rejected(v, keyServer.url("/oss/garbage.pem")).reason());
        v.verify(signed(keyServer.url("/oss/b.pem")));
        assertEquals(List.of("/oss/missing.pem", "/oss/garbage.pem", "/oss/b.pem"), keyServer.requests());
    }

    @Test
    void pinnedKeysNeverCostAFetchWhateverTheFetchState() throws Exception {
        keyServer.answer("/oss/a.pem", 500, "down", Duration.ZERO, Map.of());
        CallbackVerifier v = loopbackVerifier()
                .pinKey(keyServer.url("/oss/pinned.pem"), signer.publicKeyPem())
                .maxConcurrentKeyFetches(1)
                .build();
        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/a.pem")).reason()); // host now backed off
        for (int i = 0; i < 10; i++) {
            v.verify(signed(keyServer.url("/oss/pinned.pem")));
        }
        assertEquals(List.of("/oss/a.pem"), keyServer.requests());
    }

    @Test
    void ossKeyUrlIsAnsweredByThePinnedKeyWithoutAFetch() throws Exception {
        List<URI> calls = new CopyOnWriteArrayList<>();
        CallbackVerifier v = CallbackVerifier.builder()
                .fetcher(uri -> {
                    calls.add(uri);
                    return CompletableFuture.completedFuture(signer.publicKey());
                })
                .build();
        v.prefetchKey("http://gosspublic.alicdn.com/callback_pub_key_v1.pem");
        v.prefetchKey("https://gosspublic.alicdn.com/callback_pub_key_v1.pem");
        assertEquals(List.of(), calls);
        v.prefetchKey("http://gosspublic.alicdn.com/callback_pub_key_v2.pem"); // a rotation: fetched, over https
        assertEquals(List.of(URI.create("https://gosspublic.alicdn.com/callback_pub_key_v2.pem")), calls);
    }

    @Test
    void failedFetchIsOneLogLineOfOursWithoutStackTrace() throws Exception {
        keyServer.answer("/oss/down.pem", 503, "down", Duration.ZERO, Map.of());
        CallbackVerifier v = loopbackVerifier().build();
        for (int i = 0; i < 5; i++) {
            assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/missing.pem")).reason());
        }
        clock.advance(Duration.ofSeconds(2));
        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/down.pem")).reason());
        assertEquals(KEY_UNAVAILABLE, rejected(v, keyServer.url("/oss/other.pem")).reason()); // backed off
        assertEquals(List.of("/oss/missing.pem", "/oss/down.pem"), keyServer.requests());

        List<LogRecord> ours = log.from(CachingKeySource.class.getName());
        assertEquals(2, ours.size(), "one line per failed fetch: " + log.describe());
        assertTrue(ours.get(0).getMessage().contains("key fetch failed"), ours.get(0).getMessage());
        assertEquals(List.of(), log.from("com.github.benmanes.caffeine"), "Caffeine logged: " + log.describe());
        assertEquals(0, log.records.stream().filter(r -> r.getThrown() != null).count(),
                "no stack trace: " + log.describe());
    }

    @Test
    void concurrencyCapIsAStringSettingToo() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CallbackVerifier v = VerifierSettings.configure(CallbackVerifier.builder(),
                        Map.of("keyUrlPrefixes", KEYS + "/oss/", "maxConcurrentKeyFetches", "1"))
                .fetcher(heldFetcher(started))
                .build();
        Future<OssCallback> a = verifyInBackground(v, KEYS + "/oss/a.pem");
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertEquals(KEY_UNAVAILABLE, rejected(v, KEYS + "/oss/b.pem").reason());
        pending.get(URI.create(KEYS + "/oss/a.pem")).complete(signer.publicKey());
        a.get(10, TimeUnit.SECONDS);
        assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("maxConcurrentKeyFetches", "0")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().maxConcurrentKeyFetches(0));
    }

    private CallbackVerifier.Builder loopbackVerifier() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .clock(clock);
    }

    /** Every record logged through java.util.logging (the System.Logger default) while a test runs. */
    static final class LogCapture extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        LogCapture() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        List<LogRecord> from(String loggerPrefix) {
            List<LogRecord> out = new ArrayList<>();
            for (LogRecord r : records) {
                if (r.getLoggerName() != null && r.getLoggerName().startsWith(loggerPrefix)) {
                    out.add(r);
                }
            }
            return out;
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            for (LogRecord r : records) {
                sb.append('\n').append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ")
                        .append(r.getMessage()).append(r.getThrown() != null ? " [with stack trace]" : "");
            }
            return sb.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
