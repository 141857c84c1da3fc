package io.github.osscallback.testing;

import io.github.osscallback.upload.CallbackParameters;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for OSS on 127.0.0.1, for testing a whole upload-and-callback flow with the official
 * SDKs: it takes PutObject, PostObject and multipart uploads (Initiate, UploadPart,
 * CompleteMultipartUpload), stores the objects in memory and answers GetObject and HeadObject (a
 * test can hold or fail those: {@link #holdObjectReads()}, {@link #failObjectReads(int)}), and for an upload with a callback does
 * what OSS does: renders the body from the template, signs it with its own key (served at
 * {@link #keyUrl()}), POSTs it to the callback URLs in order, and relays the result to the
 * uploader, 200 with the callback's JSON reply, or 203 with error code {@code CallbackFailed}
 * when no URL answered 200 with JSON and a Content-Length within the timeout (5 s by default).
 *
 * <p>Buckets are addressed path-style ({@code http://127.0.0.1:port/bucket/key}, what the Java
 * SDK does for an IP endpoint) or by the first label of the {@code Host} header
 * ({@code bucket.oss-cn-hangzhou.aliyuncs.com}, what ali-oss sends for an IP endpoint). Callbacks
 * go to loopback addresses only; any other URL fails as an unreachable one does. For tests only:
 * its key must never be trusted outside them.
 */
public final class OssStandIn implements AutoCloseable {

    /** How long OSS waits for a callback reply. */
    public static final Duration DEFAULT_CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    /** Where the stand-in serves its public key; {@code _} cannot start a bucket name, so no bucket hides it. */
    static final String KEY_PATH = "/_standin/callback_pub_key_v1.pem";

    static {
        LoopbackServer.preferNoDelay();
    }

    private final LoopbackServer server;
    private final Set<String> buckets;
    private final OssCallbackSigner signer;
    /** The key URL callbacks name when set on the builder; null for the stand-in's own. */
    private final String namedKeyUrl;
    private final ObjectStore store;
    private final CallbackRelay callbacks;
    private final ReadGate reads = new ReadGate();
    private final StandInRouter router;

    private OssStandIn(Builder builder, LoopbackServer server) {
        this.server = server;
        this.buckets = Set.copyOf(builder.buckets);
        this.signer = builder.signer;
        this.namedKeyUrl = builder.keyUrl;
        this.store = new ObjectStore(builder.clock);
        this.callbacks = new CallbackRelay(signer, keyUrl(), builder.callbackTimeout,
                new BucketCallbackPolicies(builder.policies));
        RequestAuthentication authentication = builder.accessKeyId == null ? null
                : new RequestAuthentication(builder.accessKeyId, builder.accessKeySecret, builder.securityToken);
        this.router = new StandInRouter(buckets, builder.clock, authentication, signer.publicKeyPem(),
                new ObjectOperations(store, callbacks, reads), new MultipartUploads(store, callbacks),
                new PostObjectUpload(store, callbacks, builder.clock, builder.accessKeyId, builder.accessKeySecret));
    }

    /** Starts a stand-in with these buckets, a fresh key, the system clock and OSS's 5 s timeout. */
    public static OssStandIn start(String... buckets) throws IOException {
        return builder().buckets(buckets).start();
    }

    /** A builder for a stand-in with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint to give the SDKs, {@code http://127.0.0.1:port}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The port the stand-in listens on. */
    public int port() {
        return server.port();
    }

    /**
     * The URL of the key the stand-in signs callbacks with, served by the stand-in itself and sent
     * (base64) in {@code x-oss-pub-key-url}: allow it in the verifier under test
     * ({@code KeyUrlPolicy.builder().allowPrefix(keyUrl())}), and pin it ({@code pinKey(keyUrl(), publicKeyPem())})
     * or let the verifier fetch it.
     */
    public String keyUrl() {
        return namedKeyUrl != null ? namedKeyUrl : endpoint() + KEY_PATH;
    }

    /** The public key in PEM, as served at {@link #keyUrl()}. */
    public String publicKeyPem() {
        return signer.publicKeyPem();
    }

    /** The object stored under a bucket and key, if any. */
    public Optional<StoredObject> object(String bucket, String key) {
        return Optional.ofNullable(store.get(bucket, key));
    }

    /** Every object stored, by bucket and key. */
    public List<StoredObject> objects() {
        return store.all();
    }

    /** Every callback request made so far, in order, one per URL tried. */
    public List<CallbackAttempt> callbacks() {
        return callbacks.attempts();
    }

    /**
     * Stores an object as a PutObject without a callback would (its ETag the hex MD5 of the bytes),
     * for tests that need an object without uploading it through an SDK.
     */
    public StoredObject putObject(String bucket, String key, byte[] content, String contentType) {
        if (!buckets.contains(bucket)) {
            throw new IllegalArgumentException("the stand-in has no bucket " + bucket);
        }
        return store.store(bucket, Objects.requireNonNull(key, "key"), content, Objects.requireNonNull(contentType,
                "contentType"), Digests.etag(content), Map.of(), "PutObject");
    }

    /**
     * Holds every HeadObject and GetObject (after its signature is checked) until the returned
     * hold is released or closed, for tests of a slow OSS: a client's timeout then decides the
     * outcome, and the test releases the hold only after the client gave up, so no race decides it.
     *
     * @throws IllegalStateException if a hold is already in place
     */
    public Hold holdObjectReads() {
        Hold hold = new Hold();
        reads.hold(hold);
        return hold;
    }

    /**
     * Answers every HeadObject and GetObject (after its signature is checked) with this 5xx
     * status and OSS's error code for it, until called with 0.
     */
    public void failObjectReads(int status) {
        reads.fail(status);
    }

    /** A hold on object reads from {@link #holdObjectReads()}; closing it releases them. */
    public final class Hold implements AutoCloseable {
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger arrived = new AtomicInteger();
        private final CountDownLatch first = new CountDownLatch(1);

        private Hold() {
        }

        void holdUntilReleased() {
            arrived.incrementAndGet();
            first.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the stand-in is closing
            }
        }

        /** Waits until at least one read is being held; false if none arrived within the timeout. */
        public boolean awaitHeld(Duration timeout) throws InterruptedException {
            return first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** How many reads arrived at the hold so far. */
        public int held() {
            return arrived.get();
        }

        /** Lets the held reads and later ones through; reads are no longer held. */
        public void release() {
            reads.release(this);
            released.countDown();
        }

        @Override
        public void close() {
            release();
        }
    }

    /** Every request received, as {@code METHOD /raw/path?query}, in order (the key fetches included). */
    public List<String> requests() {
        return router.requests();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "OssStandIn[" + endpoint() + ", buckets " + new TreeSet<>(buckets) + "]";
    }

    /** Builds an {@link OssStandIn}; each option may be set once. */
    public static final class Builder {
        private Set<String> buckets;
        private Clock clock = Clock.systemUTC();
        private Duration callbackTimeout = DEFAULT_CALLBACK_TIMEOUT;
        private OssCallbackSigner signer;
        private String keyUrl;
        private final Map<String, CallbackParameters> policies = BucketCallbackPolicies.collecting();
        private String accessKeyId;
        private String accessKeySecret;
        private String securityToken;
        private final Set<String> set = new HashSet<>();

        private Builder() {
        }

        /** The buckets that exist (at least one); requests for others get {@code NoSuchBucket}. */
        public Builder buckets(String... names) {
            once("buckets");
            Set<String> all = new LinkedHashSet<>();
            for (String name : names) {
                if (!name.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")) {
                    throw new IllegalArgumentException("not an OSS bucket name (3-63 of a-z, 0-9, '-'): " + name);
                }
                all.add(name);
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException("name at least one bucket");
            }
            buckets = all;
            return this;
        }

        /** The clock for response dates and PostObject policy expiry; default the system clock. */
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long to wait for each callback reply; default {@link #DEFAULT_CALLBACK_TIMEOUT}, as OSS. */
        public Builder callbackTimeout(Duration timeout) {
            once("callbackTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("callbackTimeout must be positive, was " + timeout);
            }
            this.callbackTimeout = timeout;
            return this;
        }

        /** The key callbacks are signed with; default a fresh 512-bit key, the size OSS uses. */
        public Builder signer(OssCallbackSigner signer) {
            once("signer");
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * The key URL callbacks name in {@code x-oss-pub-key-url}, for a key served elsewhere (a
         * {@link LoopbackKeyServer} on a port fixed in advance, say) that must then serve the
         * signer's public key; default the stand-in's own URL.
         */
        public Builder keyUrl(String url) {
            once("keyUrl");
            this.keyUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Stores a callback policy on the buckets under this name (OSS's PutBucketCallbackPolicy):
         * an upload sending {@code CallbackParameters.policyHeader(name)} gets these parameters.
         */
        public Builder callbackPolicy(String name, CallbackParameters parameters) {
            Objects.requireNonNull(parameters, "parameters");
            if (policies.putIfAbsent(Objects.requireNonNull(name, "name"), parameters) != null) {
                throw new IllegalStateException("callback policy " + name + " is already set");
            }
            return this;
        }

        /**
         * Requires requests to be signed with this AccessKey, with OSS's V1 or V4 header signature,
         * and PostObject forms with a V1 or V4 policy signature. Without it every request is
         * accepted, signed or not.
         */
        public Builder accessKey(String id, String secret) {
            once("accessKey");
            this.accessKeyId = Objects.requireNonNull(id, "id");
            this.accessKeySecret = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /**
         * Requires, with {@link #accessKey}, that requests also carry this STS security token in
         * {@code x-oss-security-token} (covered by their signature), as OSS does for temporary
         * credentials: a request without it, or with another, is refused (403 InvalidSecurityToken).
         */
        public Builder securityToken(String token) {
            once("securityToken");
            this.securityToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Starts the stand-in on a free loopback port. */
        public OssStandIn start() throws IOException {
            if (buckets == null) {
                throw new IllegalStateException("name at least one bucket");
            }
            if (securityToken != null && accessKeyId == null) {
                throw new IllegalStateException("securityToken needs accessKey");
            }
            if (signer == null) {
                signer = OssCallbackSigner.generate();
            }
            LoopbackServer server = LoopbackServer.bind(0, "oss-stand-in");
            OssStandIn standIn = new OssStandIn(this, server);
            server.serve(standIn.router::handle);
            return standIn;
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " is already set");
            }
        }
    }
}
