package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.OBJECT_NOT_CONFIRMED;
import static io.github.osscallback.CallbackRejectedException.Reason.OSS_UNAVAILABLE;

import io.github.osscallback.internal.LogSafe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verifier's side of {@link ObjectConfirmation}: one signed {@code HeadObject} per callback,
 * sent asynchronously (no thread waits for OSS unless the blocking path joins it), bounded in time
 * and in number. The HTTP client and its threads are made
 * with the verifier, not at the first check as {@link RemoteKeySource} does for keys: every
 * callback uses them, and making the client (the JDK's TLS set-up) takes about a second on a cold
 * JVM, which the first callback should not pay out of OSS's 5 s. {@link #close()} ends them.
 */
final class ObjectCheck implements AutoCloseable {

    /** Prefix of the names of the threads this class starts. */
    static final String THREAD_NAME_PREFIX = "oss-callback-confirm-";
    /** OSS refuses longer keys (1023 bytes of UTF-8), so a callback naming one names no object. */
    static final int MAX_KEY_BYTES = 1023;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final ObjectConfirmation config;
    private final Clock clock;
    private final Semaphore permits;
    private final OutboundClient outbound;
    /** Checks in flight: close ends them, so no request thread waits for a client that is gone. */
    private final Set<CompletableFuture<HttpResponse<Void>>> inFlight = ConcurrentHashMap.newKeySet();

    ObjectCheck(ObjectConfirmation config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.permits = new Semaphore(config.maxConcurrentRequests());
        this.outbound = new OutboundClient(THREAD_NAME_PREFIX, CLIENTS, config.connectTimeout());
        outbound.client();
    }

    /**
     * Confirms the callback's object with OSS, or refuses the callback. Messages name no bucket,
     * object or header value: those come from the body, which the uploader wrote.
     */
    CompletableFuture<Void> confirm(OssCallback callback) {
        try {
            return head(callback).thenApply(answer -> {
                try {
                    judge(callback, answer);
                    return null;
                } catch (CallbackRejectedException e) {
                    throw new CompletionException(e);
                }
            });
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The HeadObject sent for the callback's object, or a refusal before asking. */
    private CompletableFuture<HttpResponse<Void>> head(OssCallback callback) throws CallbackRejectedException {
        String bucket = callback.bucket().orElseThrow(() -> new CallbackRejectedException(OBJECT_NOT_CONFIRMED,
                "callback names no bucket, so there is no object to confirm with OSS"));
        if (!config.buckets().contains(bucket)) {
            // Never asked: an attacker's own public-read bucket would confirm anything.
            throw new CallbackRejectedException(BUCKET_NOT_ALLOWED, "callback bucket is not one of the "
                    + config.buckets().size() + " buckets configured for confirming with OSS " + config.buckets());
        }
        String key = callback.object().orElseThrow(() -> new CallbackRejectedException(OBJECT_NOT_CONFIRMED,
                "callback names no object to confirm with OSS"));
        refuseUnaskableKey(key);
        return head(bucket, key);
    }

    private void judge(OssCallback callback, HttpResponse<Void> answer) throws CallbackRejectedException {
        int status = answer.statusCode();
        if (status == 200) {
            compare(callback, answer.headers());
            return;
        }
        if (status >= 500 || status == 429) {
            throw new CallbackRejectedException(OSS_UNAVAILABLE, "OSS answered HeadObject with " + status
                    + requestId(answer));
        }
        // 404: no such object. 403: OSS would not say, which for the check is the same: a wrong or
        // revoked credential, a policy without oss:GetObject, or (as S3 does for a caller who may not
        // list) a missing object. None of these gets better on a retry the way an outage does, and
        // none is a confirmation, so the callback is refused as unconfirmed rather than as a 503,
        // and the status in the message tells the operator which one to look at.
        throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "OSS answered HeadObject with " + status
                + (status == 404 ? " (no such object)" : status == 403 ? " (access denied: check the credentials"
                        + " and that they may read the bucket)" : "") + requestId(answer));
    }

    /**
     * Keys that no HeadObject could be trusted for: not real UTF-8 text, too long, or with
     * {@code .}/{@code ..} segments, which HTTP stacks between here and OSS may collapse into
     * another object's path.
     */
    private static void refuseUnaskableKey(String key) throws CallbackRejectedException {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
            throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "callback object is not valid Unicode text;"
                    + " no OSS object has such a key");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "callback object is longer than OSS's "
                    + MAX_KEY_BYTES + " bytes");
        }
        if (key.startsWith("/") || key.startsWith("\\")) {
            throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "callback object starts with a slash;"
                    + " OSS keys do not");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "callback object has a '.' or '..'"
                        + " segment, which a path may be normalised through; not asked");
            }
        }
    }

    private CompletableFuture<HttpResponse<Void>> head(String bucket, String key) throws CallbackRejectedException {
        if (!permits.tryAcquire()) {
            throw new CallbackRejectedException(OSS_UNAVAILABLE, config.maxConcurrentRequests()
                    + " checks with OSS are already running (maxConcurrentRequests); not queued");
        }
        boolean handedOver = false;
        try {
            HttpClient client = outbound.client();
            if (client == null) {
                throw new CallbackRejectedException(OSS_UNAVAILABLE, "the verifier is closed; OSS was not asked");
            }
            // The bound counts from here: time the credentials provider takes comes out of it, not on top.
            long deadline = System.nanoTime() + config.timeout().toNanos();
            HttpRequest request = signedRequest(bucket, key);
            CompletableFuture<HttpResponse<Void>> response;
            try {
                response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            } catch (RuntimeException e) {
                throw new CallbackRejectedException(OSS_UNAVAILABLE, "HeadObject could not be sent: "
                        + e.getClass().getSimpleName(), e);
            }
            inFlight.add(response);
            // The permit is held until the exchange ends or is cancelled (a check given up on is),
            // so the bound counts exchanges, not only the threads waiting for them.
            response.whenComplete((answer, error) -> {
                inFlight.remove(response);
                permits.release();
            });
            handedOver = true;
            if (outbound.isClosed()) { // closed since the client was handed out, perhaps before it saw this check
                response.completeExceptionally(new CancellationException());
            }
            return await(response, deadline);
        } finally {
            if (!handedOver) {
                permits.release();
            }
        }
    }

    private HttpRequest signedRequest(String bucket, String key) throws CallbackRejectedException {
        OssCredentials credentials;
        try {
            credentials = config.credentials().get();
        } catch (RuntimeException e) {
            // The provider's message could hold anything it was given; its type is enough to start with.
            throw new CallbackRejectedException(OSS_UNAVAILABLE, "the credentials provider failed: "
                    + e.getClass().getName());
        }
        if (credentials == null) {
            throw new CallbackRejectedException(OSS_UNAVAILABLE, "the credentials provider returned none");
        }
        V4RequestSignature signature = V4RequestSignature.sign("HEAD", bucket, key, Map.of(), Map.of(), Set.of(),
                credentials, config.region(), clock.instant());
        URI uri = config.objectUri(bucket, key);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.timeout())
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        signature.headers().forEach(request::header);
        return request.build();
    }

    /**
     * The answer, bounded by the deadline without a thread waiting for it: our timer fails a copy
     * of the exchange when time is up, and the exchange itself is then cancelled.
     */
    private CompletableFuture<HttpResponse<Void>> await(CompletableFuture<HttpResponse<Void>> response,
                                                        long deadline) {
        CompletableFuture<HttpResponse<Void>> bounded = response.copy();
        if (outbound.failAfter(bounded, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
            bounded.completeExceptionally(new CancellationException()); // closed: no deadline would end it
        }
        return bounded.handle((answer, error) -> {
                    if (error == null) {
                        return answer;
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof TimeoutException) {
                        response.cancel(true);
                        throw new CompletionException(timedOut(cause));
                    }
                    if (cause instanceof HttpTimeoutException) {
                        throw new CompletionException(timedOut(cause));
                    }
                    if (cause instanceof CancellationException) {
                        throw new CompletionException(new CallbackRejectedException(OSS_UNAVAILABLE,
                                "the verifier was closed during the check with OSS"));
                    }
                    throw new CompletionException(new CallbackRejectedException(OSS_UNAVAILABLE, "HeadObject failed: "
                            + cause.getClass().getSimpleName(), cause));
                });
    }

    private CallbackRejectedException timedOut(Throwable cause) {
        return new CallbackRejectedException(OSS_UNAVAILABLE, "OSS did not answer HeadObject within "
                + config.timeout().toMillis() + " ms", cause);
    }

    /** Size, ETag and content type, each compared when the callback carries it. */
    private static void compare(OssCallback callback, HttpHeaders headers) throws CallbackRejectedException {
        if (callback.get(SystemVariable.SIZE).isPresent()) {
            OptionalLong claimed = callback.size();
            OptionalLong actual = headers.firstValueAsLong("content-length");
            if (claimed.isEmpty() || actual.isEmpty() || claimed.getAsLong() != actual.getAsLong()) {
                throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "the object's size at OSS is not the"
                        + " callback's size");
            }
        }
        if (callback.get(SystemVariable.ETAG).isPresent()) {
            String claimed = unquoted(callback.get(SystemVariable.ETAG).get());
            String actual = headers.firstValue("etag").map(ObjectCheck::unquoted).orElse(null);
            // OSS sends the ETag quoted in the header and bare in ${etag}; hex digits in either case.
            if (actual == null || !claimed.equalsIgnoreCase(actual)) {
                throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "the object's ETag at OSS is not the"
                        + " callback's etag");
            }
        }
        if (callback.get(SystemVariable.MIME_TYPE).isPresent()) {
            String claimed = callback.get(SystemVariable.MIME_TYPE).get().trim();
            String actual = headers.firstValue("content-type").map(String::trim).orElse(null);
            if (actual == null || !claimed.toLowerCase(Locale.ROOT).equals(actual.toLowerCase(Locale.ROOT))) {
                throw new CallbackRejectedException(OBJECT_NOT_CONFIRMED, "the object's content type at OSS is not"
                        + " the callback's mimeType");
            }
        }
    }

    private static String unquoted(String etag) {
        String s = etag.trim();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** OSS's request id, which its support asks for; not a secret and not from the callback. */
    private static String requestId(HttpResponse<?> answer) {
        return answer.headers().firstValue("x-oss-request-id")
                .map(id -> " (x-oss-request-id " + LogSafe.text(id) + ")").orElse("");
    }

    /**
     * Refuses further checks, ends those in flight (their callbacks get 503 {@code oss_unavailable})
     * and stops the threads this check started, waiting a bounded time for them. Idempotent.
     */
    @Override
    public void close() {
        outbound.close(() -> inFlight.forEach(check -> check.completeExceptionally(new CancellationException())));
    }

    ObjectConfirmation config() {
        return config;
    }

    /** The threads started for checks and not yet seen to end (for tests). */
    Set<Thread> threads() {
        return outbound.threads();
    }

    @Override
    public String toString() {
        return "ObjectCheck[" + config + "]";
    }
}
