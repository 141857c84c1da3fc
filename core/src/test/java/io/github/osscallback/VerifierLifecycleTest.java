package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link CallbackVerifier#keyStatus()} reports, and what {@link CallbackVerifier#close()} stops and keeps. */
class VerifierLifecycleTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String KEYS = "https://keys.test/oss/";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
    private LoopbackKeyServer keyServer;

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
    }

    @AfterEach
    void stop() {
        keyServer.close();
    }

    private CallbackRequest signed(String keyUrl) {
        return signer.request(keyUrl, "/cb", null, null, BODY).build();
    }

    private CallbackVerifier.Builder withTestFetcher(Function<URI, CompletableFuture<PublicKey>> fetcher) {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                .fetcher(fetcher)
                .clock(clock);
    }

    /** The live threads started for key fetches by HTTP clients made after {@code clientsBefore}. */
    private static Set<Thread> fetchThreadsOfClientsAfter(int clientsBefore) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> {
            String name = t.getName();
            if (!name.startsWith(RemoteKeySource.THREAD_NAME_PREFIX)) {
                return false;
            }
            String rest = name.substring(RemoteKeySource.THREAD_NAME_PREFIX.length());
            return Integer.parseInt(rest.substring(0, rest.indexOf('-'))) > clientsBefore;
        }).collect(Collectors.toSet());
    }

    /** The threads the JDK's HTTP clients run their selectors on. */
    private static Set<Thread> jdkSelectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }

    @Test
    void theDefaultVerifierHasOssKeyPinnedAndNothingFetched() {
        KeyStatus status = CallbackVerifier.builder().build().keyStatus();
        assertEquals(Set.of(CallbackVerifier.OSS_KEY_URL), status.pinnedKeyUrls());
        assertEquals(Map.of(), status.fetchedKeys());
        assertTrue(status.remoteFetching());
        assertEquals(Optional.empty(), status.lastFailure());
    }

    @Test
    void aVerifierWithOnlyPinnedKeysSaysItDoesNotFetch() {
        KeyStatus status = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                .pinKey(KEYS + "k.pem", signer.publicKeyPem())
                .remoteKeyFetching(false)
                .build().keyStatus();
        assertEquals(Set.of(KEYS + "k.pem"), status.pinnedKeyUrls());
        assertFalse(status.remoteFetching());
    }

    @Test
    void fetchedKeysAreListedWithTheirFetchTimeUntilTheyExpire() throws Exception {
        CallbackVerifier v = withTestFetcher(uri -> CompletableFuture.completedFuture(signer.publicKey()))
                .maxKeyAge(Duration.ofHours(2)).keyRefreshInterval(Duration.ofHours(1)).build();
        Instant fetchedAt = clock.instant();
        v.verify(signed(KEYS + "a.pem"));
        clock.advance(Duration.ofMinutes(10));
        v.verify(signed(KEYS + "b.pem"));
        assertEquals(Map.of(KEYS + "a.pem", fetchedAt, KEYS + "b.pem", fetchedAt.plus(Duration.ofMinutes(10))),
                v.keyStatus().fetchedKeys());

        clock.advance(Duration.ofMinutes(115)); // a.pem is 125 min old, past maxKeyAge; b.pem 115 min
        assertEquals(Map.of(KEYS + "b.pem", fetchedAt.plus(Duration.ofMinutes(10))), v.keyStatus().fetchedKeys());
    }

    @Test
    void theLastFailedFetchIsReportedWithItsTimeAndProblem() {
        CallbackVerifier v = withTestFetcher(uri -> CompletableFuture.failedFuture(new IOException("refused")))
                .build();
        clock.advance(Duration.ofSeconds(7));
        assertEquals(KEY_UNAVAILABLE, assertThrows(CallbackRejectedException.class,
                () -> v.verify(signed(KEYS + "down.pem"))).reason());

        KeyStatus.Failure failure = v.keyStatus().lastFailure().orElseThrow();
        assertEquals(KEYS + "down.pem", failure.keyUrl());
        assertEquals(clock.instant(), failure.at());
        assertEquals("key_unavailable: key fetch from " + KEYS + "down.pem failed: IOException", failure.problem());
        assertEquals(Map.of(), v.keyStatus().fetchedKeys());
    }

    @Test
    void healthIsUpUntilAFetchFailsWithNoKeyAtHandThenDegradedAndUpAgainOnceAKeyIsFetched() throws Exception {
        boolean[] failing = {true};
        CallbackVerifier v = withTestFetcher(uri -> failing[0]
                ? CompletableFuture.failedFuture(new IOException("refused"))
                : CompletableFuture.completedFuture(signer.publicKey())).build();
        assertEquals(KeyStatus.Health.UP, v.keyStatus().health(), "fetched on demand, nothing failed yet");

        assertThrows(CallbackRejectedException.class, () -> v.verify(signed(KEYS + "a.pem")));
        assertEquals(KeyStatus.Health.DEGRADED, v.keyStatus().health());

        failing[0] = false;
        clock.advance(Duration.ofMinutes(5)); // past the back-off
        Instant fetchedAt = clock.instant();
        v.verify(signed(KEYS + "a.pem"));
        clock.advance(Duration.ofSeconds(90));
        KeyStatus status = v.keyStatus();
        assertEquals(KeyStatus.Health.UP, status.health(), status.toString());
        assertEquals(fetchedAt.plus(Duration.ofSeconds(90)), status.at(), "taken by the verifier's clock");
        assertTrue(status.lastFailure().isPresent(), "the failure is still reported");
    }

    @Test
    void healthIsClosedOnceTheVerifierIsClosedEvenWithPinnedKeys() {
        CallbackVerifier pinnedOnly = CallbackVerifier.builder().remoteKeyFetching(false).build();
        assertEquals(KeyStatus.Health.UP, pinnedOnly.keyStatus().health());
        assertFalse(pinnedOnly.keyStatus().closed());
        pinnedOnly.close();
        assertTrue(pinnedOnly.keyStatus().closed());
        assertEquals(KeyStatus.Health.CLOSED, pinnedOnly.keyStatus().health());
    }

    @Test
    void closeStopsTheFetchThreadsItStartedAndKeepsCachedKeysWorking() throws Exception {
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        keyServer.serve("/oss/new.pem", signer.publicKeyPem());
        int clientsBefore = RemoteKeySource.CLIENTS.get();
        Set<Thread> selectorsBefore = jdkSelectorThreads();
        CallbackVerifier v = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        v.verify(signed(keyServer.url("/oss/k.pem")));
        Set<Thread> started = fetchThreadsOfClientsAfter(clientsBefore);
        assertFalse(started.isEmpty(), "the fetch ran on threads of ours");
        Set<Thread> selectors = jdkSelectorThreads();
        selectors.removeAll(selectorsBefore);
        assertFalse(selectors.isEmpty(), "the JDK client runs a selector thread");

        v.close();
        for (Thread t : started) {
            t.join(10_000); // close has joined them already; this only bounds a failing run
            assertFalse(t.isAlive(), t.getName() + " still runs after close");
        }
        if (Runtime.version().feature() >= 21) {
            // From Java 21 the JDK can shut its client down, and close does; before, only the GC ends this thread.
            for (Thread t : selectors) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName() + " still runs after close");
            }
        }
        assertEquals(Set.of(), fetchThreadsOfClientsAfter(clientsBefore));
        assertFalse(v.keyStatus().remoteFetching());

        v.verify(signed(keyServer.url("/oss/k.pem"))); // cached: a callback arriving during shutdown verifies
        CallbackRejectedException refused = assertThrows(CallbackRejectedException.class,
                () -> v.verify(signed(keyServer.url("/oss/new.pem"))));
        assertEquals(KEY_UNAVAILABLE, refused.reason());
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertEquals(0, keyServer.requestCount("/oss/new.pem"));
        assertEquals(Set.of(), fetchThreadsOfClientsAfter(clientsBefore), "no client was made again");

        v.close(); // idempotent
    }

    @Test
    void closeEndsAFetchInFlightSoNoRequestWaitsForIt() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // A key host that takes the connection and never answers.
            pool.submit(() -> {
                try (Socket held = hanging.accept()) {
                    connected.countDown();
                    held.getInputStream().transferTo(OutputStream.nullOutputStream()); // until closed
                }
                return null;
            });
            String base = "http://127.0.0.1:" + hanging.getLocalPort() + "/oss/";
            CallbackVerifier v = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(base).build())
                    .keyFetchTimeout(Duration.ofMinutes(10)) // only close can end this fetch in time
                    .build();
            Future<OssCallback> waiting = pool.submit(() -> v.verify(signed(base + "k.pem")));
            assertTrue(connected.await(10, TimeUnit.SECONDS), "the fetch reached the key host");

            v.close();
            ExecutionException ended = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            CallbackRejectedException rejection = (CallbackRejectedException) ended.getCause();
            assertEquals(KEY_UNAVAILABLE, rejection.reason());
            assertTrue(rejection.getMessage().contains("closed during the key fetch"), rejection.getMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVerifierThatNeverFetchedStartsNoClientAndClosesQuietly() {
        int clientsBefore = RemoteKeySource.CLIENTS.get();
        CallbackVerifier v = CallbackVerifier.builder().build();
        v.close();
        assertEquals(clientsBefore, RemoteKeySource.CLIENTS.get());
    }

    @Test
    void closeLeavesARefreshExecutorThePassedInAlone() throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor();
        try {
            CallbackVerifier v = withTestFetcher(uri -> CompletableFuture.completedFuture(signer.publicKey()))
                    .keyRefreshExecutor(own).build();
            v.verify(signed(KEYS + "a.pem"));
            v.close();
            assertFalse(own.isShutdown());
            assertEquals("done", own.submit(() -> "done").get());
        } finally {
            own.shutdownNow();
        }
    }
}
