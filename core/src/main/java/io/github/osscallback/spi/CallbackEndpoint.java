package io.github.osscallback.spi;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.internal.LogSafe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What every server adapter does around a {@link CallbackVerifier}, written once: configuring it
 * from container settings, having the body of a {@code POST} read within the limit, verifying
 * (blocking, or without blocking through {@link #verifyAsync}), logging a rejection in one format,
 * checking the application's reply as OSS will take it, and checking the container once for
 * settings that break genuine callbacks. An adapter only translates its container's request into
 * an {@link Incoming} and writes the reply; applications use the adapters, or
 * {@link CallbackVerifier} directly.
 */
public final class CallbackEndpoint implements AutoCloseable {

    /**
     * The request attribute (servlet) or property (JAX-RS) in which an adapter leaves the reason
     * code of a rejected request, for access logs and metrics.
     */
    public static final String REJECTION_ATTRIBUTE = "io.github.osscallback.rejection";

    private final String name;
    private final CallbackVerifier verifier;
    private final System.Logger log;
    /** Whether this endpoint built the verifier, and so closes it; a verifier passed in is its owner's. */
    private final boolean ownsVerifier;
    private final ContainerCheck containerCheck;
    private final AtomicBoolean containerChecked = new AtomicBoolean();

    private CallbackEndpoint(String name, CallbackVerifier verifier, System.Logger log, boolean ownsVerifier,
                             ContainerCheck containerCheck) {
        this.name = Objects.requireNonNull(name, "name");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.log = Objects.requireNonNull(log, "log");
        this.ownsVerifier = ownsVerifier;
        this.containerCheck = containerCheck;
    }

    /**
     * An endpoint verifying with the given verifier, which stays its caller's: {@link #close()}
     * leaves it open.
     *
     * @param name the adapter, as rejections and warnings name it (e.g. {@code OssCallbackFilter})
     * @param log where rejections and container warnings go: the adapter's own logger, so
     *     operators configure one logger per adapter
     */
    public static CallbackEndpoint of(String name, CallbackVerifier verifier, System.Logger log) {
        return new CallbackEndpoint(name, verifier, log, false, null);
    }

    /**
     * An endpoint verifying with a verifier it builds from container settings (servlet
     * init-params, JAX-RS properties) and owns: {@link #close()} closes it, ending its key-fetch
     * threads. Every name starting with {@code prefix} is a {@link VerifierSettings} name after it,
     * and one that is not is refused with the nearest setting suggested (a misspelt name would
     * otherwise leave its defence off without a word). The adapter calls {@code close()} when its
     * container stops it.
     *
     * @param name the adapter, as rejections, warnings and configuration errors name it
     * @param source where the settings come from, for the error message (e.g. {@code init-params})
     * @param value a setting's value by its full name; values are turned into strings
     * @throws IllegalStateException naming the adapter and the setting (never a secret value)
     *     when a setting is unknown, malformed or contradicts another
     */
    public static CallbackEndpoint configured(String name, String source, String prefix, Iterable<String> names,
                                              Function<String, ?> value, System.Logger log) {
        Objects.requireNonNull(log, "log");
        CallbackVerifier built = configure(name + " (" + source + ")", prefix, names, value);
        return new CallbackEndpoint(name, built, log, true, null);
    }

    /**
     * This endpoint with a container check run once, at its first request (replacing any check
     * it had). The verifier and who owns it are unchanged: close only one of the two endpoints.
     */
    public CallbackEndpoint withContainerCheck(ContainerCheck check) {
        return new CallbackEndpoint(name, verifier, log, ownsVerifier, Objects.requireNonNull(check, "check"));
    }

    /**
     * The verifier {@link #configured} builds. Not public: a verifier built here and handed out
     * would have no owner to close it, which is what {@code configured} is for.
     *
     * @param adapter the adapter and where its settings come from, for the error message
     */
    static CallbackVerifier configure(String adapter, String prefix, Iterable<String> names,
                                             Function<String, ?> value) {
        String where = prefix.isEmpty() ? "" : " (settings are named " + prefix + "<setting>)";
        Map<String, String> settings = new HashMap<>();
        for (String fullName : names) {
            if (!fullName.startsWith(prefix)) {
                continue;
            }
            String name = fullName.substring(prefix.length());
            // Refused even without a value: a misspelt name would otherwise leave its defence off silently.
            if (!VerifierSettings.NAMES.contains(name)) {
                throw new IllegalStateException(adapter + " is misconfigured" + where + ": "
                        + VerifierSettings.unknown(prefix, fullName));
            }
            Object v = value.apply(fullName);
            if (v != null) {
                settings.put(name, v.toString());
            }
        }
        try {
            return VerifierSettings.configure(CallbackVerifier.builder(), settings).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The verifier's messages name the setting and never quote a secret.
            throw new IllegalStateException(adapter + " is misconfigured" + where + ": " + e.getMessage(), e);
        }
    }

    /** The verifier. */
    public CallbackVerifier verifier() {
        return verifier;
    }

    /**
     * Verifies one request: reads the body only for {@code POST} (exactly that method; the
     * verifier rejects any other), then verifies. A rejection is logged here, once, and rethrown
     * for the adapter to answer with {@link CallbackRejectedException#toReply()}.
     */
    public Verified verify(Incoming request) throws CallbackRejectedException {
        checkContainerOnce(request);
        String method = request.method();
        try {
            InputStream body = "POST".equals(method) ? bodyOf(request) : InputStream.nullInputStream();
            OssCallback callback = verifier.verify(head(request), body, request.declaredLength());
            return new Verified(callback);
        } catch (CallbackRejectedException e) {
            logRejection(log, name, e, method, request.remoteAddress());
            throw e;
        }
    }

    /**
     * Verifies one request without blocking, its body arriving from {@code body} (the request's
     * {@link Incoming#body()} is not used): as {@link #verify(Incoming)}, with the body limit held
     * before buffering more and the subscription cancelled when it is exceeded (see
     * {@link CallbackVerifier#verifyAsync(CallbackRequest, Flow.Publisher, long)}); nothing is
     * subscribed for a request that is not a {@code POST}. Each buffer is copied before
     * {@code onNext} returns, so the adapter may release pooled buffers right after. A rejection
     * is logged here, once, in the same format.
     *
     * @return a stage with the verified request, or failed with the {@link CallbackRejectedException}
     *     (wrapped in a {@link java.util.concurrent.CompletionException} for dependent stages)
     */
    public CompletionStage<Verified> verifyAsync(Incoming request, Flow.Publisher<ByteBuffer> body) {
        Objects.requireNonNull(body, "body");
        checkContainerOnce(request);
        String method = request.method();
        return verifier.verifyAsync(head(request), body, request.declaredLength())
                .toCompletableFuture()
                .handle((callback, error) -> {
                    if (error == null) {
                        return new Verified(callback);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof CallbackRejectedException) {
                        logRejection(log, name, (CallbackRejectedException) cause, method, request.remoteAddress());
                    }
                    throw error instanceof CompletionException ? (CompletionException) error
                            : new CompletionException(error);
                });
    }

    private void checkContainerOnce(Incoming request) {
        if (containerCheck != null && !containerChecked.get() && !containerChecked.getAndSet(true)) {
            try {
                containerCheck.check(request.containerRequest(), name, log);
            } catch (RuntimeException | LinkageError e) {
                // A diagnostic must never fail a callback.
                log.log(System.Logger.Level.DEBUG, "container check skipped: {0}", e.toString());
            }
        }
    }

    /** The request as the verifier reads it: method, raw target and the headers it looks at. */
    private static CallbackRequest head(Incoming request) {
        CallbackRequest.Builder head = CallbackRequest.builder()
                .method(request.method())
                .path(request.rawPath())
                .query(request.rawQuery());
        for (String header : CallbackRequest.HEADERS_READ) {
            List<String> values = request.headers(header);
            if (values != null) {
                for (String value : values) {
                    head.header(header, value);
                }
            }
        }
        return head.build();
    }

    /**
     * The request's body for the verifier to read, which it does for {@code POST} only. A
     * container that cannot give the stream gets one that fails at the first read, so the
     * verifier refuses it as unreadable and its listener hears of it, as of every rejection.
     */
    static InputStream bodyOf(Incoming request) {
        try {
            InputStream in = request.body();
            return in != null ? in : InputStream.nullInputStream();
        } catch (IOException e) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw e;
                }
            };
        }
    }

    /**
     * Checks the application's reply to a verified callback as OSS takes it: a JSON body (media
     * type {@code application/json} or {@code application/*+json}, one JSON value) of at most
     * {@link CallbackReply#MAX_BODY_BYTES}. OSS answers the uploader 203 {@code CallbackFailed}
     * for any other, which the adapter cannot fix; so a reply OSS would refuse is logged here as
     * an error, in one format for every adapter, and the adapter sends it unchanged.
     *
     * @param contentType the reply's Content-Type, or null when it has none
     * @param body the reply's bytes as they will be sent
     * @return whether OSS will take it
     */
    public boolean checkReply(String contentType, byte[] body) {
        String problem = ReplyCheck.problem(contentType, body);
        if (problem == null) {
            return true;
        }
        log.log(System.Logger.Level.ERROR, "{0}: the application''s reply {1}, so OSS will answer the uploader 203"
                + " CallbackFailed; OSS expects a JSON body of at most {2} bytes", name, problem,
                String.valueOf(CallbackReply.MAX_BODY_BYTES));
        return false;
    }

    /**
     * Logs a rejection in the one format every adapter uses: one line with the reason code, the
     * status, the method, the remote address when known, and the message (which never holds a
     * signature, a body, a query value or a secret).
     *
     * @param rejectedBy who rejected it: an adapter, or the application's handler
     * @param remoteAddress the client's address, or null when the container does not say
     */
    public static void logRejection(System.Logger log, String rejectedBy, CallbackRejectedException e,
                                    String method, String remoteAddress) {
        CallbackRejectedException.Reason reason = e.reason();
        log.log(System.Logger.Level.INFO, "OSS callback rejected by {0}: {1} ({2}), {3}{4}: {5}", rejectedBy,
                reason.code(), String.valueOf(reason.httpStatus()), LogSafe.text(method),
                remoteAddress == null ? "" : " from " + LogSafe.text(remoteAddress), e.getMessage());
    }

    /**
     * Closes the verifier if this endpoint built it ({@link #configured}), ending its key-fetch
     * threads; a verifier passed in ({@link #of}) is left open for its owner.
     */
    @Override
    public void close() {
        if (ownsVerifier) {
            verifier.close();
        }
    }

    @Override
    public String toString() {
        return "CallbackEndpoint[" + name + ", " + verifier + "]";
    }

    /** One request as the container presents it; an adapter implements it over its request type. */
    public interface Incoming {
        /** The method exactly as received. */
        String method();

        /** The path exactly as received, still percent-encoded. */
        String rawPath();

        /** The raw query without {@code ?}, or null when the request had none. */
        String rawQuery();

        /** All values of a header (name matched case-insensitively); null or empty when absent. */
        List<String> headers(String name);

        /** The body stream, read only for POST; null when the container has none. */
        InputStream body() throws IOException;

        /** The Content-Length, or -1 when unknown. */
        long declaredLength();

        /** The client's address, or null when the container does not say. */
        default String remoteAddress() {
            return null;
        }

        /**
         * The container's own request object underneath any wrappers, or null: checked once, at the
         * first request, for container settings that break genuine callbacks (Jetty's header cache).
         */
        default Object containerRequest() {
            return null;
        }
    }

    /** A verified request: its callback, and the body it was verified from, for the adapter to serve again. */
    public static final class Verified {
        private final OssCallback callback;

        Verified(OssCallback callback) {
            this.callback = callback;
        }

        /** The verified callback. */
        public OssCallback callback() {
            return callback;
        }

        /**
         * A new stream over the verified body bytes, for the adapter to serve the body again;
         * reads the callback's bytes without copying them.
         */
        public InputStream bodyStream() {
            return new BufferStream(callback.bodyBuffer());
        }
    }

    /** An {@link InputStream} over a buffer, which it consumes. */
    private static final class BufferStream extends InputStream {
        private final ByteBuffer buffer;

        BufferStream(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return buffer.remaining();
        }

        @Override
        public long skip(long n) {
            int skipped = (int) Math.max(0, Math.min(n, buffer.remaining()));
            buffer.position(buffer.position() + skipped);
            return skipped;
        }
    }
}
