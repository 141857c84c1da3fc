package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.CallbackEndpointTest;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The listener hears each outcome once: every accepted callback, every rejection wherever it is
 * made, every key fetch with its latency by the verifier's clock. A listener that throws changes
 * nothing but one log line per method.
 */
class CallbackListenerTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String KEYS = "https://keys.test/oss/";
    private static final String PINNED = KEYS + "pinned.pem";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
    private final Recording heard = new Recording();

    /** Writes down what it hears, one line per call. */
    static final class Recording implements CallbackListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void accepted(OssCallback callback) {
            events.add("accepted " + callback.bucket().orElse("?"));
        }

        @Override
        public void rejected(CallbackRejectedException.Reason reason) {
            events.add("rejected " + reason.code());
        }

        @Override
        public void keyFetched(String keyUrl, Duration latency) {
            events.add("fetched " + keyUrl + " in " + latency.toMillis() + " ms");
        }

        @Override
        public void keyFetchFailed(String keyUrl, Duration latency, String problem) {
            events.add("fetch failed " + keyUrl + " in " + latency.toMillis() + " ms: " + problem);
        }
    }

    private CallbackVerifier.Builder verifier() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                .pinKey(PINNED, signer.publicKeyPem())
                .clock(clock)
                .listener(heard);
    }

    /** A fetcher that takes {@code takes} by the test clock, then answers with the key or the failure. */
    private Function<URI, CompletableFuture<PublicKey>> fetcherTaking(Duration takes, Throwable failure) {
        return uri -> {
            clock.advance(takes);
            return failure == null ? CompletableFuture.completedFuture(signer.publicKey())
                    : CompletableFuture.failedFuture(failure);
        };
    }

    private CallbackRequest signed(String keyUrl) {
        return signer.request(keyUrl, "/cb", null, null, BODY).build();
    }

    @Test
    void hearsAnAcceptedCallbackAndEachRejectionOfVerifyOnce() throws Exception {
        CallbackVerifier v = verifier().build();
        v.verify(signed(PINNED));
        CallbackRequest forged = OssCallbackSigner.generate().request(PINNED, "/cb", null, null, BODY).build();
        assertThrows(CallbackRejectedException.class, () -> v.verify(forged));
        CallbackRequest unsigned = CallbackRequest.builder().method("POST").path("/cb").body(BODY).build();
        assertThrows(CallbackRejectedException.class, () -> v.verify(unsigned));

        assertEquals(List.of("accepted b", "rejected " + SIGNATURE_MISMATCH.code(), "rejected " + MISSING_HEADER.code()),
                heard.events);
    }

    @Test
    void hearsATooLargeBodyRefusedWhileReading() {
        CallbackVerifier v = verifier().maxBodyBytes(8).build();
        assertThrows(CallbackRejectedException.class, () -> v.verify(CallbackRequest.builder().path("/cb").build(), new ByteArrayInputStream(BODY), -1));
        assertEquals(List.of("rejected " + BODY_TOO_LARGE.code()), heard.events);
    }

    @Test
    void hearsEachRejectionOfTheSharedEndpointOnceWhereverItIsMade() {
        CallbackEndpoint endpoint = CallbackEndpoint.of("TestAdapter", verifier().maxBodyBytes(8).build(),
                new CallbackEndpointTest.Lines());
        assertThrows(CallbackRejectedException.class, () -> endpoint.verify(incoming("GET", () -> {
            throw new AssertionError("a GET body is not read");
        })));
        assertThrows(CallbackRejectedException.class, () -> endpoint.verify(incoming("POST", () -> {
            throw new IOException("connection reset");
        })));
        assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming("POST", () -> new ByteArrayInputStream(BODY))));

        assertEquals(List.of("rejected " + METHOD_NOT_ALLOWED.code(), "rejected " + BODY_UNREADABLE.code(),
                "rejected " + BODY_TOO_LARGE.code()), heard.events);
    }

    @Test
    void hearsAKeyFetchWithItsLatencyByTheVerifiersClock() throws Exception {
        CallbackVerifier v = verifier().fetcher(fetcherTaking(Duration.ofMillis(250), null)).build();
        v.verify(signed(KEYS + "remote.pem"));
        v.verify(signed(KEYS + "remote.pem")); // cached: no second fetch

        assertEquals(List.of("fetched " + KEYS + "remote.pem in 250 ms", "accepted b", "accepted b"), heard.events);
    }

    @Test
    void hearsAFailedKeyFetchWithItsLatencyAndALogSafeProblem() {
        CallbackVerifier v = verifier().fetcher(fetcherTaking(Duration.ofMillis(400),
                new IOException("connection refused"))).build();
        assertEquals(KEY_UNAVAILABLE, assertThrows(CallbackRejectedException.class,
                () -> v.verify(signed(KEYS + "remote.pem"))).reason());

        assertEquals(List.of("fetch failed " + KEYS + "remote.pem in 400 ms: key_unavailable: key fetch from "
                + KEYS + "remote.pem failed: IOException", "rejected " + KEY_UNAVAILABLE.code()), heard.events);
    }

    @Test
    void aFetchRefusedBeforeReachingTheKeyHostIsARejectionNotAFailedFetch() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<PublicKey> held = new CompletableFuture<>();
        CallbackVerifier v = verifier().maxConcurrentKeyFetches(1).fetcher(uri -> {
            started.countDown();
            return held;
        }).build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<OssCallback> first = pool.submit(() -> v.verify(signed(KEYS + "held.pem")));
            assertTrue(started.await(10, TimeUnit.SECONDS), "the first fetch started");

            assertEquals(KEY_UNAVAILABLE, assertThrows(CallbackRejectedException.class,
                    () -> v.verify(signed(KEYS + "other.pem"))).reason());
            assertEquals(List.of("rejected " + KEY_UNAVAILABLE.code()), heard.events);

            held.complete(signer.publicKey());
            first.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("rejected " + KEY_UNAVAILABLE.code(), "fetched " + KEYS + "held.pem in 0 ms",
                "accepted b"), heard.events);
    }

    @Test
    void aThrowingListenerChangesNoOutcomeAndIsLoggedOncePerMethod() throws Exception {
        CallbackListener throwing = new CallbackListener() {
            @Override
            public void accepted(OssCallback callback) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void rejected(CallbackRejectedException.Reason reason) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void keyFetched(String keyUrl, Duration latency) {
                throw new IllegalStateException("metrics down");
            }
        };
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(CallbackVerifier.class.getName());
        logger.addHandler(handler);
        logger.setUseParentHandlers(false); // the expected errors, kept off the console
        try {
            CallbackVerifier v = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                    .fetcher(fetcherTaking(Duration.ZERO, null))
                    .clock(clock)
                    .listener(throwing)
                    .build();
            for (int i = 0; i < 3; i++) {
                assertEquals("b", v.verify(signed(KEYS + "remote.pem")).bucket().orElseThrow());
                CallbackRequest forged = OssCallbackSigner.generate()
                        .request(KEYS + "remote.pem", "/cb", null, null, BODY).build();
                assertEquals(SIGNATURE_MISMATCH, assertThrows(CallbackRejectedException.class,
                        () -> v.verify(forged)).reason());
            }
        } finally {
            logger.setUseParentHandlers(true);
            logger.removeHandler(handler);
        }
        List<String> logged = records.stream().filter(r -> r.getLevel() == Level.SEVERE)
                .map(LogRecord::getMessage).collect(Collectors.toList());
        assertEquals(3, logged.size(), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains(".accepted threw")), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains(".rejected threw")), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains(".keyFetched threw")), logged.toString());
    }

    @Test
    void allTellsEveryListenerInOrderEvenWhenAnEarlierOneThrows() throws Exception {
        Recording second = new Recording();
        CallbackListener throwing = new CallbackListener() {
            @Override
            public void accepted(OssCallback callback) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void rejected(CallbackRejectedException.Reason reason) {
                throw new LinkageError("metrics missing");
            }
        };
        Logger logger = Logger.getLogger(CallbackVerifier.class.getName());
        logger.setUseParentHandlers(false); // the expected errors, kept off the console
        try {
            CallbackVerifier v = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(KEYS).build())
                    .pinKey(PINNED, signer.publicKeyPem())
                    .clock(clock)
                    .listener(CallbackListener.all(heard, throwing, second))
                    .build();
            v.verify(signed(PINNED));
            CallbackRequest forged = OssCallbackSigner.generate().request(PINNED, "/cb", null, null, BODY).build();
            assertThrows(CallbackRejectedException.class, () -> v.verify(forged));
        } finally {
            logger.setUseParentHandlers(true);
        }
        assertEquals(List.of("accepted b", "rejected signature_mismatch"), heard.events);
        assertEquals(heard.events, second.events);
    }

    @Test
    void allRefusesANullListener() {
        assertThrows(NullPointerException.class, () -> CallbackListener.all(heard, null));
    }

    @Test
    void aSecondListenerIsRefused() {
        CallbackVerifier.Builder b = CallbackVerifier.builder().listener(new Recording());
        assertThrows(IllegalStateException.class, () -> b.listener(new Recording()));
    }

    interface BodySource {
        InputStream open() throws IOException;
    }

    private static CallbackEndpoint.Incoming incoming(String method, BodySource body) {
        return new CallbackEndpoint.Incoming() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String rawPath() {
                return "/cb";
            }

            @Override
            public String rawQuery() {
                return null;
            }

            @Override
            public List<String> headers(String name) {
                return null;
            }

            @Override
            public InputStream body() throws IOException {
                return body.open();
            }

            @Override
            public long declaredLength() {
                return -1;
            }
        };
    }
}
