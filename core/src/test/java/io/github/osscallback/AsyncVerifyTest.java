package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.HangingKeyHost;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The non-blocking path: the same outcome as the blocking one for every body of the differential
 * corpus (fed in small buffers), the body limit held before buffering more, and no thread held by
 * a key host that never answers or a replay store that has not answered yet. The blocking path
 * is this one joined, so every other verifier test covers the shared steps.
 */
class AsyncVerifyTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final CallbackListener listener = new CallbackListener() {
        @Override
        public void accepted(OssCallback callback) {
            heard.add("accepted");
        }

        @Override
        public void rejected(CallbackRejectedException.Reason reason) {
            heard.add(reason.code());
        }
    };

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false)
                .maxBodyBytes(1024);
    }

    static Stream<ReadingCase> corpus() {
        return ReadingCase.corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void givesTheBlockingPathsOutcomeForEveryBodyOfTheCorpus(ReadingCase c) {
        try (CallbackVerifier verifier = builder().build()) {
            CallbackRequest request = signer.request(KEY_URL, "/cb", c.query(), FORM, c.body()).build();
            String blocking = outcome(() -> verifier.verify(request, new ByteArrayInputStream(c.body()), c.body().length));
            ChunkedPublisher body = new ChunkedPublisher(c.body(), 3);
            String async = outcome(() -> join(verifier.verifyAsync(request, body, c.body().length)));
            assertEquals(blocking, async);
            String inHand = outcome(() -> join(verifier.verifyAsync(request)));
            assertEquals(blocking, inHand);
        }
    }

    @Test
    void refusesMoreThanTheLimitAsItArrivesAndCancels() {
        try (CallbackVerifier verifier = builder().listener(listener).build()) {
            byte[] big = new byte[10 * 1024];
            Arrays.fill(big, (byte) 'a');
            CallbackRequest head = signer.request(KEY_URL, "/cb", null, FORM, "a=b".getBytes(StandardCharsets.UTF_8))
                    .build();
            ChunkedPublisher body = new ChunkedPublisher(big, 100);
            CallbackRejectedException e = rejection(verifier.verifyAsync(head, body, -1));
            assertEquals("body_too_large", e.reason().code());
            assertTrue(body.cancelled);
            // the buffer that crossed 1024 bytes was the last one taken
            assertEquals(11, body.emitted);
            assertEquals(List.of("body_too_large"), heard);
        }
    }

    @Test
    void refusesABodyLongerThanItsContentLength() {
        try (CallbackVerifier verifier = builder().build()) {
            byte[] body = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
            CallbackRequest head = signer.request(KEY_URL, "/cb", null, FORM, body).build();
            ChunkedPublisher publisher = new ChunkedPublisher(body, 4);
            assertEquals("body_too_large", rejection(verifier.verifyAsync(head, publisher, 5)).reason().code());
            assertTrue(publisher.cancelled);
        }
    }

    @Test
    void subscribesToNothingForAnOversizedDeclarationOrAnotherMethod() {
        try (CallbackVerifier verifier = builder().listener(listener).build()) {
            byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
            CallbackRequest head = signer.request(KEY_URL, "/cb", null, FORM, body).build();
            ChunkedPublisher declaredTooMuch = new ChunkedPublisher(body, 4);
            assertEquals("body_too_large",
                    rejection(verifier.verifyAsync(head, declaredTooMuch, 1025)).reason().code());
            assertFalse(declaredTooMuch.subscribed);
            CallbackRequest get = CallbackRequest.builder().method("GET").path("/cb").build();
            ChunkedPublisher notRead = new ChunkedPublisher(body, 4);
            assertEquals("method_not_allowed", rejection(verifier.verifyAsync(get, notRead, -1)).reason().code());
            assertFalse(notRead.subscribed);
            assertEquals(List.of("body_too_large", "method_not_allowed"), heard);
        }
    }

    @Test
    void refusesABodyCutShortOrFailingAsUnreadable() {
        try (CallbackVerifier verifier = builder().build()) {
            byte[] body = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
            CallbackRequest head = signer.request(KEY_URL, "/cb", null, FORM, body).build();
            assertEquals("body_unreadable", rejection(verifier.verifyAsync(head,
                    new ChunkedPublisher(body, 4), body.length + 1)).reason().code());
            Flow.Publisher<ByteBuffer> failing = s -> {
                s.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                s.onError(new IOException("connection reset"));
            };
            assertEquals("body_unreadable", rejection(verifier.verifyAsync(head, failing, -1)).reason().code());
        }
    }

    @Test
    void copiesEachBufferBeforeOnNextReturns() {
        try (CallbackVerifier verifier = builder().build()) {
            byte[] body = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
            CallbackRequest head = signer.request(KEY_URL, "/cb", null, FORM, body).build();
            // The publisher overwrites each buffer after onNext, as a pooled buffer released and reused would be.
            ChunkedPublisher reusing = new ChunkedPublisher(body, 5);
            reusing.scribbleAfterOnNext = true;
            OssCallback callback = join(verifier.verifyAsync(head, reusing, body.length));
            assertEquals("o.jpg", callback.object().orElseThrow());
        }
    }

    @Test
    void aKeyHostThatNeverAnswersHoldsNoThread() throws Exception {
        try (HangingKeyHost host = new HangingKeyHost(1);
             CallbackVerifier verifier = CallbackVerifier.builder()
                     .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(host.baseUrl() + "/oss/").build())
                     .keyFetchTimeout(Duration.ofSeconds(1))
                     .keyFetchConnectTimeout(Duration.ofSeconds(1))
                     .listener(listener)
                     .build()) {
            byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
            CallbackRequest request = signer.request(host.baseUrl() + "/oss/key.pem", "/cb", null, FORM, body).build();
            CompletionStage<OssCallback> stage = verifier.verifyAsync(request, new ChunkedPublisher(body, 4), body.length);
            // Returned while the key host holds the fetch: the calling thread was not held for it.
            assertTrue(host.awaitConnections(10));
            assertFalse(stage.toCompletableFuture().isDone());
            assertEquals("key_unavailable", rejection(stage).reason().code());
            assertEquals(List.of("key_unavailable"), heard);
        }
    }

    @Test
    void waitsForAnAsynchronousReplayStoreWithoutAThread() {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        List<String> asked = new ArrayList<>();
        ReplayStore store = new ReplayStore() {
            @Override
            public boolean firstSeen(String key, Duration window) {
                throw new AssertionError("the non-blocking path must use firstSeenAsync");
            }

            @Override
            public CompletionStage<Boolean> firstSeenAsync(String key, Duration window) {
                asked.add(key);
                return answer;
            }
        };
        try (CallbackVerifier verifier = builder().replayProtection(Duration.ofMinutes(5), store).listener(listener)
                .build()) {
            byte[] body = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
            CallbackRequest request = signer.request(KEY_URL, "/cb", null, FORM, body).build();
            CompletionStage<OssCallback> first = verifier.verifyAsync(request);
            assertEquals(1, asked.size());
            assertFalse(first.toCompletableFuture().isDone());
            assertEquals(List.of(), heard);
            answer.complete(false);
            assertEquals("replayed", rejection(first).reason().code());
            assertEquals(List.of("replayed"), heard);
        }
    }

    @Test
    void theBlockingPathThrowsTheRejectionItself() {
        try (CallbackVerifier verifier = builder().build()) {
            CallbackRequest get = CallbackRequest.builder().method("GET").path("/cb").build();
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> verifier.verify(get));
            assertEquals("method_not_allowed", e.reason().code());
            CompletionException wrapped = assertThrows(CompletionException.class,
                    () -> verifier.verifyAsync(get).toCompletableFuture().join());
            assertSame(CallbackRejectedException.class, wrapped.getCause().getClass());
        }
    }

    private interface Verification {
        OssCallback run() throws Exception;
    }

    /** A comparable outcome: the reason code, or the fields, the problem and the body read. */
    private static String outcome(Verification v) {
        try {
            OssCallback c = v.run();
            ByteBuffer body = c.bodyBuffer();
            byte[] read = new byte[body.remaining()];
            body.get(read);
            return "accepted " + c.fields() + " problem=" + c.bodyProblem().isPresent() + " body="
                    + Arrays.toString(read);
        } catch (CallbackRejectedException e) {
            return "rejected " + e.reason().code();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CallbackRejectedException) {
                return "rejected " + ((CallbackRejectedException) e.getCause()).reason().code();
            }
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static OssCallback join(CompletionStage<OssCallback> stage) {
        return stage.toCompletableFuture().join();
    }

    private static CallbackRejectedException rejection(CompletionStage<?> stage) {
        CompletionException e = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        assertTrue(e.getCause() instanceof CallbackRejectedException, () -> String.valueOf(e.getCause()));
        return (CallbackRejectedException) e.getCause();
    }

    /** Publishes bytes in chunks of a size, synchronously, as long as there is demand and no cancel. */
    private static final class ChunkedPublisher implements Flow.Publisher<ByteBuffer> {
        private final byte[] bytes;
        private final int chunk;
        boolean subscribed;
        boolean cancelled;
        boolean scribbleAfterOnNext;
        int emitted;

        ChunkedPublisher(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscribed = true;
            long[] demand = {0};
            int[] at = {0};
            boolean[] emitting = {false};
            boolean[] completed = {false};
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    demand[0] = demand[0] + n < 0 ? Long.MAX_VALUE : demand[0] + n;
                    if (emitting[0]) {
                        return;
                    }
                    emitting[0] = true;
                    while (!cancelled && demand[0] > 0 && at[0] < bytes.length) {
                        int n1 = Math.min(chunk, bytes.length - at[0]);
                        byte[] piece = Arrays.copyOfRange(bytes, at[0], at[0] + n1);
                        at[0] += n1;
                        demand[0]--;
                        emitted++;
                        subscriber.onNext(ByteBuffer.wrap(piece));
                        if (scribbleAfterOnNext) {
                            Arrays.fill(piece, (byte) '#');
                        }
                    }
                    if (!cancelled && !completed[0] && at[0] >= bytes.length) {
                        completed[0] = true;
                        subscriber.onComplete();
                    }
                    emitting[0] = false;
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }
    }
}
