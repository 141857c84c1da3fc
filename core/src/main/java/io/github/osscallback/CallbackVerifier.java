package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.INVALID_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNEXPECTED_BODY_TYPE;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Verifies OSS upload callbacks: checks the two callback headers, the key URL against the
 * {@link KeyUrlPolicy}, fetches and caches the signing key, verifies the MD5withRSA signature
 * and parses the body into an {@link OssCallback}. Build one per application and share it; it is
 * immutable and thread-safe.
 *
 * <pre>{@code
 * CallbackVerifier verifier = CallbackVerifier.builder().build();   // OSS's key host, pinned key
 * OssCallback callback = verifier.verify(request);                 // or CallbackRejectedException
 * }</pre>
 */
public final class CallbackVerifier {

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
    /** Key fetches running at once; more are refused (503 {@code key_unavailable}), never queued. */
    public static final int DEFAULT_MAX_CONCURRENT_KEY_FETCHES = 4;

    /** Where OSS publishes its key; the same key ships in this jar, pinned by default. */
    public static final String OSS_KEY_URL = "https://" + KeyUrlPolicy.OSS_KEY_HOST + "/callback_pub_key_v1.pem";

    /** 4096-bit signatures are 684 base64 characters; key URLs are short. */
    static final int MAX_SIGNATURE_HEADER_LENGTH = 1024;
    static final int MAX_KEY_URL_HEADER_LENGTH = 4 * KeyUrlPolicy.MAX_KEY_URL_LENGTH / 3 + 4;

    private final KeyUrlPolicy policy;
    private final int maxBodyBytes;
    private final PublicKeySource keys;
    private final Map<SystemVariable, String> fieldNames;
    private final String signedPathPrefix;
    private final UploadTokens uploadTokens;
    private final ReplayStore replayStore;
    private final Duration replayWindow;
    private final BodyParser.Kind expectedBodyType;
    private final boolean strictBodyParsing;
    /** Header value to checked fetch URI, for allowed URLs only, so repeat callbacks skip the parse. */
    private final Cache<String, TrustedKeyUrl> trustedKeyUrls = Caffeine.newBuilder()
            .executor(Runnable::run) // as in CachingKeySource: no thread switch on the request path
            .maximumSize(64)
            .build();

    private CallbackVerifier(KeyUrlPolicy policy, int maxBodyBytes, PublicKeySource keys,
                             Map<SystemVariable, String> fieldNames, String signedPathPrefix,
                             UploadTokens uploadTokens, ReplayStore replayStore, Duration replayWindow,
                             BodyParser.Kind expectedBodyType, boolean strictBodyParsing) {
        this.policy = policy;
        this.maxBodyBytes = maxBodyBytes;
        this.keys = keys;
        this.fieldNames = fieldNames;
        this.signedPathPrefix = signedPathPrefix;
        this.uploadTokens = uploadTokens;
        this.replayStore = replayStore;
        this.replayWindow = replayWindow;
        this.expectedBodyType = expectedBodyType;
        this.strictBodyParsing = strictBodyParsing;
    }

    /** Starts a configuration; every option has a safe default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The largest body this verifier accepts. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The key URL policy in force. */
    public KeyUrlPolicy keyUrlPolicy() {
        return policy;
    }

    /**
     * Reads a request body, refusing more than {@link #maxBodyBytes()} before buffering it.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     * @throws CallbackRejectedException {@code BODY_TOO_LARGE}, or {@code BODY_UNREADABLE} on I/O failure
     */
    public byte[] readBody(InputStream in, long declaredLength) throws CallbackRejectedException {
        if (declaredLength > maxBodyBytes) {
            throw tooLarge("declares " + declaredLength + " bytes");
        }
        try {
            if (declaredLength >= 0) {
                // The usual case: read exactly the declared bytes into their final array, no copying.
                byte[] body = in.readNBytes((int) declaredLength);
                if (body.length < declaredLength) {
                    throw shortBody(body.length, declaredLength);
                }
                if (in.read() != -1) {
                    throw tooLarge("has more bytes than its Content-Length of " + declaredLength);
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8192, maxBodyBytes));
            byte[] chunk = new byte[Math.min(8192, maxBodyBytes + 1)];
            int total = 0;
            int n;
            while ((n = in.read(chunk, 0, Math.min(chunk.length, maxBodyBytes + 1 - total))) > 0) {
                total += n;
                if (total > maxBodyBytes) {
                    throw tooLarge("has more than " + maxBodyBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | UncheckedIOException e) {
            throw new CallbackRejectedException(BODY_UNREADABLE, "body could not be read: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * A body cut short would be verified as if complete, and fail as a misleading signature
     * mismatch. No bytes at all usually means an earlier filter read the body (for instance by
     * asking for form parameters), which only running the OSS filter first can fix.
     */
    private static CallbackRejectedException shortBody(int received, long declared) {
        String hint = received == 0
                ? "; no body bytes were left to read: another filter or framework probably consumed the body,"
                        + " so the OSS callback filter must run before anything that reads parameters or the body"
                : "";
        return new CallbackRejectedException(BODY_UNREADABLE, "body ended after " + received + " of the "
                + declared + " bytes its Content-Length declares" + hint);
    }

    private CallbackRejectedException tooLarge(String what) {
        return new CallbackRejectedException(BODY_TOO_LARGE, "body " + what + "; the limit is " + maxBodyBytes + " bytes");
    }

    /**
     * Verifies a callback request.
     *
     * @return the verified callback, with its body parsed
     * @throws CallbackRejectedException if the request is not a genuine, well-formed OSS callback
     */
    public OssCallback verify(CallbackRequest request) throws CallbackRejectedException {
        Objects.requireNonNull(request, "request");
        if (!request.method().equals("POST")) {
            throw new CallbackRejectedException(METHOD_NOT_ALLOWED, "method is " + LogSafe.text(request.method())
                    + "; OSS sends callbacks with POST");
        }
        byte[] signature = decodeBase64(CallbackRequest.AUTHORIZATION,
                singleHeader(request, CallbackRequest.AUTHORIZATION, MAX_SIGNATURE_HEADER_LENGTH));
        TrustedKeyUrl keyUrl = trustedKeyUrl(
                singleHeader(request, CallbackRequest.PUB_KEY_URL, MAX_KEY_URL_HEADER_LENGTH));
        byte[] body = request.bodyBytes();
        if (body.length > maxBodyBytes) {
            throw tooLarge("has " + body.length + " bytes");
        }
        StringToSign signed = StringToSign.of(signedPathPrefix + request.path(), request.query(), body);
        signed.refuseReframingPath();
        PublicKey key = keys.get(keyUrl.fetchUri);
        boolean matches;
        try {
            matches = signed.verifies(key, signature);
        } catch (InvalidKeyException e) {
            throw new CallbackRejectedException(INVALID_KEY, "key from " + keyUrl.fetchUri
                    + " cannot verify " + StringToSign.ALGORITHM + " signatures", e);
        }
        if (!matches) {
            throw new CallbackRejectedException(SIGNATURE_MISMATCH, "signature of " + signature.length
                    + " bytes does not match " + request + " under the key from " + keyUrl.fetchUri);
        }
        String contentType = request.header(CallbackRequest.CONTENT_TYPE);
        BodyParser.Kind kind = BodyParser.kindOf(contentType);
        if (expectedBodyType != null && kind != expectedBodyType) {
            throw new CallbackRejectedException(UNEXPECTED_BODY_TYPE, "content type '" + LogSafe.text(contentType)
                    + "' says " + kind + ", but this verifier expects " + expectedBodyType + " bodies only");
        }
        BodyParser.Parsed parsed = BodyParser.parse(kind, body);
        OssCallback callback = new OssCallback(request.path(), request.query(), keyUrl.decoded, contentType, body,
                parsed, fieldNames);
        if (callback.bodyProblem().isPresent()) {
            if (strictBodyParsing) {
                throw new CallbackRejectedException(MALFORMED_BODY,
                        BodyParser.withoutNothingRead(callback.bodyProblem().get()));
            }
            BodyParser.warn(request.path(), callback.bodyProblem().get());
        }
        QueryNames.refuseOverlap(request.query(), callback.fields().keySet());
        if (uploadTokens != null) {
            callback = callback.withUploadSubject(uploadTokens.check(callback.field(UploadTokens.BODY_FIELD).orElse(null),
                    callback.bucket().orElse(null), callback.object().orElse(null)));
        }
        if (replayStore != null) {
            rejectReplay(signature);
        }
        return callback;
    }

    /**
     * Keyed by the signature: it covers path, query and body, so OSS's fallback delivery to another
     * callback URL (another path) is a different key, while a replay of the same request is not.
     */
    private void rejectReplay(byte[] signature) throws CallbackRejectedException {
        String key = Base64.getEncoder().encodeToString(signature);
        boolean first;
        try {
            first = replayStore.firstSeen(key, replayWindow);
        } catch (RuntimeException e) {
            throw new CallbackRejectedException(CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE,
                    "replay store failed: " + e.getClass().getSimpleName(), e);
        }
        if (!first) {
            throw new CallbackRejectedException(CallbackRejectedException.Reason.REPLAYED,
                    "this callback (same signature, path, query and body) was already accepted within the last "
                            + replayWindow);
        }
    }

    /**
     * Fetches and caches the key for a key URL now, so the first callback does not wait for it.
     * OSS gives a callback 5 seconds in all; warm the cache at start-up when you use a remote key.
     */
    public void prefetchKey(String keyUrl) throws CallbackRejectedException {
        keys.get(policy.fetchUriFor(keyUrl));
    }

    private static String singleHeader(CallbackRequest request, String name, int maxLength)
            throws CallbackRejectedException {
        List<String> values = request.headers(name);
        if (values.isEmpty()) {
            throw new CallbackRejectedException(MISSING_HEADER, "header '" + name + "' is missing");
        }
        if (values.size() > 1) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' appears "
                    + values.size() + " times; exactly one is expected");
        }
        String value = values.get(0).trim();
        if (value.isEmpty()) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is empty");
        }
        if (value.length() > maxLength) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is " + value.length()
                    + " characters long; at most " + maxLength + " are expected");
        }
        return value;
    }

    private static byte[] decodeBase64(String name, String value) throws CallbackRejectedException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is not valid base64: "
                    + e.getMessage());
        }
    }

    private TrustedKeyUrl trustedKeyUrl(String header) throws CallbackRejectedException {
        TrustedKeyUrl known = trustedKeyUrls.getIfPresent(header);
        if (known != null) {
            return known;
        }
        String decoded = new String(decodeBase64(CallbackRequest.PUB_KEY_URL, header), StandardCharsets.ISO_8859_1);
        TrustedKeyUrl trusted = new TrustedKeyUrl(decoded, policy.fetchUriFor(decoded));
        trustedKeyUrls.put(header, trusted);
        return trusted;
    }

    /** A key URL the policy allowed, with the URI to fetch it from. */
    private static final class TrustedKeyUrl {
        final String decoded;
        final URI fetchUri;

        TrustedKeyUrl(String decoded, URI fetchUri) {
            this.decoded = decoded;
            this.fetchUri = fetchUri;
        }
    }

    @Override
    public String toString() {
        return "CallbackVerifier[" + policy + ", maxBodyBytes=" + maxBodyBytes + "]";
    }

    /**
     * Configures a {@link CallbackVerifier}. Each option may be set once; values are checked when
     * set and combinations when {@link #build()} runs.
     */
    public static final class Builder {
        private final Set<String> set = new HashSet<>();
        private KeyUrlPolicy policy = KeyUrlPolicy.ossDefault();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration connectTimeout = DEFAULT_KEY_CONNECT_TIMEOUT;
        private Duration fetchTimeout = DEFAULT_KEY_FETCH_TIMEOUT;
        private Duration refreshInterval = DEFAULT_KEY_REFRESH_INTERVAL;
        private Duration maxKeyAge = DEFAULT_MAX_KEY_AGE;
        private Duration retryBackoff = DEFAULT_KEY_RETRY_BACKOFF;
        private int maxConcurrentKeyFetches = DEFAULT_MAX_CONCURRENT_KEY_FETCHES;
        private boolean pinnedOssKey = true;
        private boolean remoteKeyFetching = true;
        private final Map<String, String> pinnedPems = new LinkedHashMap<>();
        private final Map<SystemVariable, String> fieldNames = new EnumMap<>(SystemVariable.class);
        private Clock clock = Clock.systemUTC();
        private Function<URI, CompletableFuture<PublicKey>> fetcher;
        private String signedPathPrefix = "";
        private UploadTokens uploadTokens;
        private ReplayStore replayStore;
        private Duration replayWindow;
        private Executor keyRefreshExecutor;
        private BodyParser.Kind expectedBodyType;
        private boolean strictBodyParsing;

        private Builder() {
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
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
            once("keyUrlPolicy");
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The largest body accepted; default {@value #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            once("maxBodyBytes");
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Connect timeout for key fetches; default 2 s. */
        public Builder keyFetchConnectTimeout(Duration timeout) {
            once("keyFetchConnectTimeout");
            this.connectTimeout = positive("keyFetchConnectTimeout", timeout);
            return this;
        }

        /** Limit on a whole key fetch, connect to last byte; default 3 s, as OSS waits only 5 s. */
        public Builder keyFetchTimeout(Duration timeout) {
            once("keyFetchTimeout");
            this.fetchTimeout = positive("keyFetchTimeout", timeout);
            return this;
        }

        /** How old a fetched key gets before it is refreshed in the background; default 1 h. */
        public Builder keyRefreshInterval(Duration interval) {
            once("keyRefreshInterval");
            this.refreshInterval = positive("keyRefreshInterval", interval);
            return this;
        }

        /** How long a key is served while refreshes fail, counted from its fetch; default 24 h. */
        public Builder maxKeyAge(Duration age) {
            once("maxKeyAge");
            this.maxKeyAge = positive("maxKeyAge", age);
            return this;
        }

        /**
         * How long a failed key fetch is remembered before the next attempt; default 1 s. A key
         * host that did not answer in time, could not be reached or answered 5xx is not contacted
         * for this long for any key URL.
         */
        public Builder keyRetryBackoff(Duration backoff) {
            once("keyRetryBackoff");
            this.retryBackoff = positive("keyRetryBackoff", backoff);
            return this;
        }

        /**
         * How many key fetches may run at once, over all key URLs; default
         * {@value #DEFAULT_MAX_CONCURRENT_KEY_FETCHES}. A callback whose key is neither pinned nor
         * cached, arriving while this many fetches run, is refused at once (503
         * {@code key_unavailable}) rather than holding its request thread; callbacks for a URL
         * already being fetched wait for that fetch.
         */
        public Builder maxConcurrentKeyFetches(int max) {
            once("maxConcurrentKeyFetches");
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentKeyFetches must be at least 1, got " + max);
            }
            this.maxConcurrentKeyFetches = max;
            return this;
        }

        /**
         * Whether the OSS key shipped in this jar answers for {@link #OSS_KEY_URL} (and its
         * {@code http://} form) without a fetch; default true.
         */
        public Builder pinnedOssKey(boolean enabled) {
            once("pinnedOssKey");
            this.pinnedOssKey = enabled;
            return this;
        }

        /** Whether keys that are not pinned may be fetched; default true. */
        public Builder remoteKeyFetching(boolean enabled) {
            once("remoteKeyFetching");
            this.remoteKeyFetching = enabled;
            return this;
        }

        /** Pins a PEM key for a key URL the policy allows, so it is never fetched. */
        public Builder pinKey(String keyUrl, String pem) {
            Objects.requireNonNull(keyUrl, "keyUrl");
            Objects.requireNonNull(pem, "pem");
            if (pinnedPems.putIfAbsent(keyUrl, pem) != null) {
                throw new IllegalStateException("a key is already pinned for " + keyUrl);
            }
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
            once("signedPathPrefix");
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
        public Builder expectedBodyType(CallbackParameters.BodyType type) {
            once("expectedBodyType");
            Objects.requireNonNull(type, "type");
            this.expectedBodyType = type == CallbackParameters.BodyType.JSON ? BodyParser.Kind.JSON : BodyParser.Kind.FORM;
            return this;
        }

        /**
         * Requires every callback to carry an upload token issued by these {@link UploadTokens}
         * and to name the bucket and object it binds. Off by default.
         */
        public Builder uploadTokens(UploadTokens tokens) {
            once("uploadTokens");
            this.uploadTokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /**
         * Refuses a callback identical to one accepted within the window (409 {@code replayed}),
         * remembered in memory (by the {@link #clock(Clock)}). Opt-in: a body template without unique
         * fields (such as {@code ${reqId}} or {@code ${etag}}) makes two genuine uploads produce
         * identical callbacks.
         */
        public Builder replayProtection(Duration window) {
            once("replayProtection");
            this.replayWindow = positive("replay window", window);
            return this; // the in-memory store is made in build(), with the clock set by then
        }

        /** As {@link #replayProtection(Duration)}, with a store a cluster can share. */
        public Builder replayProtection(Duration window, ReplayStore store) {
            once("replayProtection");
            this.replayWindow = positive("replay window", window);
            this.replayStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Whether a verified callback whose body is not what its content type says is refused
         * (400 {@code malformed_body}) instead of delivered with {@link OssCallback#bodyProblem()};
         * default false. OSS does not retry, so a refusal loses the callback: turn this on only
         * when your templates are known good and a template mistake should fail loudly.
         */
        public Builder strictBodyParsing(boolean strict) {
            once("strictBodyParsing");
            this.strictBodyParsing = strict;
            return this;
        }

        /**
         * The clock for all of the verifier's time: key ages and back-offs, upload-token expiry
         * (whatever clock the {@link UploadTokens} issue with) and the in-memory replay store of
         * {@link #replayProtection(Duration)}. Tests pass one they control.
         */
        public Builder clock(Clock clock) {
            once("clock");
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
            once("keyRefreshExecutor");
            this.keyRefreshExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Applies container-neutral settings, as strings (servlet init-params, JAX-RS properties).
         * See {@link VerifierSettings} for the names.
         *
         * @throws IllegalArgumentException on an unknown name or a bad value
         */
        public Builder settings(Map<String, String> settings) {
            VerifierSettings.apply(settings, this);
            return this;
        }

        Builder fetcher(Function<URI, CompletableFuture<PublicKey>> fetcher) {
            once("fetcher");
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            return this;
        }

        /**
         * The verifier.
         *
         * @throws IllegalStateException if options contradict each other or a pinned key is unusable
         */
        public CallbackVerifier build() {
            if (connectTimeout.compareTo(fetchTimeout) > 0) {
                throw new IllegalStateException("keyFetchConnectTimeout " + connectTimeout
                        + " exceeds keyFetchTimeout " + fetchTimeout);
            }
            if (refreshInterval.compareTo(maxKeyAge) > 0) {
                throw new IllegalStateException("keyRefreshInterval " + refreshInterval
                        + " exceeds maxKeyAge " + maxKeyAge + ", so keys would expire before any refresh");
            }
            Map<URI, PublicKey> pinned = new LinkedHashMap<>();
            if (pinnedOssKey && policy.allows(OSS_KEY_URL)) {
                pinned.put(fetchUri(OSS_KEY_URL), OssKey.PUBLIC_KEY);
            }
            for (Map.Entry<String, String> pin : pinnedPems.entrySet()) {
                if (!policy.allows(pin.getKey())) {
                    throw new IllegalStateException("key pinned for " + pin.getKey()
                            + " would never be used: " + policy + " does not allow that URL");
                }
                try {
                    pinned.put(fetchUri(pin.getKey()), PemKeys.parse(pin.getValue()));
                } catch (PemKeys.InvalidKeyFormat e) {
                    throw new IllegalStateException("key pinned for " + pin.getKey() + " does not parse: "
                            + e.getMessage(), e);
                }
            }
            if (!remoteKeyFetching && pinned.isEmpty()) {
                throw new IllegalStateException("remote key fetching is off and no key is pinned for "
                        + policy + "; no callback could ever verify");
            }
            PublicKeySource remote = null;
            if (remoteKeyFetching) {
                Function<URI, CompletableFuture<PublicKey>> f = fetcher != null
                        ? fetcher : new RemoteKeySource(connectTimeout, fetchTimeout);
                remote = new CachingKeySource(new KeyFetchLimiter(f, maxConcurrentKeyFetches, clock, retryBackoff),
                        clock, refreshInterval, maxKeyAge, retryBackoff, keyRefreshExecutor);
            }
            PublicKeySource source = pinned.isEmpty() ? remote : new PinnedKeySource(pinned, remote);
            // One clock: the verifier's reaches the tokens it checks and the replay store it makes.
            UploadTokens tokens = uploadTokens == null ? null : uploadTokens.checkingBy(clock);
            ReplayStore replays = replayWindow != null && replayStore == null
                    ? ReplayStore.inMemory(DEFAULT_REPLAY_ENTRIES, clock) : replayStore;
            return new CallbackVerifier(policy, maxBodyBytes, source, OssCallback.copyOf(fieldNames), signedPathPrefix,
                    tokens, replays, replayWindow, expectedBodyType, strictBodyParsing);
        }

        private URI fetchUri(String keyUrl) {
            try {
                return policy.fetchUriFor(keyUrl);
            } catch (CallbackRejectedException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
