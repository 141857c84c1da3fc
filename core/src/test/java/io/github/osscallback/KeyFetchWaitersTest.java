package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests for a key URL whose fetch is already running wait for it, but only so many at once
 * over all URLs: one more is refused at once (503 {@code key_unavailable}) instead of holding its
 * thread for the fetch, so a flood naming one URL on a hanging key host cannot take every thread.
 * Each wave below knows its waiters are in place without sleeping: a request is refused only
 * while every slot is held, and slots are held until the fetch completes.
 */
class KeyFetchWaitersTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String KEYS = "http://keys.test/oss/";
    private static final int CAP = 3;
    private static final int EXTRA = 5;

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
    private final List<URI> fetched = new CopyOnWriteArrayList<>();
    private final Map<URI, CompletableFuture<PublicKey>> pending = new ConcurrentHashMap<>();
    private final Map<URI, CountDownLatch> fetchStarted = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final KeyFetchLimitTest.LogCapture log = new KeyFetchLimitTest.LogCapture();

    @BeforeEach
    void start() {
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(log);
        pending.values().forEach(f -> f.complete(signer.publicKey()));
        pool.shutdownNow();
    }

    /** A fetcher whose fetches finish only when the test completes them. */
    private final Function<URI, CompletableFuture<PublicKey>> heldFetcher = uri -> {
        fetched.add(uri);
        CompletableFuture<PublicKey> fetch = pending.computeIfAbsent(uri, u -> new CompletableFuture<>());
        started(uri).countDown(); // after the future is in the map, where the test completes it
        return fetch;
    };

    private CountDownLatch started(URI uri) {
        return fetchStarted.computeIfAbsent(uri, u -> new CountDownLatch(1));
    }

    private CallbackVerifier.Builder verifier() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                .fetcher(heldFetcher)
                .clock(clock);
    }

    /** Verifies on a pool thread; a refusal counts down {@code refused} once the future is done. */
    private Future<OssCallback> verifyInBackground(CallbackVerifier v, String keyUrl, CountDownLatch refused) {
        CompletableFuture<OssCallback> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                result.complete(v.verify(signer.request(keyUrl, "/cb", null, null, BODY).build()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
                refused.countDown();
            }
        });
        return result;
    }

    /**
     * Starts a fetch of {@code keyUrl} that hangs, then sends CAP + EXTRA more requests for it and
     * returns once EXTRA were refused: the CAP others then hold every slot until the fetch ends.
     */
    private Wave wave(CallbackVerifier v, String keyUrl) throws Exception {
        URI uri = URI.create(keyUrl);
        Wave wave = new Wave();
        wave.starter = verifyInBackground(v, keyUrl, new CountDownLatch(1));
        assertTrue(started(uri).await(10, TimeUnit.SECONDS), "the fetch started");
        CountDownLatch refused = new CountDownLatch(EXTRA);
        for (int i = 0; i < CAP + EXTRA; i++) {
            wave.others.add(verifyInBackground(v, keyUrl, refused));
        }
        assertTrue(refused.await(10, TimeUnit.SECONDS), "requests beyond the cap were refused while the fetch hangs");
        for (Future<OssCallback> f : wave.others) {
            if (f.isDone()) {
                wave.refused.add(f);
            } else {
                wave.waiting.add(f);
            }
        }
        assertEquals(EXTRA, wave.refused.size(), "refused while " + CAP + " wait");
        assertEquals(CAP, wave.waiting.size(), "waiting for the fetch");
        assertFalse(wave.starter.isDone(), "the request that started the fetch waits for it, uncounted");
        for (Future<OssCallback> f : wave.refused) {
            assertRefusedForWaiters(f);
        }
        return wave;
    }

    private static void assertRefusedForWaiters(Future<OssCallback> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        CallbackRejectedException refusal = (CallbackRejectedException) e.getCause();
        assertEquals(KEY_UNAVAILABLE, refusal.reason());
        assertEquals(503, refusal.reason().httpStatus());
        assertTrue(refusal.getMessage().contains(CAP + " requests are already waiting for key fetches"),
                refusal.getMessage());
    }

    private void completeFetch(String keyUrl) {
        pending.get(URI.create(keyUrl)).complete(signer.publicKey());
    }

    private static void assertAllVerified(Wave wave) throws Exception {
        assertEquals("b", wave.starter.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        for (Future<OssCallback> f : wave.waiting) {
            assertEquals("b", f.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        }
    }

    @Test
    void waitersBeyondTheCapAreRefusedAtOnceAndTheOthersGetTheKey() throws Exception {
        CallbackVerifier v = verifier().maxKeyFetchWaiters(CAP).build();
        Wave wave = wave(v, KEYS + "a.pem");

        // With every slot held, one more request is refused at once.
        Future<OssCallback> oneMore = verifyInBackground(v, KEYS + "a.pem", new CountDownLatch(1));
        assertRefusedForWaiters(oneMore);
        assertEquals(List.of(URI.create(KEYS + "a.pem")), fetched, "refusals start no fetch");

        completeFetch(KEYS + "a.pem");
        assertAllVerified(wave);
        assertEquals(1, fetched.size());
        assertEquals(List.of(), log.from(CachingKeySource.class.getName()), "refusals log nothing of ours: "
                + log.describe());
    }

    @Test
    void slotsAreFreedWhenTheFetchEndsWhateverItsOutcome() throws Exception {
        CallbackVerifier v = verifier().maxKeyFetchWaiters(CAP).build();
        Wave first = wave(v, KEYS + "a.pem");
        completeFetch(KEYS + "a.pem");
        assertAllVerified(first);

        // A failed fetch frees its waiters' slots too.
        Wave second = wave(v, KEYS + "b.pem");
        pending.get(URI.create(KEYS + "b.pem")).completeExceptionally(new KeyFetchFailure(
                KeyFetchFailure.Kind.KEY_REFUSED, new CallbackRejectedException(KEY_UNAVAILABLE, "404")));
        for (Future<OssCallback> f : second.waiting) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(KEY_UNAVAILABLE, ((CallbackRejectedException) e.getCause()).reason());
        }

        Wave third = wave(v, KEYS + "c.pem");
        completeFetch(KEYS + "c.pem");
        assertAllVerified(third);
        assertEquals(List.of(URI.create(KEYS + "a.pem"), URI.create(KEYS + "b.pem"), URI.create(KEYS + "c.pem")),
                fetched);
    }

    @Test
    void theCapCountsWaitersOverAllUrls() throws Exception {
        CallbackVerifier v = verifier().maxKeyFetchWaiters(CAP).build();
        Wave a = wave(v, KEYS + "a.pem");
        // All slots are held by waiters for a.pem: a request for b.pem may start b's fetch,
        // but one more for b.pem may not wait for it.
        Future<OssCallback> bStarter = verifyInBackground(v, KEYS + "b.pem", new CountDownLatch(1));
        assertTrue(started(URI.create(KEYS + "b.pem")).await(10, TimeUnit.SECONDS));
        assertRefusedForWaiters(verifyInBackground(v, KEYS + "b.pem", new CountDownLatch(1)));
        completeFetch(KEYS + "b.pem");
        assertEquals("b", bStarter.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        completeFetch(KEYS + "a.pem");
        assertAllVerified(a);
    }

    @Test
    void refusalsAreNotRememberedAsFailures() throws Exception {
        // The back-off outlives the key, so a refusal remembered as a failed fetch would still
        // refuse the URL once the key expired.
        CallbackVerifier v = verifier()
                .maxKeyFetchWaiters(CAP)
                .keyRefreshInterval(Duration.ofHours(1))
                .maxKeyAge(Duration.ofHours(1))
                .keyRetryBackoff(Duration.ofHours(2))
                .build();
        Wave wave = wave(v, KEYS + "a.pem");
        completeFetch(KEYS + "a.pem");
        assertAllVerified(wave);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        pending.remove(URI.create(KEYS + "a.pem"));
        fetchStarted.remove(URI.create(KEYS + "a.pem"));
        Future<OssCallback> again = verifyInBackground(v, KEYS + "a.pem", new CountDownLatch(1));
        assertTrue(started(URI.create(KEYS + "a.pem")).await(10, TimeUnit.SECONDS), "the expired key is fetched again");
        completeFetch(KEYS + "a.pem");
        assertEquals("b", again.get(10, TimeUnit.SECONDS).bucket().orElseThrow());
        assertEquals(2, fetched.size());
    }

    @Test
    void capIsASetOnceOptionAndAStringSetting() throws Exception {
        CallbackVerifier v = VerifierSettings.configure(verifier(), Map.of("maxKeyFetchWaiters", String.valueOf(CAP))).build();
        Wave wave = wave(v, KEYS + "a.pem");
        completeFetch(KEYS + "a.pem");
        assertAllVerified(wave);

        assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("maxKeyFetchWaiters", "0")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().maxKeyFetchWaiters(0));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> CallbackVerifier.builder().maxKeyFetchWaiters(4).maxKeyFetchWaiters(5));
        assertTrue(twice.getMessage().startsWith("maxKeyFetchWaiters was already set"), twice.getMessage());
    }

    /** One wave of requests for a URL whose fetch hangs. */
    private static final class Wave {
        Future<OssCallback> starter;
        final List<Future<OssCallback>> others = new ArrayList<>();
        final List<Future<OssCallback>> refused = new ArrayList<>();
        final List<Future<OssCallback>> waiting = new ArrayList<>();
    }
}
