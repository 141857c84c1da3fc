package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.INVALID_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Fetches PEM keys with the JDK HTTP client: bounded connect and total timeouts, no redirects,
 * a bounded response size. Failures complete the future with a {@link KeyFetchFailure} that says
 * whether the key host failed (no answer in time, unreachable, 5xx) or answered without a key.
 *
 * <p>The client and its threads ({@link OutboundClient}) are made at the first fetch and ended by
 * {@link #close()}, after the fetches in flight are ended.
 */
final class RemoteKeySource implements Function<URI, CompletableFuture<PublicKey>>, AutoCloseable {

    /** A PEM RSA key of 4096 bits is under 1 KiB; anything much larger is not a key. */
    static final int MAX_KEY_BYTES = 16 * 1024;

    /** Prefix of the names of the threads this class starts (tests and operators look for them). */
    static final String THREAD_NAME_PREFIX = "oss-callback-key-fetch-";
    /** Clients made so far, numbering their threads (a test tells its own threads by the number). */
    static final AtomicInteger CLIENTS = new AtomicInteger();

    private final Duration fetchTimeout;
    private final KeyFormat format;
    /** Made at the first fetch, so a verifier with only pinned keys starts no threads. */
    private final OutboundClient outbound;
    /** Fetches not yet ended, with their URLs: close ends them, as it stops what would. */
    private final Map<CompletableFuture<PublicKey>, URI> inFlight = new ConcurrentHashMap<>();

    RemoteKeySource(Duration connectTimeout, Duration fetchTimeout) {
        this(connectTimeout, fetchTimeout, KeyFormat.PEM_KEY);
    }

    RemoteKeySource(Duration connectTimeout, Duration fetchTimeout, KeyFormat format) {
        this.fetchTimeout = fetchTimeout;
        this.format = format;
        this.outbound = new OutboundClient(THREAD_NAME_PREFIX, CLIENTS, connectTimeout);
    }

    /** What a key host serves: OSS serves PEM public keys, MNS and EventBridge X.509 certificates. */
    enum KeyFormat {
        PEM_KEY, X509_CERTIFICATE;

        java.security.interfaces.RSAPublicKey parse(byte[] body) throws PemKeys.InvalidKeyFormat {
            return this == PEM_KEY ? PemKeys.parse(body) : PemKeys.parseCertificate(body);
        }
    }

    @Override
    public CompletableFuture<PublicKey> apply(URI uri) {
        HttpClient client = outbound.client();
        if (client == null) {
            return closedFailure(uri);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(fetchTimeout)
                .header("Accept", "application/x-pem-file, text/plain, */*")
                .GET()
                .build();
        CompletableFuture<PublicKey> result = new CompletableFuture<>();
        inFlight.put(result, uri);
        result.whenComplete((key, error) -> inFlight.remove(result));
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, this::boundedBody);
        // HttpRequest.timeout covers only the wait for headers; this bounds the whole fetch.
        if (outbound.failAfter(response, fetchTimeout.toMillis(), TimeUnit.MILLISECONDS) == null) {
            response.cancel(true);
            result.completeExceptionally(closed(uri)); // closed since the client was handed out
            return result;
        }
        response.whenComplete((answer, error) -> {
            if (error != null) {
                result.completeExceptionally(failure(uri, error));
                return;
            }
            try {
                result.complete(toKey(uri, answer, format));
            } catch (CallbackRejectedException e) {
                boolean hostFailed = answer.statusCode() >= 500;
                result.completeExceptionally(new KeyFetchFailure(
                        hostFailed ? KeyFetchFailure.Kind.HOST_FAILED : KeyFetchFailure.Kind.KEY_REFUSED, e));
            }
        });
        return result;
    }

    private static CompletableFuture<PublicKey> closedFailure(URI uri) {
        return CompletableFuture.failedFuture(closed(uri));
    }

    /** Nothing to remember or log: the fetch did not (or no longer does) happen because the verifier closed. */
    private static KeyFetchFailure closed(URI uri) {
        return new KeyFetchFailure(KeyFetchFailure.Kind.NOT_ATTEMPTED,
                new CallbackRejectedException(KEY_UNAVAILABLE, "the verifier is closed; no key fetch for " + uri));
    }

    /**
     * Refuses further fetches, ends fetches in flight (their requests get {@code key_unavailable})
     * and stops the threads this source started, waiting a bounded time for them. Idempotent.
     */
    @Override
    public void close() {
        // Their deadlines are gone: no request may wait for a fetch that nothing ends. A fetch
        // registered after this finds the timer shut down and ends itself.
        outbound.close(() -> inFlight.forEach((fetch, uri) -> fetch.completeExceptionally(new KeyFetchFailure(
                KeyFetchFailure.Kind.NOT_ATTEMPTED, new CallbackRejectedException(KEY_UNAVAILABLE,
                        "the verifier was closed during the key fetch from " + uri)))));
    }

    /** The threads started for fetches and not yet seen to end (for tests). */
    Set<Thread> threads() {
        return outbound.threads();
    }

    private HttpResponse.BodySubscriber<byte[]> boundedBody(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared > MAX_KEY_BYTES) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return new BoundedBodySubscriber(MAX_KEY_BYTES);
    }

    private static PublicKey toKey(URI uri, HttpResponse<byte[]> response, KeyFormat format) throws CallbackRejectedException {
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new CallbackRejectedException(KEY_UNAVAILABLE, "key host answered " + status + " for " + uri
                    + "; redirects are not followed");
        }
        if (status != 200) {
            throw new CallbackRejectedException(KEY_UNAVAILABLE, "key host answered " + status + " for " + uri);
        }
        byte[] body = response.body();
        if (body == null) {
            throw new CallbackRejectedException(INVALID_KEY, "key at " + uri + " is larger than "
                    + MAX_KEY_BYTES + " bytes");
        }
        try {
            return format.parse(body);
        } catch (PemKeys.InvalidKeyFormat e) {
            throw new CallbackRejectedException(INVALID_KEY, "key at " + uri + " does not parse: " + e.getMessage());
        }
    }

    private KeyFetchFailure failure(URI uri, Throwable error) {
        Throwable cause = KeyFetchFailure.unwrap(error);
        if (cause instanceof BodyTooLarge) {
            return new KeyFetchFailure(KeyFetchFailure.Kind.KEY_REFUSED, new CallbackRejectedException(INVALID_KEY,
                    "key at " + uri + " is larger than " + MAX_KEY_BYTES + " bytes"));
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return new KeyFetchFailure(KeyFetchFailure.Kind.HOST_FAILED, new CallbackRejectedException(KEY_UNAVAILABLE,
                    "key fetch from " + uri + " timed out after " + fetchTimeout.toMillis() + " ms", cause));
        }
        return new KeyFetchFailure(KeyFetchFailure.Kind.HOST_FAILED, new CallbackRejectedException(KEY_UNAVAILABLE,
                "key fetch from " + uri + " failed: " + cause.getClass().getSimpleName(), cause));
    }

    /** Raised inside the subscriber when a key response outgrows its bound. */
    static final class BodyTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    /** Collects at most {@code limit} bytes, then cancels the response. */
    static final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBodySubscriber(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (buffer.size() + item.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
