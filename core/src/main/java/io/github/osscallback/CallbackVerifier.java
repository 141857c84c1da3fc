package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.AMBIGUOUS_PARAMETER;
import static io.github.osscallback.CallbackRejectedException.Reason.INVALID_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNEXPECTED_BODY_TYPE;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import io.github.osscallback.internal.QueryNames;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Verifies OSS upload callbacks: checks the two callback headers, the key URL against the
 * {@link KeyUrlPolicy}, fetches and caches the signing key, verifies the MD5withRSA signature
 * and parses the body into an {@link OssCallback}. Build one per application and share it; it is
 * thread-safe. Close it when the application stops: {@link #close()} stops the threads and HTTP
 * client it started for key fetches.
 *
 * <pre>{@code
 * CallbackVerifier verifier = CallbackVerifier.builder().build();   // OSS's key host, pinned key
 * OssCallback callback = verifier.verify(request);                 // or CallbackRejectedException
 * }</pre>
 */
public final class CallbackVerifier implements AutoCloseable {

    /** Callback bodies are templates plus variables; 64 KiB is ample (docs/protocol.md in the repository). */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** OSS waits 5 s for the whole callback, so a first key fetch must finish well within that. */
    public static final Duration DEFAULT_KEY_FETCH_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_KEY_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_KEY_REFRESH_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_KEY_AGE = Duration.ofHours(24);
    public static final Duration DEFAULT_KEY_RETRY_BACKOFF = Duration.ofSeconds(1);
    /** Keys remembered by {@link Builder#replayProtection(Duration)} without a store of your own. */
    static final int DEFAULT_REPLAY_ENTRIES = 100_000;
    /**
     * Used upload tokens remembered in memory when no store is shared, each for its token's
     * lifetime: 100,000 covers, say, 70-minute tokens at up to 23 accepted callbacks/s.
     */
    static final int DEFAULT_USED_TOKEN_ENTRIES = 100_000;
    /** Key fetches running at once; more are refused (503 {@code key_unavailable}), never queued. */
    public static final int DEFAULT_MAX_CONCURRENT_KEY_FETCHES = 4;
    /**
     * Requests that may wait, over all key URLs, for a key fetch another request started; more are
     * refused (503 {@code key_unavailable}), never held for the fetch.
     */
    public static final int DEFAULT_MAX_KEY_FETCH_WAITERS = 32;
    /** Extra verifies a {@link Builder#diagnostics(boolean) diagnosis} of one signature mismatch tries at most. */
    public static final int DIAGNOSTIC_CANDIDATES = 24;

    /** Where OSS publishes its key; the same key ships in this jar, pinned by default. */
    public static final String OSS_KEY_URL = "https://" + KeyUrlPolicy.OSS_KEY_HOST + "/callback_pub_key_v1.pem";

    private final KeyUrls keyUrls;
    private final BodyLimit bodyLimit;
    private final PublicKeySource keys;
    private final Map<SystemVariable, String> fieldNames;
    private final String signedPathPrefix;
    private final UploadTokens uploadTokens;
    private final ReplayStore usedTokens;
    private final ReplayStore replayStore;
    private final Duration replayWindow;
    private final BodyType expectedBodyType;
    private final boolean strictBodyParsing;
    private final boolean diagnostics;
    private final CallbackListener listener;
    private final ObjectCheck objectCheck;
    private final Clock clock;
    private volatile boolean closed;

    private CallbackVerifier(Builder b, KeyUrls keyUrls, PublicKeySource keys, CallbackListener listener) {
        this.keyUrls = keyUrls;
        this.bodyLimit = new BodyLimit(b.maxBodyBytes);
        this.keys = keys;
        this.fieldNames = OssCallback.copyOf(b.fieldNames);
        this.signedPathPrefix = b.signedPathPrefix;
        // One clock: the verifier's reaches the tokens it checks and the replay store it makes.
        this.uploadTokens = b.uploadTokens == null ? null : b.uploadTokens.checkingBy(b.clock);
        // A store given for tokens, else the one shared for replay protection, else this JVM's memory.
        this.usedTokens = b.uploadTokens == null ? null : b.usedTokens != null ? b.usedTokens
                : b.replayStore != null ? b.replayStore : ReplayStore.inMemory(DEFAULT_USED_TOKEN_ENTRIES, b.clock);
        this.replayStore = b.replayWindow != null && b.replayStore == null
                ? ReplayStore.inMemory(DEFAULT_REPLAY_ENTRIES, b.clock) : b.replayStore;
        this.replayWindow = b.replayWindow;
        this.expectedBodyType = b.expectedBodyType;
        this.strictBodyParsing = b.strictBodyParsing;
        this.diagnostics = b.diagnostics;
        this.listener = listener;
        this.objectCheck = b.objectConfirmation == null ? null : new ObjectCheck(b.objectConfirmation, b.clock);
        this.clock = b.clock;
    }

    /** Starts a configuration; every option has a safe default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The largest body this verifier accepts. */
    public int maxBodyBytes() {
        return bodyLimit.maxBytes();
    }

    /** The key URL policy in force. */
    public KeyUrlPolicy keyUrlPolicy() {
        return keyUrls.policy();
    }

    /**
     * Verifies a callback request.
     *
     * @return the verified callback, with its body parsed
     * @throws CallbackRejectedException if the request is not a genuine, well-formed OSS callback
     */
    public OssCallback verify(CallbackRequest request) throws CallbackRejectedException {
        Objects.requireNonNull(request, "request");
        return await(heard(verified(request)));
    }

    /**
     * Verifies a callback request whose body is still to be read: reads it from {@code body}
     * within {@link #maxBodyBytes()}, refusing more before buffering it (and a {@code POST} body
     * only: a request with another method is refused without reading), then verifies as
     * {@link #verify(CallbackRequest)}. Any body {@code request} carries is ignored.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     * @throws CallbackRejectedException as {@code verify}, and {@code BODY_TOO_LARGE}, or
     *     {@code BODY_UNREADABLE} on I/O failure or a body shorter than its Content-Length
     */
    public OssCallback verify(CallbackRequest request, InputStream body, long declaredLength)
            throws CallbackRejectedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        CompletableFuture<OssCallback> result;
        try {
            requirePost(request);
            result = verified(request.withBody(bodyLimit.read(body, declaredLength)));
        } catch (CallbackRejectedException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return await(heard(result));
    }

    /**
     * Verifies a callback request as {@link #verify(CallbackRequest)} does, without blocking the
     * calling thread on a key fetch, the replay store (one that implements
     * {@link ReplayStore#firstSeenAsync}) or the check with OSS: the stage completes on whichever
     * thread finishes the last of them, and at once when none is needed (a pinned or cached key,
     * a store in memory). Same reasons, statuses and listener events as the blocking path, which
     * is this one joined.
     *
     * @return a stage with the verified callback, or failed with a {@link CallbackRejectedException}
     *     (wrapped in a {@link java.util.concurrent.CompletionException} for dependent stages)
     */
    public CompletionStage<OssCallback> verifyAsync(CallbackRequest request) {
        Objects.requireNonNull(request, "request");
        return heard(verified(request));
    }

    /**
     * Verifies a callback request whose body arrives from a publisher, without blocking: a request
     * that is not a {@code POST}, or declares more than {@link #maxBodyBytes()}, is refused without
     * subscribing; otherwise the body is collected and refused ({@code BODY_TOO_LARGE}, the
     * subscription cancelled) as soon as more than the limit or more than its Content-Length
     * arrives. Each buffer is copied before {@code onNext} returns, so an adapter may release
     * pooled buffers right after. Then verifies as {@link #verifyAsync(CallbackRequest)}. Any
     * body {@code request} carries is ignored.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     * @return as {@link #verifyAsync(CallbackRequest)}, and failed with {@code BODY_TOO_LARGE}, or
     *     {@code BODY_UNREADABLE} when the publisher fails or ends short of its Content-Length
     */
    public CompletionStage<OssCallback> verifyAsync(CallbackRequest request, Flow.Publisher<ByteBuffer> body,
                                                    long declaredLength) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        CompletableFuture<OssCallback> result;
        try {
            requirePost(request);
            result = bodyLimit.collect(body, declaredLength).thenCompose(bytes -> verified(request.withBody(bytes)));
        } catch (CallbackRejectedException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return heard(result);
    }

    /** The outcome, once the listener has heard it: a stage after this one sees a listener that knows. */
    private CompletableFuture<OssCallback> heard(CompletableFuture<OssCallback> result) {
        if (!result.isDone()) {
            return result.whenComplete(this::tell);
        }
        // Decided already (a pinned or cached key, no store or check to wait for: most callbacks), so
        // told here, as whenComplete would, without a stage of its own. The result is this call's own.
        boolean failed = result.isCompletedExceptionally();
        OssCallback callback = failed ? null : result.join();
        Throwable error = failed ? failure(result) : null;
        try {
            tell(callback, error);
        } catch (RuntimeException | Error e) {
            if (error == null) {
                return CompletableFuture.failedFuture(e);
            }
            if (error != e) {
                error.addSuppressed(e);
            }
        }
        return result;
    }

    private void tell(OssCallback callback, Throwable error) {
        if (error == null) {
            listener.accepted(callback);
            return;
        }
        Throwable cause = unwrapped(error);
        if (cause instanceof CallbackRejectedException) {
            listener.rejected(((CallbackRejectedException) cause).reason());
        }
    }

    /** Why a future that completed exceptionally failed, as whenComplete would see it. */
    private static Throwable failure(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("the future did not fail");
        } catch (CompletionException | CancellationException e) {
            return e;
        }
    }

    /** The blocking paths (this verifier's, and the event verifier's key fetch): the stages joined, a rejection thrown as itself. */
    static <T> T await(CompletableFuture<T> result) throws CallbackRejectedException {
        try {
            return result.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = unwrapped(e);
            if (cause instanceof CallbackRejectedException) {
                throw (CallbackRejectedException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * The verification, in the order every path takes: what the request itself shows (method,
     * headers, key URL, body size, path) at once; then the key (pinned or cached: at once;
     * fetched: when the fetch ends), signature, body reading and upload token check; then the
     * replay store; then the check with OSS and the use of the upload token. Each wait is a
     * future, so nothing here blocks; the blocking path joins the result.
     */
    private CompletableFuture<OssCallback> verified(CallbackRequest request) {
        byte[] signature;
        KeyUrls.Trusted keyUrl;
        byte[] body;
        StringToSign signed;
        try {
            requirePost(request);
            signature = CallbackHeaders.signature(request);
            keyUrl = keyUrls.fromHeader(CallbackHeaders.keyUrl(request));
            body = bodyLimit.check(request.bodyBytes());
            signed = StringToSign.of(signedPathPrefix.isEmpty() ? request.path() : signedPathPrefix + request.path(),
                    request.query(), body);
            signed.refuseReframingPath();
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<PublicKey> key = keys.get(keyUrl.fetchUri);
        if (!key.isDone() || key.isCompletedExceptionally()) {
            return key.thenCompose(fetched -> withKey(request, keyUrl, signature, body, signed, fetched));
        }
        // A pinned or cached key: the same steps, here, without a stage for each (as thenCompose
        // would, whatever the steps throw ends up in the result).
        try {
            return withKey(request, keyUrl, signature, body, signed, key.join());
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<OssCallback> withKey(CallbackRequest request, KeyUrls.Trusted keyUrl, byte[] signature,
                                                   byte[] body, StringToSign signed, PublicKey key) {
        OssCallback callback;
        UploadTokens.Checked token;
        try {
            requireSignature(signed, signature, keyUrl, request, body, key);
            callback = parse(request, keyUrl, body);
            String overlapping = QueryNames.overlapping(request.query(), callback.fields().keySet());
            if (overlapping != null) {
                throw new CallbackRejectedException(AMBIGUOUS_PARAMETER, "query parameter '"
                        + LogSafe.text(overlapping) + "' has the name of a signed body field; a name must come"
                        + " from one source only");
            }
            token = checkUploadToken(callback, signed);
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        OssCallback checked = token == null ? callback : callback.withUploadSubject(token.subject);
        if (replayStore == null) {
            return confirmAndUseToken(checked, token, null);
        }
        return rejectReplay(signature).thenCompose(replayKey -> confirmAndUseToken(checked, token, replayKey));
    }

    /**
     * The last steps, after the replay store recorded the callback: the check with OSS, then the
     * upload token used up (last, so a callback failing any other check, such as a forgery
     * carrying a copied token, never uses up the token of the genuine upload).
     */
    private CompletableFuture<OssCallback> confirmAndUseToken(OssCallback callback, UploadTokens.Checked token,
                                                              String replayKey) {
        if (objectCheck == null && token == null && replayKey == null) {
            return CompletableFuture.completedFuture(callback);
        }
        CompletableFuture<Void> confirmed = objectCheck == null ? DONE : objectCheck.confirm(callback);
        CompletableFuture<Void> used = token == null ? confirmed
                : confirmed.thenCompose(nothing -> uploadTokens.use(token, usedTokens));
        if (replayKey == null) {
            return used.thenApply(nothing -> callback);
        }
        return used.handle((nothing, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(callback);
            }
            // Not accepted after all: an identical genuine callback later must not be taken for its
            // replay. Answered once the store forgot (best effort, bounded by the store).
            CompletionStage<Void> forgotten;
            try {
                forgotten = replayStore.forgetAsync(replayKey);
            } catch (RuntimeException e) {
                forgotten = DONE; // a store that cannot forget keeps the key until its window ends
            }
            return forgotten.toCompletableFuture().<OssCallback>handle((v, ignored) -> {
                throw error instanceof CompletionException ? (CompletionException) error
                        : new CompletionException(error);
            });
        }).thenCompose(Function.identity());
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static void requirePost(CallbackRequest request) throws CallbackRejectedException {
        if (!request.method().equals("POST")) {
            throw new CallbackRejectedException(METHOD_NOT_ALLOWED, "method is " + LogSafe.text(request.method())
                    + "; OSS sends callbacks with POST");
        }
    }

    private void requireSignature(StringToSign signed, byte[] signature, KeyUrls.Trusted keyUrl,
                                  CallbackRequest request, byte[] body, PublicKey key) throws CallbackRejectedException {
        boolean matches;
        try {
            matches = signed.verifies(key, signature);
        } catch (InvalidKeyException e) {
            throw new CallbackRejectedException(INVALID_KEY, "key from " + keyUrl.fetchUri
                    + " cannot verify " + StringToSign.ALGORITHM + " signatures", e);
        }
        if (!matches) {
            throw new CallbackRejectedException(SIGNATURE_MISMATCH, "signature of " + signature.length
                    + " bytes does not match " + request + " under the key from " + keyUrl.fetchUri
                    + likelyCause(request, body, key, signature));
        }
    }

    /**
     * With {@link Builder#diagnostics(boolean)}, "; likely cause: code" for the rejection's log line,
     * from at most {@link #DIAGNOSTIC_CANDIDATES} extra verifies; otherwise nothing. A diagnosis
     * never changes the outcome and never fails the request.
     */
    private String likelyCause(CallbackRequest request, byte[] body, PublicKey key, byte[] signature) {
        if (!diagnostics) {
            return "";
        }
        try {
            return "; likely cause: " + CallbackDiagnosis.likelyMismatchCause(request, signedPathPrefix, body, key,
                    signature, DIAGNOSTIC_CANDIDATES).id();
        } catch (RuntimeException e) {
            return "; no diagnosis (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** The verified body as its content type says, refused only for the wrong type or, if strict, a problem. */
    private OssCallback parse(CallbackRequest request, KeyUrls.Trusted keyUrl, byte[] body)
            throws CallbackRejectedException {
        String contentType = request.header(CallbackRequest.CONTENT_TYPE);
        BodyType type = BodyType.ofContentType(contentType);
        if (expectedBodyType != null && type != expectedBodyType) {
            throw new CallbackRejectedException(UNEXPECTED_BODY_TYPE, "content type '" + LogSafe.text(contentType)
                    + "' says " + type + ", but this verifier expects " + expectedBodyType + " bodies only");
        }
        BodyParser.Parsed parsed = BodyParser.parse(type == BodyType.JSON, body);
        if (parsed.problem != null && parsed.fields.isEmpty() && (uploadTokens != null || objectCheck != null)) {
            // A body without one reading, which the application's own decoder might read some other
            // way, is refused as what it is, not as a callback that merely lacks what is checked.
            throw new CallbackRejectedException(MALFORMED_BODY, parsed.why()
                    + "; a callback checked against an upload token or OSS must have one reading");
        }
        OssCallback callback = new OssCallback(request.path(), request.query(), keyUrl.decoded, contentType, type,
                body, parsed, fieldNames);
        if (callback.bodyProblem().isPresent()) {
            if (strictBodyParsing) {
                throw new CallbackRejectedException(MALFORMED_BODY,
                        BodyParser.withoutNothingRead(callback.bodyProblem().get()));
            }
            BodyParser.warn(request.path(), callback.bodyProblem().get());
        }
        return callback;
    }

    /** The callback's upload token, checked but not yet used up; null when the verifier checks none. */
    private UploadTokens.Checked checkUploadToken(OssCallback callback, StringToSign signed)
            throws CallbackRejectedException {
        if (uploadTokens == null) {
            return null;
        }
        return uploadTokens.check(callback.field(UploadTokens.BODY_FIELD).orElse(null),
                callback.get(SystemVariable.BUCKET).orElse(null), callback.get(SystemVariable.OBJECT).orElse(null),
                signed, callback.bodyType());
    }

    /**
     * Refuses a callback seen before, when replay protection is on. Keyed by the signature: it
     * covers path, query and body, so OSS's fallback delivery to another callback URL (another
     * path) is a different key, while a replay of the same request is not.
     *
     * @return the key recorded, or null without replay protection
     */
    private CompletableFuture<String> rejectReplay(byte[] signature) {
        if (replayStore == null) {
            return NO_REPLAY_KEY;
        }
        String key = Base64.getEncoder().encodeToString(signature);
        CompletionStage<Boolean> recorded;
        try {
            recorded = replayStore.firstSeenAsync(key, replayWindow);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.toCompletableFuture().handle((first, error) -> {
            if (error != null) {
                Throwable cause = unwrapped(error);
                throw new CompletionException(new CallbackRejectedException(
                        CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE,
                        "replay store failed: " + cause.getClass().getSimpleName(), cause));
            }
            if (!first) {
                throw new CompletionException(new CallbackRejectedException(CallbackRejectedException.Reason.REPLAYED,
                        "this callback (same signature, path, query and body) was already accepted within the last "
                                + replayWindow));
            }
            return key;
        });
    }

    private static final CompletableFuture<String> NO_REPLAY_KEY = CompletableFuture.completedFuture(null);

    /**
     * Fetches and caches the key for a key URL now, so the first callback does not wait for it.
     * OSS gives a callback 5 seconds in all; warm the cache at start-up when you use a remote key.
     */
    public void prefetchKey(String keyUrl) throws CallbackRejectedException {
        await(keys.get(keyUrls.fetchUri(keyUrl)));
    }

    /**
     * Where the keys stand: pinned key URLs, fetched keys with their fetch times, whether remote
     * fetching is on, the last failed fetch, and their {@link KeyStatus#health() health}, by this
     * verifier's clock. For health checks; cheap, a snapshot.
     */
    public KeyStatus keyStatus() {
        return keys.status().taken(clock.instant(), closed);
    }

    /**
     * Stops the threads and the HTTP client this verifier started for key fetches and waits
     * (a few seconds at most) for its threads to end; an executor passed to
     * {@link Builder#keyRefreshExecutor} is left alone. Idempotent. Afterwards pinned and cached
     * keys still verify callbacks (one arriving during shutdown is not lost), but a key that would
     * need a fetch is refused with 503 {@code key_unavailable}, and cached keys are no longer refreshed.
     * With {@link Builder#confirmWithOss}, the check's client and threads stop too, checks in
     * flight end, and callbacks are refused with 503 {@code oss_unavailable}.
     */
    @Override
    public void close() {
        closed = true;
        keys.close();
        if (objectCheck != null) {
            objectCheck.close();
        }
    }

    /** The check with OSS, or null (for tests). */
    ObjectCheck objectCheck() {
        return objectCheck;
    }

    @Override
    public String toString() {
        return "CallbackVerifier[" + keyUrls.policy() + ", maxBodyBytes=" + bodyLimit.maxBytes() + "]";
    }

    /**
     * Configures a {@link CallbackVerifier}. Each option may be set once; values are checked when
     * set and combinations when {@link #build()} runs.
     */
    public static final class Builder {
        private final Once once = new Once();
        private final KeySources keySources = new KeySources();
        private KeyUrlPolicy policy = KeyUrlPolicy.ossDefault();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Clock clock = Clock.systemUTC();
        private final Map<SystemVariable, String> fieldNames = new EnumMap<>(SystemVariable.class);
        private String signedPathPrefix = "";
        private UploadTokens uploadTokens;
        private ReplayStore usedTokens;
        private ReplayStore replayStore;
        private Duration replayWindow;
        private BodyType expectedBodyType;
        private boolean strictBodyParsing;
        private boolean diagnostics;
        private CallbackListener listener;
        private ObjectConfirmation objectConfirmation;

        private Builder() {
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be positive, got " + value);
            }
            return value;
        }

        /** Which key URLs to trust; default {@link KeyUrlPolicy#ossDefault()}. */
        public Builder keyUrlPolicy(KeyUrlPolicy policy) {
            once.mark("keyUrlPolicy");
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The largest body accepted; default {@value #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            once.mark("maxBodyBytes");
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Connect timeout for key fetches; default 2 s. */
        public Builder keyFetchConnectTimeout(Duration timeout) {
            once.mark("keyFetchConnectTimeout");
            keySources.connectTimeout = positive("keyFetchConnectTimeout", timeout);
            return this;
        }

        /** Limit on a whole key fetch, connect to last byte; default 3 s, as OSS waits only 5 s. */
        public Builder keyFetchTimeout(Duration timeout) {
            once.mark("keyFetchTimeout");
            keySources.fetchTimeout = positive("keyFetchTimeout", timeout);
            return this;
        }

        /** How old a fetched key gets before it is refreshed in the background; default 1 h. */
        public Builder keyRefreshInterval(Duration interval) {
            once.mark("keyRefreshInterval");
            keySources.refreshInterval = positive("keyRefreshInterval", interval);
            return this;
        }

        /** How long a key is served while refreshes fail, counted from its fetch; default 24 h. */
        public Builder maxKeyAge(Duration age) {
            once.mark("maxKeyAge");
            keySources.maxKeyAge = positive("maxKeyAge", age);
            return this;
        }

        /**
         * How long a failed key fetch is remembered before the next attempt; default 1 s. A key
         * host that did not answer in time, could not be reached or answered 5xx is not contacted
         * for this long for any key URL.
         */
        public Builder keyRetryBackoff(Duration backoff) {
            once.mark("keyRetryBackoff");
            keySources.retryBackoff = positive("keyRetryBackoff", backoff);
            return this;
        }

        /**
         * How many key fetches may run at once, over all key URLs; default
         * {@value #DEFAULT_MAX_CONCURRENT_KEY_FETCHES}. A callback whose key is neither pinned nor
         * cached, arriving while this many fetches run, is refused at once (503
         * {@code key_unavailable}) rather than holding its request thread; callbacks for a URL
         * already being fetched wait for that fetch, as many as {@link #maxKeyFetchWaiters} allows.
         */
        public Builder maxConcurrentKeyFetches(int max) {
            once.mark("maxConcurrentKeyFetches");
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentKeyFetches must be at least 1, got " + max);
            }
            keySources.maxConcurrentFetches = max;
            return this;
        }

        /**
         * How many requests may wait at once, over all key URLs, for a key fetch that another
         * request started; default {@value #DEFAULT_MAX_KEY_FETCH_WAITERS}. One more is refused at
         * once (503 {@code key_unavailable}): without this bound, a flood of requests naming one
         * trusted key URL whose host hangs would hold every request thread for the whole
         * {@link #keyFetchTimeout}, and genuine callbacks, even with pinned keys, would queue
         * behind them past OSS's 5 s. The request that starts a fetch is not counted; it is
         * bounded by {@link #maxConcurrentKeyFetches}.
         *
         * <p>The trade-off: a burst of more than this many first callbacks for a key that is not
         * cached yet (not pinned, not prefetched, e.g. just after OSS rotated its key) has those
         * beyond the bound refused with 503, and OSS does not retry. So call
         * {@link CallbackVerifier#prefetchKey} at start-up for every remote key you expect. OSS's
         * v1 key ({@link #OSS_KEY_URL}) is pinned by default and never waits.
         */
        public Builder maxKeyFetchWaiters(int max) {
            once.mark("maxKeyFetchWaiters");
            if (max < 1) {
                throw new IllegalArgumentException("maxKeyFetchWaiters must be at least 1, got " + max);
            }
            keySources.maxFetchWaiters = max;
            return this;
        }

        /**
         * Whether the OSS key shipped in this jar answers for {@link #OSS_KEY_URL} (and its
         * {@code http://} form) without a fetch; default true.
         */
        public Builder pinnedOssKey(boolean enabled) {
            once.mark("pinnedOssKey");
            keySources.pinnedOssKey = enabled;
            return this;
        }

        /** Whether keys that are not pinned may be fetched; default true. */
        public Builder remoteKeyFetching(boolean enabled) {
            once.mark("remoteKeyFetching");
            keySources.remoteFetching = enabled;
            return this;
        }

        /** Pins a PEM key for a key URL the policy allows, so it is never fetched. */
        public Builder pinKey(String keyUrl, String pem) {
            keySources.pin(keyUrl, pem);
            return this;
        }

        /** Names the body field that carries a system variable, e.g. {@code OBJECT -> "filename"}. */
        public Builder bodyField(SystemVariable variable, String fieldName) {
            Objects.requireNonNull(variable, "variable");
            if (fieldName == null || fieldName.isEmpty()) {
                throw new IllegalArgumentException("field name for " + variable + " must not be empty");
            }
            if (fieldNames.putIfAbsent(variable, fieldName) != null) {
                throw new IllegalStateException("a body field is already named for " + variable);
            }
            return this;
        }

        /**
         * A path prefix that a reverse proxy strips before requests reach the application. OSS
         * signs the path of the URL it called, so the verifier puts the prefix back: with OSS
         * calling {@code /api/oss/callback} and the application seeing {@code /oss/callback},
         * the prefix is {@code /api}. Default: none.
         */
        public Builder signedPathPrefix(String prefix) {
            once.mark("signedPathPrefix");
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
                throw new IllegalArgumentException("signedPathPrefix must start with '/' and not end with it, got '"
                        + prefix + "'");
            }
            this.signedPathPrefix = prefix;
            return this;
        }

        /**
         * Accepts only bodies of this type and refuses the other with 400
         * {@code unexpected_body_type}. OSS does not sign the Content-Type, so a body whose text
         * reads differently as form and as JSON could otherwise be relabelled by whoever replays
         * it; set this to the {@code callbackBodyType} your upload parameters use. Default: both.
         */
        public Builder expectedBodyType(BodyType type) {
            once.mark("expectedBodyType");
            this.expectedBodyType = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * Requires every callback to carry an upload token issued by these {@link UploadTokens},
         * to name the bucket and object it binds (and its callback path and body type, when it binds
         * them), and accepts one callback per token: a token already used is refused (409
         * {@code upload_token_used}). Used tokens are remembered, each for its lifetime, in the
         * store given to {@link #replayProtection(Duration, ReplayStore)} if there is one (under
         * keys of their own), otherwise in memory (by the {@link #clock(Clock)}; 100,000 tokens).
         * A body without fields for its problem (see {@link OssCallback#bodyProblem()}) is refused
         * with 400 {@code malformed_body}: the token is checked against one reading of the body, so
         * there must be no other. Off by default.
         */
        public Builder uploadTokens(UploadTokens tokens) {
            once.mark("uploadTokens");
            this.uploadTokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /**
         * As {@link #uploadTokens(UploadTokens)}, remembering used tokens in this store: a cluster
         * shares one (such as Redis), so a token used on one node is refused on every other. A store
         * that cannot record a token fails the callback closed (503 {@code replay_store_unavailable}).
         */
        public Builder uploadTokens(UploadTokens tokens, ReplayStore usedTokens) {
            once.mark("uploadTokens");
            this.uploadTokens = Objects.requireNonNull(tokens, "tokens");
            this.usedTokens = Objects.requireNonNull(usedTokens, "usedTokens");
            return this;
        }

        /**
         * Refuses a callback identical to one accepted within the window (409 {@code replayed}),
         * remembered in memory (by the {@link #clock(Clock)}). Opt-in: a body template without unique
         * fields (such as {@code ${reqId}} or {@code ${etag}}) makes two genuine uploads produce
         * identical callbacks.
         */
        public Builder replayProtection(Duration window) {
            once.mark("replayProtection");
            this.replayWindow = positive("replay window", window);
            return this; // the in-memory store is made in build(), with the clock set by then
        }

        /** As {@link #replayProtection(Duration)}, with a store a cluster can share. */
        public Builder replayProtection(Duration window, ReplayStore store) {
            once.mark("replayProtection");
            this.replayWindow = positive("replay window", window);
            this.replayStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Confirms every callback with OSS itself, after the signature, upload-token and replay
         * checks: a signed {@code HeadObject} for its bucket (one of the configured ones) and
         * object, which must exist with the callback's size, ETag and content type; see
         * {@link ObjectConfirmation}. Off by default: it costs a round trip to OSS per callback.
         */
        public Builder confirmWithOss(ObjectConfirmation confirmation) {
            once.mark("confirmWithOss");
            this.objectConfirmation = Objects.requireNonNull(confirmation, "confirmation");
            return this;
        }

        /**
         * Whether a verified callback whose body is not what its content type says is refused
         * (400 {@code malformed_body}) instead of delivered with {@link OssCallback#bodyProblem()};
         * default false. OSS does not retry, so a refusal loses the callback: turn this on only
         * when your templates are known good and a template mistake should fail loudly. With
         * {@link #uploadTokens} or {@link #confirmWithOss} a body that left no readable fields is
         * always refused, strict or not.
         */
        public Builder strictBodyParsing(boolean strict) {
            once.mark("strictBodyParsing");
            this.strictBodyParsing = strict;
            return this;
        }

        /**
         * Whether a signature mismatch is diagnosed: the verifier then tries up to
         * {@value CallbackVerifier#DIAGNOSTIC_CANDIDATES} changed strings to sign ({@link CallbackDiagnosis})
         * and names the likely cause in the rejection's message, the adapters' log line: a path
         * prefix a proxy added, a body a framework re-serialized, an empty body, ... Default false:
         * each mismatch then costs that many extra verifies, which a flood of forgeries would pay too.
         * The rejection itself (403 {@code signature_mismatch}) is the same either way.
         */
        public Builder diagnostics(boolean enabled) {
            once.mark("diagnostics");
            this.diagnostics = enabled;
            return this;
        }

        /**
         * The clock for all of the verifier's time: key ages and back-offs, upload-token expiry
         * (whatever clock the {@link UploadTokens} issue with) and the in-memory stores of
         * {@link #replayProtection(Duration)} and of used upload tokens. Tests pass one they control.
         */
        public Builder clock(Clock clock) {
            once.mark("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where a background key refresh runs to its end. By default a refresh is started by the
         * callback that found the key due and completes on the HTTP client's threads, while that
         * callback is answered with the cached key. Tests pass {@code Runnable::run}, so the
         * refresh has finished when {@link CallbackVerifier#verify} returns and no test waits for
         * another thread.
         */
        public Builder keyRefreshExecutor(Executor executor) {
            once.mark("keyRefreshExecutor");
            keySources.refreshExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Hears every accepted and rejected callback and every key fetch, for metrics and health
         * checks; see {@link CallbackListener}. To use several, pass {@link CallbackListener#all}.
         * Default: none.
         */
        public Builder listener(CallbackListener listener) {
            once.mark("listener");
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        Builder fetcher(Function<URI, CompletableFuture<PublicKey>> fetcher) {
            once.mark("fetcher");
            keySources.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            return this;
        }

        /**
         * The verifier.
         *
         * @throws IllegalStateException if options contradict each other or a pinned key is unusable
         */
        public CallbackVerifier build() {
            KeyUrls keyUrls = new KeyUrls(policy);
            CallbackListener guarded = listener == null ? GuardedListener.NONE : new GuardedListener(listener);
            return new CallbackVerifier(this, keyUrls, keySources.assemble(keyUrls, clock, guarded), guarded);
        }
    }
}
