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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Fetches PEM keys with the JDK HTTP client: bounded connect and total timeouts, no redirects,
 * a bounded response size. Failures complete the future with a {@link KeyFetchFailure} that says
 * whether the key host failed (no answer in time, unreachable, 5xx) or answered without a key.
 */
final class RemoteKeySource implements Function<URI, CompletableFuture<PublicKey>> {

    /** A PEM RSA key of 4096 bits is under 1 KiB; anything much larger is not a key. */
    static final int MAX_KEY_BYTES = 16 * 1024;

    private final Duration connectTimeout;
    private final Duration fetchTimeout;
    private volatile HttpClient client;

    RemoteKeySource(Duration connectTimeout, Duration fetchTimeout) {
        this.connectTimeout = connectTimeout;
        this.fetchTimeout = fetchTimeout;
    }

    @Override
    public CompletableFuture<PublicKey> apply(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(fetchTimeout)
                .header("Accept", "application/x-pem-file, text/plain, */*")
                .GET()
                .build();
        CompletableFuture<PublicKey> result = new CompletableFuture<>();
        client().sendAsync(request, this::boundedBody)
                // HttpRequest.timeout covers only the wait for headers; this bounds the whole fetch.
                .orTimeout(fetchTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    if (error != null) {
                        result.completeExceptionally(failure(uri, error));
                        return;
                    }
                    try {
                        result.complete(toKey(uri, response));
                    } catch (CallbackRejectedException e) {
                        boolean hostFailed = response.statusCode() >= 500;
                        result.completeExceptionally(new KeyFetchFailure(
                                hostFailed ? KeyFetchFailure.Kind.HOST_FAILED : KeyFetchFailure.Kind.KEY_REFUSED, e));
                    }
                });
        return result;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    // Built on first use so that a verifier with only pinned keys starts no threads.
                    c = HttpClient.newBuilder()
                            .connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
                    client = c;
                }
            }
        }
        return c;
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

    private static PublicKey toKey(URI uri, HttpResponse<byte[]> response) throws CallbackRejectedException {
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
            return PemKeys.parse(body);
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
